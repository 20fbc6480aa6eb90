/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktap_int.h - internal types of the C VM core.
 *
 * Values are 16-byte (payload, tag) pairs.  Heap objects (runtime strings,
 * tables, closures, upvalues, event objects) live in one arena preallocated at
 * load and managed by a buddy allocator; a precise mark-and-sweep collector
 * runs only when a quota or the arena is exhausted (as the Java VM recounts
 * its quotas only then), so a handler normally never collects.
 */
#ifndef KTAP_INT_H
#define KTAP_INT_H

#include "ktap_port.h"
#include "ktap_opcodes.h"
#include "ktap_ring.h"
#include "ktapvm.h"

/* Value tags. */
enum ktap_tag {
	KT_NIL = 0,
	KT_BOOL,
	KT_NUM,
	KT_STR,
	KT_TAB,
	KT_FUNC,	/* a closure */
	KT_BFUNC,	/* a bound builtin (the early API's e.tostring) */
	KT_EVENT,	/* the event object (the early API's fn(e)) */
	KT_AGG,		/* an aggregation (AGG, TAGG) */
};

struct ktap_gc;
struct ktap_str;
struct ktap_tab;
struct ktap_closure;
struct ktap_upval;
struct ktap_evobj;
struct ktap_bfunc;
struct ktap_agg;

struct ktap_value {
	union {
		s64 n;
		u64 u;
		struct ktap_gc *gc;
		struct ktap_str *s;
		struct ktap_tab *t;
		struct ktap_closure *cl;
		struct ktap_evobj *ev;
		struct ktap_bfunc *bf;
		struct ktap_agg *ag;
	} v;
	u32 tag;
	u32 aux;	/* table entries keep the key's hash here */
};

/* Heap object header. */
enum ktap_gc_type {
	KGC_STR = 1,
	KGC_TAB,
	KGC_CLOSURE,
	KGC_UPVAL,
	KGC_EVOBJ,
	KGC_BFUNC,
	KGC_BLOCK,	/* a table's entry or index array (owned, not in the list) */
	KGC_AGG,
};

#define KGC_FLAG_CONST	1	/* a chunk constant: not in the heap, never counted */
#define KGC_FLAG_HASHED	2	/* a string whose hash is computed */

struct ktap_gc {
	struct ktap_gc *next;	/* all heap objects, newest first */
	u8 type;
	u8 mark;
	u8 order;		/* buddy order of the block */
	u8 flags;
	u32 unused;
};

struct ktap_str {
	struct ktap_gc gc;
	u32 len;
	u32 hash;		/* valid when gc.flags has KGC_FLAG_HASHED */
	char data[];		/* len bytes and a NUL */
};

/* A string's hash, computed on first use (most strings never become keys). */
u32 ktap_str_hash(const char *s, u32 len);
static inline u32 ktap_str_hashof(struct ktap_str *s)
{
	if (!(s->gc.flags & KGC_FLAG_HASHED)) {
		s->hash = ktap_str_hash(s->data, s->len);
		s->gc.flags |= KGC_FLAG_HASHED;
	}
	return s->hash;
}

#define KTAP_TAB_EMPTY		0xffffffffu
#define KTAP_TAB_DELETED	0xfffffffeu
#define KTAP_TAB_MIN_ENTRIES	4u

struct ktap_tentry {
	struct ktap_value k;	/* k.aux: the key's hash */
	struct ktap_value v;	/* nil: a dead entry */
};

/*
 * An insertion-ordered table (the Java VM's KTable, entry for entry): the
 * entries in the order their keys were first inserted, dead entries left in
 * place until the entry array fills, and an open-addressing index of twice
 * the entry capacity.  pairs() walks the entries, so both VMs visit keys in
 * the same order.
 */
struct ktap_tab {
	struct ktap_gc gc;
	struct ktap_tentry *ent;
	u32 *index;
	u32 cap;		/* entry capacity, a power of two */
	u32 used;		/* entries used, live or dead */
	u32 live;
	u32 id;			/* shown as table: 0x%08x */
	u32 uncounted;		/* the arg table: outside the entry quota */
};

struct ktap_upval {
	struct ktap_gc gc;
	struct ktap_upval *next;	/* open upvalues, by descending slot */
	u32 slot;
	u32 open;
	struct ktap_value v;		/* the value once closed */
};

struct ktap_closure {
	struct ktap_gc gc;
	struct ktap_proto *p;
	u32 nups;
	u32 root;			/* a prototype's root closure */
	struct ktap_upval *ups[];
};

struct ktap_evobj {
	struct ktap_gc gc;
	u64 serial;		/* the invocation it belongs to */
};

struct ktap_bfunc {
	struct ktap_gc gc;
	struct ktap_value recv;
};

/* An aggregation descriptor (the chunk's AGGREGATIONS section). */
struct ktap_agg_spec {
	const char *name;
	u32 name_len;
	u32 kind;		/* enum ktap_agg_kind */
	s64 min, max, step;	/* lhist's bounds, else 0 */
	u32 nbuckets;		/* hist 65, lhist (max - min) / step + 2, else 0 (set by the verifier) */
	u32 quota;		/* table entries an aggregation counts: 1 + nbuckets / 8 rounded up */
};

/*
 * An aggregation (io.ktap.vm.KAgg): every kind keeps the number of updates,
 * the wrapping total, the smallest and the largest value; histograms their
 * buckets, inline.  Counted against the entry quota as spec->quota entries.
 */
struct ktap_agg {
	struct ktap_gc gc;
	const struct ktap_agg_spec *spec;
	u64 count;
	u64 sum;		/* wrapping: unsigned arithmetic */
	s64 min, max;
	u64 buckets[];
};

struct ktap_proto {
	const char *name;
	u32 name_len;
	u32 line;
	s32 parent;
	u32 index;
	u8 nparams;
	u8 variadic;
	u8 frame;
	u32 ncode;
	u32 *code;
	u32 *lines;
	u32 nk;
	struct ktap_value *k;
	u32 nups;
	u8 *up_instack;
	u8 *up_index;
	struct ktap_closure *root;	/* root prototypes: their closure */
};

struct ktap_limits {
	u64 handler_budget;
	u64 main_budget;
	u32 max_call_depth;
	u32 max_stack_slots;
	u32 max_string;
	u32 max_tables;
	u32 max_entries;
	u32 string_pool;
	u32 max_closures;
};

struct ktap_probe {
	u32 kind;
	u32 handler;
	const char *spec;
	u32 spec_len;
	const char *filter;
	u32 filter_len;
	u64 period_ns;
	u64 *ids;
	u32 nids;
};

enum ktap_field_type {
	KTAP_FIELD_NUMBER = 1,
	KTAP_FIELD_STRING = 2,
	KTAP_FIELD_BOOLEAN = 3,
	KTAP_FIELD_ANY = 4,	/* u8 tag (0 nil, 1 number, 2 string, 3 boolean), then that type's encoding */
};

struct ktap_schema {
	const char *name;
	u32 name_len;
	u32 nfields;
	const char **fname;
	u32 *fname_len;
	u8 *ftype;
};

/* A loaded chunk: everything points into one load-time allocation. */
struct ktap_chunk {
	const char *source;
	u32 source_len;
	struct ktap_limits limits;
	u32 nglobals;
	const char **gname;
	u32 *gname_len;
	u32 nprotos;
	struct ktap_proto *protos;
	u32 nend;
	u32 *end;
	u32 nprobes;
	struct ktap_probe *probes;
	u32 nschemas;
	struct ktap_schema *schemas;
	u32 naggs;
	struct ktap_agg_spec *aggs;
	s32 arg_slot;		/* the global `arg`, or -1 */
	void *mem;		/* the allocation holding all of the above */
};

/* The buddy allocator over the heap arena. */
#define KTAP_BUDDY_MIN_SHIFT	5	/* 32-byte minimum block */
#define KTAP_BUDDY_MAX_ORDER	27
#define KTAP_QUICK_ORDERS	5	/* blocks of 32 to 512 bytes are recycled first */

struct ktap_buddy_free {
	struct ktap_buddy_free *next;
	struct ktap_buddy_free *prev;
};

struct ktap_heap {
	u8 *base;
	u32 size;		/* a power of two */
	u32 max_order;
	u32 used;
	u8 *meta;		/* per 32-byte unit: order | FREE bit at block starts */
	struct ktap_buddy_free free[KTAP_BUDDY_MAX_ORDER + 1];
	void *quick[KTAP_QUICK_ORDERS];	/* freed small blocks, not yet coalesced */
};

struct ktap_frame {
	u32 base;
	u32 pc;
	u32 ret;
	s32 want;
	u32 varbase;
	u32 varcount;
	struct ktap_closure *cl;
};

#define KTAP_DYN_SPEC_MAX	256

struct ktap_dynprobe {
	char spec[KTAP_DYN_SPEC_MAX + 24];	/* a copy: not a heap string */
	u32 spec_len;
	struct ktap_value fn;		/* a closure */
};

#define KTAP_MAX_DYNAMIC	64
#define KTAP_ERRMSG_SIZE	256
#define KTAP_GC_TEMPS		4

/* Userspace builds: the simulated kernel the caller controls (see ktapvm_user.h). */
struct ktap_user_env;

#define KTAP_NAME_CACHE	32

struct ktap_vm {
	struct ktap_chunk chunk;
	struct ktap_value *globals;
	struct ktap_closure *roots;	/* root prototypes' closures */

	/* heap */
	struct ktap_heap heap;
	struct ktap_gc *objects;
	u32 tables, entries, closures;
	u64 string_bytes;
	u32 next_id;
	u64 gc_runs;
	struct ktap_value gc_temp[KTAP_GC_TEMPS];	/* extra roots during builtins */
	/*
	 * argname strings by the address of the event's name (the host keeps
	 * one name per event): a counting handler then allocates nothing.
	 * Not roots: the collector empties the cache before it marks.
	 */
	const char *name_src[KTAP_NAME_CACHE];
	struct ktap_str *name_str[KTAP_NAME_CACHE];

	/* the stack of the running invocation */
	struct ktap_value *stack;
	u32 stack_limit;	/* slots an invocation may use */
	struct ktap_frame *frames;
	u32 max_depth;
	u32 depth;
	u32 top;
	u32 high_water;
	struct ktap_upval *open_ups;

	/* the running invocation */
	const struct ktapvm_event *event;
	struct ktap_evobj *event_obj;
	u64 serial;
	u32 running;		/* an invocation is executing */
	bool stopped;
	bool ended;
	s32 exit_status;
	struct ktap_tab *arg_table;
	s64 budget_left;	/* beyond the current slice (process context) */
	bool resched;		/* main/end: yield between slices */

	struct ktap_dynprobe dyn[KTAP_MAX_DYNAMIC];
	u32 ndyn;
	struct ktap_value endfn[KTAP_MAX_DYNAMIC];
	u32 nendfn;

	/* errors */
	char errmsg[KTAP_ERRMSG_SIZE];
	u32 errlen;

	/* output */
	struct ktap_ring *rings;
	u32 nr_rings;
	char *scratch;		/* record formatting */
	u32 scratch_size;
	char *text;		/* argevent formatting */
	u32 text_size;
	void *sortbuf;		/* histogram: 2 x max_entries positions */
	u32 sortbuf_entries;

	/* concurrency */
	struct ktap_port_lock lock;
	u8 *busy;		/* per CPU id: inside this VM */
	u64 recursion;
	u64 stopped_runs;

	struct ktap_user_env *env;	/* userspace only */
};

/* ---- errors (ktap_vm.c) ---- */
#define KTAP_ERR	(-1)
#define KTAP_EXITED	(-2)

void ktap_err_begin(struct ktap_vm *vm);
void ktap_err_str(struct ktap_vm *vm, const char *s);
void ktap_err_mem(struct ktap_vm *vm, const char *s, u32 len);
void ktap_err_num(struct ktap_vm *vm, s64 n);
int ktap_err(struct ktap_vm *vm, const char *msg);
int ktap_err2(struct ktap_vm *vm, const char *a, const char *b, const char *c);
const char *ktap_typename(const struct ktap_value *v);

/* ---- heap (ktap_heap.c) ---- */
int ktap_heap_init(struct ktap_heap *h, u32 size);
void ktap_heap_destroy(struct ktap_heap *h);
void *ktap_alloc(struct ktap_vm *vm, u32 size, u8 type);
void ktap_free_block(struct ktap_vm *vm, void *p);
void ktap_gc_collect(struct ktap_vm *vm);
struct ktap_str *ktap_str_new(struct ktap_vm *vm, const char *s, u32 len);
struct ktap_str *ktap_str_runtime(struct ktap_vm *vm, const char *s, u32 len);
int ktap_quota_string(struct ktap_vm *vm, u32 bytes);
int ktap_quota_closure(struct ktap_vm *vm);
struct ktap_tab *ktap_tab_new(struct ktap_vm *vm, u32 hint);
int ktap_tab_arrays(struct ktap_vm *vm, struct ktap_tab *t, u32 cap);
struct ktap_closure *ktap_closure_new(struct ktap_vm *vm, struct ktap_proto *p);
struct ktap_upval *ktap_upval_new(struct ktap_vm *vm);

/* ---- tables (ktap_table.c) ---- */
bool ktap_equal(const struct ktap_value *a, const struct ktap_value *b);
void ktap_tab_get(struct ktap_tab *t, const struct ktap_value *k, struct ktap_value *out);
const struct ktap_value *ktap_tab_getstr(struct ktap_tab *t, const char *s, u32 len);
int ktap_tab_set(struct ktap_vm *vm, struct ktap_tab *t, const struct ktap_value *k,
		 const struct ktap_value *v);
int ktap_tab_add(struct ktap_vm *vm, struct ktap_tab *t, const struct ktap_value *k, s64 n);
void ktap_tab_clear(struct ktap_vm *vm, struct ktap_tab *t);
s64 ktap_tab_next(const struct ktap_tab *t, s64 cursor);
void ktap_tab_free_arrays(struct ktap_vm *vm, struct ktap_tab *t);

/* ---- aggregations (ktap_agg.c) ---- */
int ktap_agg_update(struct ktap_vm *vm, const struct ktap_agg_spec *spec, struct ktap_value *slot,
		    const struct ktap_value *v);
int ktap_agg_table(struct ktap_vm *vm, const struct ktap_agg_spec *spec, struct ktap_value *r);
/* count, sum, min, max, avg: their value; false for stats and histograms. */
bool ktap_agg_scalar(const struct ktap_agg *g, s64 *out);
/* The signature for messages and display: count(), lhist(0, 100, 10). */
u32 ktap_agg_signature(const struct ktap_agg_spec *spec, char *buf, u32 size);

/*
 * The buckets of an aggregation: 65 for hist, (max - min) / step + 2 for an
 * lhist with valid bounds (V31), 0 for the other kinds and invalid bounds.
 */
static inline u32 ktap_agg_nbuckets(u32 kind, s64 min, s64 max, s64 step)
{
	u64 span;

	if (kind == KTAP_AGG_HIST)
		return KTAP_HIST_BUCKETS;
	if (kind != KTAP_AGG_LHIST || step < 1 || min >= max)
		return 0;
	span = (u64)max - (u64)min;
	if (span % (u64)step || span / (u64)step > KTAP_LHIST_MAX_BUCKETS)
		return 0;
	return (u32)(span / (u64)step) + 2;
}

/* ---- the interpreter (ktap_vm.c) ---- */
int ktap_execute(struct ktap_vm *vm, struct ktap_closure *cl, const struct ktapvm_event *ev,
		 struct ktap_evobj *arg, u64 budget);

/* ---- output (ktap_lib.c) ---- */
int ktap_builtin(struct ktap_vm *vm, u32 id, u32 a, u32 nargs);
bool ktap_builtin_known(u32 id);
bool ktap_builtin_accepts(u32 id, u32 nargs);
int ktap_emit(struct ktap_vm *vm, u32 schema, u32 from, u32 count);
int ktap_event_part(struct ktap_vm *vm, u32 selector, struct ktap_value *dst);
int ktap_event_index(struct ktap_vm *vm, struct ktap_evobj *e, const struct ktap_value *key,
		     struct ktap_value *dst);
int ktap_call_bound(struct ktap_vm *vm, struct ktap_bfunc *bf, u32 func);
void ktap_write_error(struct ktap_vm *vm, u32 line);
void ktap_write_record(struct ktap_vm *vm, u16 type, const void *payload, u32 len);
u32 ktap_display(struct ktap_vm *vm, const struct ktap_value *v, char *buf, u32 size);

/* ---- printf (ktap_printf.c) ---- */
/* Formats into vm->scratch; returns the length or KTAP_ERR. */
s32 ktap_format(struct ktap_vm *vm, const char *fn, const struct ktap_str *fmt,
		const struct ktap_value *args, u32 count);

/* ---- number formatting helpers (ktap_printf.c) ---- */
u32 ktap_fmt_s64(char *buf, s64 v);
u32 ktap_fmt_u64(char *buf, u64 v, u32 base, bool upper);

/* ---- loading (ktap_load.c, ktap_verify.c) ---- */
int ktap_chunk_parse(struct ktap_chunk *c, const u8 *data, size_t len, char *err, size_t err_size);
void ktap_chunk_release(struct ktap_chunk *c);
int ktap_chunk_verify(const struct ktap_chunk *c, char *err, size_t err_size);
int ktap_chunk_verify_policy(const struct ktap_chunk *c, bool kernel, char *err, size_t err_size);

#endif /* KTAP_INT_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * ktap_lib.c - the builtins, the event as values, and the output records.
 *
 * Every builtin of io.ktap.ast.Builtin, with the Java VM's results and error
 * messages (io.ktap.vm.Builtins).  Arguments are in stack slots a .. a+nargs-1;
 * the one result goes to slot a.  What needs a kernel (the current task,
 * memory reads, stacks, symbols, clocks) goes through ktap_port.h.
 */
#include "ktap_int.h"

#define KTAP_STACK_DEPTH	64
#define KTAP_SYM_SIZE		128

/* ---- records --------------------------------------------------------------- */

static struct ktap_ring *this_ring(struct ktap_vm *vm, u32 *cpu)
{
	*cpu = ktap_port_cpu(vm);
	return &vm->rings[*cpu < vm->nr_rings ? *cpu : *cpu % vm->nr_rings];
}

/* Writes one record; a full ring (or a record too big for it) counts as lost. */
void ktap_write_record(struct ktap_vm *vm, u16 type, const void *payload, u32 len)
{
	u32 cpu;
	struct ktap_ring *r = this_ring(vm, &cpu);
	void *p;

	p = ktap_ring_reserve(r, type, (u16)cpu, ktap_port_trace_clock(vm), len);
	if (!p)
		return;
	memcpy(p, payload, len);
	ktap_ring_commit(r, p);
}

void ktap_write_error(struct ktap_vm *vm, u32 line)
{
	char buf[4 + KTAP_ERRMSG_SIZE];

	memcpy(buf, &line, 4);
	memcpy(buf + 4, vm->errmsg, vm->errlen);
	ktap_write_record(vm, KTAP_REC_ERROR, buf, 4 + vm->errlen);
}

/* ---- displaying values -------------------------------------------------------- */

struct ktap_buf {
	char *p;
	u32 len;
	u32 size;
	bool overflow;
};

static void buf_mem(struct ktap_buf *b, const char *s, u32 n)
{
	if (n > b->size - b->len) {
		b->overflow = true;
		n = b->size - b->len;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void buf_str(struct ktap_buf *b, const char *s)
{
	buf_mem(b, s, (u32)strlen(s));
}

static void buf_ch(struct ktap_buf *b, char c)
{
	buf_mem(b, &c, 1);
}

static u32 event_text(struct ktap_vm *vm, const struct ktapvm_event *ev, const char **out)
{
	if (ev->text) {
		*out = ev->text;
		return ev->text_len;
	}
	if (ev->format_text) {
		*out = vm->text;
		return ev->format_text(ev, vm->text, vm->text_size);
	}
	*out = "";
	return 0;
}

static const struct ktapvm_event *live_event(struct ktap_vm *vm, const struct ktap_evobj *e)
{
	return vm->event && e->serial == vm->serial ? vm->event : NULL;
}

/* The value as print shows it (Values.display / displayBytes). */
static void display(struct ktap_vm *vm, const struct ktap_value *v, struct ktap_buf *b)
{
	char num[24];

	switch (v->tag) {
	case KT_NIL:
		buf_str(b, "nil");
		break;
	case KT_BOOL:
		buf_str(b, v->v.n ? "true" : "false");
		break;
	case KT_NUM:
		buf_mem(b, num, ktap_fmt_s64(num, v->v.n));
		break;
	case KT_STR:
		buf_mem(b, v->v.s->data, v->v.s->len);
		break;
	case KT_TAB: {
		char hex[16];
		u32 n = ktap_fmt_u64(hex, v->v.t->id, 16, false);

		buf_str(b, "table: 0x");
		for (; n < 8; n++)
			buf_ch(b, '0');
		buf_mem(b, hex, ktap_fmt_u64(hex, v->v.t->id, 16, false));
		break;
	}
	case KT_FUNC:
		buf_str(b, "function: ");
		buf_mem(b, v->v.cl->p->name, v->v.cl->p->name_len);
		break;
	case KT_BFUNC:
		buf_str(b, "builtin: tostring");
		break;
	case KT_AGG: {
		const struct ktap_agg *g = v->v.ag;
		char sig[96];
		s64 x;

		if (ktap_agg_scalar(g, &x)) {
			buf_mem(b, num, ktap_fmt_s64(num, x));
		} else if (g->spec->kind == KTAP_AGG_STATS) {
			buf_str(b, "count ");
			buf_mem(b, num, ktap_fmt_s64(num, (s64)g->count));
			buf_str(b, ", average ");
			buf_mem(b, num, ktap_fmt_s64(num, g->count ? (s64)g->sum / (s64)g->count : 0));
			buf_str(b, ", total ");
			buf_mem(b, num, ktap_fmt_s64(num, (s64)g->sum));
		} else {
			buf_mem(b, sig, ktap_agg_signature(g->spec, sig, sizeof(sig)));
		}
		break;
	}
	case KT_EVENT: {
		const struct ktapvm_event *ev = live_event(vm, v->v.ev);
		const char *t;

		if (ev) {
			u32 n = event_text(vm, ev, &t);

			buf_mem(b, t, n);
		} else {
			buf_str(b, "event: (expired)");
		}
		break;
	}
	default:
		buf_str(b, "?");
		break;
	}
}

u32 ktap_display(struct ktap_vm *vm, const struct ktap_value *v, char *out, u32 size)
{
	struct ktap_buf b = { out, 0, size, false };

	display(vm, v, &b);
	return b.len;
}

static void print_text(struct ktap_vm *vm, const char *s, u32 len)
{
	ktap_write_record(vm, KTAP_REC_PRINT, s, len);
}

/* ---- argument helpers ----------------------------------------------------------- */

static int bad_arg(struct ktap_vm *vm, u32 argno, const char *fname, const char *expected,
		   const struct ktap_value *got)
{
	ktap_err_begin(vm);
	ktap_err_str(vm, "bad argument #");
	ktap_err_num(vm, argno);
	ktap_err_str(vm, " to '");
	ktap_err_str(vm, fname);
	ktap_err_str(vm, "' (");
	ktap_err_str(vm, expected);
	ktap_err_str(vm, " expected, got ");
	ktap_err_str(vm, ktap_typename(got));
	ktap_err_str(vm, ")");
	return KTAP_ERR;
}

static int num_arg(struct ktap_vm *vm, const struct ktap_value *v, u32 argno, const char *fname,
		   s64 *out)
{
	if (v->tag != KT_NUM)
		return bad_arg(vm, argno, fname, "number", v);
	*out = v->v.n;
	return 0;
}

static void set_num(struct ktap_value *v, s64 n)
{
	v->tag = KT_NUM;
	v->v.n = n;
}

static void set_nil(struct ktap_value *v)
{
	v->tag = KT_NIL;
	v->v.n = 0;
}

static void set_bool(struct ktap_value *v, bool b)
{
	v->tag = KT_BOOL;
	v->v.n = b;
}

static int set_string(struct ktap_vm *vm, struct ktap_value *v, const char *s, u32 len)
{
	struct ktap_str *str = ktap_str_runtime(vm, s, len);

	if (!str)
		return KTAP_ERR;
	v->tag = KT_STR;
	v->v.s = str;
	return 0;
}

/* argname: the cached string of this event's name, or a new one (then cached). */
static int event_name(struct ktap_vm *vm, const struct ktapvm_event *ev, struct ktap_value *dst)
{
	u32 slot = (u32)(((unsigned long)ev->name >> 3) % KTAP_NAME_CACHE);
	struct ktap_str *str = vm->name_str[slot];

	/* The bytes are compared too: a host may reuse one buffer for several names. */
	if (!str || vm->name_src[slot] != ev->name || str->len != ev->name_len ||
	    memcmp(str->data, ev->name, ev->name_len)) {
		str = ktap_str_runtime(vm, ev->name, ev->name_len);
		if (!str)
			return KTAP_ERR;
		vm->name_src[slot] = ev->name;
		vm->name_str[slot] = str;
	}
	dst->tag = KT_STR;
	dst->v.s = str;
	return 0;
}

/* ---- aggregations ------------------------------------------------------------------- */

static bool same_shape(const struct ktap_agg_spec *a, const struct ktap_agg_spec *b)
{
	return a->kind == b->kind && a->min == b->min && a->max == b->max && a->step == b->step;
}

/* Whether print(v) writes an aggregation record: an aggregation, or a table of aggregations of one shape. */
static bool agg_printable(const struct ktap_value *v)
{
	const struct ktap_agg_spec *first = NULL;
	const struct ktap_tab *t;
	u32 i;

	if (v->tag == KT_AGG)
		return true;
	if (v->tag != KT_TAB || !v->v.t->live)
		return false;
	t = v->v.t;
	for (i = 0; i < t->used; i++) {
		const struct ktap_value *e = &t->ent[i].v;

		if (e->tag == KT_NIL)
			continue;
		if (e->tag != KT_AGG || (first && !same_shape(first, e->v.ag->spec)))
			return false;
		if (!first)
			first = e->v.ag->spec;
	}
	return true;
}

static void buf_pad8(struct ktap_buf *b)
{
	while (b->len & 7)
		buf_ch(b, 0);
}

/* One entry of an aggregation record: flags, key, count, sum, min, max, the non-empty bucket span. */
static void agg_entry(struct ktap_vm *vm, const struct ktap_value *key, const struct ktap_agg *g,
		      struct ktap_buf *b)
{
	u32 head[2] = { key ? 1u : 0u, 0 };
	u32 at = b->len, first = 0, last, n = g->spec->nbuckets, span[2];
	s64 stats[4] = { (s64)g->count, (s64)g->sum, g->min, g->max };

	buf_mem(b, (const char *)head, 8);
	if (key) {
		display(vm, key, b);
		if (b->overflow)
			return;
		head[1] = b->len - at - 8;
		memcpy(b->p + at + 4, &head[1], 4);
	}
	buf_pad8(b);
	buf_mem(b, (const char *)stats, sizeof(stats));
	while (first < n && !g->buckets[first])
		first++;
	last = n;
	while (last > first && !g->buckets[last - 1])
		last--;
	span[0] = first < last ? first : 0;
	span[1] = last - first;
	buf_mem(b, (const char *)span, 8);
	if (span[1])
		buf_mem(b, (const char *)&g->buckets[first], span[1] * 8);
}

/*
 * The AGGREGATION record (the kernel module guide's ring section): u32 kind,
 * u32 entries, i64 min, max, step, u32 name length, the name, padding to 8,
 * then the entries in the table's order.
 */
static int print_aggregation(struct ktap_vm *vm, const struct ktap_value *v)
{
	struct ktap_buf b = { vm->scratch, 0, vm->scratch_size, false };
	const struct ktap_agg_spec *spec = NULL;
	u32 head[2], entries = 0, i;
	s64 bounds[3];

	if (v->tag == KT_AGG) {
		spec = v->v.ag->spec;
		entries = 1;
	} else {
		for (i = 0; i < v->v.t->used; i++) {
			if (v->v.t->ent[i].v.tag == KT_NIL)
				continue;
			if (!spec)
				spec = v->v.t->ent[i].v.v.ag->spec;
			entries++;
		}
	}
	head[0] = spec->kind;
	head[1] = entries;
	bounds[0] = spec->min;
	bounds[1] = spec->max;
	bounds[2] = spec->step;
	buf_mem(&b, (const char *)head, 8);
	buf_mem(&b, (const char *)bounds, sizeof(bounds));
	buf_mem(&b, (const char *)&spec->name_len, 4);
	buf_mem(&b, spec->name, spec->name_len);
	buf_pad8(&b);
	if (v->tag == KT_AGG) {
		agg_entry(vm, NULL, v->v.ag, &b);
	} else {
		for (i = 0; i < v->v.t->used && !b.overflow; i++) {
			const struct ktap_tentry *e = &v->v.t->ent[i];

			if (e->v.tag != KT_NIL)
				agg_entry(vm, &e->k, e->v.v.ag, &b);
		}
	}
	if (b.overflow) {
		/* Larger than any record: counted as lost, like a full ring. */
		ktap_write_record(vm, KTAP_REC_AGGREGATION, NULL, vm->scratch_size + 1);
		return 0;
	}
	ktap_write_record(vm, KTAP_REC_AGGREGATION, b.p, b.len);
	return 0;
}

/* ---- histogram ---------------------------------------------------------------------- */

/* A histogram row's count: a number, or a count, sum, min, max or avg aggregation's value. */
static bool hist_count(const struct ktap_value *v, s64 *out)
{
	if (v->tag == KT_NUM) {
		*out = v->v.n;
		return true;
	}
	return v->tag == KT_AGG && ktap_agg_scalar(v->v.ag, out);
}

static s64 hist_value(const struct ktap_value *v)
{
	s64 x = 0;

	hist_count(v, &x);
	return x;
}

/* count * 38 / total, exactly, without overflow (Histograms.bar). */
static u32 hist_bar(s64 count, s64 total)
{
	unsigned __int128 lhs;
	u32 r;

	if (count <= 0 || total <= 0)
		return 0;
	lhs = (unsigned __int128)(u64)count * 38u;
	for (r = 38; r > 0; r--)
		if ((unsigned __int128)r * (u64)total <= lhs)
			break;
	return r;
}

/* Stable merge sort of entry positions by count, descending. */
static void hist_sort(const struct ktap_tab *t, u32 *idx, u32 *tmp, u32 n)
{
	u32 width, lo, i, j, k, mid, hi;

	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			mid = lo + width < n ? lo + width : n;
			hi = lo + 2 * width < n ? lo + 2 * width : n;
			i = lo;
			j = mid;
			k = lo;
			while (i < mid && j < hi) {
				if (hist_value(&t->ent[idx[j]].v) > hist_value(&t->ent[idx[i]].v))
					tmp[k++] = idx[j++];
				else
					tmp[k++] = idx[i++];
			}
			while (i < mid)
				tmp[k++] = idx[i++];
			while (j < hi)
				tmp[k++] = idx[j++];
		}
		for (i = 0; i < n; i++)
			idx[i] = tmp[i];
	}
}

static int histogram(struct ktap_vm *vm, struct ktap_tab *t, s64 rows)
{
	u32 *idx = (u32 *)vm->sortbuf;
	u32 *tmp = idx + vm->sortbuf_entries;
	struct ktap_buf b = { vm->scratch, 8, vm->scratch_size, false };
	s64 total = 0;
	u32 n = 0, shown, i;
	u32 hdr[2];

	if (rows < 0)
		return ktap_err(vm, "bad argument #2 to 'histogram' (rows must not be negative)");
	for (i = 0; i < t->used; i++) {
		const struct ktap_tentry *e = &t->ent[i];
		s64 v = 0;

		if (e->v.tag == KT_NIL)
			continue;
		if (!hist_count(&e->v, &v)) {
			char key[160];
			u32 kl = ktap_display(vm, &e->k, key, sizeof(key));

			ktap_err_begin(vm);
			ktap_err_str(vm, "histogram: the value of key '");
			ktap_err_mem(vm, key, kl);
			ktap_err_str(vm, "' is a ");
			ktap_err_str(vm, ktap_typename(&e->v));
			ktap_err_str(vm, ", not a number");
			return KTAP_ERR;
		}
		if (v > 0)
			total = total > KTAP_S64_MAX - v ? KTAP_S64_MAX : total + v;
		if (n < vm->sortbuf_entries)
			idx[n] = i;
		n++;
	}
	if (n > vm->sortbuf_entries)
		return ktap_err(vm, "histogram: table too large");
	hist_sort(t, idx, tmp, n);
	shown = rows < (s64)n ? (u32)rows : n;
	for (i = 0; i < shown; i++) {
		const struct ktap_tentry *e = &t->ent[idx[i]];
		u32 at, bar;
		s64 count = hist_value(&e->v);

		if (b.size - b.len < 16)
			b.overflow = true;
		if (b.overflow)
			break;
		bar = hist_bar(count, total);
		memcpy(b.p + b.len, &count, 8);
		memcpy(b.p + b.len + 8, &bar, 4);
		at = b.len + 12;
		b.len += 16;
		display(vm, &e->k, &b);
		if (b.overflow)
			break;
		*(u32 *)(b.p + at) = b.len - at - 4;
		while (b.len & 7)
			buf_ch(&b, 0);
	}
	if (b.overflow) {
		/* Larger than any record: counted as lost, like a full ring. */
		ktap_write_record(vm, KTAP_REC_HISTOGRAM, NULL, vm->scratch_size + 1);
		return 0;
	}
	hdr[0] = shown;
	hdr[1] = n - shown;
	memcpy(b.p, hdr, 8);
	ktap_write_record(vm, KTAP_REC_HISTOGRAM, b.p, b.len);
	return 0;
}

/* ---- the event ------------------------------------------------------------------------- */

static int field_value(struct ktap_vm *vm, const struct ktapvm_field *f, struct ktap_value *dst)
{
	if (f->is_string)
		return set_string(vm, dst, f->str, f->len);
	set_num(dst, f->num);
	return 0;
}

int ktap_event_part(struct ktap_vm *vm, u32 selector, struct ktap_value *dst)
{
	const struct ktapvm_event *ev = vm->event;
	const char *t;
	u32 n;

	if (!ev)
		return ktap_err(vm, "no event in this context");
	switch (selector) {
	case 0:
		if (!vm->event_obj) {
			vm->event_obj = ktap_alloc(vm, sizeof(*vm->event_obj), KGC_EVOBJ);
			if (!vm->event_obj)
				return KTAP_ERR;
			vm->event_obj->serial = vm->serial;
		}
		dst->tag = KT_EVENT;
		dst->v.ev = vm->event_obj;
		return 0;
	case 10:
		return event_name(vm, ev, dst);
	case 11:
		n = event_text(vm, ev, &t);
		return set_string(vm, dst, t, n);
	default:
		if (selector > ev->nr_fields) {
			set_nil(dst);
			return 0;
		}
		return field_value(vm, &ev->fields[selector - 1], dst);
	}
}

/* e.key on the event object (KEvent.index). */
int ktap_event_index(struct ktap_vm *vm, struct ktap_evobj *e, const struct ktap_value *key,
		     struct ktap_value *dst)
{
	const struct ktapvm_event *ev = live_event(vm, e);
	u32 i;

	/* The event behind an object kept past its invocation is gone. */
	if (!ev)
		return ktap_err(vm, "no event in this context");
	if (key->tag == KT_STR) {
		const struct ktap_str *k = key->v.s;

		for (i = 0; i < ev->nr_fields; i++) {
			const struct ktapvm_field *f = &ev->fields[i];

			if (f->name_len == k->len && !memcmp(f->name, k->data, k->len))
				return field_value(vm, f, dst);
		}
		if (k->len == 4 && !memcmp(k->data, "name", 4))
			return set_string(vm, dst, ev->name, ev->name_len);
		if (k->len == 8 && !memcmp(k->data, "tostring", 8)) {
			struct ktap_bfunc *bf = ktap_alloc(vm, sizeof(*bf), KGC_BFUNC);

			if (!bf)
				return KTAP_ERR;
			bf->recv.tag = KT_EVENT;
			bf->recv.v.ev = e;
			dst->tag = KT_BFUNC;
			dst->v.bf = bf;
			return 0;
		}
		if (k->len == 11 && !memcmp(k->data, "sc_is_enter", 11)) {
			set_bool(dst, ev->syscall_enter);
			return 0;
		}
	} else if (key->tag == KT_NUM && key->v.n >= 1 && key->v.n <= ev->nr_fields) {
		return field_value(vm, &ev->fields[key->v.n - 1], dst);
	}
	set_nil(dst);
	return 0;
}

/* e.tostring(): the event's tracefs line. */
int ktap_call_bound(struct ktap_vm *vm, struct ktap_bfunc *bf, u32 func)
{
	const struct ktapvm_event *ev = live_event(vm, bf->recv.v.ev);
	const char *t;
	u32 n;

	if (!ev)
		return ktap_err(vm, "no event in this context");
	n = event_text(vm, ev, &t);
	return set_string(vm, &vm->stack[func], t, n);
}

/* ---- emit ------------------------------------------------------------------------------- */

/* One value in its field's encoding (kernel-module.md, the EMIT record); false if it does not fit the type. */
static bool pack_field(struct ktap_buf *b, u8 type, const struct ktap_value *v)
{
	switch (type) {
	case KTAP_FIELD_NUMBER:
		if (v->tag != KT_NUM)
			return false;
		buf_mem(b, (const char *)&v->v.n, 8);
		return true;
	case KTAP_FIELD_STRING:
		if (v->tag != KT_STR)
			return false;
		buf_mem(b, (const char *)&v->v.s->len, 4);
		buf_mem(b, v->v.s->data, v->v.s->len);
		return true;
	case KTAP_FIELD_BOOLEAN:
		if (v->tag != KT_BOOL)
			return false;
		buf_ch(b, (char)(v->v.n ? 1 : 0));
		return true;
	default:		/* KTAP_FIELD_ANY: the loader admits no other type */
		switch (v->tag) {
		case KT_NIL:
			buf_ch(b, 0);
			return true;
		case KT_NUM:
			buf_ch(b, KTAP_FIELD_NUMBER);
			return pack_field(b, KTAP_FIELD_NUMBER, v);
		case KT_STR:
			buf_ch(b, KTAP_FIELD_STRING);
			return pack_field(b, KTAP_FIELD_STRING, v);
		case KT_BOOL:
			buf_ch(b, KTAP_FIELD_BOOLEAN);
			return pack_field(b, KTAP_FIELD_BOOLEAN, v);
		default:
			return false;
		}
	}
}

static const char *field_type_name(u8 type)
{
	switch (type) {
	case KTAP_FIELD_NUMBER:
		return "number";
	case KTAP_FIELD_STRING:
		return "string";
	case KTAP_FIELD_BOOLEAN:
		return "boolean";
	default:
		return "nil, number, string or boolean";
	}
}

int ktap_emit(struct ktap_vm *vm, u32 schema, u32 from, u32 count)
{
	const struct ktap_schema *s = &vm->chunk.schemas[schema];
	struct ktap_buf b = { vm->scratch, 0, vm->scratch_size, false };
	u32 i;

	buf_mem(&b, (const char *)&schema, 4);
	buf_mem(&b, "\0\0\0\0", 4);
	for (i = 0; i < count; i++) {
		const struct ktap_value *v = &vm->stack[from + i];

		if (!pack_field(&b, s->ftype[i], v)) {
			ktap_err_begin(vm);
			ktap_err_str(vm, "emit: field '");
			ktap_err_mem(vm, s->fname[i], s->fname_len[i]);
			ktap_err_str(vm, "' of record ");
			ktap_err_mem(vm, s->name, s->name_len);
			ktap_err_str(vm, " expects ");
			ktap_err_str(vm, field_type_name(s->ftype[i]));
			ktap_err_str(vm, ", got ");
			ktap_err_str(vm, ktap_typename(v));
			return KTAP_ERR;
		}
	}
	if (b.overflow)
		ktap_write_record(vm, KTAP_REC_EMIT, NULL, vm->scratch_size + 1);
	else
		ktap_write_record(vm, KTAP_REC_EMIT, b.p, b.len);
	return 0;
}

/* ---- builtins ------------------------------------------------------------------------------ */

/* Every builtin's name and arity, stamped from the generated list. */
static const struct {
	const char *name;
	s16 min;
	s16 max;		/* -1: variadic */
} builtins[KTAP_BUILTIN_MAX_ID + 1] = {
#define KTAP_ENTRY(name, id, qname, min, max)	[id] = { qname, min, max },
	KTAP_BUILTINS(KTAP_ENTRY)
#undef KTAP_ENTRY
};

bool ktap_builtin_known(u32 id)
{
	return id <= KTAP_BUILTIN_MAX_ID && builtins[id].name;
}

bool ktap_builtin_accepts(u32 id, u32 nargs)
{
	if (!ktap_builtin_known(id))
		return false;
	return (s64)nargs >= builtins[id].min && (builtins[id].max < 0 || (s64)nargs <= builtins[id].max);
}

static const char *builtin_name(u32 id)
{
	return ktap_builtin_known(id) ? builtins[id].name : "?";
}

static void backtrace(struct ktap_vm *vm, struct ktap_buf *b)
{
	u64 entries[KTAP_STACK_DEPTH];
	char sym[KTAP_SYM_SIZE];
	u32 n = ktap_port_kernel_stack(vm, entries, KTAP_STACK_DEPTH);
	u32 i;

	for (i = 0; i < n; i++) {
		buf_str(b, " => ");
		buf_mem(b, sym, ktap_port_symbolize(vm, entries[i], sym, sizeof(sym)));
		buf_ch(b, '\n');
	}
}

static int ansi(struct ktap_vm *vm, struct ktap_value *args, u32 count, const char *fname)
{
	struct ktap_buf b = { vm->scratch, 0, vm->scratch_size, false };
	char num[24];
	u32 i;

	buf_str(&b, "\033[");
	for (i = 0; i < count; i++) {
		s64 v = 0;

		if (num_arg(vm, &args[i], i + 1, fname, &v))
			return KTAP_ERR;
		if (i)
			buf_ch(&b, ';');
		buf_mem(&b, num, ktap_fmt_s64(num, v));
	}
	buf_ch(&b, 'm');
	print_text(vm, b.p, b.len);
	set_nil(&args[0]);
	return 0;
}

static int register_probe(struct ktap_vm *vm, u32 id, struct ktap_value *r)
{
	const char *fname = builtin_name(id);
	struct ktap_dynprobe *d;
	struct ktap_str *spec;

	if (r[0].tag == KT_STR) {
		spec = r[0].v.s;
	} else if (r[0].tag == KT_NUM && id == KTAP_BI_KDEBUG_PROBE_BY_ID) {
		spec = NULL;
	} else {
		return bad_arg(vm, 1, fname, id == KTAP_BI_KDEBUG_PROBE ? "string" : "number or string", &r[0]);
	}
	if (r[1].tag != KT_FUNC)
		return bad_arg(vm, 2, fname, "function", &r[1]);
	if (vm->ndyn >= KTAP_MAX_DYNAMIC)
		return ktap_err(vm, "too many probes registered by kdebug.probe");
	d = &vm->dyn[vm->ndyn];
	if (spec) {
		if (spec->len > KTAP_DYN_SPEC_MAX)
			return ktap_err(vm, "kdebug.probe: probe spec too long");
		memcpy(d->spec, spec->data, spec->len);
		d->spec_len = spec->len;
	} else {
		memcpy(d->spec, "id:", 3);
		d->spec_len = 3 + ktap_fmt_s64(d->spec + 3, r[0].v.n);
	}
	d->fn = r[1];
	vm->ndyn++;
	set_nil(&r[0]);
	return 0;
}

int ktap_builtin(struct ktap_vm *vm, u32 id, u32 a, u32 nargs)
{
	struct ktap_value *r = &vm->stack[a];
	struct ktap_buf b = { vm->scratch, 0, vm->scratch_size, false };
	char tmp[KTAP_SYM_SIZE];
	s64 x = 0, y = 0;
	u32 i, n;
	s32 len;

	if (!ktap_builtin_accepts(id, nargs))
		return ktap_err2(vm, "wrong number of arguments to '", builtin_name(id), "'");

	switch (id) {
	case KTAP_BI_PRINT:
		if (nargs == 1 && agg_printable(&r[0])) {
			if (print_aggregation(vm, &r[0]))
				return KTAP_ERR;
			set_nil(&r[0]);
			return 0;
		}
		for (i = 0; i < nargs; i++) {
			if (i)
				buf_ch(&b, '\t');
			display(vm, &r[i], &b);
		}
		buf_ch(&b, '\n');
		if (b.overflow)
			ktap_write_record(vm, KTAP_REC_PRINT, NULL, vm->scratch_size + 1);
		else
			print_text(vm, b.p, b.len);
		set_nil(&r[0]);
		return 0;
	case KTAP_BI_PRINTF:
		if (r[0].tag != KT_STR)
			return bad_arg(vm, 1, "printf", "string", &r[0]);
		len = ktap_format(vm, "printf", r[0].v.s, r + 1, nargs - 1);
		if (len < 0)
			return KTAP_ERR;
		if ((u32)len > vm->scratch_size)
			ktap_write_record(vm, KTAP_REC_PRINT, NULL, vm->scratch_size + 1);
		else
			print_text(vm, vm->scratch, (u32)len);
		set_nil(&r[0]);
		return 0;
	case KTAP_BI_PAIRS:
		if (r[0].tag != KT_TAB)
			return bad_arg(vm, 1, "pairs", "table", &r[0]);
		return 0;
	case KTAP_BI_EMIT:
		return ktap_err(vm, "emit(...) is compiled to the EMIT instruction, not called");
	case KTAP_BI_LEN:
		if (r[0].tag == KT_STR)
			set_num(&r[0], r[0].v.s->len);
		else if (r[0].tag == KT_TAB)
			set_num(&r[0], r[0].v.t->live);
		else
			return bad_arg(vm, 1, "len", "table or string", &r[0]);
		return 0;
	case KTAP_BI_EXIT:
		x = 0;
		if (nargs > 0 && r[0].tag != KT_NIL && num_arg(vm, &r[0], 1, "exit", &x))
			return KTAP_ERR;
		vm->exit_status = (s32)(u32)(u64)x;
		{
			s64 st = vm->exit_status;

			ktap_write_record(vm, KTAP_REC_EXIT, &st, 8);
		}
		return KTAP_EXITED;
	case KTAP_BI_PID:
		set_num(&r[0], ktap_port_pid(vm));
		return 0;
	case KTAP_BI_TID:
		set_num(&r[0], ktap_port_tid(vm));
		return 0;
	case KTAP_BI_UID:
		set_num(&r[0], ktap_port_uid(vm));
		return 0;
	case KTAP_BI_CPU:
		set_num(&r[0], ktap_port_cpu(vm));
		return 0;
	case KTAP_BI_NUM_CPUS:
		set_num(&r[0], ktap_port_num_cpus(vm));
		return 0;
	case KTAP_BI_EXECNAME:
		n = ktap_port_execname(vm, tmp, sizeof(tmp));
		return set_string(vm, &r[0], tmp, n);
	case KTAP_BI_ARCH:
		n = ktap_port_arch(vm, tmp, sizeof(tmp));
		return set_string(vm, &r[0], tmp, n);
	case KTAP_BI_KERNEL_V:
		n = ktap_port_kernel_release(vm, tmp, sizeof(tmp));
		return set_string(vm, &r[0], tmp, n);
	case KTAP_BI_USER_STRING:
	case KTAP_BI_KERNEL_STRING:
		if (num_arg(vm, &r[0], 1, builtin_name(id), &x))
			return KTAP_ERR;
		n = vm->chunk.limits.max_string;
		if (n > vm->scratch_size)
			n = vm->scratch_size;
		if (id == KTAP_BI_USER_STRING)
			len = ktap_port_user_string(vm, (u64)x, vm->scratch, n);
		else
			len = ktap_port_kernel_string(vm, (u64)x, vm->scratch, n);
		if (len < 0) {
			set_nil(&r[0]);
			return 0;
		}
		return set_string(vm, &r[0], vm->scratch, (u32)len);
	case KTAP_BI_HISTOGRAM:
		if (r[0].tag != KT_TAB)
			return bad_arg(vm, 1, "histogram", "table", &r[0]);
		x = 20;
		if (nargs > 1 && r[1].tag != KT_NIL && num_arg(vm, &r[1], 2, "histogram", &x))
			return KTAP_ERR;
		if (histogram(vm, r[0].v.t, x))
			return KTAP_ERR;
		set_nil(&r[0]);
		return 0;
	case KTAP_BI_CURR_TASK_INFO: {
		u64 v;

		if (num_arg(vm, &r[0], 1, "curr_task_info", &x))
			return KTAP_ERR;
		y = 4;
		if (nargs > 1 && r[1].tag != KT_NIL && num_arg(vm, &r[1], 2, "curr_task_info", &y))
			return KTAP_ERR;
		if (y != 1 && y != 2 && y != 4 && y != 8)
			return ktap_err(vm, "bad argument #2 to 'curr_task_info' (fetch size must be 1, 2, 4 or 8)");
		if (!ktap_port_task_field(vm, (u64)x, (u32)y, &v)) {
			ktap_err_begin(vm);
			ktap_err_str(vm, "curr_task_info: offset ");
			ktap_err_num(vm, x);
			ktap_err_str(vm, " is outside the task_struct");
			return KTAP_ERR;
		}
		set_num(&r[0], (s64)v);
		return 0;
	}
	case KTAP_BI_PRINT_BACKTRACE:
		backtrace(vm, &b);
		print_text(vm, b.p, b.len);
		set_nil(&r[0]);
		return 0;
	case KTAP_BI_STACK:
		backtrace(vm, &b);
		return set_string(vm, &r[0], b.p, b.len);
	case KTAP_BI_IN_INTERRUPT:
		set_bool(&r[0], ktap_port_in_interrupt(vm));
		return 0;
	case KTAP_BI_IN_IOWAIT:
		set_bool(&r[0], ktap_port_in_iowait(vm));
		return 0;
	case KTAP_BI_GETTIMEOFDAY_S:
		set_num(&r[0], (s64)ktap_port_realtime(vm) / 1000000000);
		return 0;
	case KTAP_BI_GETTIMEOFDAY_MS:
		set_num(&r[0], (s64)ktap_port_realtime(vm) / 1000000);
		return 0;
	case KTAP_BI_GETTIMEOFDAY_US:
		set_num(&r[0], (s64)ktap_port_realtime(vm) / 1000);
		return 0;
	case KTAP_BI_GETTIMEOFDAY_NS:
		set_num(&r[0], (s64)ktap_port_realtime(vm));
		return 0;
	case KTAP_BI_DELETE:
		if (r[0].tag != KT_TAB)
			return bad_arg(vm, 1, "delete", "table", &r[0]);
		if (nargs > 1) {
			struct ktap_value nil;

			if (r[1].tag == KT_NIL)
				return ktap_err(vm, "table index is nil");
			set_nil(&nil);
			if (ktap_tab_set(vm, r[0].v.t, &r[1], &nil))
				return KTAP_ERR;
		} else {
			ktap_tab_clear(vm, r[0].v.t);
		}
		set_nil(&r[0]);
		return 0;
	case KTAP_BI_STRINGOF:
		if (r[0].tag == KT_STR)
			return 0;
		display(vm, &r[0], &b);
		return set_string(vm, &r[0], b.p, b.len);
	case KTAP_BI_IPOF:
		if (num_arg(vm, &r[0], 1, "ipof", &x))
			return KTAP_ERR;
		n = ktap_port_symbolize(vm, (u64)x, tmp, sizeof(tmp));
		return set_string(vm, &r[0], tmp, n);
	case KTAP_BI_PRINT_TRACE_CLOCK: {
		u64 t = ktap_port_trace_clock(vm);
		u64 us = t % 1000000000u / 1000u;
		char digits[24];

		buf_mem(&b, digits, ktap_fmt_s64(digits, (s64)(t / 1000000000u)));
		buf_ch(&b, '.');
		n = ktap_fmt_u64(digits, us, 10, false);
		for (i = n; i < 6; i++)
			buf_ch(&b, '0');
		buf_mem(&b, digits, n);
		buf_ch(&b, '\n');
		print_text(vm, b.p, b.len);
		set_nil(&r[0]);
		return 0;
	}
	case KTAP_BI_INPLACE_INC:
		if (r[0].tag != KT_TAB)
			return bad_arg(vm, 1, "inplace_inc", "table", &r[0]);
		x = 1;
		if (nargs > 2 && r[2].tag != KT_NIL && num_arg(vm, &r[2], 3, "inplace_inc", &x))
			return KTAP_ERR;
		if (ktap_tab_add(vm, r[0].v.t, &r[1], x))
			return KTAP_ERR;
		set_nil(&r[0]);
		return 0;
	case KTAP_BI_TABLE_NEW: {
		struct ktap_tab *t;
		u64 hint;

		x = 0;
		y = 0;
		if (nargs > 0 && r[0].tag != KT_NIL && num_arg(vm, &r[0], 1, "table.new", &x))
			return KTAP_ERR;
		if (nargs > 1 && r[1].tag != KT_NIL && num_arg(vm, &r[1], 2, "table.new", &y))
			return KTAP_ERR;
		if (x < 0 || y < 0)
			return ktap_err(vm, "bad argument to 'table.new' (sizes must not be negative)");
		hint = (u64)x + (u64)y;
		t = ktap_tab_new(vm, hint > 0x7fffffffu ? 0x7fffffffu : (u32)hint);
		if (!t)
			return KTAP_ERR;
		r[0].tag = KT_TAB;
		r[0].v.t = t;
		return 0;
	}
	case KTAP_BI_KDEBUG_PROBE_BY_ID:
	case KTAP_BI_KDEBUG_PROBE:
		return register_probe(vm, id, r);
	case KTAP_BI_KDEBUG_PROBE_END:
		if (r[0].tag != KT_FUNC)
			return bad_arg(vm, 1, "kdebug.probe_end", "function", &r[0]);
		if (vm->nendfn >= KTAP_MAX_DYNAMIC)
			return ktap_err(vm, "too many end functions registered by kdebug.probe_end");
		vm->endfn[vm->nendfn++] = r[0];
		set_nil(&r[0]);
		return 0;
	case KTAP_BI_ANSI_CLEAR_SCREEN:
		print_text(vm, "\033[H\033[2J", 7);
		set_nil(&r[0]);
		return 0;
	case KTAP_BI_ANSI_SET_COLOR:
		return ansi(vm, r, 1, "ansi.set_color");
	case KTAP_BI_ANSI_SET_COLOR2:
		return ansi(vm, r, 2, "ansi.set_color2");
	case KTAP_BI_ANSI_SET_COLOR3:
		return ansi(vm, r, 3, "ansi.set_color3");
	case KTAP_BI_ANSI_RESET_COLOR:
		print_text(vm, "\033[0;0m", 6);
		set_nil(&r[0]);
		return 0;
	case KTAP_BI_ANSI_NEW_LINE:
		print_text(vm, "\n", 1);
		set_nil(&r[0]);
		return 0;
	case KTAP_BI_NET_IP_SOCK_SADDR:
	case KTAP_BI_NET_IP_SOCK_DADDR: {
		u64 v;

		if (num_arg(vm, &r[0], 1, builtin_name(id), &x))
			return KTAP_ERR;
		if (ktap_port_sock_addr(vm, (u64)x, id == KTAP_BI_NET_IP_SOCK_DADDR, &v))
			set_num(&r[0], (s64)v);
		else
			set_nil(&r[0]);
		return 0;
	}
	case KTAP_BI_NET_FORMAT_IP_ADDR: {
		char digits[24];

		if (num_arg(vm, &r[0], 1, "net.format_ip_addr", &x))
			return KTAP_ERR;
		for (i = 0; i < 4; i++) {
			if (i)
				buf_ch(&b, '.');
			buf_mem(&b, digits, ktap_fmt_u64(digits, ((u64)x >> (8 * i)) & 0xff, 10, false));
		}
		return set_string(vm, &r[0], b.p, b.len);
	}
	default:
		ktap_err_begin(vm);
		ktap_err_str(vm, "internal error: unknown builtin ");
		ktap_err_num(vm, id);
		return KTAP_ERR;
	}
}

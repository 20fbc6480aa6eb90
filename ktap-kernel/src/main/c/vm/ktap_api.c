// SPDX-License-Identifier: GPL-2.0
/*
 * ktap_api.c - loading, running and freeing a VM (the API of ktapvm.h).
 *
 * ktapvm_load() is the only place memory is taken from the host: the chunk's
 * parsed form, the heap arena (sized from the chunk's limits), the value
 * stack, the frames, the formatting buffers and the rings.  Everything a
 * handler does afterwards happens inside that memory.
 */
#include "ktap_int.h"

#define KTAP_DEFAULT_RING	(1u << 20)
#define KTAP_TEXT_SIZE		8192u
#define KTAP_ARENA_MAX		(1u << 30)

static void copy_err(char *err, size_t size, const char *msg)
{
	size_t n = 0;

	if (!size)
		return;
	while (msg[n] && n + 1 < size) {
		err[n] = msg[n];
		n++;
	}
	err[n] = 0;
}

int ktapvm_verify(const void *chunk, size_t len, char *err, size_t err_size)
{
	struct ktap_chunk c;
	int ret;

	if (ktap_chunk_parse(&c, chunk, len, err, err_size))
		return -1;
	ret = ktap_chunk_verify(&c, err, err_size);
	ktap_chunk_release(&c);
	return ret;
}

/* The heap arena's size: what the quotas allow to be live at once, with room. */
static u32 arena_size(const struct ktap_limits *l)
{
	u64 bytes = 64u << 10;

	bytes += (u64)l->max_tables * 224;		/* header and minimal arrays */
	bytes += (u64)l->max_entries * 160;		/* entries, index, growth slack */
	bytes += (u64)l->string_pool * 4;		/* headers and block rounding */
	bytes += (u64)l->max_closures * 192;		/* closures and their upvalues */
	return bytes > KTAP_ARENA_MAX ? KTAP_ARENA_MAX : (u32)bytes;
}

void ktapvm_free(struct ktap_vm *vm)
{
	u32 i;

	if (!vm)
		return;
	if (vm->rings) {
		for (i = 0; i < vm->nr_rings; i++)
			ktap_ring_destroy(&vm->rings[i]);
		ktap_port_free(vm->rings);
	}
	ktap_heap_destroy(&vm->heap);
	ktap_port_free(vm->roots);
	ktap_port_free(vm->sortbuf);
	ktap_port_free(vm->text);
	ktap_port_free(vm->scratch);
	ktap_port_free(vm->busy);
	ktap_port_free(vm->frames);
	ktap_port_free(vm->stack);
	ktap_port_free(vm->globals);
	ktap_chunk_release(&vm->chunk);
	ktap_port_vm_release(vm);
	ktap_port_free(vm);
}

static int prepare(struct ktap_vm *vm, const struct ktapvm_load_opts *opts, char *err, size_t err_size)
{
	const struct ktap_limits *l = &vm->chunk.limits;
	u32 ring_bytes = opts && opts->ring_bytes ? opts->ring_bytes : KTAP_DEFAULT_RING;
	u32 nr = opts && opts->nr_rings ? opts->nr_rings : ktap_port_cpu_ids();
	u32 i;

	if (ring_bytes < 4096 || (ring_bytes & (ring_bytes - 1)) || ring_bytes > (1u << 30)) {
		copy_err(err, err_size, "load: ring size must be a power of two, 4096..2^30");
		return -1;
	}
	vm->stack_limit = l->max_stack_slots;
	vm->max_depth = l->max_call_depth;
	vm->globals = ktap_port_alloc((size_t)vm->chunk.nglobals * sizeof(*vm->globals) + 1);
	vm->stack = ktap_port_alloc((size_t)vm->stack_limit * sizeof(*vm->stack));
	vm->frames = ktap_port_alloc((size_t)vm->max_depth * sizeof(*vm->frames));
	vm->busy = ktap_port_alloc(ktap_port_cpu_ids());
	vm->text_size = KTAP_TEXT_SIZE;
	vm->text = ktap_port_alloc(vm->text_size);
	vm->sortbuf_entries = l->max_entries;
	vm->sortbuf = ktap_port_alloc((size_t)l->max_entries * 2 * sizeof(u32));
	vm->rings = ktap_port_alloc((size_t)nr * sizeof(*vm->rings));
	if (!vm->globals || !vm->stack || !vm->frames || !vm->busy || !vm->text || !vm->sortbuf ||
	    !vm->rings)
		goto out_nomem;
	for (i = 0; i < nr; i++) {
		if (ktap_ring_init(&vm->rings[i], i, ring_bytes))
			goto out_nomem;
		vm->nr_rings = i + 1;
	}
	vm->scratch_size = ktap_ring_max_payload(&vm->rings[0]);
	vm->scratch = ktap_port_alloc(vm->scratch_size + 8);
	if (!vm->scratch)
		goto out_nomem;
	if (ktap_heap_init(&vm->heap, arena_size(l)))
		goto out_nomem;
	return 0;

out_nomem:
	copy_err(err, err_size, "load: out of memory");
	return -1;
}

/* Root prototypes (main, handlers, end blocks) run as closures without upvalues (V6). */
static int make_roots(struct ktap_vm *vm)
{
	u32 i, n = 0;
	struct ktap_closure *roots;

	for (i = 0; i < vm->chunk.nprotos; i++)
		if (vm->chunk.protos[i].parent < 0)
			n++;
	roots = ktap_port_alloc((size_t)n * sizeof(*roots) + 1);
	if (!roots)
		return -1;
	vm->roots = roots;
	for (i = 0; i < vm->chunk.nprotos; i++) {
		struct ktap_proto *p = &vm->chunk.protos[i];

		if (p->parent >= 0)
			continue;
		roots->gc.type = KGC_CLOSURE;
		roots->gc.flags = KGC_FLAG_CONST;
		roots->p = p;
		roots->nups = 0;
		roots->root = 1;
		p->root = roots++;
	}
	return 0;
}

struct ktap_vm *ktapvm_load(const void *chunk, size_t len, const struct ktapvm_load_opts *opts,
			    char *err, size_t err_size)
{
	struct ktap_vm *vm;

	vm = ktap_port_alloc(sizeof(*vm));
	if (!vm) {
		copy_err(err, err_size, "load: out of memory");
		return NULL;
	}
	if (ktap_chunk_parse(&vm->chunk, chunk, len, err, err_size))
		goto out_free;
	if (ktap_chunk_verify(&vm->chunk, err, err_size))
		goto out_free;
	if (prepare(vm, opts, err, err_size))
		goto out_free;
	if (make_roots(vm)) {
		copy_err(err, err_size, "load: out of memory");
		goto out_free;
	}
	vm->next_id = 1;
	ktap_port_lock_init(&vm->lock);
	return vm;

out_free:
	ktapvm_free(vm);
	return NULL;
}

/* ---- script arguments ------------------------------------------------------------ */

static int digit(char c, u32 base)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'z')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'Z')
		d = c - 'A' + 10;
	else
		return -1;
	return d < (int)base ? d : -1;
}

/* Long.parseUnsignedLong: an optional '+', digits, no overflow past 2^64-1. */
static bool parse_unsigned(const char *s, u32 n, u32 base, u64 *out)
{
	u64 v = 0;
	u32 i = 0;
	int d;

	if (n && s[0] == '+')
		i++;
	if (i == n)
		return false;
	for (; i < n; i++) {
		d = digit(s[i], base);
		if (d < 0 || v > (~0ull - (u64)d) / base)
			return false;
		v = v * base + (u64)d;
	}
	*out = v;
	return true;
}

/* KtapVm.parseNumber: decimal, 0x hex, leading-0 octal, optionally signed. */
static bool parse_number(const char *s, u32 n, s64 *out)
{
	bool neg = false;
	u64 v;
	u32 i;

	if (n && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		n--;
	}
	if (!n)
		return false;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (n == 2 || !parse_unsigned(s + 2, n - 2, 16, &v))
			return false;
	} else if (n > 1 && s[0] == '0') {
		if (!parse_unsigned(s + 1, n - 1, 8, &v))
			return false;
	} else {
		for (i = 0; i < n; i++)
			if (s[i] < '0' || s[i] > '9')
				return false;
		if (!parse_unsigned(s, n, 10, &v) || v > (u64)KTAP_S64_MAX)
			return false;
	}
	*out = neg ? (s64)(0 - v) : (s64)v;
	return true;
}

static int arg_set(struct ktap_vm *vm, struct ktap_tab *t, s64 key, const char *s, u32 n,
		   bool as_number)
{
	struct ktap_value k, v;
	s64 num;

	k.tag = KT_NUM;
	k.v.n = key;
	k.aux = 0;
	v.aux = 0;
	if (as_number && parse_number(s, n, &num)) {
		v.tag = KT_NUM;
		v.v.n = num;
	} else {
		struct ktap_str *str = ktap_str_new(vm, s, n);

		if (!str)
			return -1;
		v.tag = KT_STR;
		v.v.s = str;
	}
	vm->gc_temp[1] = v;
	return ktap_tab_set(vm, t, &k, &v);
}

int ktapvm_set_args(struct ktap_vm *vm, const char *script, u32 argc, const char *const *argv)
{
	struct ktap_tab *t;
	u32 i;
	int ret = -1;

	if (vm->chunk.arg_slot < 0)
		return 0;
	t = ktap_alloc(vm, sizeof(*t), KGC_TAB);
	if (!t)
		return -1;
	memset((u8 *)t + sizeof(t->gc), 0, sizeof(*t) - sizeof(t->gc));
	t->id = vm->next_id++;
	t->uncounted = 1;
	vm->arg_table = t;
	if (ktap_tab_arrays(vm, t, KTAP_TAB_MIN_ENTRIES))
		goto out;
	if (arg_set(vm, t, 0, script, (u32)strlen(script), false))
		goto out;
	for (i = 0; i < argc; i++)
		if (arg_set(vm, t, i + 1, argv[i], (u32)strlen(argv[i]), true))
			goto out;
	vm->globals[vm->chunk.arg_slot].tag = KT_TAB;
	vm->globals[vm->chunk.arg_slot].v.t = t;
	ret = 0;
out:
	vm->gc_temp[1].tag = KT_NIL;
	return ret;
}

/* ---- running -------------------------------------------------------------------------- */

static int run(struct ktap_vm *vm, struct ktap_closure *cl, const struct ktapvm_event *ev,
	       struct ktap_evobj *arg, u64 budget)
{
	if (vm->stopped) {
		vm->stopped_runs++;
		return KTAPVM_STOPPED;
	}
	return ktap_execute(vm, cl, ev, arg, budget);
}

int ktapvm_run_main(struct ktap_vm *vm)
{
	vm->resched = true;
	return run(vm, vm->chunk.protos[0].root, NULL, NULL, vm->chunk.limits.main_budget);
}

/*
 * Probe context: the per-CPU guard refuses re-entry on this CPU (an NMI or a
 * probe inside the VM), the VM lock serialises CPUs.
 */
static int run_handler(struct ktap_vm *vm, struct ktap_closure *cl, const struct ktapvm_event *ev,
		       bool dynamic)
{
	u32 cpu = ktap_port_cpu(vm);
	struct ktap_evobj *arg = NULL;
	int ret;

	if (cpu >= ktap_port_cpu_ids() || vm->busy[cpu]) {
		vm->recursion++;
		return KTAPVM_BUSY;
	}
	vm->busy[cpu] = 1;
	ktap_port_lock(&vm->lock);
	vm->resched = false;
	if (dynamic && ev && !vm->stopped) {
		arg = ktap_alloc(vm, sizeof(*arg), KGC_EVOBJ);
		if (!arg) {
			vm->stopped = true;
			ktap_write_error(vm, 0);
			ret = KTAPVM_ERROR;
			goto out;
		}
	}
	ret = run(vm, cl, ev, arg, vm->chunk.limits.handler_budget);
out:
	ktap_port_unlock(&vm->lock);
	vm->busy[cpu] = 0;
	return ret;
}

int ktapvm_run_probe(struct ktap_vm *vm, u32 probe, const struct ktapvm_event *ev)
{
	if (probe >= vm->chunk.nprobes)
		return KTAPVM_STOPPED;
	return run_handler(vm, vm->chunk.protos[vm->chunk.probes[probe].handler].root, ev, false);
}

int ktapvm_run_dynamic(struct ktap_vm *vm, u32 index, const struct ktapvm_event *ev)
{
	if (index >= vm->ndyn)
		return KTAPVM_STOPPED;
	return run_handler(vm, vm->dyn[index].fn.v.cl, ev, true);
}

int ktapvm_run_end(struct ktap_vm *vm)
{
	int last = KTAPVM_OK;
	u32 i, nendfn;

	if (vm->ended)
		return KTAPVM_STOPPED;
	vm->ended = true;
	vm->stopped = false;
	vm->resched = true;
	for (i = 0; i < vm->chunk.nend && last == KTAPVM_OK; i++)
		last = run(vm, vm->chunk.protos[vm->chunk.end[i]].root, NULL, NULL,
			   vm->chunk.limits.main_budget);
	/* Functions registered by kdebug.probe_end, as many as there were when end began. */
	nendfn = vm->nendfn;
	for (i = 0; i < nendfn && last == KTAPVM_OK; i++)
		last = run(vm, vm->endfn[i].v.cl, NULL, NULL, vm->chunk.limits.main_budget);
	vm->stopped = true;
	return last;
}

/* ---- accessors ------------------------------------------------------------------------------ */

bool ktapvm_stopped(const struct ktap_vm *vm)
{
	return vm->stopped;
}

s32 ktapvm_exit_status(const struct ktap_vm *vm)
{
	return vm->exit_status;
}

u32 ktapvm_nr_probes(const struct ktap_vm *vm)
{
	return vm->chunk.nprobes;
}

int ktapvm_probe_info(const struct ktap_vm *vm, u32 probe, struct ktapvm_probe_info *out)
{
	const struct ktap_probe *p;

	if (probe >= vm->chunk.nprobes)
		return -1;
	p = &vm->chunk.probes[probe];
	out->kind = p->kind;
	out->handler = p->handler;
	out->spec = p->spec;
	out->spec_len = p->spec_len;
	out->filter = p->filter;
	out->filter_len = p->filter_len;
	out->period_ns = p->period_ns;
	out->event_ids = p->ids;
	out->nr_event_ids = p->nids;
	return 0;
}

u32 ktapvm_nr_dynamic(const struct ktap_vm *vm)
{
	return vm->ndyn;
}

const char *ktapvm_dynamic_spec(const struct ktap_vm *vm, u32 index, u32 *len)
{
	if (index >= vm->ndyn)
		return NULL;
	*len = vm->dyn[index].spec_len;
	return vm->dyn[index].spec;
}

u32 ktapvm_nr_rings(const struct ktap_vm *vm)
{
	return vm->nr_rings;
}

void *ktapvm_ring_base(const struct ktap_vm *vm, u32 ring)
{
	return ring < vm->nr_rings ? vm->rings[ring].map : NULL;
}

size_t ktapvm_ring_map_size(const struct ktap_vm *vm)
{
	return KTAP_RING_DATA_OFF + (size_t)vm->rings[0].size;
}

void ktapvm_get_stats(const struct ktap_vm *vm, struct ktapvm_stats *out)
{
	out->recursion = vm->recursion;
	out->stopped = vm->stopped_runs;
	out->gc_runs = vm->gc_runs;
	out->arena_bytes = vm->heap.size;
	out->arena_used = vm->heap.used;
	out->tables = vm->tables;
	out->entries = vm->entries;
	out->closures = vm->closures;
	out->string_bytes = vm->string_bytes;
}

void ktapvm_budgets(const struct ktap_vm *vm, u64 *handler, u64 *main)
{
	*handler = vm->chunk.limits.handler_budget;
	*main = vm->chunk.limits.main_budget;
}

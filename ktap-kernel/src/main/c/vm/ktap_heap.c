// SPDX-License-Identifier: GPL-2.0
/*
 * ktap_heap.c - the heap arena, its buddy allocator, the object constructors,
 * the quotas and the garbage collector.
 *
 * The arena is allocated once at load, sized from the chunk's limits; a
 * handler never asks the host for memory.  Blocks are powers of two from 32
 * bytes up, split and coalesced by the buddy rule; a byte of metadata per
 * 32-byte unit records each block's order.
 *
 * Quotas follow the Java VM exactly: counters grow as objects are made; when a
 * counter would pass its limit the collector recounts what is reachable and
 * only then is the limit enforced.  So both VMs stop a program at the same
 * point: "live objects + the request > limit".  The C collector also frees
 * what it found unreachable (mark and sweep, with an explicit gray list so that
 * deep structures cannot overflow the kernel stack).
 */
#include "ktap_int.h"

#define META_FREE	0x80u
#define UNIT		(1u << KTAP_BUDDY_MIN_SHIFT)

static void list_init(struct ktap_buddy_free *head)
{
	head->next = head;
	head->prev = head;
}

static void list_add(struct ktap_buddy_free *head, struct ktap_buddy_free *b)
{
	b->next = head->next;
	b->prev = head;
	head->next->prev = b;
	head->next = b;
}

static void list_del(struct ktap_buddy_free *b)
{
	b->prev->next = b->next;
	b->next->prev = b->prev;
}

int ktap_heap_init(struct ktap_heap *h, u32 size)
{
	u32 order = 0;
	u32 i;

	while ((UNIT << order) < size && order < KTAP_BUDDY_MAX_ORDER)
		order++;
	size = UNIT << order;
	memset(h, 0, sizeof(*h));
	h->base = ktap_port_alloc(size);
	if (!h->base)
		goto out;
	h->meta = ktap_port_alloc(size / UNIT);
	if (!h->meta)
		goto out_free_base;
	h->size = size;
	h->max_order = order;
	for (i = 0; i <= KTAP_BUDDY_MAX_ORDER; i++)
		list_init(&h->free[i]);
	h->meta[0] = META_FREE | order;
	list_add(&h->free[order], (struct ktap_buddy_free *)h->base);
	return 0;

out_free_base:
	ktap_port_free(h->base);
	h->base = NULL;
out:
	return -1;
}

void ktap_heap_destroy(struct ktap_heap *h)
{
	ktap_port_free(h->meta);
	ktap_port_free(h->base);
	h->meta = NULL;
	h->base = NULL;
}

static void *buddy_alloc(struct ktap_heap *h, u32 size)
{
	u32 order = 0;
	u32 o;
	struct ktap_buddy_free *b;
	u32 off;

	while ((UNIT << order) < size) {
		order++;
		if (order > h->max_order)
			return NULL;
	}
	for (o = order; o <= h->max_order; o++)
		if (h->free[o].next != &h->free[o])
			break;
	if (o > h->max_order)
		return NULL;
	b = h->free[o].next;
	list_del(b);
	off = (u32)((u8 *)b - h->base);
	while (o > order) {
		u32 buddy;

		o--;
		buddy = off + (UNIT << o);
		h->meta[buddy / UNIT] = META_FREE | o;
		list_add(&h->free[o], (struct ktap_buddy_free *)(h->base + buddy));
	}
	h->meta[off / UNIT] = (u8)order;
	h->used += UNIT << order;
	return b;
}

static void buddy_free(struct ktap_heap *h, void *p)
{
	u32 off = (u32)((u8 *)p - h->base);
	u32 order = h->meta[off / UNIT];

	h->used -= UNIT << order;
	while (order < h->max_order) {
		u32 buddy = off ^ (UNIT << order);

		if (h->meta[buddy / UNIT] != (META_FREE | order))
			break;
		list_del((struct ktap_buddy_free *)(h->base + buddy));
		h->meta[buddy / UNIT] = 0;
		if (buddy < off) {
			h->meta[off / UNIT] = 0;
			off = buddy;
		}
		order++;
	}
	h->meta[off / UNIT] = META_FREE | order;
	list_add(&h->free[order], (struct ktap_buddy_free *)(h->base + off));
}

/*
 * Small blocks are recycled through per-order quick lists (LIFO) before they
 * go back to the buddy system: strings and tables churn, and splitting and
 * coalescing every time would dominate.  The quick lists are flushed into the
 * buddy system (coalescing) before the arena is declared full.
 */
static void *heap_alloc(struct ktap_heap *h, u32 size)
{
	u32 order = 0;
	void **q;

	while ((UNIT << order) < size)
		order++;
	if (order < KTAP_QUICK_ORDERS && h->quick[order]) {
		q = h->quick[order];
		h->quick[order] = *q;
		h->used += UNIT << order;
		return q;
	}
	return buddy_alloc(h, size);
}

static void heap_free(struct ktap_heap *h, void *p)
{
	u32 order = h->meta[(u32)((u8 *)p - h->base) / UNIT];

	if (order < KTAP_QUICK_ORDERS) {
		*(void **)p = h->quick[order];
		h->quick[order] = p;
		h->used -= UNIT << order;
		return;
	}
	buddy_free(h, p);
}

static void quick_flush(struct ktap_heap *h)
{
	u32 o;

	for (o = 0; o < KTAP_QUICK_ORDERS; o++) {
		while (h->quick[o]) {
			void **q = h->quick[o];

			h->quick[o] = *q;
			h->used += UNIT << o;	/* buddy_free takes it off again */
			buddy_free(h, q);
		}
	}
}

static u32 block_order(struct ktap_heap *h, void *p)
{
	return h->meta[(u32)((u8 *)p - h->base) / UNIT];
}

/* ---- allocation ---------------------------------------------------------- */

static void *raw_alloc(struct ktap_vm *vm, u32 size)
{
	void *p = heap_alloc(&vm->heap, size);

	if (unlikely(!p)) {
		quick_flush(&vm->heap);
		p = buddy_alloc(&vm->heap, size);
	}
	if (unlikely(!p)) {
		ktap_gc_collect(vm);
		quick_flush(&vm->heap);
		p = buddy_alloc(&vm->heap, size);
	}
	return p;
}

/* A block without an object header (a table's arrays); NULL when full. */
static void *block_alloc(struct ktap_vm *vm, u32 size)
{
	return raw_alloc(vm, size);
}

void ktap_free_block(struct ktap_vm *vm, void *p)
{
	if (p)
		heap_free(&vm->heap, p);
}

void *ktap_alloc(struct ktap_vm *vm, u32 size, u8 type)
{
	struct ktap_gc *o = raw_alloc(vm, size);

	if (unlikely(!o)) {
		ktap_err(vm, "not enough memory");
		return NULL;
	}
	o->type = type;
	o->mark = 0;
	o->order = (u8)block_order(&vm->heap, o);
	o->flags = 0;
	o->unused = 0;
	o->next = vm->objects;
	vm->objects = o;
	return o;
}

/* ---- strings ------------------------------------------------------------- */

/* FNV-1a, as the Java VM's KString. */
u32 ktap_str_hash(const char *s, u32 len)
{
	u32 h = 0x811c9dc5u;
	u32 i;

	for (i = 0; i < len; i++)
		h = (h ^ (u8)s[i]) * 0x01000193u;
	return h;
}

struct ktap_str *ktap_str_new(struct ktap_vm *vm, const char *s, u32 len)
{
	struct ktap_str *str = ktap_alloc(vm, sizeof(*str) + len + 1, KGC_STR);

	if (!str)
		return NULL;
	str->len = len;
	memcpy(str->data, s, len);
	str->data[len] = 0;
	return str;
}

int ktap_quota_string(struct ktap_vm *vm, u32 bytes)
{
	u32 pool = vm->chunk.limits.string_pool;

	if (pool && vm->string_bytes + bytes > pool) {
		ktap_gc_collect(vm);
		if (vm->string_bytes + bytes > pool)
			return ktap_err(vm, "string quota exceeded");
	}
	vm->string_bytes += bytes;
	return 0;
}

/* A string made at run time: cut to the length limit, counted in the pool. */
struct ktap_str *ktap_str_runtime(struct ktap_vm *vm, const char *s, u32 len)
{
	if (len > vm->chunk.limits.max_string)
		len = vm->chunk.limits.max_string;
	if (ktap_quota_string(vm, len))
		return NULL;
	return ktap_str_new(vm, s, len);
}

/* ---- tables, closures, upvalues ------------------------------------------ */

static int tab_alloc_arrays(struct ktap_vm *vm, struct ktap_tab *t, u32 cap)
{
	struct ktap_tentry *ent;
	u32 *index;

	ent = block_alloc(vm, cap * (u32)sizeof(*ent));
	if (!ent)
		goto out;
	index = block_alloc(vm, cap * 2 * (u32)sizeof(u32));
	if (!index)
		goto out_free_ent;
	memset(index, 0xff, cap * 2 * sizeof(u32));
	t->ent = ent;
	t->index = index;
	t->cap = cap;
	return 0;

out_free_ent:
	ktap_free_block(vm, ent);
out:
	return ktap_err(vm, "not enough memory");
}

/* New arrays of cap entries for t (the old ones are left to the caller). */
int ktap_tab_arrays(struct ktap_vm *vm, struct ktap_tab *t, u32 cap)
{
	return tab_alloc_arrays(vm, t, cap);
}

void ktap_tab_free_arrays(struct ktap_vm *vm, struct ktap_tab *t)
{
	ktap_free_block(vm, t->ent);
	ktap_free_block(vm, t->index);
	t->ent = NULL;
	t->index = NULL;
	t->cap = 0;
}

static u32 tab_capacity(struct ktap_vm *vm, u32 hint)
{
	u32 cap = KTAP_TAB_MIN_ENTRIES;
	u32 want = hint < (1u << 16) ? hint : (1u << 16);
	u32 max = vm->chunk.limits.max_entries;

	/* No table can hold more live entries than the quota. */
	if (max && want > max)
		want = max;
	while (cap < want)
		cap <<= 1;
	return cap;
}

struct ktap_tab *ktap_tab_new(struct ktap_vm *vm, u32 hint)
{
	struct ktap_tab *t;
	u32 max = vm->chunk.limits.max_tables;

	if (max && vm->tables >= max) {
		ktap_gc_collect(vm);
		if (vm->tables >= max) {
			ktap_err(vm, "table quota exceeded");
			return NULL;
		}
	}
	vm->tables++;
	t = ktap_alloc(vm, sizeof(*t), KGC_TAB);
	if (!t)
		return NULL;
	t->ent = NULL;
	t->index = NULL;
	t->cap = 0;
	t->used = 0;
	t->live = 0;
	t->uncounted = 0;
	t->id = vm->next_id++;
	if (tab_alloc_arrays(vm, t, tab_capacity(vm, hint)))
		return NULL;
	return t;
}

int ktap_quota_closure(struct ktap_vm *vm)
{
	u32 max = vm->chunk.limits.max_closures;

	if (max && vm->closures >= max) {
		ktap_gc_collect(vm);
		if (vm->closures >= max)
			return ktap_err(vm, "closure quota exceeded");
	}
	vm->closures++;
	return 0;
}

struct ktap_closure *ktap_closure_new(struct ktap_vm *vm, struct ktap_proto *p)
{
	struct ktap_closure *cl;
	u32 i;

	cl = ktap_alloc(vm, sizeof(*cl) + p->nups * sizeof(cl->ups[0]), KGC_CLOSURE);
	if (!cl)
		return NULL;
	cl->p = p;
	cl->nups = p->nups;
	cl->root = 0;
	for (i = 0; i < p->nups; i++)
		cl->ups[i] = NULL;
	return cl;
}

struct ktap_upval *ktap_upval_new(struct ktap_vm *vm)
{
	struct ktap_upval *u = ktap_alloc(vm, sizeof(*u), KGC_UPVAL);

	if (!u)
		return NULL;
	u->next = NULL;
	u->slot = 0;
	u->open = 0;
	u->v.tag = KT_NIL;
	u->v.v.n = 0;
	return u;
}

/* ---- the collector --------------------------------------------------------- */

struct gc_state {
	struct ktap_vm *vm;
	struct ktap_gc *gray;	/* objects marked whose children are not yet */
	bool count;		/* counting for the quotas (Java's roots) */
	u32 tables, entries, closures;
	u64 strings;
};

/* The gray list is threaded through the header's unused word (arena offset / 32 + 1). */
static void gray_push(struct gc_state *gs, struct ktap_gc *o)
{
	struct ktap_heap *h = &gs->vm->heap;

	o->unused = gs->gray ? (u32)((u8 *)gs->gray - h->base) / UNIT + 1 : 0;
	gs->gray = o;
}

static struct ktap_gc *gray_pop(struct gc_state *gs)
{
	struct ktap_gc *o = gs->gray;
	struct ktap_heap *h = &gs->vm->heap;

	if (o) {
		gs->gray = o->unused ? (struct ktap_gc *)(h->base + (o->unused - 1) * UNIT) : NULL;
		o->unused = 0;
	}
	return o;
}

static void mark_obj(struct gc_state *gs, struct ktap_gc *o)
{
	if (!o || (o->flags & KGC_FLAG_CONST) || o->mark)
		return;
	o->mark = 1;
	switch (o->type) {
	case KGC_STR:
		if (gs->count)
			gs->strings += ((struct ktap_str *)o)->len;
		break;
	case KGC_TAB:
		if (gs->count && (struct ktap_tab *)o != gs->vm->arg_table) {
			gs->tables++;
			gs->entries += ((struct ktap_tab *)o)->live;
		}
		gray_push(gs, o);
		break;
	case KGC_CLOSURE:
		if (gs->count)
			gs->closures++;
		gray_push(gs, o);
		break;
	case KGC_UPVAL:
	case KGC_BFUNC:
		gray_push(gs, o);
		break;
	case KGC_AGG:
		if (gs->count)
			gs->entries += ((struct ktap_agg *)o)->spec->quota;
		break;
	default:
		break;
	}
}

static void mark_value(struct gc_state *gs, const struct ktap_value *v)
{
	if (v->tag >= KT_STR)
		mark_obj(gs, v->v.gc);
}

static void mark_upval(struct gc_state *gs, struct ktap_upval *u)
{
	if (!u)
		return;
	if (u->gc.flags & KGC_FLAG_CONST) {
		/* A root closure's upvalue: its value is marked from the roots. */
		return;
	}
	mark_obj(gs, &u->gc);
}

static void propagate(struct gc_state *gs)
{
	struct ktap_gc *o;
	u32 i;

	while ((o = gray_pop(gs)) != NULL) {
		switch (o->type) {
		case KGC_TAB: {
			struct ktap_tab *t = (struct ktap_tab *)o;

			for (i = 0; i < t->used; i++) {
				if (t->ent[i].v.tag == KT_NIL)
					continue;
				mark_value(gs, &t->ent[i].k);
				mark_value(gs, &t->ent[i].v);
			}
			break;
		}
		case KGC_CLOSURE: {
			struct ktap_closure *cl = (struct ktap_closure *)o;

			for (i = 0; i < cl->nups; i++)
				mark_upval(gs, cl->ups[i]);
			break;
		}
		case KGC_UPVAL: {
			struct ktap_upval *u = (struct ktap_upval *)o;

			if (u->open)
				mark_value(gs, &gs->vm->stack[u->slot]);
			else
				mark_value(gs, &u->v);
			break;
		}
		case KGC_BFUNC:
			mark_value(gs, &((struct ktap_bfunc *)o)->recv);
			break;
		default:
			break;
		}
	}
}

/* The extent of the stack the Java VM scans: max(top, current frame's end). */
static u32 stack_extent(struct ktap_vm *vm)
{
	u32 extent = 0;
	struct ktap_frame *f;

	if (vm->frames[vm->depth].cl) {
		f = &vm->frames[vm->depth];
		extent = f->base + f->cl->p->frame;
	}
	if (vm->top > extent)
		extent = vm->top;
	if (extent > vm->stack_limit)
		extent = vm->stack_limit;
	return extent;
}

void ktap_gc_collect(struct ktap_vm *vm)
{
	struct gc_state gs;
	struct ktap_gc **link;
	struct ktap_gc *o;
	struct ktap_upval *u;
	u32 i, j, extent;

	memset(&gs, 0, sizeof(gs));
	gs.vm = vm;
	gs.count = true;
	vm->gc_runs++;
	memset(vm->name_str, 0, sizeof(vm->name_str));
	memset(vm->name_src, 0, sizeof(vm->name_src));

	/* The Java VM's roots, in its order: globals, the stack, root closures,
	 * registered closures, open upvalues. */
	for (i = 0; i < vm->chunk.nglobals; i++)
		mark_value(&gs, &vm->globals[i]);
	extent = vm->running ? stack_extent(vm) : 0;
	for (i = 0; i < extent; i++)
		mark_value(&gs, &vm->stack[i]);
	for (i = 0; i < vm->chunk.nprotos; i++) {
		struct ktap_closure *root = vm->chunk.protos[i].root;

		if (!root)
			continue;
		for (j = 0; j < root->nups; j++) {
			u = root->ups[j];
			if (u->open)
				mark_value(&gs, &vm->stack[u->slot]);
			else
				mark_value(&gs, &u->v);
		}
	}
	for (i = 0; i < vm->ndyn; i++)
		mark_value(&gs, &vm->dyn[i].fn);
	for (i = 0; i < vm->nendfn; i++)
		mark_value(&gs, &vm->endfn[i]);
	for (u = vm->open_ups; u; u = u->next)
		mark_value(&gs, &vm->stack[u->slot]);
	propagate(&gs);

	vm->tables = gs.tables;
	vm->entries = gs.entries;
	vm->closures = gs.closures;
	vm->string_bytes = gs.strings;

	/* Roots the Java VM holds in locals: kept alive, not counted. */
	gs.count = false;
	if (vm->running) {
		/* Every active frame's registers: a caller's may lie above the callee's frame. */
		u32 end = extent;

		for (i = 0; i <= vm->depth; i++) {
			struct ktap_frame *f = &vm->frames[i];

			if (f->cl && f->base + f->cl->p->frame > end)
				end = f->base + f->cl->p->frame;
		}
		if (end > vm->stack_limit)
			end = vm->stack_limit;
		for (i = extent; i < end; i++)
			mark_value(&gs, &vm->stack[i]);
	}
	if (vm->arg_table)
		mark_obj(&gs, &vm->arg_table->gc);
	if (vm->event_obj)
		mark_obj(&gs, &vm->event_obj->gc);
	for (u = vm->open_ups; u; u = u->next)
		mark_obj(&gs, &u->gc);
	for (i = 0; i < KTAP_GC_TEMPS; i++)
		mark_value(&gs, &vm->gc_temp[i]);
	propagate(&gs);

	/* Sweep. */
	link = &vm->objects;
	while ((o = *link) != NULL) {
		if (o->mark) {
			o->mark = 0;
			link = &o->next;
			continue;
		}
		*link = o->next;
		if (o->type == KGC_TAB)
			ktap_tab_free_arrays(vm, (struct ktap_tab *)o);
		heap_free(&vm->heap, o);
	}
}

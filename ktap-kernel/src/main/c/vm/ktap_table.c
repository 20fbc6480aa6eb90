// SPDX-License-Identifier: GPL-2.0
/*
 * ktap_table.c - insertion-ordered tables, entry for entry the Java VM's
 * KTable: the same capacity rule, the same compaction of dead entries, so
 * pairs() visits the same keys in the same order on both VMs, even when the
 * loop body removes or adds keys.
 */
#include "ktap_int.h"

bool ktap_equal(const struct ktap_value *a, const struct ktap_value *b)
{
	if (a->tag != b->tag)
		return false;
	switch (a->tag) {
	case KT_NIL:
		return true;
	case KT_BOOL:
	case KT_NUM:
		return a->v.n == b->v.n;
	case KT_STR:
		return a->v.s == b->v.s ||
		       (a->v.s->len == b->v.s->len && !memcmp(a->v.s->data, b->v.s->data, a->v.s->len));
	default:
		return a->v.gc == b->v.gc;
	}
}

static u32 key_hash(const struct ktap_value *k)
{
	u64 x;
	u32 h;

	switch (k->tag) {
	case KT_NUM:
		x = k->v.u * 0x9E3779B97F4A7C15ull;
		h = (u32)(x ^ (x >> 29));
		break;
	case KT_STR:
		h = ktap_str_hashof(k->v.s);
		break;
	case KT_BOOL:
		h = k->v.n ? 0x1b873593u : 0x5bd1e995u;
		break;
	default:
		x = (u64)(unsigned long)k->v.gc * 0x9E3779B97F4A7C15ull;
		h = (u32)(x >> 32);
		break;
	}
	return h ^ (h >> 16);
}

/* The entry holding key (hash h), or -1. */
static s64 tab_find(const struct ktap_tab *t, const struct ktap_value *k, u32 h)
{
	u32 mask = t->cap * 2 - 1;
	u32 i = h & mask;
	u32 e;

	for (;;) {
		e = t->index[i];
		if (e == KTAP_TAB_EMPTY)
			return -1;
		if (e < KTAP_TAB_DELETED && t->ent[e].k.aux == h && ktap_equal(&t->ent[e].k, k))
			return e;
		i = (i + 1) & mask;
	}
}

void ktap_tab_get(struct ktap_tab *t, const struct ktap_value *k, struct ktap_value *out)
{
	s64 e;

	if (k->tag == KT_NIL)
		goto out_nil;
	e = tab_find(t, k, key_hash(k));
	if (e < 0)
		goto out_nil;
	*out = t->ent[e].v;
	out->aux = 0;
	return;
out_nil:
	out->tag = KT_NIL;
	out->v.n = 0;
}

const struct ktap_value *ktap_tab_getstr(struct ktap_tab *t, const char *s, u32 len)
{
	u32 h = ktap_str_hash(s, len);
	u32 mask = t->cap * 2 - 1;
	u32 i;
	u32 e;

	h ^= h >> 16;
	for (i = h & mask;; i = (i + 1) & mask) {
		e = t->index[i];
		if (e == KTAP_TAB_EMPTY)
			return NULL;
		if (e < KTAP_TAB_DELETED && t->ent[e].k.tag == KT_STR && t->ent[e].k.aux == h &&
		    t->ent[e].k.v.s->len == len && !memcmp(t->ent[e].k.v.s->data, s, len))
			return &t->ent[e].v;
	}
}

static void index_put(struct ktap_tab *t, u32 h, u32 e)
{
	u32 mask = t->cap * 2 - 1;
	u32 i = h & mask;

	while (t->index[i] < KTAP_TAB_DELETED)
		i = (i + 1) & mask;
	t->index[i] = e;
}

/*
 * Makes room for one more entry: compacts away dead entries, growing when few
 * are dead (KTable.resize).  Compaction reuses the arrays in place.
 */
static int tab_resize(struct ktap_vm *vm, struct ktap_tab *t)
{
	struct ktap_tentry *old = t->ent;
	u32 *old_index = t->index;
	u32 n = t->used;
	u32 e, d = 0;

	if (t->live * 2 >= t->cap) {
		if (ktap_tab_arrays(vm, t, t->cap * 2))
			return KTAP_ERR;
		for (e = 0; e < n; e++) {
			if (old[e].v.tag == KT_NIL)
				continue;
			t->ent[d] = old[e];
			index_put(t, t->ent[d].k.aux, d);
			d++;
		}
		ktap_free_block(vm, old);
		ktap_free_block(vm, old_index);
	} else {
		memset(t->index, 0xff, t->cap * 2 * sizeof(u32));
		for (e = 0; e < n; e++) {
			if (old[e].v.tag == KT_NIL)
				continue;
			if (d != e)
				t->ent[d] = old[e];
			index_put(t, t->ent[d].k.aux, d);
			d++;
		}
	}
	t->used = d;
	return 0;
}

static int entry_quota(struct ktap_vm *vm, struct ktap_tab *t)
{
	u32 max = vm->chunk.limits.max_entries;

	if (t->uncounted)
		return 0;
	if (max && vm->entries >= max) {
		ktap_gc_collect(vm);
		if (vm->entries >= max)
			return ktap_err(vm, "table quota exceeded");
	}
	vm->entries++;
	return 0;
}

static int tab_insert(struct ktap_vm *vm, struct ktap_tab *t, const struct ktap_value *k,
		      u32 h, const struct ktap_value *v)
{
	u32 e;

	if (entry_quota(vm, t))
		return KTAP_ERR;
	if (t->used == t->cap && tab_resize(vm, t))
		return KTAP_ERR;
	e = t->used++;
	t->ent[e].k = *k;
	t->ent[e].k.aux = h;
	t->ent[e].v = *v;
	t->ent[e].v.aux = 0;
	t->live++;
	index_put(t, h, e);
	return 0;
}

static void tab_remove(struct ktap_vm *vm, struct ktap_tab *t, u32 e)
{
	u32 mask = t->cap * 2 - 1;
	u32 i = t->ent[e].k.aux & mask;

	while (t->index[i] != e)
		i = (i + 1) & mask;
	t->index[i] = KTAP_TAB_DELETED;
	t->ent[e].k.tag = KT_NIL;
	t->ent[e].v.tag = KT_NIL;
	t->live--;
	if (!t->uncounted)
		vm->entries--;
}

int ktap_tab_set(struct ktap_vm *vm, struct ktap_tab *t, const struct ktap_value *k,
		 const struct ktap_value *v)
{
	u32 h;
	s64 e;

	if (k->tag == KT_NIL)
		return ktap_err(vm, "table index is nil");
	h = key_hash(k);
	e = tab_find(t, k, h);
	if (e >= 0) {
		if (v->tag == KT_NIL) {
			tab_remove(vm, t, (u32)e);
		} else {
			t->ent[e].v = *v;
			t->ent[e].v.aux = 0;
		}
		return 0;
	}
	if (v->tag == KT_NIL)
		return 0;
	return tab_insert(vm, t, k, h, v);
}

int ktap_tab_add(struct ktap_vm *vm, struct ktap_tab *t, const struct ktap_value *k, s64 n)
{
	struct ktap_value v;
	u32 h;
	s64 e;

	if (k->tag == KT_NIL)
		return ktap_err(vm, "table index is nil");
	h = key_hash(k);
	e = tab_find(t, k, h);
	if (e >= 0) {
		struct ktap_value *old = &t->ent[e].v;

		if (old->tag != KT_NUM)
			return ktap_err2(vm, "attempt to perform arithmetic on a ",
					 ktap_typename(old), " value");
		old->v.u += (u64)n;
		return 0;
	}
	v.tag = KT_NUM;
	v.v.n = n;
	v.aux = 0;
	return tab_insert(vm, t, k, h, &v);
}

/* delete(t): every entry goes, and the table shrinks to its minimum. */
void ktap_tab_clear(struct ktap_vm *vm, struct ktap_tab *t)
{
	if (!t->uncounted)
		vm->entries -= t->live;
	if (t->cap > KTAP_TAB_MIN_ENTRIES) {
		struct ktap_tentry *old = t->ent;
		u32 *old_index = t->index;

		if (!ktap_tab_arrays(vm, t, KTAP_TAB_MIN_ENTRIES)) {
			ktap_free_block(vm, old);
			ktap_free_block(vm, old_index);
		} else {
			/* No room for small arrays (cannot happen after freeing): keep the old ones. */
			t->ent = old;
			t->index = old_index;
			vm->errlen = 0;
			memset(t->index, 0xff, t->cap * 2 * sizeof(u32));
		}
	} else {
		memset(t->index, 0xff, t->cap * 2 * sizeof(u32));
	}
	t->used = 0;
	t->live = 0;
}

/* The position of the first live entry at or after cursor, or -1 (KTable.nextPosition). */
s64 ktap_tab_next(const struct ktap_tab *t, s64 cursor)
{
	u32 e;

	if (cursor < 0 || cursor >= t->used)
		return -1;
	for (e = (u32)cursor; e < t->used; e++)
		if (t->ent[e].v.tag != KT_NIL)
			return e;
	return -1;
}

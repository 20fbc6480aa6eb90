// SPDX-License-Identifier: GPL-2.0
/*
 * ktap_agg.c - aggregations: the AGG and TAGG instructions (io.ktap.vm.KAgg).
 *
 * An aggregation is created in a nil slot by its first update and updated in
 * place afterwards; it counts spec->quota entries against the table-entry
 * quota.  Messages and their order are the Java VM's (the bytecode spec,
 * section 3.1).  Updates run inside an invocation, and invocations of one VM
 * are serialised, so an update is atomic.
 */
#include "ktap_int.h"

static const char *const kind_names[] = {
#define KTAP_AGG_NAME(name, code, fn)	[code] = fn,
	KTAP_AGGREGATIONS(KTAP_AGG_NAME)
#undef KTAP_AGG_NAME
};

static const char *kind_name(u32 kind)
{
	return kind >= 1 && kind <= KTAP_AGG_KIND_MAX ? kind_names[kind] : "?";
}

u32 ktap_agg_signature(const struct ktap_agg_spec *spec, char *buf, u32 size)
{
	char num[24];
	const char *name = kind_name(spec->kind);
	u32 len = 0, i, n;
	const s64 bounds[3] = { spec->min, spec->max, spec->step };

#define PUT(s_, n_)						\
	do {							\
		u32 k_ = (n_) < size - len ? (n_) : size - len;	\
		memcpy(buf + len, (s_), k_);			\
		len += k_;					\
	} while (0)

	PUT(name, (u32)strlen(name));
	PUT("(", 1);
	if (spec->kind == KTAP_AGG_LHIST) {
		for (i = 0; i < 3; i++) {
			if (i)
				PUT(", ", 2);
			n = ktap_fmt_s64(num, bounds[i]);
			PUT(num, n);
		}
	}
	PUT(")", 1);
#undef PUT
	return len;
}

static s64 average(const struct ktap_agg *g)
{
	return g->count ? (s64)g->sum / (s64)g->count : 0;
}

bool ktap_agg_scalar(const struct ktap_agg *g, s64 *out)
{
	switch (g->spec->kind) {
	case KTAP_AGG_COUNT:
		*out = (s64)g->count;
		return true;
	case KTAP_AGG_SUM:
		*out = (s64)g->sum;
		return true;
	case KTAP_AGG_MIN:
		*out = g->min;
		return true;
	case KTAP_AGG_MAX:
		*out = g->max;
		return true;
	case KTAP_AGG_AVG:
		*out = average(g);
		return true;
	default:
		return false;
	}
}

static bool same_shape(const struct ktap_agg_spec *a, const struct ktap_agg_spec *b)
{
	return a->kind == b->kind && a->min == b->min && a->max == b->max && a->step == b->step;
}

/* The value to add: any number; count() reads none. */
static int value_of(struct ktap_vm *vm, const struct ktap_agg_spec *spec, const struct ktap_value *v,
		    s64 *out)
{
	*out = 0;
	if (spec->kind == KTAP_AGG_COUNT)
		return 0;
	if (unlikely(v->tag != KT_NUM)) {
		ktap_err_begin(vm);
		ktap_err_str(vm, "bad argument #1 to '");
		ktap_err_str(vm, kind_name(spec->kind));
		ktap_err_str(vm, "' (number expected, got ");
		ktap_err_str(vm, ktap_typename(v));
		ktap_err_str(vm, ")");
		return KTAP_ERR;
	}
	*out = v->v.n;
	return 0;
}

/* The aggregation a slot holds for an update under spec: NULL for nil, an error for anything else. */
static int slot_agg(struct ktap_vm *vm, const struct ktap_agg_spec *spec, const struct ktap_value *slot,
		    struct ktap_agg **out)
{
	char sig[96];
	u32 n;

	*out = NULL;
	if (slot->tag == KT_NIL)
		return 0;
	if (slot->tag == KT_AGG && same_shape(slot->v.ag->spec, spec)) {
		*out = slot->v.ag;
		return 0;
	}
	ktap_err_begin(vm);
	ktap_err_str(vm, "attempt to update a ");
	if (slot->tag == KT_AGG) {
		n = ktap_agg_signature(slot->v.ag->spec, sig, sizeof(sig));
		ktap_err_mem(vm, sig, n);
		ktap_err_str(vm, " aggregation with ");
	} else {
		ktap_err_str(vm, ktap_typename(slot));
		ktap_err_str(vm, " value with ");
	}
	n = ktap_agg_signature(spec, sig, sizeof(sig));
	ktap_err_mem(vm, sig, n);
	return KTAP_ERR;
}

static struct ktap_agg *agg_new(struct ktap_vm *vm, const struct ktap_agg_spec *spec)
{
	struct ktap_agg *g;
	u32 max = vm->chunk.limits.max_entries;
	u32 i;

	if (max && (u64)vm->entries + spec->quota > max) {
		ktap_gc_collect(vm);
		if ((u64)vm->entries + spec->quota > max) {
			ktap_err(vm, "table quota exceeded");
			return NULL;
		}
	}
	vm->entries += spec->quota;
	g = ktap_alloc(vm, sizeof(*g) + spec->nbuckets * sizeof(g->buckets[0]), KGC_AGG);
	if (!g)
		return NULL;
	g->spec = spec;
	g->count = 0;
	g->sum = 0;
	g->min = 0;
	g->max = 0;
	for (i = 0; i < spec->nbuckets; i++)
		g->buckets[i] = 0;
	return g;
}

static u32 bucket(const struct ktap_agg_spec *spec, s64 v)
{
	if (spec->kind == KTAP_AGG_HIST) {
		if (v < 0)
			return 0;
		if (v == 0)
			return 1;
		return 2 + 63 - (u32)__builtin_clzll((u64)v);
	}
	if (v < spec->min)
		return 0;
	if (v >= spec->max)
		return spec->nbuckets - 1;
	return 1 + (u32)(((u64)v - (u64)spec->min) / (u64)spec->step);
}

static void agg_add(struct ktap_agg *g, s64 v)
{
	const struct ktap_agg_spec *spec = g->spec;

	g->count++;
	if (spec->kind == KTAP_AGG_COUNT)
		return;
	g->sum += (u64)v;
	if (g->count == 1) {
		g->min = v;
		g->max = v;
	} else {
		if (v < g->min)
			g->min = v;
		if (v > g->max)
			g->max = v;
	}
	if (spec->nbuckets)
		g->buckets[bucket(spec, v)]++;
}

int ktap_agg_update(struct ktap_vm *vm, const struct ktap_agg_spec *spec, struct ktap_value *slot,
		    const struct ktap_value *v)
{
	struct ktap_agg *g;
	s64 x;

	if (value_of(vm, spec, v, &x) || slot_agg(vm, spec, slot, &g))
		return KTAP_ERR;
	if (!g) {
		g = agg_new(vm, spec);
		if (!g)
			return KTAP_ERR;
		slot->tag = KT_AGG;
		slot->v.ag = g;
	}
	agg_add(g, x);
	return 0;
}

int ktap_agg_table(struct ktap_vm *vm, const struct ktap_agg_spec *spec, struct ktap_value *r)
{
	struct ktap_value cur, nv;
	struct ktap_agg *g;
	int ret;
	s64 x;

	if (unlikely(r[0].tag != KT_TAB))
		return ktap_err2(vm, "attempt to index a ", ktap_typename(&r[0]), " value");
	if (unlikely(r[1].tag == KT_NIL))
		return ktap_err(vm, "table index is nil");
	if (value_of(vm, spec, &r[2], &x))
		return KTAP_ERR;
	ktap_tab_get(r[0].v.t, &r[1], &cur);
	if (slot_agg(vm, spec, &cur, &g))
		return KTAP_ERR;
	if (!g) {
		g = agg_new(vm, spec);
		if (!g)
			return KTAP_ERR;
		nv.tag = KT_AGG;
		nv.aux = 0;
		nv.v.ag = g;
		/* Not yet reachable: a root (uncounted, as the Java VM's local) while the key goes in. */
		vm->gc_temp[0] = nv;
		ret = ktap_tab_set(vm, r[0].v.t, &r[1], &nv);
		vm->gc_temp[0].tag = KT_NIL;
		vm->gc_temp[0].v.n = 0;
		if (ret)
			return KTAP_ERR;
	}
	agg_add(g, x);
	return 0;
}

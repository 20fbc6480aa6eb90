// SPDX-License-Identifier: GPL-2.0
/*
 * ktap_vm.c - the interpreter.
 *
 * A register machine over one preallocated value stack, frame for frame the
 * Java reference VM (io.ktap.vm.KtapVm): the same frame layout, the same
 * variable-length result protocol (top), the same upvalue discipline, so the
 * two VMs agree on every observable effect, quota decisions included.
 *
 * Dispatch is computed goto over a jump table generated from the opcode list
 * (ktap_opcodes.h); each handler is stamped from a macro.  Every instruction
 * first takes one unit of the invocation's instruction budget.  The verifier
 * has checked every operand index; the handlers check value tags.
 */
#include "ktap_int.h"

/* ---- error messages --------------------------------------------------------- */

static const char *const type_names[] = {
	[KT_NIL] = "nil",
	[KT_BOOL] = "boolean",
	[KT_NUM] = "number",
	[KT_STR] = "string",
	[KT_TAB] = "table",
	[KT_FUNC] = "function",
	[KT_BFUNC] = "function",
	[KT_EVENT] = "event",
	[KT_AGG] = "aggregation",
};

const char *ktap_typename(const struct ktap_value *v)
{
	return v->tag < sizeof(type_names) / sizeof(type_names[0]) ? type_names[v->tag] : "?";
}

void ktap_err_begin(struct ktap_vm *vm)
{
	vm->errlen = 0;
	vm->errmsg[0] = 0;
}

void ktap_err_mem(struct ktap_vm *vm, const char *s, u32 len)
{
	u32 room = KTAP_ERRMSG_SIZE - 1 - vm->errlen;

	if (len > room)
		len = room;
	memcpy(vm->errmsg + vm->errlen, s, len);
	vm->errlen += len;
	vm->errmsg[vm->errlen] = 0;
}

void ktap_err_str(struct ktap_vm *vm, const char *s)
{
	ktap_err_mem(vm, s, (u32)strlen(s));
}

void ktap_err_num(struct ktap_vm *vm, s64 n)
{
	char buf[24];

	ktap_err_mem(vm, buf, ktap_fmt_s64(buf, n));
}

int ktap_err(struct ktap_vm *vm, const char *msg)
{
	ktap_err_begin(vm);
	ktap_err_str(vm, msg);
	return KTAP_ERR;
}

int ktap_err2(struct ktap_vm *vm, const char *a, const char *b, const char *c)
{
	ktap_err_begin(vm);
	ktap_err_str(vm, a);
	ktap_err_str(vm, b);
	ktap_err_str(vm, c);
	return KTAP_ERR;
}

static int arith_error(struct ktap_vm *vm, const struct ktap_value *x, const struct ktap_value *y)
{
	return ktap_err2(vm, "attempt to perform arithmetic on a ",
			 ktap_typename(x->tag != KT_NUM ? x : y), " value");
}

static int compare_error(struct ktap_vm *vm, const struct ktap_value *x, const struct ktap_value *y)
{
	ktap_err_begin(vm);
	ktap_err_str(vm, "attempt to compare ");
	ktap_err_str(vm, ktap_typename(x));
	ktap_err_str(vm, " with ");
	ktap_err_str(vm, ktap_typename(y));
	return KTAP_ERR;
}

static int index_error(struct ktap_vm *vm, const struct ktap_value *t)
{
	return ktap_err2(vm, "attempt to index a ", ktap_typename(t), " value");
}

/* ---- frames and upvalues ------------------------------------------------------ */

static int stack_check(struct ktap_vm *vm, u32 slots)
{
	if (unlikely(slots > vm->stack_limit))
		return ktap_err(vm, "stack overflow");
	return 0;
}

static void set_nil(struct ktap_value *v)
{
	v->tag = KT_NIL;
	v->v.n = 0;
}

/*
 * Sets up frame vm->depth for cl, whose arguments are at func+1 ..
 * func+nargs (KtapVm.enterFrame).  Returns the frame's base slot, or -1.
 * Registers above the parameters become nil (only the tag matters to nil).
 */
static __always_inline s64 enter_frame(struct ktap_vm *vm, struct ktap_closure *cl, u32 func,
					u32 nargs, s32 want)
{
	struct ktap_proto *p = cl->p;
	struct ktap_value *s = vm->stack;
	struct ktap_frame *f = &vm->frames[vm->depth];
	struct ktap_value *v, *last;
	u32 base = func + 1;
	u32 keep, end;

	if (unlikely(p->variadic)) {
		f->varbase = base;
		f->varcount = 0;
		if (nargs > p->nparams) {
			f->varcount = nargs - p->nparams;
			f->varbase = func + 1 + p->nparams;
			base = func + 1 + nargs;
			if (stack_check(vm, base + p->frame + 1))
				return -1;
			memmove(s + base, s + func + 1, p->nparams * sizeof(*s));
		} else if (stack_check(vm, base + p->frame + 1)) {
			return -1;
		}
	} else if (unlikely(base + p->frame + 1 > vm->stack_limit)) {
		return stack_check(vm, base + p->frame + 1);
	}
	keep = nargs < p->nparams ? nargs : p->nparams;
	end = p->frame > keep ? p->frame : keep;
	for (v = s + base + keep, last = s + base + end; v < last; v++)
		v->tag = KT_NIL;
	if (base + end > vm->high_water)
		vm->high_water = base + end;
	f->base = base;
	f->ret = func;
	f->want = want;
	f->cl = cl;
	f->pc = 0;
	return base;
}

static struct ktap_upval *find_upval(struct ktap_vm *vm, u32 slot)
{
	struct ktap_upval *prev = NULL;
	struct ktap_upval *u = vm->open_ups;
	struct ktap_upval *n;

	while (u && u->slot > slot) {
		prev = u;
		u = u->next;
	}
	if (u && u->slot == slot)
		return u;
	n = ktap_upval_new(vm);
	if (!n)
		return NULL;
	n->slot = slot;
	n->open = 1;
	n->next = u;
	if (prev)
		prev->next = n;
	else
		vm->open_ups = n;
	return n;
}

static void close_upvals(struct ktap_vm *vm, u32 level)
{
	struct ktap_upval *u = vm->open_ups;

	while (u && u->slot >= level) {
		u->v = vm->stack[u->slot];
		u->open = 0;
		u = u->next;
	}
	vm->open_ups = u;
}

static int new_closure(struct ktap_vm *vm, struct ktap_closure *parent, u32 proto, u32 base,
		       struct ktap_value *dst)
{
	struct ktap_proto *child = &vm->chunk.protos[proto];
	struct ktap_closure *cl;
	u32 i;

	if (ktap_quota_closure(vm))
		return KTAP_ERR;
	cl = ktap_closure_new(vm, child);
	if (!cl)
		return KTAP_ERR;
	/* Rooted while its upvalues are made (they may collect). */
	vm->gc_temp[0].tag = KT_FUNC;
	vm->gc_temp[0].v.cl = cl;
	for (i = 0; i < child->nups; i++) {
		if (child->up_instack[i]) {
			cl->ups[i] = find_upval(vm, base + child->up_index[i]);
			if (!cl->ups[i])
				goto out_err;
		} else {
			cl->ups[i] = parent->ups[child->up_index[i]];
		}
	}
	set_nil(&vm->gc_temp[0]);
	dst->tag = KT_FUNC;
	dst->v.cl = cl;
	return 0;

out_err:
	set_nil(&vm->gc_temp[0]);
	return KTAP_ERR;
}

static s64 ipow(s64 x, s64 e)
{
	u64 r = 1;
	u64 b = (u64)x;
	u64 n = (u64)e;

	while (n) {
		if (n & 1)
			r *= b;
		b *= b;
		n >>= 1;
	}
	return (s64)r;
}

static int cat(struct ktap_vm *vm, const struct ktap_value *x, const struct ktap_value *y,
	       struct ktap_value *dst)
{
	struct ktap_str *s;
	u32 xl, yl;

	if (x->tag != KT_STR)
		return ktap_err2(vm, "attempt to concatenate a ", ktap_typename(x), " value");
	if (y->tag != KT_STR)
		return ktap_err2(vm, "attempt to concatenate a ", ktap_typename(y), " value");
	xl = x->v.s->len;
	yl = y->v.s->len;
	if ((u64)xl + yl > vm->chunk.limits.max_string)
		return ktap_err(vm, "string length limit exceeded");
	if (ktap_quota_string(vm, xl + yl))
		return KTAP_ERR;
	s = ktap_alloc(vm, sizeof(*s) + xl + yl + 1, KGC_STR);
	if (!s)
		return KTAP_ERR;
	s->len = xl + yl;
	memcpy(s->data, x->v.s->data, xl);
	memcpy(s->data + xl, y->v.s->data, yl);
	s->data[s->len] = 0;
	dst->tag = KT_STR;
	dst->v.s = s;
	return 0;
}

static int do_index(struct ktap_vm *vm, const struct ktap_value *t, const struct ktap_value *k,
		    struct ktap_value *dst)
{
	if (likely(t->tag == KT_TAB)) {
		ktap_tab_get(t->v.t, k, dst);
		return 0;
	}
	if (t->tag == KT_EVENT)
		return ktap_event_index(vm, t->v.ev, k, dst);
	return index_error(vm, t);
}

/* ---- the interpreter ------------------------------------------------------------ */

#define KTAP_SLICE	(1 << 16)

/*
 * Runs cl as the invocation's root frame (KtapVm.invoke + execute).
 * Returns KTAPVM_OK, KTAPVM_EXIT or KTAPVM_ERROR (the error record written).
 */
int ktap_execute(struct ktap_vm *vm, struct ktap_closure *cl, const struct ktapvm_event *ev,
		 struct ktap_evobj *arg, u64 budget_total)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Woverride-init"
#pragma GCC diagnostic ignored "-Winitializer-overrides"
#define KTAP_LABEL(name, code, fmt, a, b, c, d)	[code] = &&op_##name,
	static const void *const jump[256] KTAP_JUMP_TABLE = {
		[0 ... 255] = &&op_illegal,
		KTAP_OPCODES(KTAP_LABEL)
	};
#undef KTAP_LABEL
#pragma GCC diagnostic pop
	struct ktap_value *S = vm->stack;
	struct ktap_frame *F;		/* the running frame: vm->frames[vm->depth] */
	struct ktap_value *R;
	struct ktap_value *K;
	struct ktap_proto *p;
	const u32 *pc;
	u32 ins, base, nargs, i;
	s64 budget, nb;
	int outcome = KTAPVM_OK;
	int rc;

	vm->depth = 0;
	vm->top = 0;
	vm->open_ups = NULL;
	vm->high_water = 0;
	vm->event = ev;
	vm->event_obj = arg;
	vm->serial++;
	vm->running = 1;
	if (arg)
		arg->serial = vm->serial;

	if (budget_total == 0)
		budget_total = (u64)KTAP_S64_MAX;
	if (vm->resched && budget_total > KTAP_SLICE) {
		budget = KTAP_SLICE;
		vm->budget_left = (s64)(budget_total - KTAP_SLICE);
	} else {
		budget = (s64)budget_total;
		vm->budget_left = 0;
	}

	p = cl->p;
	pc = NULL;
	if (stack_check(vm, 1 + (p->frame > 1 ? p->frame : 1) + 1))
		goto out_error;
	S[0].tag = KT_FUNC;
	S[0].v.cl = cl;
	nargs = 0;
	if (arg) {
		S[1].tag = KT_EVENT;
		S[1].v.ev = arg;
		nargs = 1;
	}
	nb = enter_frame(vm, cl, 0, nargs, -1);
	if (nb < 0)
		goto out_error;
	F = vm->frames;
	base = (u32)nb;
	R = S + base;
	K = p->k;
	pc = p->code;

#define OP		(ins & 0xff)
#define A		((ins >> 8) & 0xff)
#define B		((ins >> 16) & 0xff)
#define C		(ins >> 24)
#define D		(ins >> 16)
#define SD		((s32)(s16)(ins >> 16))
#define DISPATCH()						\
	do {							\
		ins = *pc++;					\
		if (unlikely(--budget < 0))			\
			goto out_budget;			\
		goto *jump[OP];					\
	} while (0)
#define SET_NUM(dst_, x_)	do { (dst_)->tag = KT_NUM; (dst_)->v.n = (x_); } while (0)
#define SET_BOOL(dst_, x_)	do { (dst_)->tag = KT_BOOL; (dst_)->v.n = !!(x_); } while (0)
#define TRUTHY(p_)	((p_)->tag > KT_BOOL || ((p_)->tag == KT_BOOL && (p_)->v.n))
#define CHECK(expr)	do { if (unlikely(expr)) goto out_error; } while (0)
/* Re-enters the frame on top after a call or return. */
#define LOAD_FRAME()						\
	do {							\
		cl = F->cl;					\
		p = cl->p;					\
		base = F->base;					\
		R = S + base;					\
		K = p->k;					\
		pc = p->code + F->pc;				\
	} while (0)

	DISPATCH();

	/* ---- loads ---- */
op_MOV:
	R[A] = R[D];
	DISPATCH();
op_KPRI:
	if (D == 0)
		set_nil(&R[A]);
	else
		SET_BOOL(&R[A], D == 2);
	DISPATCH();
op_KSHORT:
	SET_NUM(&R[A], SD);
	DISPATCH();
op_KCONST:
	R[A] = K[D];
	DISPATCH();
op_KNIL:
	for (i = A; i <= D; i++)
		set_nil(&R[i]);
	DISPATCH();

	/* ---- globals and upvalues ---- */
op_GGET:
	R[A] = vm->globals[D];
	DISPATCH();
op_GSET:
	vm->globals[D] = R[A];
	DISPATCH();
op_UGET: {
	struct ktap_upval *u = cl->ups[D];

	R[A] = u->open ? S[u->slot] : u->v;
	DISPATCH();
}
op_USET: {
	struct ktap_upval *u = cl->ups[A];

	if (u->open)
		S[u->slot] = R[D];
	else
		u->v = R[D];
	DISPATCH();
}
op_UCLO:
	close_upvals(vm, base + A);
	pc += SD;
	DISPATCH();
op_FNEW:
	CHECK(new_closure(vm, cl, D, base, &R[A]));
	DISPATCH();

	/* ---- tables ---- */
op_TNEW: {
	struct ktap_tab *t = ktap_tab_new(vm, B + C);

	CHECK(!t);
	R[A].tag = KT_TAB;
	R[A].v.t = t;
	DISPATCH();
}
op_TGET: {
	struct ktap_value k = R[C];

	CHECK(do_index(vm, &R[B], &k, &R[A]));
	DISPATCH();
}
op_TGETK:
	CHECK(do_index(vm, &R[B], &K[C], &R[A]));
	DISPATCH();
op_TSET:
	if (unlikely(R[B].tag != KT_TAB)) {
		index_error(vm, &R[B]);
		goto out_error;
	}
	CHECK(ktap_tab_set(vm, R[B].v.t, &R[C], &R[A]));
	DISPATCH();
op_TSETK:
	if (unlikely(R[B].tag != KT_TAB)) {
		index_error(vm, &R[B]);
		goto out_error;
	}
	CHECK(ktap_tab_set(vm, R[B].v.t, &K[C], &R[A]));
	DISPATCH();
op_TSETM: {
	u32 a = base + A;
	struct ktap_value k;

	if (unlikely(S[a].tag != KT_TAB)) {
		index_error(vm, &S[a]);
		goto out_error;
	}
	if (unlikely(vm->top < a + 1))
		goto out_multres;
	k.tag = KT_NUM;
	k.v.n = D;
	for (i = a + 1; i < vm->top; i++) {
		CHECK(ktap_tab_set(vm, S[a].v.t, &k, &S[i]));
		k.v.n++;
	}
	DISPATCH();
}
op_TINCR:
	if (unlikely(R[B].tag != KT_TAB)) {
		index_error(vm, &R[B]);
		goto out_error;
	}
	if (unlikely(R[A].tag != KT_NUM)) {
		arith_error(vm, &R[A], &R[A]);
		goto out_error;
	}
	CHECK(ktap_tab_add(vm, R[B].v.t, &R[C], R[A].v.n));
	DISPATCH();

	/* ---- aggregations ---- */
op_AGG:
	CHECK(ktap_agg_update(vm, &vm->chunk.aggs[D], &R[A], &R[A + 1]));
	DISPATCH();
op_TAGG:
	CHECK(ktap_agg_table(vm, &vm->chunk.aggs[D], &R[A]));
	DISPATCH();

	/* ---- arithmetic ---- */
#define KTAP_ARITH(name, expr)						\
op_##name: {								\
	struct ktap_value *x = &R[B], *y = &R[C];			\
	u64 xv, yv;							\
									\
	if (unlikely(x->tag != KT_NUM || y->tag != KT_NUM)) {		\
		arith_error(vm, x, y);					\
		goto out_error;						\
	}								\
	xv = x->v.u;							\
	yv = y->v.u;							\
	SET_NUM(&R[A], (s64)(expr));					\
	DISPATCH();							\
}
	KTAP_ARITH(ADD, xv + yv)
	KTAP_ARITH(SUB, xv - yv)
	KTAP_ARITH(MUL, xv * yv)
#undef KTAP_ARITH

#define KTAP_DIVIDE(name, message, minus_one, expr)			\
op_##name: {								\
	struct ktap_value *x = &R[B], *y = &R[C];			\
	s64 xv, yv;							\
									\
	if (unlikely(x->tag != KT_NUM || y->tag != KT_NUM)) {		\
		arith_error(vm, x, y);					\
		goto out_error;						\
	}								\
	xv = x->v.n;							\
	yv = y->v.n;							\
	if (unlikely(yv == 0)) {					\
		ktap_err(vm, message);					\
		goto out_error;						\
	}								\
	SET_NUM(&R[A], yv == -1 ? (s64)(minus_one) : (expr));		\
	DISPATCH();							\
}
	KTAP_DIVIDE(DIV, "division by zero", 0 - (u64)xv, xv / yv)
	KTAP_DIVIDE(MOD, "modulo by zero", 0, xv % yv)
#undef KTAP_DIVIDE

op_POW: {
	struct ktap_value *x = &R[B], *y = &R[C];

	if (unlikely(x->tag != KT_NUM || y->tag != KT_NUM)) {
		arith_error(vm, x, y);
		goto out_error;
	}
	if (unlikely(y->v.n < 0)) {
		ktap_err(vm, "negative exponent");
		goto out_error;
	}
	SET_NUM(&R[A], ipow(x->v.n, y->v.n));
	DISPATCH();
}
op_NEG:
	if (unlikely(R[D].tag != KT_NUM)) {
		arith_error(vm, &R[D], &R[D]);
		goto out_error;
	}
	SET_NUM(&R[A], (s64)(0 - R[D].v.u));
	DISPATCH();
op_NOT:
	SET_BOOL(&R[A], !TRUTHY(&R[D]));
	DISPATCH();
op_LEN: {
	struct ktap_value *v = &R[D];

	if (v->tag == KT_STR) {
		SET_NUM(&R[A], v->v.s->len);
	} else if (v->tag == KT_TAB) {
		SET_NUM(&R[A], v->v.t->live);
	} else {
		ktap_err2(vm, "attempt to get length of a ", ktap_typename(v), " value");
		goto out_error;
	}
	DISPATCH();
}
op_CAT: {
	struct ktap_value x = R[B], y = R[C];

	CHECK(cat(vm, &x, &y, &R[A]));
	DISPATCH();
}

	/* ---- comparisons ---- */
op_EQ: {
	bool eq = ktap_equal(&R[B], &R[C]);

	SET_BOOL(&R[A], eq);
	DISPATCH();
}
op_NE: {
	bool eq = ktap_equal(&R[B], &R[C]);

	SET_BOOL(&R[A], !eq);
	DISPATCH();
}
#define KTAP_ORDER(name, op)						\
op_##name: {								\
	struct ktap_value *x = &R[B], *y = &R[C];			\
									\
	if (unlikely(x->tag != KT_NUM || y->tag != KT_NUM)) {		\
		compare_error(vm, x, y);				\
		goto out_error;						\
	}								\
	SET_BOOL(&R[A], x->v.n op y->v.n);				\
	DISPATCH();							\
}
	KTAP_ORDER(LT, <)
	KTAP_ORDER(LE, <=)
#undef KTAP_ORDER

	/* ---- control flow ---- */
op_JMP:
	pc += SD;
	DISPATCH();
op_JMPT:
	if (TRUTHY(&R[A]))
		pc += SD;
	DISPATCH();
op_JMPF:
	if (!TRUTHY(&R[A]))
		pc += SD;
	DISPATCH();
op_FORPREP: {
	struct ktap_value *f = &R[A];
	s64 start, limit, step;

	if (unlikely(f[0].tag != KT_NUM)) {
		ktap_err(vm, "'for' initial value must be a number");
		goto out_error;
	}
	if (unlikely(f[1].tag != KT_NUM)) {
		ktap_err(vm, "'for' limit must be a number");
		goto out_error;
	}
	if (unlikely(f[2].tag != KT_NUM)) {
		ktap_err(vm, "'for' step must be a number");
		goto out_error;
	}
	start = f[0].v.n;
	limit = f[1].v.n;
	step = f[2].v.n;
	if (unlikely(step == 0)) {
		ktap_err(vm, "'for' step is zero");
		goto out_error;
	}
	if (step > 0 ? start > limit : start < limit) {
		pc += SD;
	} else {
		if (step > 0)
			f[1].v.u = ((u64)limit - (u64)start) / (u64)step;
		else
			f[1].v.u = ((u64)start - (u64)limit) / ((u64)0 - (u64)(step + 1) + 1);
		SET_NUM(&f[3], start);
	}
	DISPATCH();
}
op_FORLOOP: {
	struct ktap_value *f = &R[A];

	if (unlikely(f[0].tag != KT_NUM || f[1].tag != KT_NUM || f[2].tag != KT_NUM)) {
		ktap_err(vm, "'for' loop state is not a number");
		goto out_error;
	}
	if (f[1].v.u != 0) {
		f[1].v.u--;
		f[0].v.u += f[2].v.u;
		SET_NUM(&f[3], f[0].v.n);
		pc += SD;
	}
	DISPATCH();
}
op_ITERP:
	if (unlikely(R[A].tag != KT_TAB)) {
		ktap_err2(vm, "bad argument #1 to 'pairs' (table expected, got ",
			  ktap_typename(&R[A]), ")");
		goto out_error;
	}
	SET_NUM(&R[A + 1], 0);
	pc += SD;
	DISPATCH();
op_ITERN: {
	struct ktap_value *f = &R[A];
	struct ktap_tab *t;
	s64 e;

	if (unlikely(f[0].tag != KT_TAB)) {
		ktap_err2(vm, "bad argument #1 to 'pairs' (table expected, got ",
			  ktap_typename(&f[0]), ")");
		goto out_error;
	}
	t = f[0].v.t;
	if (f[1].tag == KT_NUM) {
		e = ktap_tab_next(t, f[1].v.n);
		if (e >= 0) {
			f[2] = t->ent[e].k;
			f[2].aux = 0;
			f[3] = t->ent[e].v;
			f[1].v.n = e + 1;
			pc += SD;
		}
	}
	DISPATCH();
}

	/* ---- calls ---- */
op_CALL: {
	u32 a = base + A;
	s32 want = (s32)C - 1;
	struct ktap_value *fv = &S[a];

	if (unlikely(B == 0 && vm->top < a + 1))
		goto out_multres;
	nargs = B == 0 ? vm->top - a - 1 : B - 1;
	if (likely(fv->tag == KT_FUNC)) {
		struct ktap_closure *callee = fv->v.cl;

		F->pc = (u32)(pc - p->code);
		if (unlikely(vm->depth + 1 >= vm->max_depth)) {
			ktap_err(vm, "stack overflow");
			goto out_error;
		}
		vm->depth++;
		nb = enter_frame(vm, callee, a, nargs, want);
		if (unlikely(nb < 0)) {
			vm->depth--;
			goto out_error;
		}
		F++;
		cl = callee;
		p = callee->p;
		base = (u32)nb;
		R = S + base;
		K = p->k;
		pc = p->code;
	} else if (fv->tag == KT_BFUNC) {
		CHECK(ktap_call_bound(vm, fv->v.bf, a));
		if (want < 0) {
			vm->top = a + 1;
		} else {
			for (i = 1; (s32)i < want; i++)
				set_nil(&S[a + i]);
		}
	} else {
		ktap_err2(vm, "attempt to call a ", ktap_typename(fv), " value");
		goto out_error;
	}
	DISPATCH();
}
op_TAILCALL: {
	u32 a = base + A;
	struct ktap_value *fv = &S[a];
	struct ktap_frame *f = F;

	if (unlikely(B == 0 && vm->top < a + 1))
		goto out_multres;
	nargs = B == 0 ? vm->top - a - 1 : B - 1;
	if (likely(fv->tag == KT_FUNC)) {
		struct ktap_closure *callee = fv->v.cl;
		u32 func = f->ret;
		s32 want = f->want;

		close_upvals(vm, base);
		memmove(S + func, S + a, (nargs + 1) * sizeof(*S));
		nb = enter_frame(vm, callee, func, nargs, want);
		if (unlikely(nb < 0))
			goto out_error;
		LOAD_FRAME();
	} else if (fv->tag == KT_BFUNC) {
		u32 dst;
		s32 want;

		CHECK(ktap_call_bound(vm, fv->v.bf, a));
		close_upvals(vm, base);
		if (vm->depth == 0)
			goto out_return;
		dst = f->ret;
		want = f->want;
		S[dst] = S[a];
		if (want < 0) {
			vm->top = dst + 1;
		} else {
			for (i = 1; (s32)i < want; i++)
				set_nil(&S[dst + i]);
		}
		vm->depth--;
		F--;
		LOAD_FRAME();
	} else {
		ktap_err2(vm, "attempt to call a ", ktap_typename(fv), " value");
		goto out_error;
	}
	DISPATCH();
}
op_CALLB: {
	u32 a = base + A;

	nargs = B == 0 ? vm->top - a : B - 1;
	if (unlikely(B == 0 && vm->top < a))
		goto out_multres;
	rc = ktap_builtin(vm, C, a, nargs);
	if (unlikely(rc)) {
		if (rc == KTAP_EXITED)
			goto out_exit;
		goto out_error;
	}
	DISPATCH();
}
op_RET: {
	u32 a = base + A;
	u32 nret = D == 0 ? vm->top - a : D - 1;
	struct ktap_frame *f = F;
	u32 dst;
	s32 want;

	if (unlikely(D == 0 && vm->top < a))
		goto out_multres;
	if (vm->open_ups)
		close_upvals(vm, base);
	if (vm->depth == 0)
		goto out_return;
	dst = f->ret;
	want = f->want;
	if (want < 0) {
		memmove(S + dst, S + a, nret * sizeof(*S));
		vm->top = dst + nret;
	} else {
		u32 m = nret < (u32)want ? nret : (u32)want;

		for (i = 0; i < m; i++)
			S[dst + i] = S[a + i];
		for (; (s32)i < want; i++)
			set_nil(&S[dst + i]);
	}
	vm->depth--;
	F--;
	LOAD_FRAME();
	DISPATCH();
}
op_VARG: {
	u32 a = base + A;
	struct ktap_frame *f = F;
	u32 vb = f->varbase;
	u32 vc = f->varcount;

	if (D == 0) {
		if (stack_check(vm, a + vc + 1))
			goto out_error;
		memmove(S + a, S + vb, vc * sizeof(*S));
		vm->top = a + vc;
		if (vm->top > vm->high_water)
			vm->high_water = vm->top;
	} else {
		u32 want = D - 1;

		for (i = 0; i < want; i++) {
			if (i < vc)
				S[a + i] = S[vb + i];
			else
				set_nil(&S[a + i]);
		}
	}
	DISPATCH();
}

	/* ---- events and records ---- */
op_EVGET:
	CHECK(ktap_event_part(vm, D, &R[A]));
	DISPATCH();
op_EMIT:
	CHECK(ktap_emit(vm, C, base + A, B));
	DISPATCH();

out_multres:
	/* The verifier's rule V23 makes this unreachable; the kernel trusts nothing. */
	ktap_err(vm, "internal error: variable count below its range");
	goto out_error;

op_illegal:
	ktap_err_begin(vm);
	ktap_err_str(vm, "internal error: unknown opcode ");
	ktap_err_num(vm, OP);
	goto out_error;

out_budget:
	if (vm->budget_left > 0) {
		nb = vm->budget_left > KTAP_SLICE ? KTAP_SLICE : vm->budget_left;
		vm->budget_left -= nb;
		budget = nb - 1;
		ktap_port_cond_resched();
		goto *jump[OP];
	}
	ktap_err(vm, "instruction budget exceeded");
	goto out_error;

out_exit:
	vm->stopped = true;
	outcome = KTAPVM_EXIT;
	goto out;

out_error: {
	u32 line = 0;

	if (pc) {
		s64 at = pc - p->code - 1;

		line = at >= 0 && at < (s64)p->ncode ? p->lines[at] : p->line;
	}
	vm->stopped = true;
	ktap_write_error(vm, line);
	outcome = KTAPVM_ERROR;
	goto out;
}

out_return:
	outcome = KTAPVM_OK;
out:
	/* Drop every reference the invocation left on the stack. */
	{
		u32 end = vm->top > vm->high_water ? vm->top : vm->high_water;

		end = end + 1 < vm->stack_limit ? end + 1 : vm->stack_limit;
		for (i = 0; i < end; i++)
			set_nil(&S[i]);
		for (i = 0; i <= vm->depth && i < vm->max_depth; i++)
			vm->frames[i].cl = NULL;
	}
	vm->depth = 0;
	vm->top = 0;
	vm->open_ups = NULL;
	vm->event = NULL;
	vm->event_obj = NULL;
	vm->running = 0;
	return outcome;

#undef OP
#undef A
#undef B
#undef C
#undef D
#undef SD
#undef DISPATCH
#undef SET_NUM
#undef SET_BOOL
#undef TRUTHY
#undef CHECK
#undef LOAD_FRAME
}

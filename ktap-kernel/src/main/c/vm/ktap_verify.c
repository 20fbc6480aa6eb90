// SPDX-License-Identifier: GPL-2.0
/*
 * ktap_verify.c - the verifier: rules V1-V31 of bytecode.md section 6, in the
 * order io.ktap.bytecode.Verifier checks them, so both report the same first
 * violation.  The operand rules are driven by the roles in the generated
 * opcode table, as the Java verifier's are driven by Opcode's roles.
 *
 * What the verifier guarantees the interpreter: every register, constant,
 * upvalue, global, prototype, schema and jump target an instruction names is
 * in range; ranges (calls, returns, loops) stay inside the frame; variable
 * counts are consumed only right after they are produced.  Values are checked
 * at run time.
 */
#include "ktap_int.h"

#define MAX_CODE		(1u << 18)
#define MAX_EVENT_IDS		(1u << 16)
#define MAX_CALL_DEPTH		10000u
#define MIN_TIMER_PERIOD	1000u

struct vstate {
	const struct ktap_chunk *c;
	u8 *targets;		/* jump targets of the prototype being checked */
	bool kernel;
	char *err;
	size_t size;
	size_t len;
};

static void put(struct vstate *v, const char *s)
{
	while (*s && v->len + 1 < v->size)
		v->err[v->len++] = *s++;
	if (v->size)
		v->err[v->len < v->size ? v->len : v->size - 1] = 0;
}

static void put_num(struct vstate *v, s64 n)
{
	char buf[24];

	buf[ktap_fmt_s64(buf, n)] = 0;
	put(v, buf);
}

/* "proto P pc N: Vxx: " then the message parts. */
static int fail(struct vstate *v, const char *rule, s64 proto, s64 pc, const char *msg)
{
	v->len = 0;
	if (proto < 0) {
		put(v, "chunk");
	} else {
		put(v, "proto ");
		put_num(v, proto);
		if (pc >= 0) {
			put(v, " pc ");
			put_num(v, pc);
		}
	}
	put(v, ": ");
	put(v, rule);
	put(v, ": ");
	put(v, msg);
	return -1;
}

/* Operand roles and formats of every opcode, from the generated table. */
struct op_desc {
	u8 valid;
	u8 format;
	u8 a, b, c, d;
};

static const struct op_desc ops[256] = {
#define KTAP_DESC(name, code, fmt, ra, rb, rc, rd)			\
	[code] = { 1, KTAP_FMT_##fmt, KTAP_OPND_##ra, KTAP_OPND_##rb,	\
		   KTAP_OPND_##rc, KTAP_OPND_##rd },
	KTAP_OPCODES(KTAP_DESC)
#undef KTAP_DESC
};

static int range(struct vstate *v, const char *what, u64 x, u64 lo, u64 hi)
{
	if (x < lo || x > hi)
		return fail(v, "V2", -1, -1, what);
	return 0;
}

static int limits(struct vstate *v)
{
	const struct ktap_limits *l = &v->c->limits;
	u64 min = v->kernel ? 1 : 0;

	if (l->handler_budget < min)
		return fail(v, "V1", -1, -1, "handler budget must be at least 1 in the kernel");
	if (l->main_budget < min)
		return fail(v, "V1", -1, -1, "main budget must be at least 1 in the kernel");
	if (range(v, "max call depth is outside 1..10000", l->max_call_depth, 1, MAX_CALL_DEPTH) ||
	    range(v, "max stack slots is outside 256..2^20", l->max_stack_slots, 256, 1u << 20) ||
	    range(v, "max string length is outside 1..2^20", l->max_string, 1, 1u << 20) ||
	    range(v, "max tables is outside 1..2^20", l->max_tables, 1, 1u << 20) ||
	    range(v, "max table entries is outside 1..2^26", l->max_entries, 1, 1u << 26) ||
	    range(v, "string pool bytes is outside max string length..2^30", l->string_pool,
		  l->max_string > 1 ? l->max_string : 1, 1u << 30) ||
	    range(v, "max closures is outside 1..2^20", l->max_closures, 1, 1u << 20))
		return -1;
	return 0;
}

static u32 ins_op(u32 i)
{
	return i & 0xff;
}

static u32 ins_a(u32 i)
{
	return (i >> 8) & 0xff;
}

static u32 ins_b(u32 i)
{
	return (i >> 16) & 0xff;
}

static u32 ins_c(u32 i)
{
	return i >> 24;
}

static u32 ins_d(u32 i)
{
	return i >> 16;
}

static s32 ins_sd(u32 i)
{
	return (s32)(s16)(i >> 16);
}

static bool is_jump(u32 op)
{
	return ops[op].valid && ops[op].d == KTAP_OPND_JUMP;
}

static void mark_targets(struct vstate *v, const struct ktap_proto *p)
{
	u32 i;

	memset(v->targets, 0, (p->ncode + 7) / 8);
	for (i = 0; i < p->ncode; i++) {
		u32 ins = p->code[i];
		s64 t = (s64)i + 1 + ins_sd(ins);

		if (is_jump(ins_op(ins)) && t >= 0 && t < p->ncode)
			v->targets[t / 8] |= (u8)(1u << (t % 8));
	}
}

static bool jump_target(struct vstate *v, u32 pc)
{
	return v->targets[pc / 8] & (1u << (pc % 8));
}

static int field(struct vstate *v, u32 index, const struct ktap_proto *p, u32 pc, u8 role,
		 u32 x, u32 ins)
{
	const struct ktap_chunk *c = v->c;

	switch (role) {
	case KTAP_OPND_NONE:
		if (x)
			return fail(v, "V10", index, pc, "an unused field is not zero");
		break;
	case KTAP_OPND_DST:
	case KTAP_OPND_SRC:
	case KTAP_OPND_BASE:
		if (x >= p->frame)
			return fail(v, "V11", index, pc, "register beyond the frame size");
		break;
	case KTAP_OPND_CONST:
		if (x >= p->nk)
			return fail(v, "V12", index, pc, "constant index out of range");
		break;
	case KTAP_OPND_UPVAL:
		if (x >= p->nups)
			return fail(v, "V13", index, pc, "upvalue index out of range");
		break;
	case KTAP_OPND_GLOBAL:
		if (x >= c->nglobals)
			return fail(v, "V14", index, pc, "global index out of range");
		break;
	case KTAP_OPND_PROTO:
		if (x >= c->nprotos || c->protos[x].parent != (s32)index)
			return fail(v, "V15", index, pc, "FNEW names a prototype that is not a child of this one");
		break;
	case KTAP_OPND_BUILTIN:
		if (!ktap_builtin_known(x))
			return fail(v, "V16", index, pc, "no builtin has this id");
		break;
	case KTAP_OPND_JUMP: {
		s64 target = (s64)pc + 1 + ins_sd(ins);

		if (target < 0 || target >= p->ncode)
			return fail(v, "V17", index, pc, "jump target outside the function");
		break;
	}
	case KTAP_OPND_PRI:
		if (x > 2)
			return fail(v, "V18", index, pc, "KPRI D must be 0..2");
		break;
	case KTAP_OPND_EVENT:
		if (x > 11)
			return fail(v, "V18", index, pc, "EVGET D must be 0..11");
		break;
	case KTAP_OPND_SCHEMA:
		if (x >= c->nschemas)
			return fail(v, "V19", index, pc, "schema index out of range");
		break;
	case KTAP_OPND_AGG:
		if (x >= c->naggs)
			return fail(v, "V30", index, pc, "aggregation index out of range");
		break;
	default:
		break;
	}
	return 0;
}

static int within(struct vstate *v, u32 index, u32 pc, s64 last, u32 fs)
{
	if (last >= fs)
		return fail(v, "V20", index, pc, "register range beyond the frame size");
	return 0;
}

/* Rule V23 for a consumer at pc whose variable range starts at register first. */
static int multres(struct vstate *v, u32 index, const struct ktap_proto *p, u32 pc, u32 first)
{
	u32 prev, op;
	bool producer;

	if (jump_target(v, pc))
		return fail(v, "V23", index, pc, "a consumer of a variable count is a jump target");
	if (pc == 0)
		return fail(v, "V23", index, pc, "a consumer of a variable count is the first instruction");
	prev = p->code[pc - 1];
	op = ins_op(prev);
	producer = (op == KTAP_OP_CALL && ins_c(prev) == 0) || (op == KTAP_OP_VARG && ins_d(prev) == 0);
	if (!producer)
		return fail(v, "V23", index, pc,
			    "a consumer of a variable count must follow CALL with C=0 or VARG with D=0");
	if (ins_a(prev) < first)
		return fail(v, "V23", index, pc, "the producer's results start below the consumer's range");
	return 0;
}

static int instruction(struct vstate *v, u32 index, const struct ktap_proto *p, u32 pc)
{
	u32 ins = p->code[pc];
	u32 op = ins_op(ins);
	const struct op_desc *d = &ops[op];
	u32 a = ins_a(ins), b = ins_b(ins), c = ins_c(ins), dd = ins_d(ins);
	u32 fs = p->frame;

	if (!d->valid)
		return fail(v, "V9", index, pc, "unknown opcode");
	if (d->format == KTAP_FMT_ABC) {
		if (field(v, index, p, pc, d->a, a, ins) || field(v, index, p, pc, d->b, b, ins) ||
		    field(v, index, p, pc, d->c, c, ins))
			return -1;
	} else {
		if (field(v, index, p, pc, d->a, a, ins) || field(v, index, p, pc, d->d, dd, ins))
			return -1;
	}
	switch (op) {
	case KTAP_OP_KNIL:
		if (a > dd)
			return fail(v, "V20", index, pc, "KNIL range is empty");
		break;
	case KTAP_OP_TSETM:
		if (dd < 1)
			return fail(v, "V20", index, pc, "TSETM start index must be at least 1");
		return multres(v, index, p, pc, a + 1);
	case KTAP_OP_FORPREP:
	case KTAP_OP_FORLOOP:
	case KTAP_OP_ITERP:
	case KTAP_OP_ITERN:
		return within(v, index, pc, a + 3, fs);
	case KTAP_OP_CALL:
		if (b > 0) {
			if (within(v, index, pc, a + b - 1, fs))
				return -1;
		} else if (multres(v, index, p, pc, a + 1)) {
			return -1;
		}
		if (c > 1)
			return within(v, index, pc, a + c - 2, fs);
		break;
	case KTAP_OP_TAILCALL:
		if (b > 0)
			return within(v, index, pc, a + b - 1, fs);
		return multres(v, index, p, pc, a + 1);
	case KTAP_OP_CALLB:
		if (b > 0) {
			if (within(v, index, pc, (s64)a + b - 2, fs))
				return -1;
			if (ktap_builtin_known(c) && !ktap_builtin_accepts(c, b - 1))
				return fail(v, "V21", index, pc, "the builtin does not accept this many arguments");
			break;
		}
		return multres(v, index, p, pc, a);
	case KTAP_OP_RET:
		if (dd > 1)
			return within(v, index, pc, a + dd - 2, fs);
		if (dd == 0)
			return multres(v, index, p, pc, a);
		break;
	case KTAP_OP_VARG:
		if (!p->variadic)
			return fail(v, "V22", index, pc, "VARG in a function without varargs");
		if (dd > 1)
			return within(v, index, pc, a + dd - 2, fs);
		break;
	case KTAP_OP_EMIT:
		if (c < v->c->nschemas && b != v->c->schemas[c].nfields)
			return fail(v, "V19", index, pc, "EMIT passes a different number of fields than its schema has");
		if (b > 0)
			return within(v, index, pc, a + b - 1, fs);
		break;
	case KTAP_OP_AGG:
		return within(v, index, pc, a + 1, fs);
	case KTAP_OP_TAGG:
		return within(v, index, pc, a + 2, fs);
	default:
		break;
	}
	return 0;
}

static int proto(struct vstate *v, u32 index)
{
	const struct ktap_chunk *c = v->c;
	const struct ktap_proto *p = &c->protos[index];
	bool root = p->parent < 0;
	u32 i, last;

	if (p->nk > (1u << 16) || p->nups > 256 || p->ncode < 1 || p->ncode > MAX_CODE)
		return fail(v, "V3", index, -1, "too many constants or upvalues, or a code length outside 1..262144");
	if (!root && (u32)p->parent >= index)
		return fail(v, "V5", index, -1, "the parent is not a lower prototype index");
	if (root && p->nups)
		return fail(v, "V6", index, -1, "a root prototype has upvalues");
	if (p->nparams > p->frame)
		return fail(v, "V7", index, -1, "parameters exceed the frame size");
	if (!root) {
		const struct ktap_proto *parent = &c->protos[p->parent];

		for (i = 0; i < p->nups; i++) {
			u32 bound = p->up_instack[i] ? parent->frame : parent->nups;

			if (p->up_index[i] >= bound)
				return fail(v, "V8", index, -1, "an upvalue captures beyond its parent");
		}
	}
	for (i = 0; i < p->nk; i++)
		if (p->k[i].tag == KT_STR && p->k[i].v.s->len > c->limits.max_string)
			return fail(v, "V29", index, -1, "a string constant exceeds the max string length");
	mark_targets(v, p);
	for (i = 0; i < p->ncode; i++)
		if (instruction(v, index, p, i))
			return -1;
	last = ins_op(p->code[p->ncode - 1]);
	if (last != KTAP_OP_JMP && last != KTAP_OP_RET && last != KTAP_OP_TAILCALL)
		return fail(v, "V24", index, p->ncode - 1, "the last instruction must be JMP, RET or TAILCALL");
	return 0;
}

static int root_entry(struct vstate *v, const char *rule, u32 index)
{
	const struct ktap_proto *p;

	if (index >= v->c->nprotos)
		return fail(v, rule, -1, -1, "the prototype does not exist");
	p = &v->c->protos[index];
	if (index == 0 || p->parent >= 0 || p->nparams || p->variadic)
		return fail(v, rule, -1, -1, "must be a root other than main, with no parameters and no varargs");
	return 0;
}

/*
 * The perf_event_attr words of a resolved perf event or breakpoint entry
 * (CounterAttr in the Java model): none yet, or exactly these.
 */
static int counter_attr(struct vstate *v, const struct ktap_probe *p)
{
	const u64 *w = p->ids;

	if (p->period_ns)
		return fail(v, "V26", -1, -1, "only timers have a period");
	if (p->filter)
		return fail(v, "V26", -1, -1, "a perf event or breakpoint has no filter");
	if (!p->nids)
		return 0;
	if (p->kind == KTAPVM_PROBE_PERF_EVENT) {
		if (p->nids != 4)
			return fail(v, "V26", -1, -1, "a perf event has 4 attr words");
		if (w[0] > 1)
			return fail(v, "V26", -1, -1, "perf event type is neither hardware nor software");
		if (w[1] >= (w[0] == 0 ? KTAPVM_PERF_HW_EVENTS : KTAPVM_PERF_SW_EVENTS))
			return fail(v, "V26", -1, -1, "perf event config out of range");
		if (w[3] > 1)
			return fail(v, "V26", -1, -1, "perf event frequency flag is neither 0 nor 1");
		if (w[2] < 1 || w[2] > KTAP_S64_MAX ||
		    (w[3] && w[2] > KTAPVM_PERF_MAX_FREQ))
			return fail(v, "V26", -1, -1, "perf event sample out of range");
		return 0;
	}
	if (p->nids != 3)
		return fail(v, "V26", -1, -1, "a breakpoint has 3 attr words");
	if (w[1] != 1 && w[1] != 2 && w[1] != 4 && w[1] != 8)
		return fail(v, "V26", -1, -1, "breakpoint length is not 1, 2, 4 or 8");
	if (w[2] < 1 || w[2] > 4)
		return fail(v, "V26", -1, -1, "breakpoint access is not r, w, rw or x");
	if (w[2] == 4 && w[1] != 8)
		return fail(v, "V26", -1, -1, "an execute breakpoint has length 8");
	return 0;
}

static int probes(struct vstate *v)
{
	u32 i;

	for (i = 0; i < v->c->nprobes; i++) {
		const struct ktap_probe *p = &v->c->probes[i];

		if (root_entry(v, "V25", p->handler))
			return -1;
		if (p->kind == KTAPVM_PROBE_TICK || p->kind == KTAPVM_PROBE_PROFILE) {
			if (p->period_ns < MIN_TIMER_PERIOD)
				return fail(v, "V26", -1, -1, "a timer period is below 1000 ns");
			if (p->filter || p->nids)
				return fail(v, "V26", -1, -1, "a timer has no filter and no event ids");
		} else if (p->kind == KTAPVM_PROBE_PERF_EVENT || p->kind == KTAPVM_PROBE_BREAKPOINT) {
			if (counter_attr(v, p))
				return -1;
		} else {
			if (p->period_ns)
				return fail(v, "V26", -1, -1, "only timers have a period");
			if (p->nids > MAX_EVENT_IDS)
				return fail(v, "V26", -1, -1, "too many event ids");
		}
	}
	return 0;
}

static bool same(const char *a, u32 al, const char *b, u32 bl)
{
	return al == bl && !memcmp(a, b, al);
}

static int schemas(struct vstate *v)
{
	u32 i, f, g;

	for (i = 0; i < v->c->nschemas; i++) {
		const struct ktap_schema *s = &v->c->schemas[i];

		if (s->nfields < 1 || s->nfields > 255)
			return fail(v, "V28", -1, -1, "a schema has no fields or more than 255");
		for (f = 0; f < s->nfields; f++)
			for (g = 0; g < f; g++)
				if (same(s->fname[f], s->fname_len[f], s->fname[g], s->fname_len[g]))
					return fail(v, "V28", -1, -1, "a schema has two fields of the same name");
	}
	return 0;
}

static int aggregations(struct vstate *v)
{
	u32 i;

	for (i = 0; i < v->c->naggs; i++) {
		const struct ktap_agg_spec *a = &v->c->aggs[i];
		bool ok = a->kind == KTAP_AGG_LHIST ? a->nbuckets > 0 : !a->min && !a->max && !a->step;

		if (!ok)
			return fail(v, "V31", -1, -1, "an aggregation has invalid bounds");
	}
	return 0;
}

static int verify_rules(struct vstate *v)
{
	const struct ktap_chunk *c = v->c;
	u32 i;

	if (limits(v))
		return -1;
	if (c->nprotos < 1 || c->nprotos > (1u << 16))
		return fail(v, "V3", -1, -1, "expected 1..65536 prototypes");
	if (c->nglobals > (1u << 16))
		return fail(v, "V3", -1, -1, "expected at most 65536 globals");
	if (c->nschemas > 256)
		return fail(v, "V3", -1, -1, "expected at most 256 schemas");
	if (c->naggs > (1u << 16))
		return fail(v, "V3", -1, -1, "expected at most 65536 aggregations");
	if (c->protos[0].parent >= 0 || c->protos[0].nparams || c->protos[0].variadic)
		return fail(v, "V4", 0, -1, "the main chunk must be a root with no parameters and no varargs");
	for (i = 0; i < c->nprotos; i++)
		if (proto(v, i))
			return -1;
	if (probes(v))
		return -1;
	for (i = 0; i < c->nend; i++)
		if (root_entry(v, "V27", c->end[i]))
			return -1;
	if (schemas(v))
		return -1;
	return aggregations(v);
}

int ktap_chunk_verify_policy(const struct ktap_chunk *c, bool kernel, char *err, size_t err_size)
{
	struct vstate v = { c, NULL, kernel, err, err_size, 0 };
	int ret;

	if (err_size)
		err[0] = 0;
	v.targets = ktap_port_alloc(MAX_CODE / 8);
	if (!v.targets)
		return fail(&v, "V0", -1, -1, "out of memory");
	ret = verify_rules(&v);
	ktap_port_free(v.targets);
	return ret;
}

int ktap_chunk_verify(const struct ktap_chunk *c, char *err, size_t err_size)
{
#ifdef __KERNEL__
	return ktap_chunk_verify_policy(c, true, err, err_size);
#else
	return ktap_chunk_verify_policy(c, false, err, err_size);
#endif
}

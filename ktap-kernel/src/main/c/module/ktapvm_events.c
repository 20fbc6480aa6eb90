// SPDX-License-Identifier: GPL-2.0
/*
 * ktapvm_events.c - the events a session traces: the event table userspace
 * describes, perf kernel counters on tracepoints and on the kprobe/uprobe
 * events userspace created in tracefs, profile-N on per-CPU cpu-clock
 * counters, tick-N on an hrtimer, perf hardware/software events and hardware
 * breakpoints on counters of their own; and the handlers that decode a raw
 * trace record (or a counter's sample) into a ktapvm_event and run the
 * probe's bytecode.
 *
 * Handlers run in whatever context the event fires in (tracepoints with
 * preemption off, kprobes, hard irq for timers, possibly NMI): they never
 * sleep, never allocate, and read the record only within its size.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/hw_breakpoint.h>
#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/perf_event.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/trace_events.h>
#include <linux/trace_seq.h>
#include <linux/tracepoint.h>
#include <asm/syscall.h>
#include <trace/syscall.h>
#include <linux/uaccess.h>
#include <asm/unaligned.h>

#include "ktapvm_mod.h"

/* ---- the event table ---------------------------------------------------------- */

struct kv_reader {
	const u8 *p;
	u32 len;
	u32 at;
	char *err;
	size_t err_size;
};

static int kv_fail(struct kv_reader *r, const char *what)
{
	snprintf(r->err, r->err_size, "event table: %s (at byte %u)", what, r->at);
	return -EINVAL;
}

/* Takes n bytes (8-byte padded) from the table; NULL when it is too short. */
static const void *kv_take(struct kv_reader *r, u32 n)
{
	u32 padded = ALIGN(n, 8);
	const void *p;

	if (padded < n || r->len - r->at < padded)
		return NULL;
	p = r->p + r->at;
	r->at += padded;
	return p;
}

static bool kv_is_counter(u32 kind)
{
	return kind == KTAPVM_PROBE_PERF_EVENT || kind == KTAPVM_PROBE_BREAKPOINT;
}

static bool kv_probe_has_id(const struct ktapvm_probe_info *pi, u64 id)
{
	u32 i;

	for (i = 0; i < pi->nr_event_ids; i++)
		if (pi->event_ids[i] == id)
			return true;
	return false;
}

/* Checks one compiled filter: known ops, fields in range, one result. */
static int kv_check_filter(struct kv_reader *r, const struct kv_event *ev)
{
	int depth = 0;
	u32 i;

	for (i = 0; i < ev->nr_filter; i++) {
		const struct ktapvm_filter_op *op = &ev->filter[i];

		switch (op->op) {
		case KTAPVM_FOP_NUM:
			if (op->cmp < KTAPVM_CMP_EQ || op->cmp > KTAPVM_CMP_BAND)
				return kv_fail(r, "filter: bad numeric comparison");
			if (op->field >= ev->nr_fields)
				return kv_fail(r, "filter: field index out of range");
			depth++;
			break;
		case KTAPVM_FOP_STR:
			if (op->cmp != KTAPVM_CMP_EQ && op->cmp != KTAPVM_CMP_NE &&
			    op->cmp != KTAPVM_CMP_GLOB)
				return kv_fail(r, "filter: bad string comparison");
			if (op->field >= ev->nr_fields || op->str_len > KTAPVM_FILTER_STR)
				return kv_fail(r, "filter: field or string out of range");
			depth++;
			break;
		case KTAPVM_FOP_FALSE:
			depth++;
			break;
		case KTAPVM_FOP_AND:
		case KTAPVM_FOP_OR:
			if (depth < 2)
				return kv_fail(r, "filter: operator without operands");
			depth--;
			break;
		case KTAPVM_FOP_NOT:
			if (depth < 1)
				return kv_fail(r, "filter: operator without operand");
			break;
		default:
			return kv_fail(r, "filter: unknown operation");
		}
		if (depth > 32)
			return kv_fail(r, "filter: too deep");
	}
	if (ev->nr_filter && depth != 1)
		return kv_fail(r, "filter: must leave one value");
	return 0;
}

static int kv_parse_one(struct kv_session *s, struct kv_reader *r, struct kv_event *ev)
{
	const struct ktapvm_evdesc *d;
	struct ktapvm_probe_info pi;
	u32 i;

	d = kv_take(r, sizeof(*d));
	if (!d)
		return kv_fail(r, "truncated event");
	if (d->reserved || (d->flags & ~KTAPVM_EV_SYSCALL_ENTER))
		return kv_fail(r, "reserved bits set");
	if (d->name_len == 0 || d->name_len > KTAPVM_MAX_NAME)
		return kv_fail(r, "bad event name length");
	if (d->nr_fields > KTAPVM_MAX_FIELDS || d->nr_filter > KTAPVM_MAX_FILTER_OPS)
		return kv_fail(r, "too many fields or filter operations");
	if (ktapvm_probe_info(s->vm, d->probe, &pi))
		return kv_fail(r, "no such probe");
	if (pi.kind == KTAPVM_PROBE_TICK || pi.kind == KTAPVM_PROBE_PROFILE)
		return kv_fail(r, "a timer probe has no events");
	if (kv_is_counter(pi.kind))
		return kv_fail(r, "a perf event or breakpoint probe has no events");
	if (!kv_probe_has_id(&pi, d->id))
		return kv_fail(r, "event id is not in the probe's entry of the chunk");
	if (d->id > U32_MAX)
		return kv_fail(r, "event id out of range");

	ev->id = d->id;
	ev->nr = -1;
	ev->probe = d->probe;
	ev->flags = d->flags;
	ev->name_len = d->name_len;
	ev->name = kv_take(r, d->name_len);
	if (!ev->name)
		return kv_fail(r, "truncated event name");
	ev->nr_fields = d->nr_fields;
	ev->fields = kcalloc(d->nr_fields ? d->nr_fields : 1, sizeof(*ev->fields), GFP_KERNEL);
	if (!ev->fields)
		return -ENOMEM;
	for (i = 0; i < d->nr_fields; i++) {
		const struct ktapvm_fielddesc *fd = kv_take(r, sizeof(*fd));
		struct kv_field *f = &ev->fields[i];

		if (!fd)
			return kv_fail(r, "truncated field");
		switch (fd->kind) {
		case KTAPVM_FIELD_INT:
			if (fd->size != 1 && fd->size != 2 && fd->size != 4 && fd->size != 8)
				return kv_fail(r, "integer field of a size other than 1, 2, 4, 8");
			break;
		case KTAPVM_FIELD_CHARS:
			if (fd->size == 0)
				return kv_fail(r, "empty char array field");
			break;
		case KTAPVM_FIELD_DATA_LOC:
		case KTAPVM_FIELD_REL_LOC:
			if (fd->size != 4)
				return kv_fail(r, "__data_loc field not 4 bytes");
			break;
		default:
			return kv_fail(r, "unknown field kind");
		}
		if (fd->name_len == 0 || fd->name_len > KTAPVM_MAX_NAME || fd->is_signed > 1)
			return kv_fail(r, "bad field name length or sign");
		f->name = kv_take(r, fd->name_len);
		if (!f->name)
			return kv_fail(r, "truncated field name");
		f->name_len = fd->name_len;
		f->offset = fd->offset;
		f->size = fd->size;
		f->kind = fd->kind;
		f->is_signed = fd->is_signed;
	}
	ev->nr_filter = d->nr_filter;
	if (d->nr_filter) {
		const void *ops = kv_take(r, d->nr_filter * (u32)sizeof(*ev->filter));

		if (!ops)
			return kv_fail(r, "truncated filter");
		ev->filter = kmemdup(ops, d->nr_filter * sizeof(*ev->filter), GFP_KERNEL);
		if (!ev->filter)
			return -ENOMEM;
	}
	return kv_check_filter(r, ev);
}

void kv_events_free(struct kv_session *s)
{
	u32 i;

	for (i = 0; i < s->nr_events; i++) {
		if (s->events[i].file)
			trace_put_event_file(s->events[i].file);
		kfree(s->events[i].fields);
		kfree(s->events[i].filter);
	}
	kfree(s->sc_enter);
	s->sc_enter = NULL;
	kfree(s->events);
	s->events = NULL;
	s->nr_events = 0;
	kvfree(s->evtab);
	s->evtab = NULL;
}

/*
 * Copies and checks the event table against the loaded chunk: every event
 * id of every non-timer probe is described exactly once for its probe.
 */
int kv_events_parse(struct kv_session *s, const void __user *uptr, u32 len,
		    char *err, size_t err_size)
{
	struct kv_reader r = { .len = len, .err = err, .err_size = err_size };
	struct ktapvm_probe_info pi;
	u32 n = 0, max, p, i, j;
	int ret;

	if (len > KTAPVM_MAX_EVTAB || (len & 7)) {
		snprintf(err, err_size, "event table: length %u is not a multiple of 8 up to %u",
			 len, KTAPVM_MAX_EVTAB);
		return -EINVAL;
	}
	s->evtab = kvmalloc(len ? len : 8, GFP_KERNEL);
	if (!s->evtab)
		return -ENOMEM;
	if (copy_from_user(s->evtab, uptr, len))
		return -EFAULT;
	r.p = s->evtab;

	max = len / sizeof(struct ktapvm_evdesc);
	if (max > KTAPVM_MAX_EVENTS)
		max = KTAPVM_MAX_EVENTS;
	s->events = kcalloc(max ? max : 1, sizeof(*s->events), GFP_KERNEL);
	if (!s->events)
		return -ENOMEM;
	while (r.at < len) {
		if (n == max)
			return kv_fail(&r, "too many events");
		ret = kv_parse_one(s, &r, &s->events[n]);
		s->nr_events = ++n;
		if (ret)
			return ret;
	}

	for (p = 0; p < ktapvm_nr_probes(s->vm); p++) {
		if (ktapvm_probe_info(s->vm, p, &pi))
			return -EINVAL;
		if (pi.kind == KTAPVM_PROBE_TICK || pi.kind == KTAPVM_PROBE_PROFILE) {
			if (pi.period_ns < 1000 || pi.period_ns > 3600ull * NSEC_PER_SEC) {
				snprintf(err, err_size, "probe %u: timer period %llu ns out of 1us..1h",
					 p, pi.period_ns);
				return -EINVAL;
			}
			continue;
		}
		if (kv_is_counter(pi.kind)) {
			/* the verifier checked the words' shape: here only that they are there */
			if (!pi.nr_event_ids) {
				snprintf(err, err_size, "probe %u (%.*s): its perf_event_attr is not resolved",
					 p, (int)pi.spec_len, pi.spec);
				return -EINVAL;
			}
			continue;
		}
		for (i = 0; i < pi.nr_event_ids; i++) {
			u32 seen = 0;

			for (j = 0; j < n; j++)
				seen += s->events[j].probe == p && s->events[j].id == pi.event_ids[i];
			if (seen != 1) {
				snprintf(err, err_size,
					 "event table: probe %u event id %llu described %u times, not once",
					 p, pi.event_ids[i], seen);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* ---- per-CPU scratch ------------------------------------------------------------ */

int kv_cpus_alloc(struct kv_session *s)
{
	u32 i;

	s->nr_cpus = nr_cpu_ids;
	s->cpus = kvcalloc(s->nr_cpus, sizeof(*s->cpus), GFP_KERNEL);
	if (!s->cpus)
		return -ENOMEM;
	if (!s->nr_events)
		return 0;
	for (i = 0; i < s->nr_cpus; i++) {
		s->cpus[i].iter = kvzalloc(sizeof(*s->cpus[i].iter), GFP_KERNEL);
		if (!s->cpus[i].iter)
			return -ENOMEM;
	}
	return 0;
}

void kv_cpus_free(struct kv_session *s)
{
	u32 i;

	if (!s->cpus)
		return;
	for (i = 0; i < s->nr_cpus; i++)
		kvfree(s->cpus[i].iter);
	kvfree(s->cpus);
	s->cpus = NULL;
}

/* ---- argevent: the line tracefs' trace file shows ----------------------------- */

static char kv_hex(unsigned int v)
{
	return v ? "0123456789abcdef"[v & 0xf] : '.';
}

/* The latency flags column, as trace_print_lat_fmt() writes it. */
static void kv_lat_flags(char *f, u8 flags, u8 pc)
{
	bool nmi = flags & TRACE_FLAG_NMI;
	bool hard = flags & TRACE_FLAG_HARDIRQ;
	bool soft = flags & TRACE_FLAG_SOFTIRQ;
	bool bh = flags & TRACE_FLAG_BH_OFF;

	f[0] = (flags & TRACE_FLAG_IRQS_OFF) && bh ? 'D' :
	       (flags & TRACE_FLAG_IRQS_OFF) ? 'd' : bh ? 'b' :
	       (flags & TRACE_FLAG_IRQS_NOSUPPORT) ? 'X' : '.';
	switch (flags & (TRACE_FLAG_NEED_RESCHED | TRACE_FLAG_PREEMPT_RESCHED)) {
	case TRACE_FLAG_NEED_RESCHED | TRACE_FLAG_PREEMPT_RESCHED:
		f[1] = 'N';
		break;
	case TRACE_FLAG_NEED_RESCHED:
		f[1] = 'n';
		break;
	case TRACE_FLAG_PREEMPT_RESCHED:
		f[1] = 'p';
		break;
	default:
		f[1] = '.';
		break;
	}
	f[2] = nmi && hard ? 'Z' : nmi ? 'z' : hard && soft ? 'H' : hard ? 'h' : soft ? 's' : '.';
	f[3] = kv_hex(pc & 0xf);
	f[4] = kv_hex((pc >> 4) & 0xf);
	f[5] = 0;
}

/*
 * "comm-pid [cpu] flags secs.usecs: " then the body as the event's own
 * output function formats it (trace_raw_output_*, print_syscall_enter,
 * print_kprobe_event...), run on an iterator without a trace array: the
 * same path tp_printk takes, safe in any context.
 */
static u32 kv_format_event(const struct ktapvm_event *e, char *buf, u32 size)
{
	struct kv_cpu *c = e->priv;
	const struct trace_entry *ent = c->raw;
	struct trace_iterator *iter = c->iter;
	struct trace_event_call *call = c->call;
	u64 ns = ktime_get_mono_fast_ns();
	u32 rem = do_div(ns, NSEC_PER_SEC);
	char flags[6];
	int n, body;

	if (c->raw_size < sizeof(*ent) || !iter)
		return 0;
	kv_lat_flags(flags, ent->flags, ent->preempt_count);
	n = snprintf(buf, size, "%16s-%-7d [%03d] %s %5llu.%06u: ", current->comm, ent->pid,
		     raw_smp_processor_id(), flags, ns, rem / 1000);
	if (n < 0 || (u32)n >= size)
		return size - 1;

	if (!call || !call->event.funcs || !call->event.funcs->trace)
		return n;
	trace_seq_init(&iter->seq);
	trace_seq_init(&iter->tmp_seq);
	iter->tr = NULL;
	iter->fmt = NULL;
	iter->fmt_size = 0;
	iter->ent = (struct trace_entry *)ent;
	iter->ent_size = c->raw_size;
	iter->cpu = raw_smp_processor_id();
	call->event.funcs->trace(iter, 0, &call->event);
	body = trace_seq_used(&iter->seq);
	while (body > 0 && iter->seq.buffer[body - 1] == '\n')
		body--;
	if (body > (int)size - n)
		body = size - n;
	memcpy(buf + n, iter->seq.buffer, body);
	return n + body;
}

static u32 kv_format_timer(const struct ktapvm_event *e, char *buf, u32 size)
{
	u64 ns = ktime_get_mono_fast_ns();
	u32 rem = do_div(ns, NSEC_PER_SEC);
	int n;

	n = snprintf(buf, size, "%16s-%-7d [%03d] d.h1. %5llu.%06u: %.*s", current->comm,
		     task_pid_nr(current), raw_smp_processor_id(), ns, rem / 1000,
		     (int)e->name_len, e->name);
	return n < 0 ? 0 : (u32)n >= size ? size - 1 : (u32)n;
}

/*
 * A perf event's or breakpoint's line: the trace file's header, then
 * "cycles: ip=0x... period=N" or "mem:SPEC: addr=0x... ip=0x..." (the layout
 * io.ktap.vm.CounterEvent writes on the other backends).
 */
static u32 kv_format_counter(const struct ktapvm_event *e, char *buf, u32 size)
{
	const struct kv_cpu *c = e->priv;
	u64 ns = ktime_get_mono_fast_ns();
	u32 rem = do_div(ns, NSEC_PER_SEC);
	char flags[6];
	int n;

	kv_lat_flags(flags, c->ctx_flags, c->ctx_pc);
	if (c->counter_bp)
		n = snprintf(buf, size, "%16s-%-7d [%03d] %s %5llu.%06u: %.*s: addr=0x%llx ip=0x%llx",
			     current->comm, task_pid_nr(current), raw_smp_processor_id(), flags, ns,
			     rem / 1000, (int)e->name_len, e->name, (u64)e->fields[0].num,
			     (u64)e->fields[1].num);
	else
		n = snprintf(buf, size, "%16s-%-7d [%03d] %s %5llu.%06u: %.*s: ip=0x%llx period=%llu",
			     current->comm, task_pid_nr(current), raw_smp_processor_id(), flags, ns,
			     rem / 1000, (int)e->name_len, e->name, (u64)e->fields[0].num,
			     (u64)e->fields[1].num);
	return n < 0 ? 0 : (u32)n >= size ? size - 1 : (u32)n;
}

/* ---- decoding and filtering ---------------------------------------------------- */

static void kv_decode(const struct kv_event *ev, const u8 *raw, u32 size,
		      struct ktapvm_field *out)
{
	u32 i;

	for (i = 0; i < ev->nr_fields; i++) {
		const struct kv_field *f = &ev->fields[i];
		struct ktapvm_field *o = &out[i];
		u32 off = f->offset, len = 0, loc;

		o->name = f->name;
		o->name_len = f->name_len;
		o->is_string = f->kind != KTAPVM_FIELD_INT;
		o->num = 0;
		o->str = "";
		o->len = 0;
		if (off + f->size > size)
			continue;		/* the record is shorter than described */
		switch (f->kind) {
		case KTAPVM_FIELD_INT:
			switch (f->size) {
			case 1:
				o->num = f->is_signed ? (s64)*(const s8 *)(raw + off) : *(raw + off);
				break;
			case 2:
				o->num = f->is_signed ? (s64)get_unaligned((const s16 *)(raw + off)) :
					 get_unaligned((const u16 *)(raw + off));
				break;
			case 4:
				o->num = f->is_signed ? (s64)get_unaligned((const s32 *)(raw + off)) :
					 get_unaligned((const u32 *)(raw + off));
				break;
			default:
				o->num = get_unaligned((const s64 *)(raw + off));
				break;
			}
			continue;
		case KTAPVM_FIELD_CHARS:
			len = f->size;
			break;
		case KTAPVM_FIELD_DATA_LOC:
		case KTAPVM_FIELD_REL_LOC:
			loc = get_unaligned((const u32 *)(raw + off));
			len = loc >> 16;
			off = loc & 0xffff;
			if (f->kind == KTAPVM_FIELD_REL_LOC)
				off += f->offset + f->size;
			if (off > size || len > size - off)
				continue;
			break;
		}
		o->str = (const char *)raw + off;
		o->len = strnlen(o->str, len);
	}
}

/* '*' matches any run of bytes; everything else matches itself. */
static bool kv_glob(const char *pat, u32 plen, const char *s, u32 slen)
{
	u32 p = 0, i = 0, star_p = U32_MAX, star_i = 0;

	while (i < slen) {
		if (p < plen && pat[p] == '*') {
			star_p = p++;
			star_i = i;
		} else if (p < plen && pat[p] == s[i]) {
			p++;
			i++;
		} else if (star_p != U32_MAX) {
			p = star_p + 1;
			i = ++star_i;
		} else {
			return false;
		}
	}
	while (p < plen && pat[p] == '*')
		p++;
	return p == plen;
}

static bool kv_cmp_num(u8 cmp, s64 x, s64 y)
{
	switch (cmp) {
	case KTAPVM_CMP_EQ:
		return x == y;
	case KTAPVM_CMP_NE:
		return x != y;
	case KTAPVM_CMP_LT:
		return x < y;
	case KTAPVM_CMP_LE:
		return x <= y;
	case KTAPVM_CMP_GT:
		return x > y;
	case KTAPVM_CMP_GE:
		return x >= y;
	default:
		return (x & y) != 0;
	}
}

/* Runs the probe's compiled filter (checked at load) over the decoded fields. */
static bool kv_filter(const struct kv_event *ev, const struct ktapvm_field *fields)
{
	bool st[33];
	int sp = 0;
	u32 i;

	for (i = 0; i < ev->nr_filter; i++) {
		const struct ktapvm_filter_op *op = &ev->filter[i];
		const struct ktapvm_field *f;
		bool eq;

		switch (op->op) {
		case KTAPVM_FOP_NUM:
			f = &fields[op->field];
			st[sp++] = !f->is_string && kv_cmp_num(op->cmp, f->num, op->imm);
			break;
		case KTAPVM_FOP_STR:
			f = &fields[op->field];
			if (!f->is_string) {
				st[sp++] = false;
				break;
			}
			if (op->cmp == KTAPVM_CMP_GLOB) {
				st[sp++] = kv_glob(op->str, op->str_len, f->str, f->len);
				break;
			}
			eq = f->len == op->str_len && !memcmp(f->str, op->str, f->len);
			st[sp++] = op->cmp == KTAPVM_CMP_EQ ? eq : !eq;
			break;
		case KTAPVM_FOP_FALSE:
			st[sp++] = false;
			break;
		case KTAPVM_FOP_AND:
			sp--;
			st[sp - 1] = st[sp - 1] && st[sp];
			break;
		case KTAPVM_FOP_OR:
			sp--;
			st[sp - 1] = st[sp - 1] || st[sp];
			break;
		default:
			st[sp - 1] = !st[sp - 1];
			break;
		}
	}
	return !ev->nr_filter || st[0];
}

/* ---- handlers --------------------------------------------------------------------- */

static struct kv_cpu *kv_enter(struct kv_session *s)
{
	u32 cpu = raw_smp_processor_id();
	struct kv_cpu *c;

	atomic64_inc(&s->hits);
	if (!READ_ONCE(s->running) || cpu >= s->nr_cpus)
		return NULL;
	c = &s->cpus[cpu];
	if (c->busy) {
		atomic64_inc(&s->recursion);
		return NULL;
	}
	c->busy = 1;
	barrier();
	return c;
}

static void kv_leave(struct kv_cpu *c)
{
	barrier();
	c->busy = 0;
}

static void kv_run(struct kv_session *s, u32 probe, const struct ktapvm_event *e)
{
	int ret = ktapvm_run_probe(s->vm, probe, e);

	if (ret == KTAPVM_BUSY)
		atomic64_inc(&s->recursion);
	else if (ret != KTAPVM_STOPPED)
		atomic64_inc(&s->runs);
	kv_handler_done(s, ret);
}

/* A tracepoint, kprobe or uprobe event: its raw record is the sample's. */
static void kv_event_overflow(struct perf_event *pe, struct perf_sample_data *data,
			      struct pt_regs *regs)
{
	struct kv_attach *a = pe->overflow_handler_context;
	struct kv_session *s = a->s;
	const struct kv_event *ev = a->ev;
	struct ktapvm_event e;
	struct kv_cpu *c;

	if (!(data->sample_flags & PERF_SAMPLE_RAW) || !data->raw)
		return;
	c = kv_enter(s);
	if (!c)
		return;
	c->raw = data->raw->frag.data;
	c->raw_size = data->raw->frag.size;
	c->ev = ev;
	c->call = pe->tp_event;
	kv_decode(ev, c->raw, c->raw_size, c->fields);
	if (!kv_filter(ev, c->fields)) {
		atomic64_inc(&s->filtered);
		goto out;
	}
	e.name = ev->name;
	e.name_len = ev->name_len;
	e.text = NULL;
	e.text_len = 0;
	e.format_text = kv_format_event;
	e.fields = c->fields;
	e.nr_fields = ev->nr_fields;
	e.syscall_enter = !!(ev->flags & KTAPVM_EV_SYSCALL_ENTER);
	e.priv = c;
	kv_run(s, ev->probe, &e);
out:
	kv_leave(c);
}

/*
 * The syscall fast path: one probe on raw_syscalls:sys_enter serves every
 * system-wide syscalls:sys_enter_* event of the session, without a perf
 * counter per event and CPU.  It builds the record the perf path would
 * receive (struct syscall_trace_enter's layout) and handles it the same way.
 */
/* The context flags a trace record carries (tracing_gen_ctx is not exported). */
static u8 kv_ctx_flags(void)
{
	u8 f = irqs_disabled() ? TRACE_FLAG_IRQS_OFF : 0;

	if (in_nmi())
		f |= TRACE_FLAG_NMI;
	if (in_hardirq())
		f |= TRACE_FLAG_HARDIRQ;
	if (in_serving_softirq())
		f |= TRACE_FLAG_SOFTIRQ;
	if (tif_need_resched())
		f |= TRACE_FLAG_NEED_RESCHED;
	if (test_preempt_need_resched())
		f |= TRACE_FLAG_PREEMPT_RESCHED;
	return f;
}

static void kv_sys_enter(void *data, struct pt_regs *regs, long id)
{
	struct kv_session *s = data;
	struct kv_event *ev;
	struct ktapvm_event e;
	struct kv_cpu *c;

	if (id < 0 || id >= NR_syscalls || in_compat_syscall())
		return;
	ev = s->sc_enter[id];
	if (!ev || (s->cpu >= 0 && s->cpu != raw_smp_processor_id()))
		return;
	c = kv_enter(s);
	if (!c)
		return;
	c->sc.ent.type = ev->id;
	c->sc.ent.flags = kv_ctx_flags();
	c->sc.ent.preempt_count = preempt_count() & 0xff;
	c->sc.ent.pid = current->pid;
	c->sc.nr = id;
	syscall_get_arguments(current, regs, c->sc.args);
	c->raw = &c->sc;
	c->raw_size = sizeof(c->sc);
	for (; ev; ev = ev->next_nr) {
		c->ev = ev;
		c->call = ev->file->event_call;
		kv_decode(ev, c->raw, c->raw_size, c->fields);
		if (!kv_filter(ev, c->fields)) {
			atomic64_inc(&s->filtered);
			continue;
		}
		e.name = ev->name;
		e.name_len = ev->name_len;
		e.text = NULL;
		e.text_len = 0;
		e.format_text = kv_format_event;
		e.fields = c->fields;
		e.nr_fields = ev->nr_fields;
		e.syscall_enter = 1;
		e.priv = c;
		kv_run(s, ev->probe, &e);
	}
	kv_leave(c);
}

static void kv_find_sys_enter(struct tracepoint *tp, void *priv)
{
	struct tracepoint **out = priv;

	if (!strcmp(tp->name, "sys_enter"))
		*out = tp;
}

/*
 * Puts the system-wide sys_enter_* events on the fast path: the syscall
 * number comes from the event's metadata (trace_get_event_file, checked
 * against the id userspace gave).  An event that cannot be resolved so
 * stays on the perf path.
 */
static int kv_setup_syscalls(struct kv_session *s)
{
	char name[KTAPVM_MAX_NAME + 1];
	u32 i;

	if (s->pid >= 0)
		return 0;
	for_each_kernel_tracepoint(kv_find_sys_enter, &s->sys_enter_tp);
	if (!s->sys_enter_tp)
		return 0;
	for (i = 0; i < s->nr_events; i++) {
		struct kv_event *ev = &s->events[i];
		struct trace_event_file *file;
		struct syscall_metadata *meta;

		if (!(ev->flags & KTAPVM_EV_SYSCALL_ENTER))
			continue;
		memcpy(name, ev->name, ev->name_len);
		name[ev->name_len] = 0;
		file = trace_get_event_file(NULL, "syscalls", name);
		if (IS_ERR(file))
			continue;
		meta = file->event_call->data;
		if (file->event_call->event.type != ev->id || !meta || meta->syscall_nr < 0 ||
		    meta->syscall_nr >= NR_syscalls || meta->nb_args > 6) {
			trace_put_event_file(file);
			continue;
		}
		if (!s->sc_enter) {
			s->sc_enter = kcalloc(NR_syscalls, sizeof(*s->sc_enter), GFP_KERNEL);
			if (!s->sc_enter) {
				trace_put_event_file(file);
				return -ENOMEM;
			}
		}
		ev->file = file;
		ev->nr = meta->syscall_nr;
		ev->next_nr = s->sc_enter[ev->nr];
		s->sc_enter[ev->nr] = ev;
	}
	return 0;
}

static void kv_timer_fire(struct kv_session *s, u32 probe)
{
	struct ktapvm_probe_info pi;
	struct ktapvm_event e = { };
	struct kv_cpu *c;

	c = kv_enter(s);
	if (!c)
		return;
	if (!ktapvm_probe_info(s->vm, probe, &pi)) {
		e.name = pi.spec;
		e.name_len = pi.spec_len;
		e.format_text = kv_format_timer;
		e.priv = c;
		kv_run(s, probe, &e);
	}
	kv_leave(c);
}

/* profile-N: a cpu-clock counter's period elapsed on this CPU. */
static void kv_profile_overflow(struct perf_event *pe, struct perf_sample_data *data,
				struct pt_regs *regs)
{
	struct kv_attach *a = pe->overflow_handler_context;

	kv_timer_fire(a->s, a->probe);
}

/*
 * perf:EVENT and mem:ADDR: the counter's period elapsed, or the watched
 * memory was accessed, in the task that regs belong to.  arg1/arg2 are
 * ip/period, or addr/ip.
 */
static void kv_counter_overflow(struct perf_event *pe, struct perf_sample_data *data,
				struct pt_regs *regs)
{
	struct kv_attach *a = pe->overflow_handler_context;
	struct kv_session *s = a->s;
	struct ktapvm_event e = { };
	u64 ip = regs ? instruction_pointer(regs) : 0;
	struct kv_cpu *c;

	c = kv_enter(s);
	if (!c)
		return;
	c->counter_bp = a->breakpoint;
	c->ctx_flags = kv_ctx_flags();
	c->ctx_pc = preempt_count() & 0xff;
	c->fields[0].name = a->breakpoint ? "addr" : "ip";
	c->fields[0].name_len = a->breakpoint ? 4 : 2;
	c->fields[0].num = a->breakpoint ? a->bp_addr : ip;
	c->fields[1].name = a->breakpoint ? "ip" : "period";
	c->fields[1].name_len = a->breakpoint ? 2 : 6;
	c->fields[1].num = a->breakpoint ? ip : data->period;
	c->fields[0].is_string = 0;
	c->fields[1].is_string = 0;
	e.name = a->name;
	e.name_len = a->name_len;
	e.format_text = kv_format_counter;
	e.fields = c->fields;
	e.nr_fields = 2;
	e.priv = c;
	kv_run(s, a->probe, &e);
	kv_leave(c);
}

static enum hrtimer_restart kv_tick_fn(struct hrtimer *t)
{
	struct kv_tick *tk = container_of(t, struct kv_tick, timer);

	if (!READ_ONCE(tk->s->running))
		return HRTIMER_NORESTART;
	kv_timer_fire(tk->s, tk->probe);
	hrtimer_forward_now(t, tk->period);
	return HRTIMER_RESTART;
}

/* ---- attaching ---------------------------------------------------------------------- */

/* The threads of the traced process, referenced; *n of them. */
static struct task_struct **kv_threads(struct kv_session *s, u32 *n, char *err, size_t err_size)
{
	struct task_struct **tasks, *leader, *t;
	struct pid *pid;
	u32 count = 0;

	pid = find_get_pid(s->pid);
	leader = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
	put_pid(pid);
	if (!leader) {
		snprintf(err, err_size, "no process with pid %d", s->pid);
		return ERR_PTR(-ESRCH);
	}
	tasks = kvcalloc(KTAPVM_MAX_THREADS, sizeof(*tasks), GFP_KERNEL);
	if (!tasks) {
		put_task_struct(leader);
		return ERR_PTR(-ENOMEM);
	}
	rcu_read_lock();
	for_each_thread(leader, t) {
		if (count == KTAPVM_MAX_THREADS)
			break;
		get_task_struct(t);
		tasks[count++] = t;
	}
	rcu_read_unlock();
	put_task_struct(leader);
	if (!count) {
		kvfree(tasks);
		snprintf(err, err_size, "process %d has exited", s->pid);
		return ERR_PTR(-ESRCH);
	}
	*n = count;
	return tasks;
}

static int kv_counter(struct kv_session *s, struct perf_event_attr *attr, int cpu,
		      struct task_struct *task, perf_overflow_handler_t fn,
		      struct kv_event *ev, u32 probe, char *err, size_t err_size)
{
	struct kv_attach *a = &s->attach[s->nr_attach];
	struct perf_event *pe;

	a->s = s;
	a->ev = ev;
	a->probe = probe;
	a->on_exec = attr->enable_on_exec;
	pe = perf_event_create_kernel_counter(attr, cpu, task, fn, a);
	if (IS_ERR(pe)) {
		if (ev)
			snprintf(err, err_size, "cannot attach to event %.*s (id %llu): error %ld",
				 ev->name_len, ev->name, ev->id, PTR_ERR(pe));
		else
			snprintf(err, err_size, "cannot start a cpu-clock counter on cpu %d: error %ld",
				 cpu, PTR_ERR(pe));
		return PTR_ERR(pe);
	}
	a->pe = pe;
	s->nr_attach++;
	return 0;
}

static bool kv_cpu_traced(struct kv_session *s, int cpu)
{
	return s->cpu < 0 || s->cpu == cpu;
}

static int kv_attach_events(struct kv_session *s, struct task_struct **tasks, u32 nr_tasks,
			    char *err, size_t err_size)
{
	struct perf_event_attr attr;
	u32 i, t;
	int cpu, ret;

	for (i = 0; i < s->nr_events; i++) {
		struct kv_event *ev = &s->events[i];

		if (ev->nr >= 0)
			continue;	/* on the syscall fast path */
		memset(&attr, 0, sizeof(attr));
		attr.type = PERF_TYPE_TRACEPOINT;
		attr.size = sizeof(attr);
		attr.config = ev->id;
		attr.sample_period = 1;
		attr.sample_type = PERF_SAMPLE_RAW;
		attr.disabled = 1;
		if (tasks) {
			attr.inherit = 1;
			attr.enable_on_exec = !!(s->flags & KTAPVM_LOAD_ENABLE_ON_EXEC);
			for (t = 0; t < nr_tasks; t++) {
				ret = kv_counter(s, &attr, s->cpu, tasks[t], kv_event_overflow, ev,
						 ev->probe, err, err_size);
				if (ret)
					return ret;
			}
			continue;
		}
		for_each_online_cpu(cpu) {
			if (!kv_cpu_traced(s, cpu))
				continue;
			ret = kv_counter(s, &attr, cpu, NULL, kv_event_overflow, ev, ev->probe,
					 err, err_size);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int kv_attach_timers(struct kv_session *s, char *err, size_t err_size)
{
	struct perf_event_attr attr;
	struct ktapvm_probe_info pi;
	u32 p;
	int cpu, ret;

	for (p = 0; p < ktapvm_nr_probes(s->vm); p++) {
		if (ktapvm_probe_info(s->vm, p, &pi))
			return -EINVAL;
		if (pi.kind == KTAPVM_PROBE_TICK) {
			struct kv_tick *tk = &s->ticks[s->nr_ticks++];

			tk->s = s;
			tk->probe = p;
			tk->period = ns_to_ktime(pi.period_ns);
			hrtimer_init(&tk->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
			tk->timer.function = kv_tick_fn;
			continue;
		}
		if (pi.kind != KTAPVM_PROBE_PROFILE)
			continue;
		memset(&attr, 0, sizeof(attr));
		attr.type = PERF_TYPE_SOFTWARE;
		attr.size = sizeof(attr);
		attr.config = PERF_COUNT_SW_CPU_CLOCK;
		attr.sample_period = pi.period_ns;
		attr.disabled = 1;
		for_each_online_cpu(cpu) {
			if (!kv_cpu_traced(s, cpu))
				continue;
			ret = kv_counter(s, &attr, cpu, NULL, kv_profile_overflow, NULL, p,
					 err, err_size);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* The perf_event_attr of a perf-event or breakpoint entry (its resolved words). */
static void kv_counter_attr(struct perf_event_attr *attr, const struct ktapvm_probe_info *pi)
{
	const u64 *w = pi->event_ids;

	if (pi->kind == KTAPVM_PROBE_BREAKPOINT) {
		hw_breakpoint_init(attr);
		attr->bp_addr = w[0];
		attr->bp_len = w[1];
		attr->bp_type = w[2];
	} else {
		memset(attr, 0, sizeof(*attr));
		attr->size = sizeof(*attr);
		attr->type = w[0] ? PERF_TYPE_SOFTWARE : PERF_TYPE_HARDWARE;
		attr->config = w[1];
		attr->freq = w[3];
		if (w[3])
			attr->sample_freq = w[2];
		else
			attr->sample_period = w[2];
	}
	attr->disabled = 1;
}

/* Why perf_event_create_kernel_counter() refused a perf event or breakpoint. */
static void kv_counter_error(const struct ktapvm_probe_info *pi, long ret, int cpu,
			     char *err, size_t err_size)
{
	const char *why = "";

	if (pi->kind == KTAPVM_PROBE_PERF_EVENT) {
		if (pi->event_ids[0] == 0 && (ret == -ENOENT || ret == -ENODEV || ret == -EOPNOTSUPP))
			why = "this machine has no PMU that counts it: hardware events need the CPU's "
			      "performance-monitoring unit, which virtual machines often lack "
			      "(the software events, such as cpu-clock and page-faults, need none)";
		else if (ret == -EOPNOTSUPP)
			why = "the PMU cannot sample it";
		else if (ret == -EINVAL && pi->event_ids[3])
			why = "the kernel refuses the sample frequency (see kernel.perf_event_max_sample_rate)";
	} else {
		if (ret == -ENOSPC)
			why = "no debug register is free (x86 has 4, shared with every other breakpoint)";
		else if (ret == -EINVAL && pi->event_ids[2] == HW_BREAKPOINT_X &&
			 (s64)pi->event_ids[0] < 0)
			why = "x86 allows execute breakpoints in the kernel only where kprobes may go "
			      "(outside the kprobe blacklist)";
		else if (ret == -EINVAL)
			why = "the CPU cannot watch it (x86 watches writes, reads and writes, or an "
			      "instruction, at an address aligned to the length, outside the kernel's "
			      "entry and debug code)";
	}
	snprintf(err, err_size, "cannot open %.*s on %s%d: %s%serror %ld", (int)pi->spec_len,
		 pi->spec, cpu < 0 ? "the task, cpu " : "cpu ", cpu, why, *why ? " (" : "", ret);
	if (*why)
		strlcat(err, ")", err_size);
}

/*
 * perf:EVENT and mem:ADDR probes: one counter per traced thread (inherited by
 * the children it creates) or per traced CPU, as the tracepoint events.
 */
static int kv_attach_counters(struct kv_session *s, struct task_struct **tasks, u32 nr_tasks,
			      char *err, size_t err_size)
{
	struct perf_event_attr attr;
	struct ktapvm_probe_info pi;
	const char *name;
	u32 p, t, name_len;
	int cpu, ret;

	for (p = 0; p < ktapvm_nr_probes(s->vm); p++) {
		if (ktapvm_probe_info(s->vm, p, &pi))
			return -EINVAL;
		if (!kv_is_counter(pi.kind))
			continue;
		kv_counter_attr(&attr, &pi);
		/* argname: "cycles" of "perf:cycles/period=N/"; a breakpoint's whole spec */
		name = pi.spec;
		name_len = pi.spec_len;
		if (pi.kind == KTAPVM_PROBE_PERF_EVENT && name_len > 5 && !memcmp(name, "perf:", 5)) {
			const char *slash;

			name += 5;
			name_len -= 5;
			slash = memchr(name, '/', name_len);
			if (slash)
				name_len = slash - name;
		}
		if (tasks) {
			attr.inherit = 1;
			attr.enable_on_exec = !!(s->flags & KTAPVM_LOAD_ENABLE_ON_EXEC);
		}
		for (t = 0, cpu = -1; ; t++) {
			struct kv_attach *a = &s->attach[s->nr_attach];
			struct task_struct *task = NULL;
			int on;

			if (tasks) {
				if (t == nr_tasks)
					break;
				task = tasks[t];
				on = s->cpu;
			} else {
				cpu = cpumask_next(cpu, cpu_online_mask);
				if (cpu >= nr_cpu_ids)
					break;
				if (!kv_cpu_traced(s, cpu))
					continue;
				on = cpu;
			}
			a->breakpoint = pi.kind == KTAPVM_PROBE_BREAKPOINT;
			a->name = name;
			a->name_len = name_len;
			a->bp_addr = a->breakpoint ? pi.event_ids[0] : 0;
			ret = kv_counter(s, &attr, on, task, kv_counter_overflow, NULL, p, err, err_size);
			if (ret) {
				kv_counter_error(&pi, ret, on, err, err_size);
				return ret;
			}
		}
	}
	return 0;
}

/*
 * Creates every counter and timer, all disabled.  On failure the caller
 * unwinds with kv_detach_all().
 */
int kv_attach_all(struct kv_session *s, char *err, size_t err_size)
{
	struct task_struct **tasks = NULL;
	struct ktapvm_probe_info pi;
	u32 nr_tasks = 0, targets, nr_timers = 0, nr_counters = 0, p, i;
	u64 max;
	int ret;

	ret = kv_setup_syscalls(s);
	if (ret)
		return ret;
	if (s->pid >= 0) {
		tasks = kv_threads(s, &nr_tasks, err, err_size);
		if (IS_ERR(tasks))
			return PTR_ERR(tasks);
	}
	targets = tasks ? nr_tasks : num_online_cpus();
	for (p = 0; p < ktapvm_nr_probes(s->vm); p++) {
		if (ktapvm_probe_info(s->vm, p, &pi))
			continue;
		if (pi.kind == KTAPVM_PROBE_TICK || pi.kind == KTAPVM_PROBE_PROFILE)
			nr_timers++;
		else if (kv_is_counter(pi.kind))
			nr_counters++;
	}
	max = ((u64)s->nr_events + nr_counters) * targets + (u64)nr_timers * num_online_cpus();
	if (max > 1u << 20) {
		snprintf(err, err_size, "%llu perf counters are too many", max);
		ret = -E2BIG;
		goto out;
	}
	s->attach = kvcalloc(max ? max : 1, sizeof(*s->attach), GFP_KERNEL);
	s->ticks = kcalloc(nr_timers ? nr_timers : 1, sizeof(*s->ticks), GFP_KERNEL);
	if (!s->attach || !s->ticks) {
		ret = -ENOMEM;
		goto out;
	}
	ret = kv_attach_events(s, tasks, nr_tasks, err, err_size);
	if (ret)
		goto out;
	ret = kv_attach_timers(s, err, err_size);
	if (ret)
		goto out;
	ret = kv_attach_counters(s, tasks, nr_tasks, err, err_size);
out:
	for (i = 0; i < nr_tasks; i++)
		put_task_struct(tasks[i]);
	kvfree(tasks);
	return ret;
}

static void kv_tick_start(void *arg)
{
	struct kv_tick *tk = arg;

	hrtimer_start(&tk->timer, tk->period, HRTIMER_MODE_REL_PINNED_HARD);
}

/*
 * Enables what kv_attach_all() created; handlers may run from here on.
 * Fails only if the syscall probe cannot be registered (nothing enabled).
 */
int kv_enable_all(struct kv_session *s)
{
	u32 i;

	int ret;

	if (s->sc_enter) {
		ret = tracepoint_probe_register(s->sys_enter_tp, kv_sys_enter, s);
		if (ret)
			return ret;
		s->sys_enter_registered = true;
	}
	WRITE_ONCE(s->running, true);
	for (i = 0; i < s->nr_attach; i++)
		if (!s->attach[i].on_exec)
			perf_event_enable(s->attach[i].pe);
	for (i = 0; i < s->nr_ticks; i++) {
		if (s->cpu >= 0 && cpu_online(s->cpu))
			smp_call_function_single(s->cpu, kv_tick_start, &s->ticks[i], 1);
		else
			hrtimer_start(&s->ticks[i].timer, s->ticks[i].period, HRTIMER_MODE_REL_HARD);
	}
	return 0;
}

/*
 * Releases every counter and timer and waits until no handler can still be
 * running: counters are gone once perf_event_release_kernel() returns, but a
 * handler may still be inside its (RCU-sched protected) tracepoint call;
 * synchronize_rcu() waits for those.
 */
void kv_detach_all(struct kv_session *s)
{
	u32 i;

	WRITE_ONCE(s->running, false);
	if (s->sys_enter_registered) {
		tracepoint_probe_unregister(s->sys_enter_tp, kv_sys_enter, s);
		s->sys_enter_registered = false;
		tracepoint_synchronize_unregister();
	}
	for (i = 0; i < s->nr_ticks; i++)
		hrtimer_cancel(&s->ticks[i].timer);
	for (i = 0; i < s->nr_attach; i++)
		perf_event_release_kernel(s->attach[i].pe);
	synchronize_rcu();
	kvfree(s->attach);
	s->attach = NULL;
	s->nr_attach = 0;
	kfree(s->ticks);
	s->ticks = NULL;
	s->nr_ticks = 0;
}

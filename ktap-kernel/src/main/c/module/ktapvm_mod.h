/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktapvm_mod.h - the module glue's internal types: sessions, the event
 * table, attached perf counters and timers.
 */
#ifndef KTAPVM_MOD_H
#define KTAPVM_MOD_H

#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/perf_event.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/trace_events.h>
#include <linux/workqueue.h>

#include "ktapvm.h"
#include "ktapvm_uapi.h"

struct trace_iterator;
struct trace_event_file;
struct tracepoint;

/* One field of a described event (struct ktapvm_fielddesc, checked). */
struct kv_field {
	const char *name;
	u16 name_len;
	u16 offset;
	u16 size;
	u8 kind;
	u8 is_signed;
};

/* One described event: what a (probe, event id) pair decodes to. */
struct kv_event {
	u64 id;
	u32 probe;
	u32 flags;
	const char *name;
	u16 name_len;
	u16 nr_fields;
	u16 nr_filter;
	struct kv_field *fields;
	struct ktapvm_filter_op *filter;
	/* syscall fast path (system-wide sys_enter_* events) */
	struct trace_event_file *file;	/* referenced: the syscall event */
	struct kv_event *next_nr;	/* the next event of the same syscall number */
	int nr;				/* the syscall number, -1: not on the fast path */
};

struct kv_session;

/* What a perf counter's overflow handler needs: its session and event. */
struct kv_attach {
	struct kv_session *s;
	struct perf_event *pe;
	struct kv_event *ev;		/* NULL for profile timers and counters */
	u32 probe;
	bool on_exec;			/* enabled by the target's execve() */
	/* perf events and breakpoints (perf:EVENT, mem:ADDR) */
	bool breakpoint;
	const char *name;		/* argname: cycles, or the breakpoint's spec */
	u32 name_len;
	u64 bp_addr;			/* arg1 of a breakpoint */
};

/* A tick-N timer. */
struct kv_tick {
	struct hrtimer timer;
	struct kv_session *s;
	u32 probe;
	ktime_t period;
	const char *spec;
	u32 spec_len;
};

/*
 * Per-CPU scratch of a session: a handler on this CPU decodes its event
 * here.  busy refuses re-entry (an NMI, a probe hit inside the handler).
 */
struct kv_cpu {
	int busy;
	const void *raw;
	u32 raw_size;
	const struct kv_event *ev;
	struct trace_event_call *call;
	/* the syscall fast path's record, laid out as syscalls:sys_enter_* */
	struct {
		struct trace_entry ent;
		int nr;
		unsigned long args[6];
	} sc;
	struct ktapvm_field fields[KTAPVM_MAX_FIELDS];
	/* a perf event's or breakpoint's context, for argevent */
	bool counter_bp;
	u8 ctx_flags;
	u8 ctx_pc;
	struct trace_iterator *iter;	/* argevent of tracepoints, lazily used */
};

/**
 * struct kv_session - one open of the control file
 * @node:	entry in the module's session list
 * @id:		unique while the module is loaded
 * @owner:	thread group that opened the control file
 * @lock:	serialises ioctls, stop and release
 * @state:	enum ktapvm_state, written under @lock
 * @running:	handlers may run (between START and stop); read locklessly
 * @vm:		the loaded program
 * @events:	the event table
 * @attach:	perf counters (tracepoints, kprobe/uprobe events, profile-N,
 *		perf:EVENT and mem:ADDR probes)
 * @ticks:	tick-N timers
 * @cpus:	per-CPU scratch, indexed by CPU id
 * @stop_irq:	stop requested from a handler: bounces to @stop_work
 * @stop_work:	stops the session in process context
 * @wake_irq:	wakes pollers from any context
 * @wait:	pollers
 * @ended_by:	outcome that ended the session from a handler
 */
struct kv_session {
	struct list_head node;
	u64 id;
	struct pid *owner;
	struct mutex lock;
	u32 state;
	bool running;
	struct ktap_vm *vm;

	s32 pid;
	s32 cpu;
	u32 flags;

	void *evtab;
	struct kv_event *events;
	u32 nr_events;

	struct kv_attach *attach;
	u32 nr_attach;
	struct kv_tick *ticks;
	u32 nr_ticks;

	struct kv_cpu *cpus;
	u32 nr_cpus;

	/* sys_enter_* events served by a probe on raw_syscalls:sys_enter */
	struct kv_event **sc_enter;	/* by syscall number */
	struct tracepoint *sys_enter_tp;
	bool sys_enter_registered;

	struct irq_work stop_irq;
	struct work_struct stop_work;
	atomic_t stop_requested;
	struct irq_work wake_irq;
	atomic_t wake_pending;
	wait_queue_head_t wait;
	u32 wake_bytes;

	u32 ended_by;
	atomic64_t hits;
	atomic64_t runs;
	atomic64_t filtered;
	atomic64_t recursion;
};

/* ktapvm_events.c */
int kv_events_parse(struct kv_session *s, const void __user *uptr, u32 len,
		    char *err, size_t err_size);
void kv_events_free(struct kv_session *s);
int kv_cpus_alloc(struct kv_session *s);
void kv_cpus_free(struct kv_session *s);
int kv_attach_all(struct kv_session *s, char *err, size_t err_size);
int kv_enable_all(struct kv_session *s);
void kv_detach_all(struct kv_session *s);

/* ktapvm_main.c */
void kv_handler_done(struct kv_session *s, int outcome);

#endif /* KTAPVM_MOD_H */

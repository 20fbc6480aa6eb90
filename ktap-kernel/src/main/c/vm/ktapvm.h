/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktapvm.h - the C VM core's API, for the kernel module glue and for the
 * userspace library (libktapvm.so, driven through JNA by the tests).
 *
 * Life of a VM:
 *
 *	vm = ktapvm_load(chunk, len, &opts, err, sizeof(err));	(process context)
 *	ktapvm_set_args(vm, ...);				(optional)
 *	ktapvm_run_main(vm);					(process context)
 *	... attach probes; each firing calls
 *	ktapvm_run_probe(vm, probe_index, &event);		(any context)
 *	... detach probes and wait for running handlers, then
 *	ktapvm_run_end(vm);					(process context)
 *	ktapvm_free(vm);					(process context)
 *
 * ktapvm_load() parses and verifies the chunk (it trusts nothing in it) and
 * preallocates everything the program can ever use: the heap arena sized from
 * the chunk's limits, the value stack, the frames and one output ring per CPU.
 * Running a handler never allocates from the host and never sleeps.
 *
 * Handlers on different CPUs are serialised by a VM lock (a handler is short:
 * its instruction budget bounds it); a handler that fires on a CPU already
 * running this VM (an NMI, a probe hit inside the VM) is not run and counted
 * in ktapvm_stats.recursion.  Main and end blocks run without the lock: the
 * caller must not run them while probes are attached.
 *
 * Output goes to the per-CPU rings as records (the ring protocol of
 * src/site/markdown/kernel-module.md).
 */
#ifndef KTAPVM_H
#define KTAPVM_H

#include "ktap_port.h"

struct ktap_vm;

/* Outcomes of ktapvm_run_*: how the invocation ended. */
enum ktapvm_outcome {
	KTAPVM_OK = 0,		/* returned normally */
	KTAPVM_EXIT = 1,	/* the script called exit(): stop tracing, run end */
	KTAPVM_ERROR = 2,	/* a runtime error record was written: stop tracing */
	KTAPVM_STOPPED = 3,	/* not run: the script has stopped */
	KTAPVM_BUSY = 4,	/* not run: this CPU is already inside this VM */
};

/* Probe kinds, as the chunk's probe table encodes them (ProbeKind). */
enum ktapvm_probe_kind {
	KTAPVM_PROBE_TRACEPOINT = 1,
	KTAPVM_PROBE_KPROBE = 2,
	KTAPVM_PROBE_KRETPROBE = 3,
	KTAPVM_PROBE_UPROBE = 4,
	KTAPVM_PROBE_URETPROBE = 5,
	KTAPVM_PROBE_SDT = 6,
	KTAPVM_PROBE_FTRACE_FUNCTION = 7,
	KTAPVM_PROBE_TICK = 8,
	KTAPVM_PROBE_PROFILE = 9,
	/* a perf counter; resolved ids: type, config, sample, frequency (0/1) */
	KTAPVM_PROBE_PERF_EVENT = 10,
	/* a hardware breakpoint; resolved ids: address, length, bp_type */
	KTAPVM_PROBE_BREAKPOINT = 11,
	KTAPVM_PROBE_MAX = KTAPVM_PROBE_BREAKPOINT,
};

/* Ranges of a perf event's attr words (PERF_COUNT_HW_MAX, PERF_COUNT_SW_* up to emulation-faults). */
#define KTAPVM_PERF_HW_EVENTS	10
#define KTAPVM_PERF_SW_EVENTS	9
#define KTAPVM_PERF_MAX_FREQ	1000000000ull

struct ktapvm_load_opts {
	/* bytes of each per-CPU ring's data area: a power of two >= 4096 (0: 1 MiB) */
	u32 ring_bytes;
	/* rings to create, one per CPU id (0: ktap_port_cpu_ids()) */
	u32 nr_rings;
};

/* One field of an event, as the glue decoded it from the trace record. */
struct ktapvm_field {
	const char *name;	/* field name (for the early API's e.field) */
	u32 name_len;
	u32 is_string;		/* 0: num holds the value; 1: str/len */
	s64 num;
	const char *str;	/* must stay valid for the whole invocation */
	u32 len;
};

/*
 * The event a handler runs for.  Everything it points to must stay valid
 * until ktapvm_run_probe() returns; the VM copies what it keeps.
 */
struct ktapvm_event {
	const char *name;	/* argname: "sys_enter_openat" */
	u32 name_len;
	const char *text;	/* argevent, the tracefs line; NULL: format_text */
	u32 text_len;
	/* Formats argevent into buf on first use; returns its length. */
	u32 (*format_text)(const struct ktapvm_event *ev, char *buf, u32 size);
	const struct ktapvm_field *fields;	/* arg1..argN in format order */
	u32 nr_fields;
	u32 syscall_enter;	/* e.sc_is_enter */
	void *priv;		/* for format_text */
};

/* One entry of the chunk's probe table, for the glue to attach. */
struct ktapvm_probe_info {
	u32 kind;		/* enum ktapvm_probe_kind */
	u32 handler;		/* handler prototype index */
	const char *spec;	/* not NUL-terminated */
	u32 spec_len;
	const char *filter;	/* NULL when none */
	u32 filter_len;
	u64 period_ns;		/* timers */
	const u64 *event_ids;
	u32 nr_event_ids;
};

struct ktapvm_stats {
	u64 recursion;		/* handlers not run: CPU already inside the VM */
	u64 stopped;		/* handlers not run: script stopped */
	u64 gc_runs;
	u32 arena_bytes;	/* the heap arena preallocated at load */
	u32 arena_used;		/* bytes allocated now */
	u32 tables, entries, closures;	/* live counts as last recounted */
	u64 string_bytes;
};

/*
 * Parses, verifies and prepares a chunk.  Returns NULL on failure with a
 * message in err ("verify: main: pc 3: register 9 >= frame size 4", ...).
 */
struct ktap_vm *ktapvm_load(const void *chunk, size_t len,
			    const struct ktapvm_load_opts *opts,
			    char *err, size_t err_size);
void ktapvm_free(struct ktap_vm *vm);

/*
 * Verifies a chunk without preparing it to run: 0 when it is acceptable,
 * -1 with a message otherwise.  Exactly the checks ktapvm_load() makes.
 */
int ktapvm_verify(const void *chunk, size_t len, char *err, size_t err_size);

/*
 * Fills the global `arg` (if the program uses it): arg[0] the script name,
 * then the arguments, numbers where they parse as one.  Before run_main.
 */
int ktapvm_set_args(struct ktap_vm *vm, const char *script, u32 argc,
		    const char *const *argv);

int ktapvm_run_main(struct ktap_vm *vm);
int ktapvm_run_probe(struct ktap_vm *vm, u32 probe, const struct ktapvm_event *ev);
/* Runs a closure registered by kdebug.probe / probe_by_id (index in order). */
int ktapvm_run_dynamic(struct ktap_vm *vm, u32 index, const struct ktapvm_event *ev);
int ktapvm_run_end(struct ktap_vm *vm);

bool ktapvm_stopped(const struct ktap_vm *vm);
s32 ktapvm_exit_status(const struct ktap_vm *vm);

/* The probe table. */
u32 ktapvm_nr_probes(const struct ktap_vm *vm);
int ktapvm_probe_info(const struct ktap_vm *vm, u32 probe, struct ktapvm_probe_info *out);
/* Closures registered by the early API (kdebug.probe(spec, fn)). */
u32 ktapvm_nr_dynamic(const struct ktap_vm *vm);
const char *ktapvm_dynamic_spec(const struct ktap_vm *vm, u32 index, u32 *len);

/* The rings (kernel-module.md, ring protocol): ring i is written by CPU id i. */
u32 ktapvm_nr_rings(const struct ktap_vm *vm);
/* The ring's whole mapping: control page followed by the data area. */
void *ktapvm_ring_base(const struct ktap_vm *vm, u32 ring);
size_t ktapvm_ring_map_size(const struct ktap_vm *vm);

void ktapvm_get_stats(const struct ktap_vm *vm, struct ktapvm_stats *out);

/* The instruction budgets the chunk asks for (for the host's own caps). */
void ktapvm_budgets(const struct ktap_vm *vm, u64 *handler, u64 *main);

#endif /* KTAPVM_H */

/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ktapvm_uapi.h - the ABI of <debugfs>/ktap/ktapvm between userspace and
 * ktapvm.ko.  src/site/markdown/kernel-module.md describes it; the Java transport
 * (io.ktap.kernel) mirrors these definitions and a test checks the sizes.
 *
 * A session is one open file:
 *
 *	fd = open("/sys/kernel/debug/ktap/ktapvm", O_RDWR);   (CAP_SYS_ADMIN)
 *	ioctl(fd, KTAPVM_IOC_LOAD, &req);	verify + load the chunk, create
 *						the events (disabled)
 *	for each ring i < req.nr_rings:		map it (see KTAPVM_MMAP_*)
 *		mmap(NULL, 4096, RW, MAP_SHARED, fd, KTAPVM_RING_OFFSET(req, i));
 *		mmap(NULL, req.ring_map_size - 4096, R, MAP_SHARED, fd,
 *		     KTAPVM_RING_OFFSET(req, i) + 4096);
 *	ioctl(fd, KTAPVM_IOC_START);		run the main block, enable events
 *	poll(fd) / read the rings		POLLIN: a ring has records,
 *						POLLHUP: the session has ended
 *	ioctl(fd, KTAPVM_IOC_STOP);		disable, run the end block
 *	... drain the rings, then close(fd)	(close also stops and frees)
 *
 * Every struct carries its size first so that it can grow: the module
 * accepts any size from the first version's to its own, zero-fills what the
 * caller did not pass, and refuses a larger size whose extra bytes are not
 * all zero.
 */
#ifndef KTAPVM_UAPI_H
#define KTAPVM_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define KTAPVM_ABI_VERSION	1

/* Flags of struct ktapvm_load_req. */
/* The pid's events stay off until it calls execve() (ktap -- CMD). */
#define KTAPVM_LOAD_ENABLE_ON_EXEC	(1u << 0)
#define KTAPVM_LOAD_FLAGS		KTAPVM_LOAD_ENABLE_ON_EXEC

/* Limits on what a load request may describe. */
#define KTAPVM_MAX_CHUNK	(16u << 20)
#define KTAPVM_MAX_EVTAB	(4u << 20)
#define KTAPVM_MAX_EVENTS	8192u
#define KTAPVM_MAX_FIELDS	64u
#define KTAPVM_MAX_NAME		256u
#define KTAPVM_MAX_FILTER_OPS	128u
#define KTAPVM_MAX_ARGS		(64u << 10)
#define KTAPVM_MAX_RING		(64u << 20)
#define KTAPVM_MAX_THREADS	4096u

/**
 * struct ktapvm_load_req - KTAPVM_IOC_LOAD
 * @size:	sizeof(struct ktapvm_load_req) as the caller knows it
 * @version:	KTAPVM_ABI_VERSION
 * @chunk:	user address of the chunk (the ktapvm bytecode format)
 * @chunk_len:	its length in bytes
 * @evtab_len:	length of the event table
 * @evtab:	user address of the event table (below): every event id the
 *		chunk's probe table names, described
 * @pid:	-1: every process; else trace this thread group only (its
 *		threads and, through inheritance, the children they create)
 * @cpu:	-1: every CPU; else trace (and run timers) on this CPU only
 * @ring_bytes:	data bytes of each per-CPU ring, a power of two,
 *		4096..KTAPVM_MAX_RING; 0: 1 MiB
 * @flags:	KTAPVM_LOAD_*
 * @args:	user address of the script name and its arguments, each
 *		NUL-terminated, one after the other (argc + 1 strings)
 * @args_len:	bytes at @args
 * @argc:	number of arguments after the script name
 * @err:	user buffer that receives a NUL-terminated message when the
 *		load fails with -EINVAL (why the chunk or table was refused)
 * @err_len:	its size
 * @nr_rings:	out: the number of rings (one per possible CPU id)
 * @ring_map_size: out: bytes of one ring's mapping (2 pages + data)
 * @session_id:	out: the session's id, as the kernel log names it
 */
struct ktapvm_load_req {
	__u32 size;
	__u32 version;
	__u64 chunk;
	__u32 chunk_len;
	__u32 evtab_len;
	__u64 evtab;
	__s32 pid;
	__s32 cpu;
	__u32 ring_bytes;
	__u32 flags;
	__u64 args;
	__u32 args_len;
	__u32 argc;
	__u64 err;
	__u32 err_len;
	__u32 nr_rings;
	__u64 ring_map_size;
	__u64 session_id;
};

/*
 * The event table: a sequence of 8-byte aligned entries, each
 *
 *	struct ktapvm_evdesc
 *	name bytes (name_len, no NUL), padded to 8
 *	nr_fields x { struct ktapvm_fielddesc, name bytes padded to 8 }
 *	nr_filter x struct ktapvm_filter_op
 *
 * The fields are the event's own fields in format order (arg1..argN), as
 * the tracefs format file lists them after the common ones.  The module
 * trusts none of it: every field is read within the bounds of the record.
 */
struct ktapvm_evdesc {
	__u64 id;		/* tracefs event id (PERF_TYPE_TRACEPOINT config) */
	__u32 probe;		/* the probe-table entry this id belongs to */
	__u16 name_len;		/* argname */
	__u16 nr_fields;
	__u16 nr_filter;	/* the probe's filter, compiled (0: none) */
	__u16 flags;		/* KTAPVM_EV_* */
	__u32 reserved;
};

#define KTAPVM_EV_SYSCALL_ENTER	(1u << 0)	/* e.sc_is_enter */

enum ktapvm_field_kind {
	KTAPVM_FIELD_INT = 1,		/* size 1, 2, 4 or 8 */
	KTAPVM_FIELD_CHARS = 2,		/* char name[size]: text up to the first NUL */
	KTAPVM_FIELD_DATA_LOC = 3,	/* __data_loc char[]: u32 (len << 16 | offset) */
	KTAPVM_FIELD_REL_LOC = 4,	/* __rel_loc char[]: offset from the field's end */
};

struct ktapvm_fielddesc {
	__u16 offset;		/* in the raw record, common header included */
	__u16 size;
	__u8 kind;		/* enum ktapvm_field_kind */
	__u8 is_signed;
	__u16 name_len;
};

/*
 * A probe's event filter (/filter/ after an EVENTDEF), compiled by
 * userspace to a postfix program over the event's fields.  A comparison
 * pushes its truth; AND/OR pop two and push one; NOT pops one.  The program
 * must leave exactly one value; the module checks its shape at load.
 */
enum ktapvm_filter_opcode {
	KTAPVM_FOP_NUM = 1,	/* field(num) <cmp> imm */
	KTAPVM_FOP_STR = 2,	/* field(text) <cmp> str (EQ, NE, GLOB) */
	KTAPVM_FOP_AND = 3,
	KTAPVM_FOP_OR = 4,
	KTAPVM_FOP_NOT = 5,
	KTAPVM_FOP_FALSE = 6,	/* a field the event does not have */
};

enum ktapvm_filter_cmp {
	KTAPVM_CMP_EQ = 1,
	KTAPVM_CMP_NE = 2,
	KTAPVM_CMP_LT = 3,
	KTAPVM_CMP_LE = 4,
	KTAPVM_CMP_GT = 5,
	KTAPVM_CMP_GE = 6,
	KTAPVM_CMP_BAND = 7,	/* (field & imm) != 0 */
	KTAPVM_CMP_GLOB = 8,	/* '*' wildcards, strings only */
};

#define KTAPVM_FILTER_STR	32	/* the longest string operand */

struct ktapvm_filter_op {
	__u8 op;		/* enum ktapvm_filter_opcode */
	__u8 cmp;		/* enum ktapvm_filter_cmp */
	__u8 str_len;
	__u8 reserved;
	__u32 field;		/* index into the event's fields */
	__s64 imm;
	char str[KTAPVM_FILTER_STR];
};

/**
 * struct ktapvm_session_stats - KTAPVM_IOC_STATS
 * @size:	sizeof(struct ktapvm_session_stats) as the caller knows it
 * @state:	enum ktapvm_state
 * @exit_status: the status the script gave exit() (valid once ended)
 * @hits:	events and timer expiries delivered to the module
 * @runs:	handler invocations that ran
 * @filtered:	events the probe's filter rejected
 * @recursion:	handlers not run: this CPU was already inside the session
 * @ended_by:	enum ktapvm_outcome of the invocation that ended the
 *		session (0 when userspace stopped it)
 */
struct ktapvm_session_stats {
	__u32 size;
	__u32 state;
	__s32 exit_status;
	__u32 ended_by;
	__u64 hits;
	__u64 runs;
	__u64 filtered;
	__u64 recursion;
	__u64 lost;		/* records dropped, all rings together */
	__u64 nr_events;	/* perf counters attached */
};

enum ktapvm_state {
	KTAPVM_STATE_NEW = 0,		/* opened, nothing loaded */
	KTAPVM_STATE_LOADED = 1,	/* loaded, events created, not started */
	KTAPVM_STATE_RUNNING = 2,	/* main ran, events enabled */
	KTAPVM_STATE_ENDED = 3,		/* stopped, end block ran, rings readable */
};

#define KTAPVM_IOC_MAGIC	0xb7
#define KTAPVM_IOC_LOAD		_IOWR(KTAPVM_IOC_MAGIC, 1, struct ktapvm_load_req)
#define KTAPVM_IOC_START	_IO(KTAPVM_IOC_MAGIC, 2)
#define KTAPVM_IOC_STOP		_IO(KTAPVM_IOC_MAGIC, 3)
#define KTAPVM_IOC_STATS	_IOWR(KTAPVM_IOC_MAGIC, 4, struct ktapvm_session_stats)

/*
 * Mapping ring i: its pages start at file offset i * ring_map_size.  The
 * first page (the consumer page: consumer_pos) may be mapped writable; the
 * rest (producer page and data) only read-only.  ring_map_size is a
 * multiple of the page size.
 */
#define KTAPVM_RING_OFFSET(map_size, i)	((__u64)(map_size) * (i))

#endif /* KTAPVM_UAPI_H */

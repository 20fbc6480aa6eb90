/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktap_port.h - the one place where the C VM core meets its host.
 *
 * The core (every other file in this directory) includes no kernel or libc
 * header: it sees fixed-width types, memory helpers, atomics with explicit
 * ordering, and the host services declared at the end of this file.  The
 * build macro __KERNEL__ (set by Kbuild) picks the kernel mapping; without it
 * the core builds against libc as a userspace library (libktapvm.so).
 *
 * Host services are implemented in ktap_port_kernel.c (kernel: non-faulting
 * copies, current task, local_clock, vmalloc_user) and ktap_port_user.c
 * (userspace: a simulated kernel whose values the caller sets, for tests).
 */
#ifndef KTAP_PORT_H
#define KTAP_PORT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/string.h>
#include <linux/compiler.h>
#include <linux/stddef.h>
#include <asm/barrier.h>

#define ktap_load_acquire(p)		smp_load_acquire(p)
#define ktap_store_release(p, v)	smp_store_release(p, v)
/* Lets objtool follow the interpreter's computed gotos (as BPF's). */
#define KTAP_JUMP_TABLE			__annotate_jump_table

#else /* userspace */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif
#ifndef noinline
#define noinline	__attribute__((noinline))
#endif
#ifndef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#endif
#ifndef fallthrough
#define fallthrough	__attribute__((fallthrough))
#endif

#define ktap_load_acquire(p)		__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define ktap_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define KTAP_JUMP_TABLE

#endif /* __KERNEL__ */

#define KTAP_S64_MIN	((s64)((u64)1 << 63))
#define KTAP_S64_MAX	((s64)(((u64)1 << 63) - 1))

#define KTAP_ALIGN8(x)	(((x) + 7u) & ~(u32)7u)

struct ktap_vm;

/*
 * Load-time memory (may sleep in the kernel: only called from the load and
 * free paths, never from a probe handler).  Zeroed.
 */
void *ktap_port_alloc(size_t size);
void ktap_port_free(void *p);

/* Ring memory: zeroed, page aligned, mappable into the reader's process. */
void *ktap_port_ring_alloc(size_t size);
void ktap_port_ring_free(void *p, size_t size);

/* Exclusion of ring producers (irq-safe spinlock in the kernel). */
struct ktap_port_lock {
	unsigned long word;
	unsigned long flags;
};
void ktap_port_lock_init(struct ktap_port_lock *l);
void ktap_port_lock(struct ktap_port_lock *l);
void ktap_port_unlock(struct ktap_port_lock *l);

/* The CPU running the caller (stable while the caller cannot migrate). */
u32 ktap_port_cpu(struct ktap_vm *vm);
/* The number of possible CPU ids (rings and recursion guards are per id). */
u32 ktap_port_cpu_ids(void);
/* num_cpus(): the number of online CPUs. */
u32 ktap_port_num_cpus(struct ktap_vm *vm);

/* Clocks, in nanoseconds: the trace clock stamps records. */
u64 ktap_port_trace_clock(struct ktap_vm *vm);
u64 ktap_port_realtime(struct ktap_vm *vm);

/* The current task. */
s64 ktap_port_pid(struct ktap_vm *vm);
s64 ktap_port_tid(struct ktap_vm *vm);
s64 ktap_port_uid(struct ktap_vm *vm);
/* Copies the task's command name (at most 15 bytes); returns its length. */
u32 ktap_port_execname(struct ktap_vm *vm, char *buf, u32 size);
bool ktap_port_in_interrupt(struct ktap_vm *vm);
bool ktap_port_in_iowait(struct ktap_vm *vm);

/* uname -m and uname -r; return the length copied (at most size). */
u32 ktap_port_arch(struct ktap_vm *vm, char *buf, u32 size);
u32 ktap_port_kernel_release(struct ktap_vm *vm, char *buf, u32 size);

/*
 * Non-faulting string reads: copy the NUL-terminated string at addr (at most
 * size bytes, the NUL not included) into buf.  Returns the length, or -1 when
 * the address cannot be read.  Kernel: strncpy_from_user_nofault /
 * strncpy_from_kernel_nofault; userspace: the embedder's callbacks.
 */
s32 ktap_port_user_string(struct ktap_vm *vm, u64 addr, char *buf, u32 size);
s32 ktap_port_kernel_string(struct ktap_vm *vm, u64 addr, char *buf, u32 size);

/* The current kernel stack, innermost first; returns the number of entries. */
u32 ktap_port_kernel_stack(struct ktap_vm *vm, u64 *entries, u32 max);
/* addr as %pS shows it (or hex when unknown); returns the length. */
u32 ktap_port_symbolize(struct ktap_vm *vm, u64 addr, char *buf, u32 size);
/*
 * bytes (1, 2, 4, 8) of the current task_struct at offset, unsigned, through a
 * non-faulting copy; false when out of range or unreadable.
 */
bool ktap_port_task_field(struct ktap_vm *vm, u64 offset, u32 bytes, u64 *out);
/* IPv4 source/destination of the socket at sock (host order); false if unreadable. */
bool ktap_port_sock_addr(struct ktap_vm *vm, u64 sock, bool dest, u64 *out);

/* Releases what the host kept for vm (userspace: the simulated kernel). */
void ktap_port_vm_release(struct ktap_vm *vm);

/* Lets a long main/end run yield the CPU (process context only). */
void ktap_port_cond_resched(void);

#endif /* KTAP_PORT_H */

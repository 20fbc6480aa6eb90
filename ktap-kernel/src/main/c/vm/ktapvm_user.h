/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktapvm_user.h - the simulated kernel of the userspace build (libktapvm.so).
 *
 * In the kernel, the kernel-only builtins read the current task, kernel and
 * user memory, stacks and clocks.  In userspace they read what the embedder
 * sets here, so that a test can give the C VM exactly the context it gives the
 * Java VM (io.ktap.vm.KernelContext).  Unset values default to the calling
 * process (pid, uid, comm, clocks); unset memory reads fail (nil), except
 * user_string, which reads this process's memory through process_vm_readv (it
 * never faults).
 */
#ifndef KTAPVM_USER_H
#define KTAPVM_USER_H

#include "ktapvm.h"

struct ktapvm_user_callbacks {
	/* Each returns -1/0 when it has no answer; ud is the embedder's pointer. */
	s32 (*user_string)(void *ud, u64 addr, char *buf, u32 size);
	s32 (*kernel_string)(void *ud, u64 addr, char *buf, u32 size);
	u32 (*kernel_stack)(void *ud, u64 *entries, u32 max);
	u32 (*symbolize)(void *ud, u64 addr, char *buf, u32 size);
	s32 (*task_field)(void *ud, u64 offset, u32 bytes, u64 *out);
	s32 (*sock_addr)(void *ud, u64 sock, u32 dest, u64 *out);
	u64 (*trace_clock)(void *ud);	/* NULL: the value set by set_clock */
	void *ud;
};

void ktapvm_user_set_task(struct ktap_vm *vm, s64 pid, s64 tid, s64 uid, const char *execname);
void ktapvm_user_set_cpu(struct ktap_vm *vm, u32 cpu, u32 num_cpus);
void ktapvm_user_set_clock(struct ktap_vm *vm, u64 trace_clock_ns, u64 realtime_ns);
void ktapvm_user_set_system(struct ktap_vm *vm, const char *arch, const char *release);
void ktapvm_user_set_flags(struct ktap_vm *vm, u32 in_interrupt, u32 in_iowait);
void ktapvm_user_set_callbacks(struct ktap_vm *vm, const struct ktapvm_user_callbacks *cb);

/* Reader side of the rings, for tests and tools (RING.md). */
struct ktapvm_record {
	u32 type;
	u32 cpu;
	u64 time_ns;
	const void *payload;
	u32 len;
};

/*
 * Reads the next record of ring into out and consumes it; returns 1, or 0
 * when the ring is empty.  The payload stays valid until the next call.
 */
int ktapvm_user_next_record(struct ktap_vm *vm, u32 ring, struct ktapvm_record *out);
/* Copies all pending records of every ring, in ring order, into buf as
 * (u32 type, u32 cpu, u64 time, u32 len, u32 pad, payload padded to 8).
 * Returns the bytes written; stops before a record that does not fit. */
u32 ktapvm_user_drain(struct ktap_vm *vm, void *buf, u32 size);

/* Verifies under the kernel policy (budgets must be finite) instead. */
int ktapvm_verify_policy(const void *chunk, size_t len, int kernel_policy, char *err, size_t err_size);

#endif /* KTAPVM_USER_H */

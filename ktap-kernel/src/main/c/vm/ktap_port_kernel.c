// SPDX-License-Identifier: GPL-2.0
/*
 * ktap_port_kernel.c - the host services for the kernel build (ktapvm.ko).
 *
 * Only exported symbols.  Every read of kernel or user memory on behalf of a
 * script goes through the non-faulting copy helpers; everything called from
 * a probe handler is NMI-safe or at least does not sleep.  Load-time memory
 * comes from kvzalloc (process context only), ring memory from vmalloc_user
 * so that the glue can map it into the reader with remap_vmalloc_range().
 */
#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/hardirq.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/stacktrace.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#include <net/sock.h>

#include "ktap_int.h"

void *ktap_port_alloc(size_t size)
{
	return kvzalloc(size ? size : 1, GFP_KERNEL);
}

void ktap_port_free(void *p)
{
	kvfree(p);
}

void *ktap_port_ring_alloc(size_t size)
{
	return vmalloc_user(size);
}

void ktap_port_ring_free(void *p, size_t size)
{
	vfree(p);
}

/*
 * A plain test-and-set lock with interrupts off: handlers on different CPUs
 * serialise here; a handler's instruction budget bounds the wait.
 */
void ktap_port_lock_init(struct ktap_port_lock *l)
{
	l->word = 0;
	l->flags = 0;
}

void ktap_port_lock(struct ktap_port_lock *l)
{
	unsigned long flags;

	local_irq_save(flags);
	while (cmpxchg_acquire(&l->word, 0UL, 1UL) != 0UL)
		cpu_relax();
	l->flags = flags;
}

void ktap_port_unlock(struct ktap_port_lock *l)
{
	unsigned long flags = l->flags;

	smp_store_release(&l->word, 0UL);
	local_irq_restore(flags);
}

u32 ktap_port_cpu(struct ktap_vm *vm)
{
	return raw_smp_processor_id();
}

u32 ktap_port_cpu_ids(void)
{
	return nr_cpu_ids;
}

u32 ktap_port_num_cpus(struct ktap_vm *vm)
{
	return num_online_cpus();
}

u64 ktap_port_trace_clock(struct ktap_vm *vm)
{
	return ktime_get_mono_fast_ns();
}

u64 ktap_port_realtime(struct ktap_vm *vm)
{
	return ktime_get_real_fast_ns();
}

s64 ktap_port_pid(struct ktap_vm *vm)
{
	return task_tgid_nr(current);
}

s64 ktap_port_tid(struct ktap_vm *vm)
{
	return task_pid_nr(current);
}

s64 ktap_port_uid(struct ktap_vm *vm)
{
	return from_kuid_munged(&init_user_ns, current_uid());
}

u32 ktap_port_execname(struct ktap_vm *vm, char *buf, u32 size)
{
	const char *comm = current->comm;
	u32 n = 0;

	/* As trace events copy comm: unlocked, bounded. */
	while (n < size && n < TASK_COMM_LEN - 1 && comm[n]) {
		buf[n] = comm[n];
		n++;
	}
	return n;
}

bool ktap_port_in_interrupt(struct ktap_vm *vm)
{
	return in_interrupt();
}

bool ktap_port_in_iowait(struct ktap_vm *vm)
{
	return current->in_iowait;
}

static u32 copy_text(const char *s, char *buf, u32 size)
{
	u32 n = strnlen(s, size);

	memcpy(buf, s, n);
	return n;
}

u32 ktap_port_arch(struct ktap_vm *vm, char *buf, u32 size)
{
	return copy_text(init_utsname()->machine, buf, size);
}

u32 ktap_port_kernel_release(struct ktap_vm *vm, char *buf, u32 size)
{
	return copy_text(init_utsname()->release, buf, size);
}

/*
 * A NUL-terminated string through the exported non-faulting copies (the
 * strncpy_*_nofault helpers are not exported): page by page, so a copy never
 * spans a mapped and an unmapped page.  -1 when nothing could be read.
 */
static s32 read_string(u64 addr, char *buf, u32 size, bool user)
{
	u32 n = 0;

	while (n < size) {
		u64 at = addr + n;
		u32 chunk = PAGE_SIZE - (u32)(at & (PAGE_SIZE - 1));
		char *nul;
		long err;

		if (chunk > size - n)
			chunk = size - n;
		if (user)
			err = copy_from_user_nofault(buf + n, (const void __user *)(unsigned long)at, chunk);
		else
			err = copy_from_kernel_nofault(buf + n, (const void *)(unsigned long)at, chunk);
		if (err)
			return n ? (s32)n : -1;
		nul = memchr(buf + n, 0, chunk);
		if (nul)
			return (s32)(nul - buf);
		n += chunk;
	}
	return (s32)n;
}

s32 ktap_port_user_string(struct ktap_vm *vm, u64 addr, char *buf, u32 size)
{
	return read_string(addr, buf, size, true);
}

s32 ktap_port_kernel_string(struct ktap_vm *vm, u64 addr, char *buf, u32 size)
{
	return read_string(addr, buf, size, false);
}

u32 ktap_port_kernel_stack(struct ktap_vm *vm, u64 *entries, u32 max)
{
	BUILD_BUG_ON(sizeof(unsigned long) != sizeof(u64));
	return stack_trace_save((unsigned long *)entries, max, 0);
}

u32 ktap_port_symbolize(struct ktap_vm *vm, u64 addr, char *buf, u32 size)
{
	int n = snprintf(buf, size, "%pS", (void *)(unsigned long)addr);

	return n < 0 ? 0 : (u32)n < size ? (u32)n : size - 1;
}

bool ktap_port_task_field(struct ktap_vm *vm, u64 offset, u32 bytes, u64 *out)
{
	u64 v = 0;

	if (offset > sizeof(struct task_struct) || bytes > sizeof(struct task_struct) - offset)
		return false;
	if (copy_from_kernel_nofault(&v, (const u8 *)current + offset, bytes))
		return false;
	*out = v;
	return true;
}

bool ktap_port_sock_addr(struct ktap_vm *vm, u64 sock, bool dest, u64 *out)
{
	const struct sock *sk = (const struct sock *)(unsigned long)sock;
	__be32 addr;
	const void *from = dest ? (const void *)&sk->sk_daddr : (const void *)&sk->sk_rcv_saddr;

	if (copy_from_kernel_nofault(&addr, from, sizeof(addr)))
		return false;
	*out = (u32)(__force u32)addr;
	return true;
}

void ktap_port_cond_resched(void)
{
	if (!in_atomic() && !irqs_disabled())
		cond_resched();
}

void ktap_port_vm_release(struct ktap_vm *vm)
{
}

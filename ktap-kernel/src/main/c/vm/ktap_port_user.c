// SPDX-License-Identifier: GPL-2.0
/*
 * ktap_port_user.c - the host services for the userspace build: libc memory,
 * and a simulated kernel whose values the embedder sets (ktapvm_user.h).
 * A userspace VM is used by one thread at a time.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "ktap_int.h"
#include "ktapvm_user.h"

struct ktap_user_env {
	bool task_set;
	s64 pid, tid, uid;
	char execname[16];
	bool cpu_set;
	u32 cpu, num_cpus;
	bool clock_set;
	u64 trace_clock, realtime;
	char arch[65];
	char release[65];
	bool system_set;
	u32 in_interrupt, in_iowait;
	struct ktapvm_user_callbacks cb;
};

void *ktap_port_alloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

void ktap_port_free(void *p)
{
	free(p);
}

void *ktap_port_ring_alloc(size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, 4096, size))
		return NULL;
	memset(p, 0, size);
	return p;
}

void ktap_port_ring_free(void *p, size_t size)
{
	(void)size;
	free(p);
}

void ktap_port_lock_init(struct ktap_port_lock *l)
{
	l->word = 0;
	l->flags = 0;
}

void ktap_port_lock(struct ktap_port_lock *l)
{
	while (__atomic_exchange_n(&l->word, 1, __ATOMIC_ACQUIRE))
		;
}

void ktap_port_unlock(struct ktap_port_lock *l)
{
	__atomic_store_n(&l->word, 0, __ATOMIC_RELEASE);
}

static struct ktap_user_env *env(struct ktap_vm *vm)
{
	if (!vm->env)
		vm->env = calloc(1, sizeof(*vm->env));
	return vm->env;
}

void ktapvm_user_set_task(struct ktap_vm *vm, s64 pid, s64 tid, s64 uid, const char *execname)
{
	struct ktap_user_env *e = env(vm);

	if (!e)
		return;
	e->task_set = true;
	e->pid = pid;
	e->tid = tid;
	e->uid = uid;
	strncpy(e->execname, execname ? execname : "", sizeof(e->execname) - 1);
}

void ktapvm_user_set_cpu(struct ktap_vm *vm, u32 cpu, u32 num_cpus)
{
	struct ktap_user_env *e = env(vm);

	if (!e)
		return;
	e->cpu_set = true;
	e->cpu = cpu;
	e->num_cpus = num_cpus;
}

void ktapvm_user_set_clock(struct ktap_vm *vm, u64 trace_clock_ns, u64 realtime_ns)
{
	struct ktap_user_env *e = env(vm);

	if (!e)
		return;
	e->clock_set = true;
	e->trace_clock = trace_clock_ns;
	e->realtime = realtime_ns;
}

void ktapvm_user_set_system(struct ktap_vm *vm, const char *arch, const char *release)
{
	struct ktap_user_env *e = env(vm);

	if (!e)
		return;
	e->system_set = true;
	strncpy(e->arch, arch ? arch : "", sizeof(e->arch) - 1);
	strncpy(e->release, release ? release : "", sizeof(e->release) - 1);
}

void ktapvm_user_set_flags(struct ktap_vm *vm, u32 in_interrupt, u32 in_iowait)
{
	struct ktap_user_env *e = env(vm);

	if (!e)
		return;
	e->in_interrupt = in_interrupt;
	e->in_iowait = in_iowait;
}

void ktapvm_user_set_callbacks(struct ktap_vm *vm, const struct ktapvm_user_callbacks *cb)
{
	struct ktap_user_env *e = env(vm);

	if (!e)
		return;
	if (cb)
		e->cb = *cb;
	else
		memset(&e->cb, 0, sizeof(e->cb));
}

u32 ktap_port_cpu(struct ktap_vm *vm)
{
	struct ktap_user_env *e = vm->env;

	return e && e->cpu_set ? e->cpu : 0;
}

u32 ktap_port_cpu_ids(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (u32)n : 1;
}

u32 ktap_port_num_cpus(struct ktap_vm *vm)
{
	struct ktap_user_env *e = vm->env;
	long n;

	if (e && e->cpu_set)
		return e->num_cpus;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (u32)n : 1;
}

static u64 clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (u64)ts.tv_sec * 1000000000u + (u64)ts.tv_nsec;
}

u64 ktap_port_trace_clock(struct ktap_vm *vm)
{
	struct ktap_user_env *e = vm->env;

	if (e && e->cb.trace_clock)
		return e->cb.trace_clock(e->cb.ud);
	return e && e->clock_set ? e->trace_clock : clock_ns(CLOCK_MONOTONIC);
}

u64 ktap_port_realtime(struct ktap_vm *vm)
{
	struct ktap_user_env *e = vm->env;

	return e && e->clock_set ? e->realtime : clock_ns(CLOCK_REALTIME);
}

s64 ktap_port_pid(struct ktap_vm *vm)
{
	struct ktap_user_env *e = vm->env;

	return e && e->task_set ? e->pid : getpid();
}

s64 ktap_port_tid(struct ktap_vm *vm)
{
	struct ktap_user_env *e = vm->env;

	return e && e->task_set ? e->tid : (s64)syscall(SYS_gettid);
}

s64 ktap_port_uid(struct ktap_vm *vm)
{
	struct ktap_user_env *e = vm->env;

	return e && e->task_set ? e->uid : getuid();
}

u32 ktap_port_execname(struct ktap_vm *vm, char *buf, u32 size)
{
	struct ktap_user_env *e = vm->env;
	char comm[17] = { 0 };
	u32 n;

	if (e && e->task_set)
		memcpy(comm, e->execname, 16);
	else
		prctl(PR_GET_NAME, comm, 0, 0, 0);
	n = (u32)strnlen(comm, 15);
	if (n > size)
		n = size;
	memcpy(buf, comm, n);
	return n;
}

bool ktap_port_in_interrupt(struct ktap_vm *vm)
{
	return vm->env && vm->env->in_interrupt;
}

bool ktap_port_in_iowait(struct ktap_vm *vm)
{
	return vm->env && vm->env->in_iowait;
}

static u32 copy_text(const char *s, char *buf, u32 size)
{
	u32 n = (u32)strlen(s);

	if (n > size)
		n = size;
	memcpy(buf, s, n);
	return n;
}

u32 ktap_port_arch(struct ktap_vm *vm, char *buf, u32 size)
{
	struct ktap_user_env *e = vm->env;

	return copy_text(e && e->system_set ? e->arch : "x86_64", buf, size);
}

u32 ktap_port_kernel_release(struct ktap_vm *vm, char *buf, u32 size)
{
	struct ktap_user_env *e = vm->env;

	return copy_text(e && e->system_set ? e->release : "userspace", buf, size);
}

/* This process's memory, read without faulting. */
static s32 read_self(u64 addr, char *buf, u32 size)
{
	u32 n = 0;

	while (n < size) {
		char c;
		struct iovec local = { &c, 1 };
		struct iovec remote = { (void *)(unsigned long)(addr + n), 1 };

		if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != 1)
			return n ? (s32)n : -1;
		if (!c)
			break;
		buf[n++] = c;
	}
	return (s32)n;
}

s32 ktap_port_user_string(struct ktap_vm *vm, u64 addr, char *buf, u32 size)
{
	struct ktap_user_env *e = vm->env;

	if (e && e->cb.user_string)
		return e->cb.user_string(e->cb.ud, addr, buf, size);
	return read_self(addr, buf, size);
}

s32 ktap_port_kernel_string(struct ktap_vm *vm, u64 addr, char *buf, u32 size)
{
	struct ktap_user_env *e = vm->env;

	if (e && e->cb.kernel_string)
		return e->cb.kernel_string(e->cb.ud, addr, buf, size);
	return -1;
}

u32 ktap_port_kernel_stack(struct ktap_vm *vm, u64 *entries, u32 max)
{
	struct ktap_user_env *e = vm->env;

	if (e && e->cb.kernel_stack) {
		u32 n = e->cb.kernel_stack(e->cb.ud, entries, max);

		return n > max ? max : n;
	}
	return 0;
}

u32 ktap_port_symbolize(struct ktap_vm *vm, u64 addr, char *buf, u32 size)
{
	struct ktap_user_env *e = vm->env;
	char hex[24];
	u32 n;

	if (e && e->cb.symbolize) {
		n = e->cb.symbolize(e->cb.ud, addr, buf, size);
		return n > size ? size : n;
	}
	hex[0] = '0';
	hex[1] = 'x';
	n = 2 + ktap_fmt_u64(hex + 2, addr, 16, false);
	if (n > size)
		n = size;
	memcpy(buf, hex, n);
	return n;
}

bool ktap_port_task_field(struct ktap_vm *vm, u64 offset, u32 bytes, u64 *out)
{
	struct ktap_user_env *e = vm->env;

	if (e && e->cb.task_field)
		return e->cb.task_field(e->cb.ud, offset, bytes, out) > 0;
	return false;
}

bool ktap_port_sock_addr(struct ktap_vm *vm, u64 sock, bool dest, u64 *out)
{
	struct ktap_user_env *e = vm->env;

	if (e && e->cb.sock_addr)
		return e->cb.sock_addr(e->cb.ud, sock, dest, out) > 0;
	return false;
}

void ktap_port_cond_resched(void)
{
}

void ktap_port_vm_release(struct ktap_vm *vm)
{
	free(vm->env);
	vm->env = NULL;
}

/* ---- the reader side, for tests --------------------------------------------------- */

int ktapvm_user_next_record(struct ktap_vm *vm, u32 ring, struct ktapvm_record *out)
{
	struct ktap_ring *r;
	u64 cons, prod;

	if (ring >= vm->nr_rings)
		return 0;
	r = &vm->rings[ring];
	for (;;) {
		struct ktap_rec_hdr *h;
		u32 len;

		cons = r->cons->consumer_pos;
		prod = ktap_load_acquire(&r->prod->producer_pos);
		if (cons >= prod)
			return 0;
		h = (struct ktap_rec_hdr *)(r->data + (cons & r->mask));
		len = ktap_load_acquire(&h->len);
		if (len & KTAP_REC_BUSY)
			return 0;
		/* A header shorter than itself or past the producer: corrupt, stop. */
		if (((len & KTAP_REC_LEN_MASK) < KTAP_REC_HDR && !(len & KTAP_REC_DISCARD)) ||
		    cons + KTAP_ALIGN8(len & KTAP_REC_LEN_MASK) > prod)
			return 0;
		ktap_store_release(&r->cons->consumer_pos, cons + KTAP_ALIGN8(len & KTAP_REC_LEN_MASK));
		if (len & KTAP_REC_DISCARD)
			continue;
		out->type = h->type;
		out->cpu = h->cpu;
		out->time_ns = h->time_ns;
		out->payload = h + 1;
		out->len = (len & KTAP_REC_LEN_MASK) - KTAP_REC_HDR;
		return 1;
	}
}

u32 ktapvm_user_drain(struct ktap_vm *vm, void *buf, u32 size)
{
	u8 *out = buf;
	u32 used = 0, i;

	for (i = 0; i < vm->nr_rings; i++) {
		struct ktap_ring *r = &vm->rings[i];

		for (;;) {
			u64 cons = r->cons->consumer_pos;
			u64 prod = ktap_load_acquire(&r->prod->producer_pos);
			struct ktap_rec_hdr *h;
			u32 len, plen, need;

			if (cons >= prod)
				break;
			h = (struct ktap_rec_hdr *)(r->data + (cons & r->mask));
			len = ktap_load_acquire(&h->len);
			if (len & KTAP_REC_BUSY)
				break;
			if (((len & KTAP_REC_LEN_MASK) < KTAP_REC_HDR && !(len & KTAP_REC_DISCARD)) ||
			    cons + KTAP_ALIGN8(len & KTAP_REC_LEN_MASK) > prod)
				break;
			plen = (len & KTAP_REC_DISCARD) ? 0 : (len & KTAP_REC_LEN_MASK) - KTAP_REC_HDR;
			need = 24 + KTAP_ALIGN8(plen);
			if (!(len & KTAP_REC_DISCARD)) {
				u32 hdr[6];

				if (need > size - used)
					return used;
				hdr[0] = h->type;
				hdr[1] = h->cpu;
				memcpy(&hdr[2], &h->time_ns, 8);
				hdr[4] = plen;
				hdr[5] = 0;
				memcpy(out + used, hdr, 24);
				memcpy(out + used + 24, h + 1, plen);
				memset(out + used + 24 + plen, 0, KTAP_ALIGN8(plen) - plen);
				used += need;
			}
			ktap_store_release(&r->cons->consumer_pos,
					   cons + KTAP_ALIGN8(len & KTAP_REC_LEN_MASK));
		}
	}
	return used;
}

int ktapvm_verify_policy(const void *chunk, size_t len, int kernel_policy, char *err, size_t err_size)
{
	struct ktap_chunk c;
	int ret;

	if (ktap_chunk_parse(&c, chunk, len, err, err_size))
		return -1;
	ret = ktap_chunk_verify_policy(&c, kernel_policy != 0, err, err_size);
	ktap_chunk_release(&c);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * ktapvm: kernel module glue.
 *
 * The module exposes one control file, <debugfs>/ktap/ktapvm, readable and
 * writable by root only.  Opening it requires CAP_SYS_ADMIN; every open
 * creates a session, and the session lives exactly as long as the open file
 * (and so as long as any mapping of its rings, which holds the file).
 *
 * A session (ktapvm_uapi.h, src/site/markdown/kernel-module.md):
 *
 *	LOAD	verify and load the chunk with the C VM core, check the event
 *		table against its probe table, create every perf counter and
 *		timer disabled
 *	START	run the main block, then enable everything
 *	STOP	(or a handler's exit()/error, or close) release every counter
 *		and timer, wait until no handler runs, run the end block
 *	close	stop if needed, free everything
 *
 * Lifetime: the file is made with debugfs_create_file_unsafe(), so an open
 * file uses ktapvm_fops itself (debugfs' full proxy has no mmap, and the
 * rings must be mapped); debugfs' open takes a reference on
 * ktapvm_fops.owner for every open file.  While a session exists the module
 * therefore cannot be unloaded, and the fops cannot go away under an open
 * file, which is what the proxy would otherwise guard (delete_module()
 * fails with -EWOULDBLOCK); an open racing with unload either gets its
 * reference before unload starts, or fails with -ENXIO/-ENOENT once
 * debugfs_remove() has run, which waits for opens already in progress.
 * (On 6.1 an open that lands in the instant between the refcount reaching
 * zero and the module becoming GOING also fails with -ENXIO, but debugfs
 * WARNs about it; nothing a module can prevent, so tests avoid that race.)
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "ktapvm_mod.h"
#include "ktap_ring.h"

#define KTAPVM_DIR_NAME		"ktap"
#define KTAPVM_CTL_NAME		"ktapvm"
#define KTAPVM_CTL_MODE		0600
#define KTAPVM_ERR_SIZE		512
#define KTAPVM_MAX_ARGC		1024

/*
 * Caps on the instruction budgets a chunk may ask for: a probe handler runs
 * in atomic context, so its budget bounds how long a CPU can be held.
 */
static ulong max_handler_instructions = 1000000;
module_param(max_handler_instructions, ulong, 0644);
MODULE_PARM_DESC(max_handler_instructions, "largest instruction budget of one probe handler run");
static ulong max_main_instructions = 1000000000;
module_param(max_main_instructions, ulong, 0644);
MODULE_PARM_DESC(max_main_instructions, "largest instruction budget of the main and end blocks");

static struct dentry *ktapvm_dir;
static atomic64_t ktapvm_next_id = ATOMIC64_INIT(0);
static LIST_HEAD(ktapvm_sessions);
static DEFINE_MUTEX(ktapvm_sessions_lock);

/* ---- rings ------------------------------------------------------------------------ */

static struct ktap_ring_producer *kv_producer(struct kv_session *s, u32 ring)
{
	return (struct ktap_ring_producer *)((u8 *)ktapvm_ring_base(s->vm, ring) + KTAP_RING_PAGE);
}

static bool kv_ring_has_data(struct kv_session *s, u32 ring)
{
	const struct ktap_ring_consumer *cons = ktapvm_ring_base(s->vm, ring);
	u64 prod = smp_load_acquire(&kv_producer(s, ring)->producer_pos);

	return prod != READ_ONCE(cons->consumer_pos);
}

static bool kv_any_data(struct kv_session *s)
{
	u32 i;

	for (i = 0; i < ktapvm_nr_rings(s->vm); i++)
		if (kv_ring_has_data(s, i))
			return true;
	return false;
}

static u64 kv_lost(struct kv_session *s)
{
	u64 lost = 0;
	u32 i;

	for (i = 0; i < ktapvm_nr_rings(s->vm); i++)
		lost += READ_ONCE(kv_producer(s, i)->lost);
	return lost;
}

/* ---- stopping ------------------------------------------------------------------- */

/*
 * Ends tracing: no handler runs once this returns, the end block has run
 * (if the session had started) and its records are in the rings, which stay
 * mapped and readable until the file is closed.
 */
static void kv_finish(struct kv_session *s)
{
	lockdep_assert_held(&s->lock);

	if (s->state != KTAPVM_STATE_LOADED && s->state != KTAPVM_STATE_RUNNING)
		return;
	kv_detach_all(s);
	if (s->state == KTAPVM_STATE_RUNNING)
		ktapvm_run_end(s->vm);
	smp_store_release(&s->state, KTAPVM_STATE_ENDED);
	wake_up_interruptible_all(&s->wait);
	pr_debug("session %llu ended\n", s->id);
}

static void kv_stop_work(struct work_struct *work)
{
	struct kv_session *s = container_of(work, struct kv_session, stop_work);

	mutex_lock(&s->lock);
	kv_finish(s);
	mutex_unlock(&s->lock);
}

static void kv_stop_irq(struct irq_work *w)
{
	struct kv_session *s = container_of(w, struct kv_session, stop_irq);

	schedule_work(&s->stop_work);
}

static void kv_wake_irq(struct irq_work *w)
{
	struct kv_session *s = container_of(w, struct kv_session, wake_irq);

	wake_up_interruptible_all(&s->wait);
}

/*
 * After every handler, in its context: an exit() or a runtime error stops
 * the session (deferred to process context: irq_work, then a work item); a
 * reader asleep in poll() is woken once there is something to read.
 */
void kv_handler_done(struct kv_session *s, int outcome)
{
	u32 cpu = raw_smp_processor_id();

	if ((outcome == KTAPVM_EXIT || outcome == KTAPVM_ERROR) &&
	    !atomic_cmpxchg(&s->stop_requested, 0, 1)) {
		WRITE_ONCE(s->ended_by, outcome);
		irq_work_queue(&s->stop_irq);
	}
	smp_mb();	/* the record's producer_pos before poll_waiting; pairs with poll */
	if (atomic_read(&s->wake_pending) &&
	    (cpu >= ktapvm_nr_rings(s->vm) || kv_ring_has_data(s, cpu)) &&
	    atomic_xchg(&s->wake_pending, 0))
		irq_work_queue(&s->wake_irq);
}

/* ---- sessions ----------------------------------------------------------------- */

static struct kv_session *kv_session_create(void)
{
	struct kv_session *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;

	INIT_LIST_HEAD(&s->node);
	mutex_init(&s->lock);
	init_waitqueue_head(&s->wait);
	init_irq_work(&s->stop_irq, kv_stop_irq);
	init_irq_work(&s->wake_irq, kv_wake_irq);
	INIT_WORK(&s->stop_work, kv_stop_work);
	s->state = KTAPVM_STATE_NEW;
	s->pid = -1;
	s->cpu = -1;
	s->id = atomic64_inc_return(&ktapvm_next_id);
	s->owner = get_pid(task_tgid(current));

	mutex_lock(&ktapvm_sessions_lock);
	list_add_tail(&s->node, &ktapvm_sessions);
	mutex_unlock(&ktapvm_sessions_lock);

	return s;
}

/* Frees what LOAD built (also on its error path): counters, table, VM. */
static void kv_session_unload(struct kv_session *s)
{
	kv_detach_all(s);
	kv_cpus_free(s);
	kv_events_free(s);
	ktapvm_free(s->vm);
	s->vm = NULL;
}

static void kv_session_destroy(struct kv_session *s)
{
	mutex_lock(&s->lock);
	kv_finish(s);
	mutex_unlock(&s->lock);
	/* No handler runs any more: flush what the last ones queued. */
	irq_work_sync(&s->stop_irq);
	cancel_work_sync(&s->stop_work);
	irq_work_sync(&s->wake_irq);
	kv_session_unload(s);

	mutex_lock(&ktapvm_sessions_lock);
	list_del(&s->node);
	mutex_unlock(&ktapvm_sessions_lock);

	put_pid(s->owner);
	mutex_destroy(&s->lock);
	kfree(s);
}

/* ---- LOAD ----------------------------------------------------------------------- */

static int kv_copy_args(struct kv_session *s, const struct ktapvm_load_req *req,
			char *err, size_t err_size)
{
	const char **argv = NULL;
	char *buf;
	u32 i, at = 0;
	int ret = -EINVAL;

	if (req->args_len == 0 && req->argc == 0)
		return 0;
	if (req->args_len > KTAPVM_MAX_ARGS || req->argc > KTAPVM_MAX_ARGC) {
		snprintf(err, err_size, "arguments: more than %u bytes or %u arguments",
			 KTAPVM_MAX_ARGS, KTAPVM_MAX_ARGC);
		return -EINVAL;
	}
	buf = memdup_user(u64_to_user_ptr(req->args), req->args_len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	argv = kcalloc(req->argc + 1, sizeof(*argv), GFP_KERNEL);
	if (!argv) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i <= req->argc; i++) {
		const char *nul = memchr(buf + at, 0, req->args_len - at);

		if (!nul) {
			snprintf(err, err_size, "arguments: %u strings expected", req->argc + 1);
			goto out;
		}
		argv[i] = buf + at;
		at = nul - buf + 1;
	}
	ret = ktapvm_set_args(s->vm, argv[0], req->argc, argv + 1) ? -ENOMEM : 0;
out:
	kfree(argv);
	kfree(buf);
	return ret;
}

static int kv_check_req(const struct ktapvm_load_req *req, char *err, size_t err_size)
{
	if (req->version != KTAPVM_ABI_VERSION) {
		snprintf(err, err_size, "ABI version %u, this module speaks %u", req->version,
			 KTAPVM_ABI_VERSION);
		return -EINVAL;
	}
	if (req->flags & ~KTAPVM_LOAD_FLAGS) {
		snprintf(err, err_size, "unknown flags %#x", req->flags & ~KTAPVM_LOAD_FLAGS);
		return -EINVAL;
	}
	if (req->chunk_len == 0 || req->chunk_len > KTAPVM_MAX_CHUNK) {
		snprintf(err, err_size, "chunk of %u bytes (1..%u)", req->chunk_len, KTAPVM_MAX_CHUNK);
		return -EINVAL;
	}
	if (req->ring_bytes && (req->ring_bytes < PAGE_SIZE || req->ring_bytes > KTAPVM_MAX_RING ||
				!is_power_of_2(req->ring_bytes))) {
		snprintf(err, err_size, "ring size %u is not a power of two in %lu..%u",
			 req->ring_bytes, PAGE_SIZE, KTAPVM_MAX_RING);
		return -EINVAL;
	}
	if (req->pid < -1 || req->cpu < -1 || (req->cpu >= 0 && (req->cpu >= nr_cpu_ids ||
							      !cpu_online(req->cpu)))) {
		snprintf(err, err_size, "bad pid %d or cpu %d", req->pid, req->cpu);
		return -EINVAL;
	}
	if ((req->flags & KTAPVM_LOAD_ENABLE_ON_EXEC) && req->pid < 0) {
		snprintf(err, err_size, "enable-on-exec needs a pid");
		return -EINVAL;
	}
	return 0;
}

static int kv_load(struct kv_session *s, struct ktapvm_load_req *req, char *err, size_t err_size)
{
	struct ktapvm_load_opts opts = { };
	u64 handler_budget, main_budget;
	void *chunk;
	int ret;

	ret = kv_check_req(req, err, err_size);
	if (ret)
		return ret;
	chunk = kvmalloc(req->chunk_len, GFP_KERNEL);
	if (!chunk)
		return -ENOMEM;
	if (copy_from_user(chunk, u64_to_user_ptr(req->chunk), req->chunk_len)) {
		ret = -EFAULT;
		goto out_free_chunk;
	}
	opts.ring_bytes = req->ring_bytes;
	s->vm = ktapvm_load(chunk, req->chunk_len, &opts, err, err_size);
	if (!s->vm) {
		ret = -EINVAL;
		goto out_free_chunk;
	}
	ktapvm_budgets(s->vm, &handler_budget, &main_budget);
	if (handler_budget > READ_ONCE(max_handler_instructions) ||
	    main_budget > READ_ONCE(max_main_instructions)) {
		snprintf(err, err_size,
			 "instruction budgets %llu (handler) and %llu (main) exceed this module's caps %lu and %lu",
			 handler_budget, main_budget, READ_ONCE(max_handler_instructions),
			 READ_ONCE(max_main_instructions));
		ret = -EINVAL;
		goto out_unload;
	}
	s->pid = req->pid;
	s->cpu = req->cpu;
	s->flags = req->flags;

	ret = kv_copy_args(s, req, err, err_size);
	if (ret)
		goto out_unload;
	ret = kv_events_parse(s, u64_to_user_ptr(req->evtab), req->evtab_len, err, err_size);
	if (ret)
		goto out_unload;
	ret = kv_cpus_alloc(s);
	if (ret)
		goto out_unload;
	ret = kv_attach_all(s, err, err_size);
	if (ret)
		goto out_unload;

	s->wake_bytes = ktapvm_ring_map_size(s->vm) / 4;
	req->nr_rings = ktapvm_nr_rings(s->vm);
	req->ring_map_size = ktapvm_ring_map_size(s->vm);
	req->session_id = s->id;
	smp_store_release(&s->state, KTAPVM_STATE_LOADED);
	kvfree(chunk);
	return 0;

out_unload:
	kv_session_unload(s);
out_free_chunk:
	kvfree(chunk);
	return ret;
}

static long kv_ioctl_load(struct kv_session *s, void __user *uarg)
{
	struct ktapvm_load_req req;
	u32 usize;
	char *err;
	long ret;

	/* The opener was checked; so is whoever loads (the fd may have been passed on). */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < sizeof(req))
		return -EINVAL;
	ret = copy_struct_from_user(&req, sizeof(req), uarg, usize);
	if (ret)
		return ret;
	if (s->state != KTAPVM_STATE_NEW)
		return -EBUSY;
	err = kzalloc(KTAPVM_ERR_SIZE, GFP_KERNEL);
	if (!err)
		return -ENOMEM;
	ret = kv_load(s, &req, err, KTAPVM_ERR_SIZE);
	if (ret && err[0] && req.err && req.err_len) {
		u32 n = min_t(u32, strlen(err) + 1, req.err_len);

		err[n - 1] = 0;
		if (copy_to_user(u64_to_user_ptr(req.err), err, n))
			ret = -EFAULT;
	}
	/*
	 * If the answer cannot be written back the session stays loaded (a
	 * poller may already use it); the caller can only close it.
	 */
	if (!ret && copy_to_user(uarg, &req, sizeof(req)))
		ret = -EFAULT;
	kfree(err);
	return ret;
}

/* ---- START / STOP / STATS ----------------------------------------------------- */

static long kv_ioctl_start(struct kv_session *s)
{
	int outcome, ret;

	if (s->state != KTAPVM_STATE_LOADED)
		return s->state == KTAPVM_STATE_NEW ? -ENODATA : -EBUSY;
	s->state = KTAPVM_STATE_RUNNING;
	outcome = ktapvm_run_main(s->vm);
	if (outcome != KTAPVM_OK || ktapvm_stopped(s->vm)) {
		s->ended_by = outcome;
		atomic_set(&s->stop_requested, 1);
		kv_finish(s);
		return 0;
	}
	ret = kv_enable_all(s);
	if (ret) {
		/* Nothing runs; the end block does, as after an exit() in main. */
		kv_finish(s);
		return ret;
	}
	return 0;
}

static long kv_ioctl_stats(struct kv_session *s, void __user *uarg)
{
	struct ktapvm_session_stats st = { };
	u32 usize;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < sizeof(st))
		return -EINVAL;
	st.size = sizeof(st);
	st.state = s->state;
	st.ended_by = READ_ONCE(s->ended_by);
	st.hits = atomic64_read(&s->hits);
	st.runs = atomic64_read(&s->runs);
	st.filtered = atomic64_read(&s->filtered);
	st.recursion = atomic64_read(&s->recursion);
	st.nr_events = s->nr_attach;
	if (s->vm) {
		st.exit_status = ktapvm_exit_status(s->vm);
		st.lost = kv_lost(s);
	}
	return copy_to_user(uarg, &st, sizeof(st)) ? -EFAULT : 0;
}

static long ktapvm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kv_session *s = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	mutex_lock(&s->lock);
	switch (cmd) {
	case KTAPVM_IOC_LOAD:
		ret = kv_ioctl_load(s, uarg);
		break;
	case KTAPVM_IOC_START:
		ret = kv_ioctl_start(s);
		break;
	case KTAPVM_IOC_STOP:
		ret = s->state == KTAPVM_STATE_NEW ? -ENODATA : 0;
		kv_finish(s);
		break;
	case KTAPVM_IOC_STATS:
		ret = kv_ioctl_stats(s, uarg);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
	mutex_unlock(&s->lock);
	return ret;
}

/* ---- mmap and poll ---------------------------------------------------------------- */

/*
 * Ring i occupies file pages [i * map_pages, (i + 1) * map_pages): the
 * consumer page (writable), the producer page and the data (read-only).
 */
static int ktapvm_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kv_session *s = file->private_data;
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned long map_pages, ring, page;
	int ret = -EINVAL;

	mutex_lock(&s->lock);
	if (!s->vm) {
		ret = -ENODATA;
		goto out;
	}
	map_pages = ktapvm_ring_map_size(s->vm) >> PAGE_SHIFT;
	ring = vma->vm_pgoff / map_pages;
	page = vma->vm_pgoff % map_pages;
	if (ring >= ktapvm_nr_rings(s->vm) || len > (map_pages - page) << PAGE_SHIFT)
		goto out;
	if (page != 0 || len > PAGE_SIZE) {
		if (vma->vm_flags & VM_WRITE) {
			ret = -EPERM;
			goto out;
		}
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	ret = remap_vmalloc_range(vma, ktapvm_ring_base(s->vm, ring), page);
out:
	mutex_unlock(&s->lock);
	return ret;
}

static __poll_t ktapvm_poll(struct file *file, struct poll_table_struct *pt)
{
	struct kv_session *s = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &s->wait, pt);
	/* s->vm is complete once LOADED is published; a failing LOAD frees it before that. */
	if (smp_load_acquire(&s->state) == KTAPVM_STATE_NEW)
		return EPOLLERR;
	atomic_set(&s->wake_pending, 1);
	smp_mb();	/* wake_pending before the rings; pairs with kv_handler_done */
	if (kv_any_data(s))
		mask |= EPOLLIN | EPOLLRDNORM;
	/* HUP once the end block has run: its records are all in the rings then. */
	if (smp_load_acquire(&s->state) == KTAPVM_STATE_ENDED)
		mask |= EPOLLHUP;
	return mask;
}

/* ---- open / release ------------------------------------------------------------- */

static int ktapvm_open(struct inode *inode, struct file *file)
{
	struct kv_session *s;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	err = nonseekable_open(inode, file);
	if (err)
		goto out;

	s = kv_session_create();
	if (!s) {
		err = -ENOMEM;
		goto out;
	}

	file->private_data = s;
	pr_debug("session %llu opened by %d\n", s->id, pid_vnr(s->owner));
	return 0;

out:
	return err;
}

static int ktapvm_release(struct inode *inode, struct file *file)
{
	struct kv_session *s = file->private_data;

	pr_debug("session %llu closed\n", s->id);
	file->private_data = NULL;
	kv_session_destroy(s);
	return 0;
}

static const struct file_operations ktapvm_fops = {
	.owner		= THIS_MODULE,
	.open		= ktapvm_open,
	.release	= ktapvm_release,
	.unlocked_ioctl	= ktapvm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= ktapvm_mmap,
	.poll		= ktapvm_poll,
	.llseek		= no_llseek,
};

static int __init ktapvm_init(void)
{
	struct dentry *ctl;
	int err;

	ktapvm_dir = debugfs_create_dir(KTAPVM_DIR_NAME, NULL);
	if (IS_ERR(ktapvm_dir)) {
		err = PTR_ERR(ktapvm_dir);
		goto out;
	}

	ctl = debugfs_create_file_unsafe(KTAPVM_CTL_NAME, KTAPVM_CTL_MODE, ktapvm_dir,
					 NULL, &ktapvm_fops);
	if (IS_ERR(ctl)) {
		err = PTR_ERR(ctl);
		goto out_remove_dir;
	}

	pr_info("control file %s/%s ready\n", KTAPVM_DIR_NAME, KTAPVM_CTL_NAME);
	return 0;

out_remove_dir:
	debugfs_remove(ktapvm_dir);
	ktapvm_dir = NULL;
out:
	pr_err("cannot create debugfs control file: %d\n", err);
	return err;
}

static void __exit ktapvm_exit(void)
{
	debugfs_remove(ktapvm_dir);

	/*
	 * Every open file pins the module, so no session can outlive the
	 * control file; a leftover here is a leak in the session code.
	 */
	mutex_lock(&ktapvm_sessions_lock);
	WARN_ON(!list_empty(&ktapvm_sessions));
	mutex_unlock(&ktapvm_sessions_lock);

	pr_info("unloaded\n");
}

module_init(ktapvm_init);
module_exit(ktapvm_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The ktap for Java authors");
MODULE_DESCRIPTION("ktapvm: a register VM for ktap tracing handlers");

// SPDX-License-Identifier: GPL-2.0
/*
 * ktapvm: kernel module glue.
 *
 * The module exposes one control file, <debugfs>/ktap/ktapvm, readable and
 * writable by root only.  Opening it requires CAP_SYS_ADMIN; every open
 * creates a session, and the session lives exactly as long as the open file.
 *
 * Lifetime: debugfs_create_file() wraps ktapvm_fops in debugfs' full proxy,
 * which takes a reference on ktapvm_fops.owner for every open file.  While a
 * session exists the module therefore cannot be unloaded (delete_module()
 * fails with -EWOULDBLOCK); an open racing with unload either gets its
 * reference before unload starts, or fails with -ENXIO/-ENOENT once
 * debugfs_remove() has run, which waits for opens already in progress.
 *
 * The load protocol (chunk, event ids, options -> session handle) is designed
 * together with the C VM core in ../vm and is not part of this file yet.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>

#define KTAPVM_DIR_NAME		"ktap"
#define KTAPVM_CTL_NAME		"ktapvm"
#define KTAPVM_CTL_MODE		0600

/**
 * struct ktapvm_session - state of one open of the control file
 * @node:	entry in ktapvm_sessions, under ktapvm_sessions_lock
 * @id:		unique, never reused while the module is loaded
 * @owner:	thread group that opened the control file
 * @lock:	serialises operations on this session
 */
struct ktapvm_session {
	struct list_head node;
	u64 id;
	struct pid *owner;
	struct mutex lock;
};

static struct dentry *ktapvm_dir;
static atomic64_t ktapvm_next_id = ATOMIC64_INIT(0);
static LIST_HEAD(ktapvm_sessions);
static DEFINE_MUTEX(ktapvm_sessions_lock);

static struct ktapvm_session *ktapvm_session_create(void)
{
	struct ktapvm_session *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;

	INIT_LIST_HEAD(&s->node);
	mutex_init(&s->lock);
	s->id = atomic64_inc_return(&ktapvm_next_id);
	s->owner = get_pid(task_tgid(current));

	mutex_lock(&ktapvm_sessions_lock);
	list_add_tail(&s->node, &ktapvm_sessions);
	mutex_unlock(&ktapvm_sessions_lock);

	return s;
}

static void ktapvm_session_destroy(struct ktapvm_session *s)
{
	mutex_lock(&ktapvm_sessions_lock);
	list_del(&s->node);
	mutex_unlock(&ktapvm_sessions_lock);

	put_pid(s->owner);
	mutex_destroy(&s->lock);
	kfree(s);
}

static int ktapvm_open(struct inode *inode, struct file *file)
{
	struct ktapvm_session *s;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	err = nonseekable_open(inode, file);
	if (err)
		goto out;

	s = ktapvm_session_create();
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
	struct ktapvm_session *s = file->private_data;

	pr_debug("session %llu closed\n", s->id);
	file->private_data = NULL;
	ktapvm_session_destroy(s);
	return 0;
}

static const struct file_operations ktapvm_fops = {
	.owner		= THIS_MODULE,
	.open		= ktapvm_open,
	.release	= ktapvm_release,
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

	ctl = debugfs_create_file(KTAPVM_CTL_NAME, KTAPVM_CTL_MODE, ktapvm_dir,
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

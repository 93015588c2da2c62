/*
 * Exec mode: `netctl-launcher exec [-t] [-i] [-P] [-e K=V]... [-u UID[:GID]] [-w DIR] PID CMD [ARG...]`
 * runs CMD inside the namespaces and root of the container whose init is PID, with the init's
 * environment (overridden by -e), user and working directory unless given, and the same
 * capabilities as the container (-P, `exec --privileged`: every capability, as Docker's). Exits with CMD's exit code (128+N when killed by signal N).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

struct exec_opts {
	int tty, interactive, privileged;
	const char **env;
	size_t nenv;
	long uid, gid;  /* -1: the init's */
	const char *cwd;
	pid_t pid;
	char **argv;
	struct proc_opts proc;  /* the init's capabilities and no_new_privs, which exec gets too */
	const char **cgroups;   /* -c: the container's cgroup.procs files, joined before entering */
	size_t ncgroups;
};

/* Adds or replaces KEY=VALUE in ENV (room for it is the caller's). */
static void env_set(struct exec_opts *o, const char *kv)
{
	size_t klen = strcspn(kv, "=");
	for (size_t i = 0; i < o->nenv; i++)
		if (strncmp(o->env[i], kv, klen) == 0 && o->env[i][klen] == '=') {
			o->env[i] = kv;
			return;
		}
	o->env[o->nenv++] = kv;
	o->env[o->nenv] = NULL;
}

static void read_init_env(struct exec_opts *o, size_t extra)
{
	char path[64], *buf = xcalloc(1 << 20, 1);
	size_t len = 0, count = 0;
	snprintf(path, sizeof path, "/proc/%d/environ", (int)o->pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("container process %d: %s", (int)o->pid, strerror(errno));
	for (ssize_t r; len < (1 << 20) - 1 && (r = read(fd, buf + len, (1 << 20) - 1 - len)) > 0;)
		len += (size_t)r;
	close(fd);
	for (size_t i = 0; i < len; i++)
		count += buf[i] == 0;
	o->env = xcalloc(count + extra + 2, sizeof *o->env);
	for (size_t i = 0; i < len; i += strlen(buf + i) + 1)
		if (strchr(buf + i, '='))
			env_set(o, buf + i);
}

static long parse_id(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (!*s || *end || n < 0 || n > 0x7fffffff)
		die("exec: \"%s\" is not a numeric id", s);
	return n;
}

static void parse_args(int argc, char **argv, struct exec_opts *o)
{
	const char **extra = xcalloc((size_t)argc, sizeof *extra);
	size_t nextra = 0;
	int c;
	*o = (struct exec_opts){ .uid = -1, .gid = -1 };
	o->cgroups = xcalloc((size_t)argc, sizeof *o->cgroups);
	while ((c = getopt(argc, argv, "+tiPe:u:w:c:")) != -1) {
		if (c == 't')
			o->tty = 1;
		else if (c == 'P')
			o->privileged = 1;
		else if (c == 'i')
			o->interactive = 1;
		else if (c == 'e' && strchr(optarg, '=') && optarg[0] != '=')
			extra[nextra++] = optarg;
		else if (c == 'u') {
			char *colon = strchr(optarg, ':');
			if (colon)
				*colon = 0, o->gid = parse_id(colon + 1);
			o->uid = parse_id(optarg);
		} else if (c == 'w' && optarg[0] == '/')
			o->cwd = optarg;
		else if (c == 'c' && optarg[0] == '/')
			o->cgroups[o->ncgroups++] = optarg;
		else
			die("usage: netctl-launcher exec [-t] [-i] [-P] [-e K=V]... [-u UID[:GID]] [-w /DIR] [-c CGROUP.PROCS]... PID CMD [ARG...]");
	}
	if (argc - optind < 2)
		die("usage: netctl-launcher exec [-t] [-i] [-P] [-e K=V]... [-u UID[:GID]] [-w /DIR] [-c CGROUP.PROCS]... PID CMD [ARG...]");
	o->pid = (pid_t)parse_id(argv[optind]);
	o->argv = argv + optind + 1;
	read_init_env(o, nextra);
	for (size_t i = 0; i < nextra; i++)
		env_set(o, extra[i]);
}

/* Joins the namespaces and root of the container; fills default uid/gid; returns a cwd fd or -1. */
static int enter(struct exec_opts *o)
{
	static const char *ns[] = { "ipc", "uts", "net", "pid", "mnt" };
	int fds[5], root, cwd = -1;
	char path[64];
	struct stat st;
	for (int i = 0; i < 5; i++) {
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)o->pid, ns[i]);
		if ((fds[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			die("container process %d: %s: %s", (int)o->pid, ns[i], strerror(errno));
	}
	snprintf(path, sizeof path, "/proc/%d/root", (int)o->pid);
	if ((root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		die("container process %d: root: %s", (int)o->pid, strerror(errno));
	snprintf(path, sizeof path, "/proc/%d", (int)o->pid);
	if (stat(path, &st) != 0)
		die("container process %d: %s", (int)o->pid, strerror(errno));
	if (o->uid < 0)
		o->uid = st.st_uid, o->gid = o->gid < 0 ? (long)st.st_gid : o->gid;
	if (o->gid < 0)
		o->gid = o->uid == (long)st.st_uid ? (long)st.st_gid : o->uid;
	snprintf(path, sizeof path, "/proc/%d/cwd", (int)o->pid);
	if (!o->cwd)
		cwd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; i < 5; i++) {
		if (setns(fds[i], 0) != 0)
			die("cannot join the container's %s namespace: %s", ns[i], strerror(errno));
		close(fds[i]);
	}
	if (fchdir(root) != 0 || chroot(".") != 0)
		die("cannot enter the container's root: %s", strerror(errno));
	close(root);
	return cwd;
}

static void child_main(const struct exec_opts *o, int slave, int cwd, int errfd)
{
	reset_signals();
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (setsid() < 0)
		child_fail(errfd, EXIT_SETUP, "setsid");
	if (slave >= 0) {
		if (ioctl(slave, TIOCSCTTY, 0) != 0 || dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
			child_fail(errfd, EXIT_SETUP, "cannot set up the terminal");
	} else if (!o->interactive) {
		int null = open("/dev/null", O_RDONLY);
		if (null < 0 || dup2(null, 0) < 0)
			child_fail(errfd, EXIT_SETUP, "/dev/null");
	}
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	drop_privileges(&o->proc, (uid_t)o->uid, (gid_t)o->gid, &(gid_t){ (gid_t)o->gid }, 1, errfd);
	if (o->cwd ? chdir(o->cwd) != 0 : (cwd >= 0 && fchdir(cwd) != 0))
		child_fail(errfd, EXIT_CANNOT_EXEC, "cannot enter working directory \"%s\"", o->cwd ? o->cwd : "(init's)");
	exec_command((const char **)o->argv, o->env, errfd);
}

int exec_main(int argc, char **argv)
{
	struct exec_opts o;
	struct child_error err;
	struct log_stream out = { "stdout", 1, 0, { 0 } };
	struct io io = { { -1, -1, -1 }, { &out, NULL }, -1, -1 };
	int errp[2], slave = -1, cwd, sfd, status;
	pid_t pid;
	parse_args(argc, argv, &o);
	proc_of_pid(o.pid, &o.proc);
	if (o.privileged)
		o.proc.have_caps = 1, o.proc.caps = ~0ULL, o.proc.no_new_privs = 0;
	// The container's limits hold its exec'd processes too; the host's cgroupfs is out of
	// sight once inside, so this process joins first and its child inherits.
	o.proc.cgroups = o.cgroups;
	o.proc.ncgroups = o.ncgroups;
	join_cgroups(&o.proc, -1);
	cwd = enter(&o);
	// After enter(): the pty comes from the container's devpts, so ttyname() works inside.
	if (o.tty && (io.pty = pty_open(&slave)) < 0)
		die("cannot allocate a pseudo-terminal: %s", strerror(errno));
	if (o.tty && (fchown(slave, (uid_t)o.uid, (gid_t)o.gid) != 0))
		die("cannot hand the pseudo-terminal to uid %ld: %s", o.uid, strerror(errno));
	if (o.tty && isatty(0))
		pty_copy_winsize(0, io.pty);
	sfd = setup_signals();
	if (pipe2(errp, O_CLOEXEC) != 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0)
		child_main(&o, slave, cwd, errp[1]);
	close(errp[1]);
	if (slave >= 0)
		close(slave);
	if (read_child_error(errp[0], &err)) {
		fprintf(stderr, "netctl-launcher: %s\n", err.msg);
		waitpid(pid, NULL, 0);
		return err.code;
	}
	if (o.tty) {
		io.fds[0] = io.pty;
		io.fds[2] = o.interactive ? 0 : -1;
		if (o.interactive && isatty(0))
			tty_raw(0);
	}
	status = relay(&io, sfd, pid);
	tty_restore();
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

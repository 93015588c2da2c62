/*
 * Starting the container: clone() into new PID, mount, UTS and IPC namespaces (the network
 * namespace is joined with setns), build the filesystem, drop privileges and exec.
 * A fresh clone per start, because a PID namespace whose init has died cannot take a new one.
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
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

void reset_signals(void)
{
	sigset_t all;
	sigemptyset(&all);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

static const char *env_path(const char **env)
{
	for (size_t i = 0; env[i]; i++)
		if (strncmp(env[i], "PATH=", 5) == 0)
			return env[i] + 5;
	return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* execvpe, except that PATH comes from the container's environment, not ours. */
void exec_command(const char **argv, const char **env, int errfd)
{
	char full[4096];
	const char *path = env_path(env), *p = path;
	int denied = 0;
	if (strchr(argv[0], '/')) {
		execve(argv[0], (char **)argv, (char **)env);
		child_fail(errfd, errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC, "exec \"%s\"", argv[0]);
	}
	while (*p || p == path) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (snprintf(full, sizeof full, "%.*s%s%s", (int)n, p, n ? "/" : "", argv[0]) < (int)sizeof full) {
			execve(full, (char **)argv, (char **)env);
			denied |= errno == EACCES;
		}
		if (!end)
			break;
		p = end + 1;
	}
	errno = denied ? EACCES : ENOENT;
	child_fail(errfd, denied ? EXIT_CANNOT_EXEC : EXIT_NOT_FOUND, "exec \"%s\"", argv[0]);
}

struct child_io {
	int netns_fd;
	int err_w;
	int out_w;
	int errout_w;
	int in;        /* -1: /dev/null */
	int tty_sock;  /* with a pty: where the master goes; -1 without */
};

static void setup_pipes(const struct child_io *io)
{
	int in = io->in < 0 ? open("/dev/null", O_RDONLY | O_CLOEXEC) : io->in;
	if (setsid() < 0)
		child_fail(io->err_w, EXIT_SETUP, "setsid");
	if (dup2(in, 0) < 0 || dup2(io->out_w, 1) < 0 || dup2(io->errout_w, 2) < 0)
		child_fail(io->err_w, EXIT_SETUP, "cannot set up standard streams");
}

/*
 * The pty comes from the container's own /dev/ptmx, so that ttyname() works inside; the
 * master goes to the monitor over a socket.
 */
static void setup_tty(uid_t uid, gid_t gid, const struct child_io *io)
{
	int slave, master = pty_open(&slave);
	if (master < 0)
		child_fail(io->err_w, EXIT_SETUP, "cannot allocate a pseudo-terminal");
	if (fchown(slave, uid, gid) != 0 || setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) != 0)
		child_fail(io->err_w, EXIT_SETUP, "cannot set the controlling terminal");
	if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
		child_fail(io->err_w, EXIT_SETUP, "cannot set up standard streams");
	if (send_fd(io->tty_sock, master) != 0)
		child_fail(io->err_w, EXIT_SETUP, "cannot pass the pseudo-terminal");
	close(master);
	close(slave);
}

static void container_main(const struct config *cfg, const struct child_io *io)
{
	struct user_ids ids;
	reset_signals();
	// No monitor, no container: nothing would record its exit or collect its output.
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	join_cgroups(&cfg->proc, io->err_w);
	if (io->tty_sock < 0)
		setup_pipes(io);
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	if (io->netns_fd >= 0 && setns(io->netns_fd, CLONE_NEWNET) != 0)
		child_fail(io->err_w, EXIT_SETUP, "cannot join network namespace \"%s\"", cfg->netns);
	apply_sysctls(&cfg->proc, io->err_w);
	setup_rootfs(cfg, io->err_w);
	finish_rootfs(&cfg->proc, io->err_w);
	if (cfg->hostname[0] && sethostname(cfg->hostname, strlen(cfg->hostname)) != 0)
		child_fail(io->err_w, EXIT_SETUP, "sethostname");
	resolve_user(cfg, &ids, io->err_w);
	if (io->tty_sock >= 0)
		setup_tty(ids.uid, ids.gid, io);
	apply_limits(&cfg->proc, io->err_w);
	drop_privileges(&cfg->proc, ids.uid, ids.gid, ids.groups, ids.ngroups, io->err_w);
	if (chdir(cfg->cwd) != 0)
		child_fail(io->err_w, EXIT_CANNOT_EXEC, "cannot enter working directory \"%s\"", cfg->cwd);
	if (cfg->proc.init)
		run_init(cfg, io->err_w);
	exec_command(cfg->argv, cfg->env, io->err_w);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The monitor's ends (first) and the child's ends of the channels between them. */
struct channels {
	int err[2];   /* the child's exec error report */
	int out[2];   /* stdout, without a pty */
	int eout[2];  /* stderr, without a pty */
	int sock[2];  /* with a pty: the master's way back */
};

static void make_channels(const struct config *cfg, struct channels *c)
{
	*c = (struct channels){ { -1, -1 }, { -1, -1 }, { -1, -1 }, { -1, -1 } };
	if (pipe2(c->err, O_CLOEXEC) != 0)
		die("pipe: %s", strerror(errno));
	if (cfg->tty ? socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->sock) != 0
		     : pipe2(c->out, O_CLOEXEC) != 0 || pipe2(c->eout, O_CLOEXEC) != 0)
		die("cannot make the container's output channels: %s", strerror(errno));
}

/*
 * Starts the container. OUT gets the read ends of its stdout and stderr (without a pty);
 * PTY_MASTER the pty master (with one). Returns the pid, or -1 with ERR filled in.
 */
pid_t start_container(const struct config *cfg, int netns_fd, int out[2], int *pty_master, struct child_error *err)
{
	struct channels c;
	struct child_io io;
	const unsigned long flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD;
	pid_t pid;
	make_channels(cfg, &c);
	// -i without -t: attached, our own stdin; detached, a pipe attach clients write into.
	int in = !cfg->interactive || cfg->tty ? -1 : cfg->attach || !cfg->attach_socket ? 0 : attach_stdin_pipe();
	io = (struct child_io){ netns_fd, c.err[1], c.out[1], c.eout[1], in, c.sock[1] };
	pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
	if (pid == 0)
		container_main(cfg, &io);
	close_fd(&c.err[1]);
	close_fd(&c.out[1]);
	close_fd(&c.eout[1]);
	close_fd(&c.sock[1]);
	if (in > 0)
		close(in);
	out[0] = c.out[0];
	out[1] = c.eout[0];
	*pty_master = pid > 0 && cfg->tty ? recv_fd(c.sock[0]) : -1;
	if (*pty_master >= 0 && isatty(0))
		pty_copy_winsize(0, *pty_master);
	close_fd(&c.sock[0]);
	if (pid < 0) {
		snprintf(err->msg, sizeof err->msg, "clone: %s", strerror(errno));
		err->code = EXIT_SETUP;
	} else if (read_child_error(c.err[0], err)) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		pid = -1;
	}
	close(c.err[0]);
	if (pid < 0) {
		close_fd(pty_master);
		close_fd(&out[0]);
		close_fd(&out[1]);
	}
	return pid;
}

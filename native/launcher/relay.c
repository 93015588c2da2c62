/*
 * Signals and output of a running process, shared by the monitor and exec mode: signals
 * arrive through a signalfd and are forwarded, output is copied to the log (and/or the
 * caller's terminal), and stdin goes to the pty.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"

int stop_requested;
int stop_signal;

int setup_signals(void)
{
	static const int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
	sigset_t set;
	int fd;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaddset(&set, sigs[i]);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 || (fd = signalfd(-1, &set, SFD_CLOEXEC)) < 0)
		die("signalfd: %s", strerror(errno));
	return fd;
}

/* Handles one signal for the running container PID (0 when none). */
void on_signal(int sfd, pid_t pid, int pty)
{
	struct signalfd_siginfo si;
	if (read(sfd, &si, sizeof si) != (ssize_t)sizeof si)
		return;
	int sig = (int)si.ssi_signo;
	if (sig == SIGCHLD)
		return;
	if (sig == SIGWINCH) {
		if (pty >= 0)
			pty_copy_winsize(0, pty);
		return;
	}
	if (sig == SIGTERM || sig == SIGINT)
		stop_requested = 1;
	// --stop-signal: what `stop` (SIGTERM to the monitor) sends the container.
	if (sig == SIGTERM && stop_signal > 0)
		sig = stop_signal;
	if (pid > 0)
		kill(pid, sig);
}

/* Copies what is readable on fds[i]; closes it at end of file. */
static void pump(struct io *io, int i)
{
	char buf[65536];
	ssize_t n = read(io->fds[i], buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (i == 2) {
		if (n <= 0 || write_all(io->pty, buf, (size_t)n) != 0)
			io->fds[2] = -1;
		return;
	}
	if (n <= 0) {
		// A pty master reports EIO once the last slave is closed: that is its end of file.
		log_flush(io->streams[i], io->log_fd);
		close(io->fds[i]);
		io->fds[i] = -1;
		return;
	}
	log_feed(io->streams[i], io->log_fd, buf, (size_t)n);
	attach_output(i, buf, (size_t)n);
}

/* Relays output until PID exits and its output ends (bounded); returns its wait status. */
int relay(struct io *io, int sfd, pid_t pid)
{
	int status = 0, exited = 0;
	long long deadline = 0;
	for (;;) {
		struct pollfd p[5 + ATTACH_CLIENTS] = { { sfd, POLLIN, 0 } };
		for (int i = 0; i < 3; i++)
			p[i + 1] = (struct pollfd){ io->fds[i], POLLIN, 0 };
		int na = attach_fds(p + 4);
		if (exited && ((io->fds[0] < 0 && io->fds[1] < 0) || now_ms() >= deadline))
			break;
		long long left = exited ? deadline - now_ms() : -1;
		if (poll(p, (nfds_t)(4 + na), exited && left < 0 ? 0 : (int)left) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (p[0].revents & POLLIN)
			on_signal(sfd, exited ? 0 : pid, io->pty);
		for (int i = 0; i < 3; i++)
			if (io->fds[i] >= 0 && (p[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
				pump(io, i);
		attach_events(p + 4, na, io->pty);
		if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
			exited = 1;
			// Processes left in the namespace die with its init; their output follows soon.
			deadline = now_ms() + 2000;
		}
	}
	for (int i = 0; i < 2; i++)
		if (io->fds[i] >= 0)
			log_flush(io->streams[i], io->log_fd), close(io->fds[i]), io->fds[i] = -1;
	attach_end();
	return status;
}

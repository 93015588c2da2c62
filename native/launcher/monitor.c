/*
 * The monitor: the launcher process that stays with the container. It starts it, copies its
 * output to the log, keeps the state file current, forwards signals, applies the restart
 * policy, and finally runs the cleanup command (for --rm).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"

extern void (*die_hook)(const char *msg);

static struct state st;
static const char *state_path;
static long long last_run_ms;

static void record_fatal(const char *msg)
{
	st.status = "exited";
	st.exit_code = EXIT_SETUP;
	iso_now(st.finished_at);
	snprintf(st.error, sizeof st.error, "%s", msg);
	state_write(state_path, &st);
}

static int should_restart(const struct config *cfg, int code)
{
	if (stop_requested || cfg->restart == RESTART_NO || (cfg->restart == RESTART_ON_FAILURE && code == 0))
		return 0;
	return cfg->restart_max == 0 || st.restart_count < cfg->restart_max;
}

/* Sleeps MS milliseconds unless a stop request comes first; returns 1 when stopped. */
static int back_off(int sfd, long long ms)
{
	long long end = now_ms() + ms;
	while (!stop_requested && now_ms() < end) {
		struct pollfd p = { sfd, POLLIN, 0 };
		if (poll(&p, 1, (int)(end - now_ms())) > 0)
			on_signal(sfd, 0, -1);
	}
	return stop_requested;
}

static void run_cleanup(const struct config *cfg, int sfd)
{
	pid_t pid = fork();
	if (pid == 0) {
		reset_signals();
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		execvp(cfg->cleanup[0], (char **)cfg->cleanup);
		fprintf(stderr, "netctl-launcher: cleanup \"%s\": %s\n", cfg->cleanup[0], strerror(errno));
		_exit(EXIT_NOT_FOUND);
	}
	for (long long end = now_ms() + 120000; pid > 0;) {
		struct pollfd p = { sfd, POLLIN, 0 };
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		if (now_ms() >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return;
		}
		if (poll(&p, 1, 200) > 0)
			on_signal(sfd, 0, -1);
	}
}

/* One start of the container through to its exit; returns 0 if it could not start. */
static int run_once(const struct config *cfg, int netns_fd, int sfd, int log_fd, struct log_stream *ls)
{
	struct child_error err;
	struct io io = { { -1, -1, -1 }, { &ls[0], &ls[1] }, log_fd, -1 };
	int out[2] = { -1, -1 }, status;
	long long started, ooms = oom_kills(&cfg->proc);
	// start -a: the client that asked is there before the first byte of output (30 s: a CLI
	// on a loaded machine can take over 10 s from the start request to its connect).
	if (cfg->attach_wait && st.restart_count == 0)
		attach_wait_client(30000);
	pid_t pid = start_container(cfg, netns_fd, out, &io.pty, &err);
	if (pid < 0) {
		st.exit_code = err.code;
		snprintf(st.error, sizeof st.error, "%s", err.msg);
		iso_now(st.finished_at);
		return 0;
	}
	io.fds[0] = cfg->tty ? io.pty : out[0];
	io.fds[1] = cfg->tty ? -1 : out[1];
	io.fds[2] = cfg->tty && cfg->attach && cfg->interactive ? 0 : -1;
	st.status = "running";
	st.pid = pid;
	st.exit_code = st.signal = -1;
	st.oom_killed = 0;
	st.finished_at[0] = st.error[0] = 0;
	iso_now(st.started_at);
	state_write(state_path, &st);
	started = now_ms();
	status = relay(&io, sfd, pid);
	last_run_ms = now_ms() - started;
	st.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	st.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	st.oom_killed = ooms >= 0 && oom_kills(&cfg->proc) > ooms;
	iso_now(st.finished_at);
	return 1;
}

int run_monitor(const struct config *cfg)
{
	struct log_stream ls[2] = { { "stdout", cfg->attach ? 1 : -1, 0, { 0 } }, { "stderr", cfg->attach ? 2 : -1, 0, { 0 } } };
	int log_fd, netns_fd = -1, sfd;
	long long backoff = 100;
	state_path = cfg->state_path;
	stop_signal = cfg->proc.stop_signal;
	st = (struct state){ .status = "starting", .monitor_pid = getpid(), .exit_code = -1 };
	die_hook = record_fatal;
	state_write(state_path, &st);
	log_fd = open(cfg->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (log_fd < 0)
		die("cannot open log \"%s\": %s", cfg->log_path, strerror(errno));
	if (cfg->netns && (netns_fd = open(cfg->netns, O_RDONLY | O_CLOEXEC)) < 0)
		die("cannot open network namespace \"%s\": %s", cfg->netns, strerror(errno));
	sfd = setup_signals();
	if (cfg->attach_socket && !cfg->attach)
		attach_listen(cfg->attach_socket);
	if (cfg->tty && cfg->attach && cfg->interactive && isatty(0))
		tty_raw(0);
	while (run_once(cfg, netns_fd, sfd, log_fd, ls) && should_restart(cfg, st.exit_code)) {
		st.restart_count++;
		st.status = "restarting";
		state_write(state_path, &st);
		// Docker's back-off: double the delay after each quick failure, start over after 10 s of running.
		if (last_run_ms >= 10000)
			backoff = 100;
		if (back_off(sfd, backoff))
			break;
		backoff = backoff >= 6400 ? 12800 : backoff * 2;
	}
	st.status = "exited";
	state_write(state_path, &st);
	tty_restore();
	if (cfg->cleanup[0])
		run_cleanup(cfg, sfd);
	return st.exit_code;
}

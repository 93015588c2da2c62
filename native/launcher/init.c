/*
 * --init: the launcher's child stays as the container's pid 1 instead of exec'ing the
 * command. It forks the command, passes every signal it gets on to it, reaps every zombie
 * (orphans are re-parented to pid 1, and a shell or a server as pid 1 rarely waits for
 * them), and exits with the command's status (128+N when signal N ended it), as tini does.
 * It runs with the container's user and capabilities, in the container's root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"

/* Reaps every child that has exited; returns 1 and sets STATUS once CHILD is among them. */
static int reap(pid_t child, int *status)
{
	int st, done = 0;
	pid_t w;
	while ((w = waitpid(-1, &st, WNOHANG)) > 0)
		if (w == child) {
			*status = st;
			done = 1;
		}
	return done;
}

/* Waits for the command's exec: an error report from it is passed on to the monitor. */
static void await_exec(int report, int errfd)
{
	struct child_error e;
	if (read_child_error(report, &e)) {
		write_all(errfd, &e, sizeof e);
		_exit(e.code);
	}
	close(report);
	close(errfd);
}

void run_init(const struct config *cfg, int errfd)
{
	sigset_t all, none;
	int p[2], status = 0;
	pid_t child;
	sigfillset(&all);
	sigemptyset(&none);
	// Blocked before the fork: a signal in between is queued, not lost.
	sigprocmask(SIG_BLOCK, &all, NULL);
	if (pipe2(p, O_CLOEXEC) != 0)
		child_fail(errfd, EXIT_SETUP, "init: pipe");
	child = fork();
	if (child < 0)
		child_fail(errfd, EXIT_SETUP, "init: fork");
	if (child == 0) {
		close(p[0]);
		sigprocmask(SIG_SETMASK, &none, NULL);
		exec_command(cfg->argv, cfg->env, p[1]);
	}
	close(p[1]);
	await_exec(p[0], errfd);
	prctl(PR_SET_NAME, "netctl-init", 0, 0, 0);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si);
		if (sig < 0)
			continue;
		if (sig == SIGCHLD) {
			if (reap(child, &status))
				_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		} else if (sig != SIGTTIN && sig != SIGTTOU && sig != SIGWINCH) {
			kill(child, sig);
		}
	}
}

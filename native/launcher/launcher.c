/*
 * netctl-launcher: one container's launcher and monitor, or exec into a running one.
 *
 *   netctl-launcher run CONFIG     start the container described by CONFIG (see config.c) and
 *                                  stay with it until it is gone for good; exit with its last
 *                                  exit code (125: setup failed, 126: cannot exec, 127: not found)
 *   netctl-launcher exec ...       see exec.c
 *
 * The state file (state.c) and the log file (log.c) are the monitor's only outputs.
 * SIGTERM or SIGINT: forwarded to the container, and no more restarts. Other signals
 * (HUP, QUIT, USR1, USR2) are forwarded. The caller sends SIGKILL to the container pid itself
 * when a stop times out.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "launcher.h"

int main(int argc, char **argv)
{
	struct config cfg;
	if (argc == 3 && strcmp(argv[1], "run") == 0) {
		config_load(argv[2], &cfg);
		return run_monitor(&cfg);
	}
	if (argc >= 2 && strcmp(argv[1], "exec") == 0)
		return exec_main(argc - 1, argv + 1);
	fprintf(stderr, "usage: netctl-launcher run CONFIG | exec [-t] [-i] [-e K=V]... [-u UID[:GID]] [-w DIR] PID CMD [ARG...]\n");
	return EXIT_SETUP;
}

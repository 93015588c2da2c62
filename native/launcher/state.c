/*
 * The state file, rewritten atomically at every change, read by src/runtime/state.ts:
 * {"status":"running","monitorPid":10,"pid":11,"restartCount":0,"startedAt":"...",
 *  "finishedAt":null,"exitCode":null,"signal":null,"error":null}
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "launcher.h"

/* Writes S as a JSON string, or null when empty; OUT needs 6 * strlen(S) + 3 bytes. */
static void json_str_or_null(char *out, size_t cap, const char *s)
{
	size_t n;
	if (!s || !*s) {
		snprintf(out, cap, "null");
		return;
	}
	out[0] = '"';
	n = json_escape(out + 1, cap - 2, s, strlen(s));
	out[n + 1] = '"';
	out[n + 2] = 0;
}

void state_write(const char *path, const struct state *st)
{
	char buf[4096], started[40], finished[40], error[6 * 256 + 8], code[16], sig[16];
	int n;
	json_str_or_null(started, sizeof started, st->started_at);
	json_str_or_null(finished, sizeof finished, st->finished_at);
	json_str_or_null(error, sizeof error, st->error);
	if (st->exit_code < 0)
		snprintf(code, sizeof code, "null");
	else
		snprintf(code, sizeof code, "%d", st->exit_code);
	if (st->signal <= 0)
		snprintf(sig, sizeof sig, "null");
	else
		snprintf(sig, sizeof sig, "%d", st->signal);
	n = snprintf(buf, sizeof buf,
		     "{\"version\":1,\"status\":\"%s\",\"monitorPid\":%d,\"pid\":%d,\"restartCount\":%u,"
		     "\"startedAt\":%s,\"finishedAt\":%s,\"exitCode\":%s,\"signal\":%s,\"oomKilled\":%s,\"error\":%s}\n",
		     st->status, (int)st->monitor_pid, (int)st->pid, st->restart_count, started, finished,
		     code, sig, st->oom_killed ? "true" : "false", error);
	if (n < 0 || n >= (int)sizeof buf || write_file_atomic(path, buf, (size_t)n) != 0)
		fprintf(stderr, "netctl-launcher: cannot write state file \"%s\"\n", path);
}

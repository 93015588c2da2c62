/* Small helpers: fatal errors, the child error pipe, timestamps, JSON escaping, file writes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "launcher.h"

/* Set by the monitor once it knows where its state file is, so a fatal error is recorded. */
void (*die_hook)(const char *msg);

void die(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "netctl-launcher: %s\n", msg);
	if (die_hook)
		die_hook(msg);
	exit(EXIT_SETUP);
}

void child_fail(int errfd, int code, const char *fmt, ...)
{
	struct child_error e;
	int saved = errno;
	va_list ap;
	memset(&e, 0, sizeof e);
	e.code = code;
	e.err = saved;
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof e.msg, fmt, ap);
	va_end(ap);
	if (saved) {
		size_t l = strlen(e.msg);
		snprintf(e.msg + l, sizeof e.msg - l, ": %s", strerror(saved));
	}
	if (errfd < 0 || write_all(errfd, &e, sizeof e) != 0)
		fprintf(stderr, "netctl-launcher: %s\n", e.msg);
	_exit(code);
}

/* Returns 1 and fills OUT when the child reported an error, 0 when the pipe closed on exec. */
int read_child_error(int fd, struct child_error *out)
{
	size_t got = 0;
	memset(out, 0, sizeof *out);
	while (got < sizeof *out) {
		ssize_t r = read(fd, (char *)out + got, sizeof *out - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got == 0)
		return 0;
	if (got < sizeof *out) {
		out->code = EXIT_SETUP;
		snprintf(out->msg, sizeof out->msg, "container setup failed (truncated report)");
	}
	out->msg[sizeof out->msg - 1] = 0;
	return 1;
}

/* The current time as JavaScript's Date.toISOString() prints it. */
void iso_now(char out[32])
{
	struct timespec ts;
	struct tm tm;
	char base[24];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%.20s.%03uZ", base, (unsigned)(ts.tv_nsec / 1000000) % 1000u);
}

long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Escapes N bytes for a JSON string; returns the length written (OUT needs 6*N+1 bytes). */
size_t json_escape(char *out, size_t cap, const char *in, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (size_t i = 0; i < n && o + 7 < cap; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (c == '\r') {
			out[o++] = '\\';
			out[o++] = 'r';
		} else if (c == '\t') {
			out[o++] = '\\';
			out[o++] = 't';
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[c >> 4];
			out[o + 5] = hex[c & 15];
			o += 6;
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = 0;
	return o;
}

int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Readers never see a half-written file: write a sibling, then rename it over PATH. */
int write_file_atomic(const char *path, const char *data, size_t n)
{
	char tmp[4096];
	int fd;
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, n) != 0) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	return rename(tmp, path);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die("out of memory");
	return p;
}

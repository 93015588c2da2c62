/*
 * Container output to the log file, one JSON object per line like Docker's json-file driver:
 * {"t":"2024-05-01T10:00:00.000Z","s":"stdout","l":"text without the newline"}
 * A line longer than 16 KiB, or output that ends without a newline, is written in pieces
 * marked "p":true (partial): the reader joins them without adding a newline.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "launcher.h"

static void write_line(const struct log_stream *s, int log_fd, const char *line, size_t n, int partial)
{
	static char out[6 * sizeof ((struct log_stream *)0)->buf + 128];
	char t[32];
	size_t o;
	if (log_fd < 0)
		return;
	iso_now(t);
	o = (size_t)snprintf(out, sizeof out, "{\"t\":\"%s\",\"s\":\"%s\",\"l\":\"", t, s->name);
	o += json_escape(out + o, sizeof out - o - 16, line, n);
	o += (size_t)snprintf(out + o, sizeof out - o, partial ? "\",\"p\":true}\n" : "\"}\n");
	// O_APPEND and one write per line: a concurrent reader never sees half a line.
	write_all(log_fd, out, o);
}

void log_feed(struct log_stream *s, int log_fd, const char *data, size_t n)
{
	if (s->copy_fd >= 0)
		write_all(s->copy_fd, data, n);
	while (n > 0) {
		const char *nl = memchr(data, '\n', n);
		size_t take = nl ? (size_t)(nl - data) : n;
		size_t room = sizeof s->buf - s->len;
		if (take > room)
			take = room;
		memcpy(s->buf + s->len, data, take);
		s->len += take;
		data += take;
		n -= take;
		if (n > 0 && *data == '\n') {
			write_line(s, log_fd, s->buf, s->len, 0);
			s->len = 0;
			data++;
			n--;
		} else if (s->len == sizeof s->buf) {
			write_line(s, log_fd, s->buf, s->len, 1);
			s->len = 0;
		}
	}
}

void log_flush(struct log_stream *s, int log_fd)
{
	if (s->len > 0)
		write_line(s, log_fd, s->buf, s->len, 1);
	s->len = 0;
}

/*
 * netctl-cni-shim: netctl's CNI plugin as a runtime execs it, without starting node when
 * `netctl cni serve` listens. It forwards the call (the CNI_* environment, NETCTL_ROOT and
 * NETCTL_RUN_ROOT, the configuration on stdin) over the daemon's unix socket and writes
 * back the daemon's stdout and exit code exactly. With no daemon (the socket is missing or
 * refuses: ENOENT, ECONNREFUSED, ENOTDIR) it execs the node plugin instead, stdin unread.
 * A daemon that dies or stalls mid-call is reported as the spec's error 11 ("try again
 * later") on stdout, exit 1. netctl's netavark plugin (podman/install-plan.ts) execs it too,
 * its command in NETCTL_PODMAN_* (forwarded as well): its errors are then netavark's
 * `{"error": ...}`.
 *
 *   netctl-cni-shim SOCKET PROGRAM [ARG...]     (PROGRAM ARG...: the fallback, e.g. node netctl-cni.cjs)
 *
 * Wire format, both ways netstrings ("<len>:<bytes>,"): request = env (NUL-terminated
 * KEY=VALUE entries), stdin; answer = exit code (decimal), stdout. Sizes are capped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_ENV (256u << 10)
#define MAX_STDIN (8u << 20)
#define MAX_ANSWER (16u << 20)
#define SEND_TIMEOUT_S 10
#define ANSWER_TIMEOUT_S 120

extern char **environ;

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1) cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			fputs("netctl-cni-shim: out of memory\n", stderr);
			exit(1);
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* The configuration's cniVersion (digits and dots only), for the error object; else 1.0.0. */
static void version_of(const struct buf *in, char *out, size_t outlen)
{
	snprintf(out, outlen, "1.0.0");
	if (!in->p) return;
	const char *k = strstr(in->p, "\"cniVersion\"");
	if (!k) return;
	k += strlen("\"cniVersion\"");
	while (*k == ' ' || *k == '\t' || *k == '\n' || *k == '\r') k++;
	if (*k++ != ':') return;
	while (*k == ' ' || *k == '\t' || *k == '\n' || *k == '\r') k++;
	if (*k++ != '"') return;
	size_t n = 0;
	while (k[n] && k[n] != '"' && n + 1 < outlen && ((k[n] >= '0' && k[n] <= '9') || k[n] == '.')) n++;
	if (n == 0 || k[n] != '"') return;
	memcpy(out, k, n);
	out[n] = '\0';
}

/* The spec's error 11 on stdout, exit 1 (for netctl's netavark plugin, netavark's error form).
 * `msg` has no characters JSON would escape. */
static void try_again(const struct buf *in, const char *msg, int err)
{
	if (getenv("NETCTL_PODMAN_COMMAND")) {
		printf("{\"error\":\"netctl cni daemon: %s%s%s\"}\n", msg, err ? ": " : "", err ? strerror(err) : "");
		fflush(stdout);
		exit(1);
	}
	char v[32];
	version_of(in, v, sizeof v);
	printf("{\"cniVersion\":\"%s\",\"code\":11,\"msg\":\"netctl cni daemon: %s%s%s\"}\n", v, msg, err ? ": " : "", err ? strerror(err) : "");
	fflush(stdout);
	exit(1);
}

static void netstring(struct buf *b, const char *s, size_t n)
{
	char head[32];
	int h = snprintf(head, sizeof head, "%zu:", n);
	put(b, head, (size_t)h);
	put(b, s, n);
	put(b, ",", 1);
}

/* Parses one netstring at *pos of `a`; returns its start and sets *n, or NULL when malformed. */
static const char *take(const struct buf *a, size_t *pos, size_t *n)
{
	size_t i = *pos, len = 0, digits = 0;
	while (i < a->len && a->p[i] >= '0' && a->p[i] <= '9' && digits < 10) len = len * 10 + (size_t)(a->p[i++] - '0'), digits++;
	if (digits == 0 || i >= a->len || a->p[i] != ':') return NULL;
	i++;
	if (len > a->len - i || a->len - i - len < 1 || a->p[i + len] != ',') return NULL;
	*pos = i + len + 1;
	*n = len;
	return a->p + i;
}

static void fallback(char **argv)
{
	execv(argv[0], argv);
	fprintf(stderr, "netctl-cni-shim: cannot run %s: %s\n", argv[0], strerror(errno));
	exit(127);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: netctl-cni-shim SOCKET PROGRAM [ARG...]\n", stderr);
		return 2;
	}
	const char *path = argv[1];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "netctl-cni-shim: socket path \"%s\" is too long; running the plugin itself\n", path);
		fallback(argv + 2);
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) fallback(argv + 2);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		int e = errno;
		if (e == ENOENT || e == ECONNREFUSED || e == ENOTDIR) {
			close(fd);
			fallback(argv + 2);
		}
		struct buf none = {0};
		try_again(&none, "cannot connect", e);
	}

	struct buf in = {0}, req = {0}, env = {0}, ans = {0};
	char chunk[65536];
	for (;;) {
		ssize_t r = read(0, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR) continue;
		if (r <= 0) break;
		if (in.len + (size_t)r > MAX_STDIN) {
			printf("{\"cniVersion\":\"1.0.0\",\"code\":6,\"msg\":\"the configuration on stdin is larger than %u bytes\"}\n", MAX_STDIN);
			return 1;
		}
		put(&in, chunk, (size_t)r);
	}
	for (char **e = environ; *e; e++) {
		if (strncmp(*e, "CNI_", 4) != 0 && strncmp(*e, "NETCTL_ROOT=", 12) != 0 && strncmp(*e, "NETCTL_RUN_ROOT=", 16) != 0 &&
		    strncmp(*e, "NETCTL_PODMAN_", 14) != 0)
			continue;
		put(&env, *e, strlen(*e) + 1);
		if (env.len > MAX_ENV) {
			printf("{\"cniVersion\":\"1.0.0\",\"code\":4,\"msg\":\"the CNI environment is larger than %u bytes\"}\n", MAX_ENV);
			return 1;
		}
	}
	netstring(&req, env.p ? env.p : "", env.len);
	netstring(&req, in.p ? in.p : "", in.len);

	struct timeval snd = {.tv_sec = SEND_TIMEOUT_S}, rcv = {.tv_sec = ANSWER_TIMEOUT_S};
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof snd);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rcv, sizeof rcv);
	for (size_t off = 0; off < req.len;) {
		ssize_t w = send(fd, req.p + off, req.len - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR) continue;
		if (w < 0) try_again(&in, errno == EAGAIN ? "timed out sending the call" : "lost while sending the call", errno == EAGAIN ? 0 : errno);
		off += (size_t)w;
	}
	shutdown(fd, SHUT_WR);
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR) continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) try_again(&in, "no answer within 120 s", 0);
		if (r < 0) try_again(&in, "connection lost before the answer", errno);
		if (r == 0) break;
		if (ans.len + (size_t)r > MAX_ANSWER) try_again(&in, "answer too large", 0);
		put(&ans, chunk, (size_t)r);
	}
	close(fd);
	size_t pos = 0, ncode = 0, nout = 0;
	const char *code = ans.len ? take(&ans, &pos, &ncode) : NULL;
	const char *out = code ? take(&ans, &pos, &nout) : NULL;
	if (!code || !out || pos != ans.len || ncode == 0 || ncode > 3) try_again(&in, "the connection closed before a whole answer (did the daemon stop?)", 0);
	int status = 0;
	for (size_t i = 0; i < ncode; i++) {
		if (code[i] < '0' || code[i] > '9') try_again(&in, "malformed answer", 0);
		status = status * 10 + (code[i] - '0');
	}
	for (size_t off = 0; off < nout;) {
		ssize_t w = write(1, out + off, nout - off);
		if (w < 0 && errno == EINTR) continue;
		if (w < 0) return 1;
		off += (size_t)w;
	}
	return status > 255 ? 1 : status;
}

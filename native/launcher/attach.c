/*
 * Attaching to a detached container (`netctl attach`, `start -a`): the monitor listens on a
 * unix socket in the container's run directory. Each client gets the container's output as
 * frames [type u8: 1 stdout, 2 stderr][length u32 BE][bytes], and sends frames
 * [type u8: 0 input, 1 window size (rows u16 BE, cols u16 BE), 2 end of input][length][bytes].
 * Input goes to the pty (-t) or to a pipe that is the container's stdin (-i without -t).
 * Clients are let go when the container exits; detaching is the client's business (it
 * watches for the detach keys and closes its socket). The socket is bound through
 * /proc/self/fd/DIR/NAME: a run directory may be longer than a socket address can be.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "launcher.h"

#define FRAME_MAX 8192

static int listen_fd = -1;
static int clients[ATTACH_CLIENTS];
static unsigned char inbuf[ATTACH_CLIENTS][FRAME_MAX + 5];
static size_t inlen[ATTACH_CLIENTS];
static int in_w = -1;

static int short_address(const char *path, struct sockaddr_un *sa, int *dirfd)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	if (!slash || (size_t)(slash - path) >= sizeof dir)
		return -1;
	snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	*dirfd = open(dir[0] ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd < 0)
		return -1;
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof sa->sun_path, "/proc/self/fd/%d/%s", *dirfd, slash + 1);
	return 0;
}

void attach_listen(const char *path)
{
	struct sockaddr_un sa;
	int dirfd;
	for (int i = 0; i < ATTACH_CLIENTS; i++)
		clients[i] = -1;
	if (short_address(path, &sa, &dirfd) != 0)
		die("attach socket \"%s\": %s", path, strerror(errno));
	unlink(path);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	mode_t old = umask(077);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(listen_fd, 8) != 0)
		die("attach socket \"%s\": %s", path, strerror(errno));
	umask(old);
	close(dirfd);
}

int attach_stdin_pipe(void)
{
	int p[2];
	if (in_w >= 0)
		close(in_w);
	if (pipe2(p, O_CLOEXEC) != 0)
		die("pipe: %s", strerror(errno));
	in_w = p[1];
	return p[0];
}

static void drop(int i)
{
	close(clients[i]);
	clients[i] = -1;
	inlen[i] = 0;
}

static void accept_client(void)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	// A client that stops reading is let go rather than stalling the container's output.
	struct timeval tv = { 2, 0 };
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	for (int i = 0; i < ATTACH_CLIENTS; i++)
		if (clients[i] < 0) {
			clients[i] = fd;
			return;
		}
	close(fd);
}

int attach_wait_client(int ms)
{
	struct pollfd p = { listen_fd, POLLIN, 0 };
	if (listen_fd < 0 || poll(&p, 1, ms) <= 0)
		return 0;
	accept_client();
	return 1;
}

int attach_fds(struct pollfd *p)
{
	int n = 0;
	if (listen_fd < 0)
		return 0;
	p[n++] = (struct pollfd){ listen_fd, POLLIN, 0 };
	for (int i = 0; i < ATTACH_CLIENTS; i++)
		p[n++] = (struct pollfd){ clients[i], POLLIN, 0 };
	return n;
}

static void frame_in(int type, const unsigned char *b, size_t n, int pty)
{
	int to = pty >= 0 ? pty : in_w;
	if (type == 0 && to >= 0)
		write_all(to, b, n);
	else if (type == 1 && n == 4 && pty >= 0) {
		struct winsize ws = { (unsigned short)(b[0] << 8 | b[1]), (unsigned short)(b[2] << 8 | b[3]), 0, 0 };
		ioctl(pty, TIOCSWINSZ, &ws);
	} else if (type == 2 && pty < 0 && in_w >= 0) {
		close(in_w);
		in_w = -1;
	}
}

static void read_client(int i, int pty)
{
	ssize_t r = read(clients[i], inbuf[i] + inlen[i], sizeof inbuf[i] - inlen[i]);
	if (r <= 0) {
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		drop(i);
		return;
	}
	inlen[i] += (size_t)r;
	size_t off = 0;
	while (inlen[i] - off >= 5) {
		unsigned char *h = inbuf[i] + off;
		size_t len = (size_t)h[1] << 24 | (size_t)h[2] << 16 | (size_t)h[3] << 8 | h[4];
		if (len > FRAME_MAX) {
			drop(i);
			return;
		}
		if (inlen[i] - off < 5 + len)
			break;
		frame_in(h[0], h + 5, len, pty);
		off += 5 + len;
	}
	memmove(inbuf[i], inbuf[i] + off, inlen[i] - off);
	inlen[i] -= off;
}

void attach_events(const struct pollfd *p, int n, int pty)
{
	if (n == 0)
		return;
	if (p[0].revents & POLLIN)
		accept_client();
	for (int i = 0; i < ATTACH_CLIENTS && i + 1 < n; i++)
		if (clients[i] >= 0 && p[i + 1].fd == clients[i] && (p[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
			read_client(i, pty);
}

void attach_output(int stream, const char *buf, size_t n)
{
	unsigned char h[5] = { (unsigned char)(stream + 1), (unsigned char)(n >> 24), (unsigned char)(n >> 16),
			       (unsigned char)(n >> 8), (unsigned char)n };
	if (listen_fd < 0)
		return;
	for (int i = 0; i < ATTACH_CLIENTS; i++)
		if (clients[i] >= 0 && (write_all(clients[i], h, 5) != 0 || write_all(clients[i], buf, n) != 0))
			drop(i);
}

/*
 * Lets the clients go once the container has exited. A unix socket closed with unread data
 * in its queue (a client's end-of-input frame sent just after the container exited) resets
 * the peer, and the client loses output it had received but not yet read: so each client
 * gets end of file first, and its socket is closed once it has closed its side (as a client
 * does at end of file) or after a second, its unread frames drained meanwhile.
 */
void attach_end(void)
{
	struct pollfd p[ATTACH_CLIENTS];
	int n = 0;
	// Exec mode never listens: its client table was never filled (zeros are not clients).
	if (listen_fd < 0)
		goto input;
	for (int i = 0; i < ATTACH_CLIENTS; i++)
		if (clients[i] >= 0)
			shutdown(clients[i], SHUT_WR);
	for (long long end = now_ms() + 1000; now_ms() < end;) {
		n = 0;
		for (int i = 0; i < ATTACH_CLIENTS; i++)
			if (clients[i] >= 0)
				p[n++] = (struct pollfd){ clients[i], POLLIN, 0 };
		if (n == 0 || poll(p, (nfds_t)n, (int)(end - now_ms())) <= 0)
			break;
		for (int k = 0; k < n; k++) {
			if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char junk[4096];
			ssize_t r = recv(p[k].fd, junk, sizeof junk, MSG_DONTWAIT);
			if (r > 0 || (r < 0 && (errno == EINTR || errno == EAGAIN)))
				continue;
			for (int i = 0; i < ATTACH_CLIENTS; i++)
				if (clients[i] == p[k].fd)
					drop(i);
		}
	}
	for (int i = 0; i < ATTACH_CLIENTS; i++)
		if (clients[i] >= 0)
			drop(i);
input:
	if (in_w >= 0)
		close(in_w);
	in_w = -1;
}

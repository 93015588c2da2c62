/*
 * The run config: a file of NUL-terminated fields, written by netctl's TypeScript side
 * (src/runtime/launcher-config.ts). It starts with the magic field "netctl-launcher/1", then
 * records of a key followed by its values: "bind" takes three (source, target, "ro" or "rw"),
 * "tmpfs" three (target, options, "ro" or "rw"), every other key one. Repeatable keys: env,
 * arg, cleanup, bind, tmpfs (binds and tmpfs mounts are made in the order given), and those
 * of process.c (cgroup, rlimit, sysctl, group-add).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher.h"

#define MAGIC "netctl-launcher/1"
#define MAX_CONFIG (4 << 20)

static char *read_config(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("cannot open config \"%s\": %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > MAX_CONFIG)
		die("config \"%s\": not a regular file of 1 byte to 4 MiB", path);
	buf = xcalloc((size_t)st.st_size + 1, 1);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("cannot read config \"%s\"", path);
		got += (size_t)r;
	}
	close(fd);
	if (buf[got - 1] != 0)
		die("config \"%s\": last field is not NUL-terminated", path);
	*len = got;
	return buf;
}

static unsigned parse_uint(const char *key, const char *v, unsigned max)
{
	char *end;
	unsigned long n;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (!*v || *end || errno || n > max || v[0] == '-' || v[0] == '+')
		die("config: %s \"%s\" is not a number from 0 to %u", key, v, max);
	return (unsigned)n;
}

/* A path inside the container: absolute, without ".." components. */
static void check_ctr_path(const char *what, const char *p)
{
	const char *s = p;
	if (p[0] != '/')
		die("config: %s \"%s\" is not an absolute path", what, p);
	while ((s = strstr(s, "..")) != NULL) {
		if ((s == p || s[-1] == '/') && (s[2] == 0 || s[2] == '/'))
			die("config: %s \"%s\" contains \"..\"", what, p);
		s += 2;
	}
}

static void set_once(const char **slot, const char *key, const char *v)
{
	if (*slot)
		die("config: \"%s\" given twice", key);
	*slot = v;
}

static int parse_restart(const char *v)
{
	if (strcmp(v, "no") == 0)
		return RESTART_NO;
	if (strcmp(v, "on-failure") == 0)
		return RESTART_ON_FAILURE;
	if (strcmp(v, "always") == 0)
		return RESTART_ALWAYS;
	die("config: restart \"%s\" is not no, on-failure or always", v);
}

static const char *netns_value;

/* Applies one single-valued key. */
static void apply(struct config *c, const char *key, const char *v, size_t *nenv, size_t *narg, size_t *ncl)
{
	if (strcmp(key, "env") == 0)
		c->env[(*nenv)++] = v;
	else if (strcmp(key, "arg") == 0)
		c->argv[(*narg)++] = v;
	else if (strcmp(key, "cleanup") == 0)
		c->cleanup[(*ncl)++] = v;
	else if (strcmp(key, "netns") == 0)
		set_once(&netns_value, key, v);
	else if (strcmp(key, "rootfs") == 0)
		set_once(&c->rootfs, key, v);
	else if (strcmp(key, "hostname") == 0)
		set_once(&c->hostname, key, v);
	else if (strcmp(key, "cwd") == 0)
		set_once(&c->cwd, key, v);
	else if (strcmp(key, "log") == 0)
		set_once(&c->log_path, key, v);
	else if (strcmp(key, "state") == 0)
		set_once(&c->state_path, key, v);
	else if (strcmp(key, "uid") == 0)
		c->uid = parse_uint(key, v, 0x7fffffff);
	else if (strcmp(key, "gid") == 0)
		c->gid = parse_uint(key, v, 0x7fffffff);
	else if (strcmp(key, "restart") == 0)
		c->restart = parse_restart(v);
	else if (strcmp(key, "restart-max") == 0)
		c->restart_max = parse_uint(key, v, 1000000);
	else if (strcmp(key, "tty") == 0)
		c->tty = (int)parse_uint(key, v, 1);
	else if (strcmp(key, "attach") == 0)
		c->attach = (int)parse_uint(key, v, 1);
	else if (strcmp(key, "interactive") == 0)
		c->interactive = (int)parse_uint(key, v, 1);
	else if (strcmp(key, "attach-socket") == 0)
		set_once(&c->attach_socket, key, v);
	else if (strcmp(key, "attach-wait") == 0)
		c->attach_wait = (int)parse_uint(key, v, 1);
	else if (!proc_opt(&c->proc, key, v))
		die("config: unknown key \"%s\"", key);
}

static void validate(struct config *c, size_t narg)
{
	if (!c->rootfs || c->rootfs[0] != '/')
		die("config: rootfs missing or not absolute");
	if (!c->log_path || !c->state_path)
		die("config: log and state paths are required");
	if (narg == 0 || !c->argv[0][0])
		die("config: no command (arg)");
	if (!c->cwd)
		c->cwd = "/";
	check_ctr_path("cwd", c->cwd);
	if (!c->hostname)
		c->hostname = "";
	if (strlen(c->hostname) > 64)
		die("config: hostname longer than 64 bytes");
	c->netns = (netns_value && strcmp(netns_value, "host") != 0) ? netns_value : NULL;
	if (c->netns && c->netns[0] != '/')
		die("config: netns \"%s\" is neither \"host\" nor an absolute path", c->netns);
	for (size_t i = 0; i < c->nbinds; i++) {
		if (!c->binds[i].tmpfs && c->binds[i].src[0] != '/')
			die("config: bind source \"%s\" is not an absolute path", c->binds[i].src);
		check_ctr_path("bind target", c->binds[i].dst);
	}
}

void config_load(const char *path, struct config *c)
{
	size_t len, nfields = 0, i = 0, nenv = 0, narg = 0, ncl = 0;
	char *buf = read_config(path, &len);
	const char **f;
	for (size_t k = 0; k < len; k++)
		nfields += buf[k] == 0;
	f = xcalloc(nfields, sizeof *f);
	for (size_t k = 0, n = 0; k < len; k += strlen(buf + k) + 1)
		f[n++] = buf + k;
	if (strcmp(f[i++], MAGIC) != 0)
		die("config \"%s\": not a netctl-launcher/1 file", path);
	memset(c, 0, sizeof *c);
	c->env = xcalloc(nfields + 1, sizeof *c->env);
	c->argv = xcalloc(nfields + 1, sizeof *c->argv);
	c->cleanup = xcalloc(nfields + 1, sizeof *c->cleanup);
	c->binds = xcalloc(nfields, sizeof *c->binds);
	proc_opts_init(&c->proc, nfields);
	while (i < nfields) {
		const char *key = f[i++];
		int tmpfs = strcmp(key, "tmpfs") == 0;
		if (tmpfs || strcmp(key, "bind") == 0) {
			struct bind *b = &c->binds[c->nbinds++];
			if (i + 3 > nfields)
				die("config: %s needs three values", key);
			if (tmpfs) {
				b->src = "tmpfs";
				b->dst = f[i++];
				b->tmpfs = f[i++];
			} else {
				b->src = f[i++];
				b->dst = f[i++];
			}
			if (strcmp(f[i], "ro") != 0 && strcmp(f[i], "rw") != 0)
				die("config: %s mode \"%s\" is not ro or rw", key, f[i]);
			b->ro = strcmp(f[i++], "ro") == 0;
			continue;
		}
		if (i >= nfields)
			die("config: key \"%s\" has no value", key);
		apply(c, key, f[i++], &nenv, &narg, &ncl);
	}
	validate(c, narg);
}

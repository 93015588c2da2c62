/*
 * Process options and resource limits of the container, as the run config gives them
 * (src/runtime/launcher-config.ts): the cgroups to join (made and limited by netctl before
 * the launch), rlimits, namespaced sysctls, a read-only root, the size of /dev/shm, the
 * capability set and no_new_privs (applied by caps.c), the user by name (user.c) and the
 * tiny init (init.c). netctl validates every value first; these checks only keep a broken
 * config from doing something else than it says.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "launcher.h"

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "core", RLIMIT_CORE },	   { "cpu", RLIMIT_CPU },	    { "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE },	   { "locks", RLIMIT_LOCKS },	    { "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },	    { "nofile", RLIMIT_NOFILE },
	{ "nproc", RLIMIT_NPROC },	   { "rss", RLIMIT_RSS },	    { "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME },	   { "sigpending", RLIMIT_SIGPENDING }, { "stack", RLIMIT_STACK },
	{ "as", RLIMIT_AS },
};

void proc_opts_init(struct proc_opts *p, size_t nfields)
{
	memset(p, 0, sizeof *p);
	p->cgroups = xcalloc(nfields + 1, sizeof *p->cgroups);
	p->limits = xcalloc(nfields + 1, sizeof *p->limits);
	p->sysctls = xcalloc(nfields + 1, sizeof *p->sysctls);
	p->group_add = xcalloc(nfields + 1, sizeof *p->group_add);
}

static unsigned long long parse_u64(const char *key, const char *v, int base)
{
	char *end;
	unsigned long long n;
	errno = 0;
	n = strtoull(v, &end, base);
	if (!*v || *end || errno || v[0] == '-' || v[0] == '+')
		die("config: %s \"%s\" is not a number", key, v);
	return n;
}

static int flag(const char *key, const char *v)
{
	if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
		die("config: %s \"%s\" is not 0 or 1", key, v);
	return v[0] == '1';
}

/* "nofile=1024:2048": NAME=SOFT:HARD, where -1 is unlimited. */
static void parse_rlimit(struct limit *l, const char *v)
{
	const char *eq = strchr(v, '=');
	char num[64];
	const char *colon;
	l->resource = -1;
	for (size_t i = 0; eq && i < sizeof rlimit_names / sizeof *rlimit_names; i++)
		if (strlen(rlimit_names[i].name) == (size_t)(eq - v) && strncmp(v, rlimit_names[i].name, (size_t)(eq - v)) == 0)
			l->resource = rlimit_names[i].resource;
	if (l->resource < 0 || !(colon = strchr(eq, ':')) || (size_t)(colon - eq) >= sizeof num)
		die("config: rlimit \"%s\" is not NAME=SOFT:HARD", v);
	snprintf(num, sizeof num, "%.*s", (int)(colon - eq - 1), eq + 1);
	l->soft = strcmp(num, "-1") == 0 ? RLIM_INFINITY : parse_u64("rlimit", num, 10);
	l->hard = strcmp(colon + 1, "-1") == 0 ? RLIM_INFINITY : parse_u64("rlimit", colon + 1, 10);
}

/* Applies one process-option key; returns 0 when KEY is not one. */
int proc_opt(struct proc_opts *p, const char *key, const char *v)
{
	if (strcmp(key, "cgroup") == 0)
		p->cgroups[p->ncgroups++] = v;
	else if (strcmp(key, "oom-file") == 0)
		p->oom_file = v;
	else if (strcmp(key, "rlimit") == 0)
		parse_rlimit(&p->limits[p->nlimits++], v);
	else if (strcmp(key, "sysctl") == 0) {
		if (!strchr(v, '=') || strstr(v, "..") || strchr(v, '/'))
			die("config: sysctl \"%s\" is not NAME=VALUE", v);
		p->sysctls[p->nsysctls++] = v;
	} else if (strcmp(key, "group-add") == 0)
		p->group_add[p->ngroup_add++] = v;
	else if (strcmp(key, "user") == 0)
		p->user = v;
	else if (strcmp(key, "caps") == 0) {
		p->have_caps = 1;
		p->caps = parse_u64(key, v, 16);
	} else if (strcmp(key, "no-new-privs") == 0)
		p->no_new_privs = flag(key, v);
	else if (strcmp(key, "init") == 0)
		p->init = flag(key, v);
	else if (strcmp(key, "read-only") == 0)
		p->read_only = flag(key, v);
	else if (strcmp(key, "stop-signal") == 0)
		p->stop_signal = (int)parse_u64(key, v, 10);
	else if (strcmp(key, "shm-size") == 0)
		p->shm_size = parse_u64(key, v, 10);
	else
		return 0;
	return 1;
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int rc;
	if (fd < 0)
		return -1;
	rc = write_all(fd, text, strlen(text));
	if (close(fd) != 0)
		rc = -1;
	return rc;
}

/* First of all, so that everything the container does (its setup too) is counted and limited. */
void join_cgroups(const struct proc_opts *p, int errfd)
{
	// "0" is the writer itself: the pid as this namespace sees it would mean nothing to the host.
	for (size_t i = 0; i < p->ncgroups; i++)
		if (write_text(p->cgroups[i], "0") != 0)
			child_fail(errfd, EXIT_SETUP, "cannot join cgroup \"%s\"", p->cgroups[i]);
}

/*
 * In the container's network and IPC namespaces (joined and made already), through the
 * host's /proc before it is replaced: the container's own /proc/sys is read-only.
 */
void apply_sysctls(const struct proc_opts *p, int errfd)
{
	char path[512], name[256];
	for (size_t i = 0; i < p->nsysctls; i++) {
		const char *eq = strchr(p->sysctls[i], '=');
		size_t n = (size_t)(eq - p->sysctls[i]);
		if (n >= sizeof name)
			child_fail(errfd, EXIT_SETUP, "sysctl name too long");
		memcpy(name, p->sysctls[i], n);
		name[n] = 0;
		for (char *c = name; *c; c++)
			if (*c == '.')
				*c = '/';
		snprintf(path, sizeof path, "/proc/sys/%s", name);
		if (write_text(path, eq + 1) != 0)
			child_fail(errfd, EXIT_SETUP, "cannot set sysctl \"%.*s\"", (int)n, p->sysctls[i]);
	}
}

/* After pivot_root: the root made read-only, /dev/shm given its size. */
void finish_rootfs(const struct proc_opts *p, int errfd)
{
	char opts[64];
	if (p->shm_size) {
		snprintf(opts, sizeof opts, "mode=1777,size=%llu", p->shm_size);
		if (mount("shm", "/dev/shm", "tmpfs", MS_REMOUNT | MS_NOSUID | MS_NOEXEC | MS_NODEV, opts) != 0)
			child_fail(errfd, EXIT_SETUP, "cannot size /dev/shm");
	}
	// The root's own mount only: /dev, /proc, /dev/shm and the volumes stay as they are, as in Docker.
	if (p->read_only && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NODEV, NULL) != 0)
		child_fail(errfd, EXIT_SETUP, "cannot make the root read-only");
}

void apply_limits(const struct proc_opts *p, int errfd)
{
	for (size_t i = 0; i < p->nlimits; i++) {
		struct rlimit r = { p->limits[i].soft, p->limits[i].hard };
		if (setrlimit(p->limits[i].resource, &r) != 0)
			child_fail(errfd, EXIT_SETUP, "cannot set rlimit %d", p->limits[i].resource);
	}
}

/* The cgroup's count of OOM kills, or -1 without one. */
long long oom_kills(const struct proc_opts *p)
{
	char buf[1024];
	const char *at;
	ssize_t n;
	int fd;
	if (!p->oom_file || (fd = open(p->oom_file, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	for (at = buf; (at = strstr(at, "oom_kill ")) != NULL; at++)
		if (at == buf || at[-1] == '\n')
			return atoll(at + 9);
	return -1;
}

/* What `exec` takes over from the container's init: its bounding set and no_new_privs. */
void proc_of_pid(pid_t pid, struct proc_opts *p)
{
	char path[64], line[256];
	FILE *f;
	memset(p, 0, sizeof *p);
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "CapBnd:", 7) == 0)
			p->have_caps = sscanf(line + 7, "%llx", &p->caps) == 1;
		else if (strncmp(line, "NoNewPrivs:", 11) == 0)
			p->no_new_privs = atoi(line + 11) == 1;
	}
	fclose(f);
}

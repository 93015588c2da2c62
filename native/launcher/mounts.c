/*
 * The container's filesystem, built inside its new mount namespace: the rootfs bound onto
 * itself, /proc, a read-only /sys, a small /dev, the volumes (binds and tmpfs mounts, in
 * the order given), then pivot_root.
 * Every target inside the rootfs is opened with openat2(RESOLVE_IN_ROOT), so a symlink in
 * an image cannot point a mount at the host, and mounted through /proc/self/fd/N.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launcher.h"

static int openat2_in_root(int rootfd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

/* Creates the missing last component NAME of a path in directory PARENT. */
static int create_at(int parent, const char *name, int kind)
{
	if (kind == KIND_DIR)
		return mkdirat(parent, name, 0755) == 0 || errno == EEXIST ? 0 : -1;
	int fd = openat(parent, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno == EEXIST ? 0 : -1;
	close(fd);
	return 0;
}

/*
 * Opens PATH (relative to ROOTFD, which acts as "/") as an O_PATH fd. With CREATE, missing
 * directories are made on the way and the last component is made as KIND.
 */
int open_in_root(int rootfd, const char *path, int kind, int create)
{
	char prefix[4096];
	int fd = openat2_in_root(rootfd, path), parent;
	size_t len = strlen(path);
	if (fd >= 0 || errno != ENOENT || !create)
		return fd;
	if (len >= sizeof prefix)
		return errno = ENAMETOOLONG, -1;
	parent = openat2_in_root(rootfd, "/");
	for (size_t i = 0; i <= len && parent >= 0; i++) {
		if (path[i] != '/' && path[i] != 0)
			continue;
		memcpy(prefix, path, i);
		prefix[i] = 0;
		const char *name = strrchr(prefix, '/');
		name = name ? name + 1 : prefix;
		if (!*name)
			continue;
		fd = openat2_in_root(rootfd, prefix);
		if (fd < 0 && errno == ENOENT) {
			if (create_at(parent, name, i == len ? kind : KIND_DIR) != 0)
				break;
			fd = openat2_in_root(rootfd, prefix);
		}
		close(parent);
		parent = fd;
	}
	return parent;
}

static const char *fdpath(int fd, char buf[32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

/* Mounts (or binds, when FSTYPE is NULL) SRC at PATH inside the rootfs. */
static void mount_in(int rootfd, const char *path, const char *src, const char *fstype,
		     unsigned long flags, const char *data, int kind, int errfd)
{
	char p[32];
	int fd = open_in_root(rootfd, path, kind, 1);
	if (fd < 0)
		child_fail(errfd, EXIT_SETUP, "cannot create mount point \"%s\"", path);
	if (mount(src, fdpath(fd, p), fstype, flags, data) != 0)
		child_fail(errfd, EXIT_SETUP, "cannot mount %s on \"%s\"", fstype ? fstype : src, path);
	close(fd);
}

/* The per-mount flags of the mount at PATH, as mount(2) flags. */
static unsigned long flags_of(const char *path)
{
	static const unsigned long map[][2] = { { ST_RDONLY, MS_RDONLY }, { ST_NOSUID, MS_NOSUID },
		{ ST_NODEV, MS_NODEV }, { ST_NOEXEC, MS_NOEXEC }, { ST_NOATIME, MS_NOATIME },
		{ ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME } };
	struct statvfs sv;
	unsigned long f = 0;
	if (statvfs(path, &sv) != 0)
		return 0;
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (sv.f_flag & map[i][0])
			f |= map[i][1];
	return f;
}

/*
 * Adds ADD to the flags of the bind mount at PATH. A bind remount sets all flags at once,
 * so the current ones are kept (never loosened). PATH is re-opened: an fd opened before
 * the mount names what lies beneath it.
 */
static void remount_in(int rootfd, const char *path, unsigned long add, int errfd)
{
	char p[32];
	int fd = open_in_root(rootfd, path, KIND_DIR, 0);
	if (fd < 0)
		child_fail(errfd, EXIT_SETUP, "cannot open \"%s\"", path);
	fdpath(fd, p);
	if (mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | flags_of(p) | add, NULL) != 0)
		child_fail(errfd, EXIT_SETUP, "cannot remount \"%s\"", path);
	close(fd);
}

static void setup_dev(int rootfd, int errfd)
{
	static const char *devices[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const char *links[][2] = { { "ptmx", "pts/ptmx" }, { "fd", "/proc/self/fd" },
		{ "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" } };
	const unsigned long nosuid = MS_NOSUID | MS_NOEXEC | MS_NODEV;
	char host[32], path[32];
	int dev;
	// nodev: device nodes made in /dev cannot be opened; the bound ones are mounts of their own.
	mount_in(rootfd, "/dev", "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV | MS_STRICTATIME, "mode=755,size=65536k", KIND_DIR, errfd);
	for (size_t i = 0; i < sizeof devices / sizeof *devices; i++) {
		snprintf(host, sizeof host, "/dev/%s", devices[i]);
		snprintf(path, sizeof path, "/dev/%s", devices[i]);
		mount_in(rootfd, path, host, NULL, MS_BIND, NULL, KIND_FILE, errfd);
	}
	mount_in(rootfd, "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
		 "newinstance,ptmxmode=0666,mode=0620,gid=5", KIND_DIR, errfd);
	mount_in(rootfd, "/dev/shm", "shm", "tmpfs", nosuid, "mode=1777,size=65536k", KIND_DIR, errfd);
	dev = open_in_root(rootfd, "/dev", KIND_DIR, 0);
	for (size_t i = 0; dev >= 0 && i < sizeof links / sizeof *links; i++)
		if (symlinkat(links[i][1], dev, links[i][0]) != 0)
			child_fail(errfd, EXIT_SETUP, "cannot link /dev/%s", links[i][0]);
	if (dev >= 0)
		close(dev);
}

/* Docker's defaults: kernel knobs read-only, what leaks host data hidden. */
static void protect_proc(int rootfd, int errfd)
{
	static const char *readonly[] = { "/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus" };
	static const char *masked[] = { "/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/latency_stats",
		"/proc/timer_stats", "/proc/sched_debug", "/proc/acpi", "/proc/scsi", "/sys/firmware" };
	char p[32];
	struct stat st;
	for (size_t i = 0; i < sizeof readonly / sizeof *readonly; i++) {
		int fd = open_in_root(rootfd, readonly[i], KIND_DIR, 0);
		if (fd < 0)
			continue;
		if (mount(fdpath(fd, p), p, NULL, MS_BIND | MS_REC, NULL) != 0)
			child_fail(errfd, EXIT_SETUP, "cannot bind \"%s\"", readonly[i]);
		close(fd);
		remount_in(rootfd, readonly[i], MS_RDONLY, errfd);
	}
	for (size_t i = 0; i < sizeof masked / sizeof *masked; i++) {
		int fd = open_in_root(rootfd, masked[i], KIND_FILE, 0);
		if (fd < 0)
			continue;
		int dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
		if (dir ? mount("tmpfs", fdpath(fd, p), "tmpfs", MS_RDONLY, "size=0") != 0
			: mount("/dev/null", fdpath(fd, p), NULL, MS_BIND, NULL) != 0)
			child_fail(errfd, EXIT_SETUP, "cannot mask \"%s\"", masked[i]);
		close(fd);
	}
}

/*
 * Splits tmpfs options into mount(2) flags and the data string the filesystem takes.
 * Docker's defaults: nosuid, nodev, noexec unless "exec" is given.
 */
static unsigned long tmpfs_options(const char *opts, char *data, size_t cap)
{
	static const struct { const char *name; unsigned long set, clear; } map[] = {
		{ "ro", MS_RDONLY, 0 }, { "rw", 0, MS_RDONLY }, { "noexec", MS_NOEXEC, 0 }, { "exec", 0, MS_NOEXEC },
		{ "nosuid", MS_NOSUID, 0 }, { "suid", 0, MS_NOSUID }, { "nodev", MS_NODEV, 0 }, { "dev", 0, 0 },
		{ "noatime", MS_NOATIME, 0 }, { "atime", 0, MS_NOATIME } };
	unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char buf[1024], *save = NULL;
	size_t len = 0;
	snprintf(buf, sizeof buf, "%s", opts);
	data[0] = 0;
	for (char *o = strtok_r(buf, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		size_t k = 0;
		while (k < sizeof map / sizeof *map && strcmp(map[k].name, o) != 0)
			k++;
		if (k < sizeof map / sizeof *map) {
			flags = (flags | map[k].set) & ~map[k].clear;
		} else if (len + strlen(o) + 2 < cap) {
			len += (size_t)snprintf(data + len, cap - len, "%s%s", len ? "," : "", o);
		}
	}
	// nodev stays: without a devices cgroup it is what keeps device nodes from being opened.
	return flags | MS_NODEV;
}

static void setup_binds(const struct config *cfg, int rootfd, int errfd)
{
	for (size_t i = 0; i < cfg->nbinds; i++) {
		const struct bind *b = &cfg->binds[i];
		struct stat st;
		if (b->tmpfs) {
			char data[1024];
			unsigned long flags = tmpfs_options(b->tmpfs, data, sizeof data);
			mount_in(rootfd, b->dst, "tmpfs", "tmpfs", flags | (b->ro ? MS_RDONLY : 0), data, KIND_DIR, errfd);
			continue;
		}
		if (stat(b->src, &st) != 0)
			child_fail(errfd, EXIT_SETUP, "bind source \"%s\"", b->src);
		mount_in(rootfd, b->dst, b->src, NULL, MS_BIND | MS_REC, NULL,
			 S_ISDIR(st.st_mode) ? KIND_DIR : KIND_FILE, errfd);
		remount_in(rootfd, b->dst, MS_NODEV | (b->ro ? MS_RDONLY : 0), errfd);
	}
}

static void pivot(int rootfd, int errfd)
{
	if (fchdir(rootfd) != 0)
		child_fail(errfd, EXIT_SETUP, "cannot enter rootfs");
	// pivot_root(".", ".") stacks the old root under the new one; unmounting "." drops it.
	if (syscall(SYS_pivot_root, ".", ".") != 0)
		child_fail(errfd, EXIT_SETUP, "pivot_root");
	if (umount2(".", MNT_DETACH) != 0)
		child_fail(errfd, EXIT_SETUP, "cannot detach the old root");
	if (chdir("/") != 0)
		child_fail(errfd, EXIT_SETUP, "chdir /");
}

void setup_rootfs(const struct config *cfg, int errfd)
{
	const unsigned long nosuid = MS_NOSUID | MS_NOEXEC | MS_NODEV;
	int rootfd, cwd;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		child_fail(errfd, EXIT_SETUP, "cannot make mounts private");
	// Without a devices cgroup, nodev is what keeps a device node made with CAP_MKNOD
	// (say, of the host's disk) from being opened.
	if (mount(cfg->rootfs, cfg->rootfs, NULL, MS_BIND | MS_REC, NULL) != 0 ||
	    mount(NULL, cfg->rootfs, NULL, MS_BIND | MS_REMOUNT | flags_of(cfg->rootfs) | MS_NODEV, NULL) != 0)
		child_fail(errfd, EXIT_SETUP, "cannot bind rootfs \"%s\"", cfg->rootfs);
	rootfd = open(cfg->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		child_fail(errfd, EXIT_SETUP, "cannot open rootfs \"%s\"", cfg->rootfs);
	mount_in(rootfd, "/proc", "proc", "proc", nosuid, NULL, KIND_DIR, errfd);
	mount_in(rootfd, "/sys", "sysfs", "sysfs", nosuid | MS_RDONLY, NULL, KIND_DIR, errfd);
	setup_dev(rootfd, errfd);
	setup_binds(cfg, rootfd, errfd);
	protect_proc(rootfd, errfd);
	cwd = open_in_root(rootfd, cfg->cwd, KIND_DIR, 1);
	if (cwd < 0)
		child_fail(errfd, EXIT_SETUP, "cannot create working directory \"%s\"", cfg->cwd);
	close(cwd);
	pivot(rootfd, errfd);
	close(rootfd);
}

#!/bin/sh
# Prepares a Debian userland (test/platforms/userland.sh) for Podman 5 inside a netctl
# sandbox, idempotently (a part already in place, e.g. by dockerd.sh, is kept or redone):
# the sandbox's /proc, /sys and /dev bound into the userland, a cgroup tree of v1 hierarchies
# only on its /sys/fs/cgroup (crun refuses this machine's hybrid layout), the sandbox's /run
# bound there after being made shared, so that the network namespaces netavark mounts under the
# userland's /run/netns are mounted at /run/netns too, where netctl's plugin opens them, and
# private tmpfs on its /var/lib and /tmp: the cached userland is only read. Podman then runs as
# `chroot DIR podman ...`.
# Usage: podman-userland.sh DIR
set -eu
ROOT=$1
if ! mountpoint -q "$ROOT/proc"; then
	mountpoint -q "$ROOT" || mount --bind "$ROOT" "$ROOT"
	mount --rbind /proc "$ROOT/proc"
	mount --rbind /sys "$ROOT/sys"
	mount --rbind /dev "$ROOT/dev"
fi
if [ ! -e "$ROOT/sys/fs/cgroup/memory/cgroup.procs" ] || [ -e "$ROOT/sys/fs/cgroup/unified" ]; then
	mount -t tmpfs -o mode=0755 cgroup "$ROOT/sys/fs/cgroup"
	for c in memory cpu cpuacct cpuset devices freezer blkio pids; do
		mkdir -p "$ROOT/sys/fs/cgroup/$c"
		mount -t cgroup -o $c cgroup "$ROOT/sys/fs/cgroup/$c" 2>/dev/null || rmdir "$ROOT/sys/fs/cgroup/$c"
	done
	mkdir -p "$ROOT/sys/fs/cgroup/systemd"
	mount -t cgroup -o none,name=systemd cgroup "$ROOT/sys/fs/cgroup/systemd"
fi
if [ "$(findmnt -no PROPAGATION "$ROOT/run" 2>/dev/null)" != shared ]; then
	if mountpoint -q "$ROOT/run"; then umount -l "$ROOT/run"; fi
	mountpoint -q /run || mount --bind /run /run
	mount --make-rshared /run
	mount --rbind /run "$ROOT/run"
fi
mountpoint -q "$ROOT/var/lib" || mount -t tmpfs -o mode=0755 tmpfs "$ROOT/var/lib"
mountpoint -q "$ROOT/tmp" || mount -t tmpfs -o mode=1777 tmpfs "$ROOT/tmp"

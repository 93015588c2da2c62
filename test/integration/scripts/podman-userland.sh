#!/bin/sh
# Prepares a Debian userland (test/platforms/userland.sh) for Podman 5 inside a netctl
# sandbox, once per sandbox: cgroup v1 hierarchies only on the sandbox's own /sys (crun
# refuses this machine's hybrid layout), the sandbox's /proc, /sys, /dev and /run bound into
# the userland (its /run shared first, so that the network namespaces netavark mounts under
# the userland's /run/netns are mounted at /run/netns too, where netctl's plugin opens them),
# only read. Podman then runs as `chroot DIR podman ...`.
# Usage: podman-userland.sh DIR
set -eu
ROOT=$1
mountpoint -q "$ROOT/run" && exit 0
mountpoint -q /run || mount --bind /run /run
mount --make-rshared /run
mount --bind "$ROOT" "$ROOT"
mount --rbind /proc "$ROOT/proc"
mount --rbind /sys "$ROOT/sys"
mount --rbind /dev "$ROOT/dev"
# The userland's own cgroup tree: v1 hierarchies only (no unified one, which crun calls hybrid).
mount -t tmpfs -o mode=0755 cgroup "$ROOT/sys/fs/cgroup"
for c in memory cpu cpuacct cpuset devices freezer blkio pids; do
	mkdir -p "$ROOT/sys/fs/cgroup/$c"
	mount -t cgroup -o $c cgroup "$ROOT/sys/fs/cgroup/$c" 2>/dev/null || rmdir "$ROOT/sys/fs/cgroup/$c"
done
mkdir -p "$ROOT/sys/fs/cgroup/systemd"
mount -t cgroup -o none,name=systemd cgroup "$ROOT/sys/fs/cgroup/systemd"
mount --rbind /run "$ROOT/run"
mount -t tmpfs -o mode=0755 tmpfs "$ROOT/var/lib"
mount -t tmpfs -o mode=1777 tmpfs "$ROOT/tmp"

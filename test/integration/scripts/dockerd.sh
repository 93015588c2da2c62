#!/bin/sh
# Starts a private dockerd inside a netctl sandbox (never the machine's): cgroup v1/v2
# hierarchies mounted on the sandbox's own /sys, data, exec root, socket and pidfile under
# DIR, containers in cgroup /netctl-test-docker, containerd started by dockerd itself.
# Waits (10 s at most) until the socket answers. Extra arguments go to dockerd.
# DOCKERD_IPV6=CIDR: IPv6 too, the default bridge on CIDR, Docker's ip6tables rules (in
# Docker 20.10 `--ip6tables` is experimental: without it IPv6 published ports only reach
# docker-proxy through INPUT); `docker network create --ipv6` then works as well.
# DOCKERD_USERLAND=DIR: the dockerd (and its containerd, runc, iptables) of a Debian userland
# (test/platforms/userland.sh), run chrooted in it: the sandbox's /proc, /sys, /dev and /run are
# bound into it (in the sandbox's own mount namespace) and its /var/lib, /tmp and /opt are private
# tmpfs, so that the cached userland is only read. Its client: chroot DIR /usr/bin/docker.
# Usage: [DOCKERD_IPV6=CIDR] [DOCKERD_USERLAND=DIR] dockerd.sh DIR [DOCKERD-ARG...]
# (stop: kill "$(cat DIR/docker.pid)")
set -eu
DIR=$1
shift
if [ -n "${DOCKERD_IPV6:-}" ]; then
	set -- --experimental --ip6tables --ipv6 --fixed-cidr-v6 "$DOCKERD_IPV6" "$@"
fi
# The sandbox has its own sysfs: its /sys/fs/cgroup starts empty.
if [ ! -e /sys/fs/cgroup/memory ] && [ ! -e /sys/fs/cgroup/cgroup.controllers ]; then
	mount -t tmpfs -o mode=0755 cgroup /sys/fs/cgroup
	mkdir /sys/fs/cgroup/memory
	if mount -t cgroup -o memory cgroup /sys/fs/cgroup/memory 2>/dev/null; then
		for c in cpu cpuacct cpuset devices freezer blkio pids; do
			mkdir -p /sys/fs/cgroup/$c
			mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c 2>/dev/null || rmdir /sys/fs/cgroup/$c
		done
		mkdir -p /sys/fs/cgroup/systemd
		mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
	else
		# A cgroup v2 machine: its one hierarchy.
		umount /sys/fs/cgroup
		mount -t cgroup2 cgroup2 /sys/fs/cgroup
	fi
fi
mkdir -p "$DIR/data" "$DIR/exec"
ROOT=
if [ -n "${DOCKERD_USERLAND:-}" ]; then
	ROOT=$DOCKERD_USERLAND
	# Once per sandbox (a restarted daemon finds the mounts there).
	if ! mountpoint -q "$ROOT/run"; then
		# The userland a mount point of its own: runc's pivot_root needs one.
		mount --bind "$ROOT" "$ROOT"
		mount --rbind /proc "$ROOT/proc"
		mount --rbind /sys "$ROOT/sys"
		mount --rbind /dev "$ROOT/dev"
		mount --rbind /run "$ROOT/run"
		mount -t tmpfs -o mode=0755 tmpfs "$ROOT/var/lib"
		mount -t tmpfs -o mode=1777 tmpfs "$ROOT/tmp"
		# containerd makes its /opt/containerd directories there.
		mount -t tmpfs -o mode=0755 tmpfs "$ROOT/opt"
	fi
fi
# In a userland, dockerd runs in a mount namespace whose root is the userland (pivot_root, not
# chroot): `docker exec` joins a container's mount namespace at that namespace's root, which
# under a chroot is the machine's / instead of the container's.
# (exec: the background subshell must not keep the caller's stdout open.)
enter() {
	if [ -z "$ROOT" ]; then exec "$@"; else
		exec unshare --mount --propagation private -- sh -c 'cd "$0" && pivot_root . mnt && umount -l /mnt && exec "$@"' "$ROOT" "$@"
	fi
}
enter /usr/sbin/dockerd --data-root "$DIR/data" --exec-root "$DIR/exec" -H "unix://$DIR/docker.sock" \
	--pidfile "$DIR/docker.pid" --storage-driver vfs --exec-opt native.cgroupdriver=cgroupfs \
	--cgroup-parent /netctl-test-docker --shutdown-timeout 1 "$@" >>"$DIR/dockerd.log" 2>&1 &
for i in $(seq 250); do
	if [ -S "$DIR/docker.sock" ] && ${ROOT:+chroot "$ROOT"} /usr/bin/docker -H "unix://$DIR/docker.sock" version >/dev/null 2>&1; then exit 0; fi
	sleep 0.1
done
tail -5 "$DIR/dockerd.log" >&2
exit 1

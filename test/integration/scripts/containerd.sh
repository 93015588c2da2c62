#!/bin/sh
# Starts a private containerd (with its CRI plugin) of a Debian userland inside a netctl
# sandbox (never the machine's): the userland is the lower layer of an overlay whose upper
# layer is a tmpfs under DIR (the cached userland is only read), with the sandbox's /proc,
# /sys, /dev and /run bound in, and containerd runs chrooted in it. The sandbox's /run is made
# shared first, so the pod network namespaces containerd mounts on /var/run/netns show in the
# sandbox at the same path, where `netctl cni serve` opens them. Files the CNI bin dir's
# wrapper execs (netctl's shim) are copied into the overlay at their own paths. DIR must be a
# directory on the machine's /tmp: the gRPC socket, DIR/containerd.sock, is reached from
# outside the sandbox. Waits (20 s at most) until `ctr version` answers.
# Usage: containerd.sh USERLAND DIR CONFIG [FILE...]   (restart: run it again; stop: kill "$(cat DIR/containerd.pid)")
set -eu
UL=$1 DIR=$2 CONFIG=$3
shift 3
M=$DIR/root
if ! mountpoint -q "$M"; then
	mkdir -p "$DIR/ovl" "$M"
	mount -t tmpfs -o mode=0755 tmpfs "$DIR/ovl"
	mkdir -p "$DIR/ovl/upper" "$DIR/ovl/work"
	mount -t overlay overlay -o "lowerdir=$UL,upperdir=$DIR/ovl/upper,workdir=$DIR/ovl/work" "$M"
	mount --make-rshared /run
	for d in proc sys dev; do mount --rbind "/$d" "$M/$d"; done
	mount --rbind /run "$M/run"
	mkdir -p "$M$DIR"
	mount --bind "$DIR" "$M$DIR"
	mkdir -p /run/netns
	for f in "$@"; do mkdir -p "$M$(dirname "$f")" && cp "$f" "$M$f"; done
fi
cp "$CONFIG" "$M/etc/containerd-netctl.toml"
chroot "$M" /usr/bin/containerd --config /etc/containerd-netctl.toml >>"$DIR/containerd.log" 2>&1 &
echo $! >"$DIR/containerd.pid"
for i in $(seq 200); do
	if [ -S "$DIR/containerd.sock" ] && chroot "$M" /usr/bin/ctr -a "$DIR/containerd.sock" version >/dev/null 2>&1; then exit 0; fi
	sleep 0.1
done
tail -5 "$DIR/containerd.log" >&2
exit 1

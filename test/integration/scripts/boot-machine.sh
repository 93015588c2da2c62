#!/bin/sh
# A Debian machine booted with its own systemd under systemd-nspawn, for the boot test, inside
# the test's sandbox. Its root is an overlay on the cached userland (changes on a tmpfs, kept
# across its reboots, gone with the sandbox); its network namespace `machine` exists before
# each boot (a new one after each poweroff, as a new kernel's), joined by a veth to the
# namespace `wan`, where the test's probe runs: 203.0.113.1 (wan) -- 203.0.113.2 (machine,
# host0). So the probe can send from before the machine's first packet to after its last.
#   boot-machine.sh setup USERLAND DIR     overlay on DIR/root, namespaces, veth
#   boot-machine.sh boot DIR               boots it (in the background); waits for systemd to
#                                          finish starting up (120 s at most); prints its state
#   boot-machine.sh in DIR CMD...          runs CMD in it (all its namespaces, a clean environment)
#   boot-machine.sh poweroff DIR           `systemctl poweroff`, waits for nspawn to exit (120 s)
set -eu
NSPAWN=${NETCTL_NSPAWN:-/var/cache/netctl/nspawn/usr/bin/systemd-nspawn}
cmd=$1 dir=$2
shift 2

# The machine's PID 1, checked before each use: a child of this nspawn, in the machine's network
# namespace and in a PID namespace other than ours. A stale or wrong pid (nspawn's outer child,
# a recycled pid) would put the command, netctl's rules with it, into the sandbox's namespaces.
leader() {
	p=$(cat "$dir/leader" 2>/dev/null) && [ -n "$p" ] || return 1
	[ "$(ps -o ppid= -p "$p" 2>/dev/null | tr -d ' ')" = "$(cat "$dir/nspawn" 2>/dev/null)" ] || return 1
	[ "$(stat -L -c %i "/proc/$p/ns/net" 2>/dev/null)" = "$(stat -L -c %i /run/netns/machine)" ] || return 1
	[ "$(stat -L -c %i "/proc/$p/ns/pid" 2>/dev/null)" != "$(stat -L -c %i /proc/self/ns/pid)" ] || return 1
	echo "$p"
}
inside() {
	p=$(leader) || { echo "boot-machine: the machine is not running (no verified leader pid)" >&2 && return 1; }
	nsenter -t "$p" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb "$@"
}
# What the machine was doing when a step timed out: the console, systemd's jobs, its processes.
diagnose() {
	echo "--- console (last 40 lines)" && tail -n 40 "$dir/console.log"
	echo "--- jobs" && inside systemctl list-jobs --no-pager 2>&1 | head -n 20
	echo "--- processes" && ps -e -o pid,ppid,stat,wchan:20,args --forest 2>&1 | tail -n 60
}

# The machine's network namespace, new (a powered-off machine's kernel state is gone: no bridge,
# rule or route of its last boot may greet the next one), joined to wan by the veth again.
netns() {
	ip -n wan link del wan0 2>/dev/null || true
	ip netns del machine 2>/dev/null || true
	ip netns add machine
	ip link add host0 netns machine type veth peer name wan0 netns wan
	ip -n wan addr add 203.0.113.1/24 dev wan0 && ip -n wan link set wan0 up
	ip -n machine addr add 203.0.113.2/24 dev host0 && ip -n machine link set host0 up && ip -n machine link set lo up
	ip -n machine route add default via 203.0.113.1
}

# The machine's own cgroups, one new per boot (CG: PARENT/boot-N in every hierarchy, PARENT the
# sandbox's, removed with it), as a registered machine has its scope: nspawn makes the
# machine's cgroup namespace at the cgroup it starts in (with --keep-unit, the payload/ and
# supervisor/ it makes below it on the v2 tree), so the machine sees its own subtree only.
# Started in the sandbox's (the host's root), two machines at once (CI runs the boot tests in
# parallel) shared /payload, and each one's doctor found the other's containers' cgroups.
# A v1 cpuset cgroup takes no task until its cpus and mems are set: copied from its parent.
# On the v2 tree the machine sees the controllers the host's root has (hugetlb on this hybrid
# host: netctl's layout there): enabled down to PARENT now, and on CG once nspawn has moved
# out of it into supervisor/ (v2 cgroups with controllers enabled below hold no process).
# Writes DIR/cgroups (the hierarchies' directories) and DIR/cgroup2 (the v2 one).
cgroups() {
	: "${NETCTL_CGROUP_PARENT:?boot-machine: no NETCTL_CGROUP_PARENT (run it in a netctl sandbox)}"
	n=$(($(cat "$dir/boots" 2>/dev/null || echo 0) + 1)) && echo $n >"$dir/boots"
	: >"$dir/cgroups" && rm -f "$dir/cgroup2"
	awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) ~ /^cgroup2?$/ && $6 ~ /(^|,)rw(,|$)/) print $(i + 1), $5 }' \
		/proc/self/mountinfo | while read -r fs m; do
		g=$m
		for part in "$NETCTL_CGROUP_PARENT" "boot-$n"; do
			g=$g/$part
			mkdir -p "$g"
			for f in cpuset.cpus cpuset.mems; do
				if [ -e "$g/$f" ] && [ -z "$(cat "$g/$f")" ]; then cat "${g%/*}/$f" >"$g/$f"; fi
			done
		done
		echo "$g" >>"$dir/cgroups"
		if [ "$fs" = cgroup2 ]; then
			echo "$g" >"$dir/cgroup2"
			for c in $(cat "$m/cgroup.subtree_control"); do echo "+$c" >"${g%/*}/cgroup.subtree_control"; done
		fi
	done
}
# Once nspawn has left CG for its supervisor/ on the v2 tree: CG's controllers enabled below it.
subtree() {
	g=$(cat "$dir/cgroup2" 2>/dev/null) || return 0
	for c in $(cat "$g/cgroup.controllers"); do
		grep -qw "$c" "$g/cgroup.subtree_control" || echo "+$c" >"$g/cgroup.subtree_control" 2>/dev/null || return 1
	done
}

case $cmd in
setup)
	ul=$1
	mkdir -p "$dir" && mount -t tmpfs tmpfs "$dir" && mkdir "$dir/upper" "$dir/work" "$dir/root"
	mount -t overlay overlay -o "lowerdir=$ul,upperdir=$dir/upper,workdir=$dir/work" "$dir/root"
	# The userland's policy-rc.d (no service starts while it was built) must not stop this
	# machine's package installs from starting theirs.
	rm -f "$dir/root/usr/sbin/policy-rc.d"
	echo boot-test >"$dir/root/etc/hostname"
	# Docker's units (a userland with docker.io) start only where a case enables them, in a
	# machine made like a host's: nspawn shows a guest of a cgroup v1 host the controllers
	# read-only, so containerd (whose shims run runc) makes them writable (a bind remount: Debian
	# 12's mount(8) refuses to mount a hierarchy again, "already mounted") in a mount namespace
	# of its own, before it starts (each of a unit's processes gets a new one: the remounts
	# and containerd in one process); netctl and the rest of the machine keep nspawn's
	# read-only view;
	# Docker's containers go under /netctl-boot-docker (as the sandbox dockerds' under
	# /netctl-test-docker), removed when containerd stops. The layers go to vfs: the machine's
	# root is an overlay, which overlay2 cannot stack on.
	if [ -e "$dir/root/usr/sbin/dockerd" ]; then
		rm -f "$dir/root/etc/systemd/system/multi-user.target.wants/docker.service" \
			"$dir/root/etc/systemd/system/multi-user.target.wants/containerd.service" \
			"$dir/root/etc/systemd/system/sockets.target.wants/docker.socket"
		mkdir -p "$dir/root/etc/systemd/system/containerd.service.d" "$dir/root/etc/docker"
		cat >"$dir/root/etc/systemd/system/containerd.service.d/nspawn-cgroups.conf" <<-'EOF'
			[Service]
			PrivateMounts=yes
			ExecStart=
			ExecStart=/bin/sh -c 'for c in blkio cpu cpuacct cpuset devices freezer memory pids; do ! [ -d /sys/fs/cgroup/$$c ] || mount -o remount,bind,rw /sys/fs/cgroup/$$c; done; exec /usr/bin/containerd'
			ExecStopPost=-/bin/sh -c 'for c in blkio cpu cpuacct cpuset devices freezer memory pids; do mount -o remount,bind,rw /sys/fs/cgroup/$$c && rmdir /sys/fs/cgroup/$$c/netctl-boot-docker/* /sys/fs/cgroup/$$c/netctl-boot-docker; done 2>/dev/null; true'
		EOF
		echo '{"storage-driver": "vfs", "cgroup-parent": "/netctl-boot-docker"}' >"$dir/root/etc/docker/daemon.json"
	fi
	# An image as an operator would import one: busybox (static, from this machine) with httpd.
	img=$dir/img && mkdir -p "$img/bin" "$img/etc" "$img/www" && cp /bin/busybox "$img/bin/"
	for a in sh httpd; do ln -s busybox "$img/bin/$a"; done
	echo root:x:0:0:root:/:/bin/sh >"$img/etc/passwd" && echo hello >"$img/www/index.html"
	mkdir -p "$dir/root/opt/boot-test" && tar -C "$img" -cf "$dir/root/opt/boot-test/busybox.tar" .
	ip netns add wan && ip -n wan link set lo up
	netns
	;;
boot)
	rm -f "$dir/leader" "$dir/nspawn" "$dir/nspawn.exit"
	cgroups
	# nspawn runs under a shell that waits for it and records its exit: orphaned, it would be
	# the child of the sandbox's init, which reaps no one, and stay a zombie after poweroff.
	# --keep-unit: this machine's PID 1 is not systemd (no bus to register a scope on). nspawn
	# gives CAP_NET_ADMIN and a writable /proc/sys/net only to a network namespace it made
	# itself: this one is the machine's own too (ufw, forwarding, route_localnet).
	# The shell joins the machine's cgroups first (cgroups() above), nspawn and the machine
	# start in them; on the v2 tree it goes back where it was (CG must be left to nspawn).
	SYSTEMD_NSPAWN_API_VFS_WRITABLE=network D=$dir setsid sh -c 'v2=$(sed -n "s/^0:://p" /proc/self/cgroup)
		while read -r g; do echo $$ >"$g/cgroup.procs"; done <"$D/cgroups"
		"$0" "$@" & echo $! >"$D/nspawn.tmp" && mv "$D/nspawn.tmp" "$D/nspawn"
		! [ -s "$D/cgroup2" ] || echo $$ >"$(dirname "$(dirname "$(cat "$D/cgroup2")")")$v2/cgroup.procs"
		wait $!; echo $? >"$D/nspawn.exit"' "$NSPAWN" -D "$dir/root" -b --network-namespace-path=/run/netns/machine \
		--capability=CAP_NET_ADMIN --system-call-filter='add_key keyctl request_key' --register=no --keep-unit \
		--machine=boot-test -q >>"$dir/console.log" 2>&1 </dev/null &
	i=0
	while [ ! -s "$dir/nspawn" ] && [ $i -lt 50 ]; do i=$((i + 1)) && sleep 0.1; done
	i=0
	while [ $i -lt 600 ]; do
		i=$((i + 1))
		for pid in $(pgrep -P "$(cat "$dir/nspawn")" 2>/dev/null || true); do
			echo "$pid" >"$dir/leader"
			leader >/dev/null && break
			rm -f "$dir/leader"
		done
		if leader >/dev/null && subtree; then
			s=$(inside systemctl is-system-running 2>/dev/null || true)
			case $s in running | degraded) echo "$s" && exit 0 ;; esac
		fi
		[ -e "$dir/nspawn.exit" ] && { tail -n 30 "$dir/console.log" >&2; exit 1; }
		sleep 0.2
	done
	echo "boot-machine: not up after 120 s" >&2 && diagnose >&2
	exit 1
	;;
in) inside "$@" ;;
poweroff)
	t0=$(date +%s)
	inside systemctl poweroff >/dev/null 2>&1 || true
	i=0
	while [ ! -e "$dir/nspawn.exit" ] && [ $i -lt 600 ]; do
		i=$((i + 1)) && sleep 0.2
		[ $i = 150 ] && diagnose >"$dir/poweroff-30s.log" 2>&1
	done
	if [ ! -e "$dir/nspawn.exit" ]; then
		echo "boot-machine: still running 120 s after poweroff" >&2
		{ echo "--- at 30 s" && cat "$dir/poweroff-30s.log" && echo "--- at 120 s" && diagnose; } >&2
		exit 1
	fi
	echo "powered off in $(($(date +%s) - t0)) s"
	netns
	rm -f "$dir/leader"
	;;
*) echo "boot-machine: unknown step $cmd" >&2 && exit 2 ;;
esac

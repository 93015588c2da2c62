#!/bin/sh
# A Debian machine booted with its own systemd under systemd-nspawn, for the boot test, inside
# the test's sandbox. Its root is an overlay on the cached userland (changes on a tmpfs, kept
# across its reboots, gone with the sandbox); its network namespace `machine` exists before its
# first boot and outlives each poweroff, joined by a veth to the namespace `wan`, where the
# test's probe runs: 203.0.113.1 (wan) -- 203.0.113.2 (machine, host0). So the probe can send
# from before the machine's first packet to after its last.
#   boot-machine.sh setup USERLAND DIR     overlay on DIR/root, namespaces, veth
#   boot-machine.sh boot DIR               boots it (in the background); waits for systemd to
#                                          finish starting up (120 s at most); prints its state
#   boot-machine.sh in DIR CMD...          runs CMD in it (all its namespaces, a clean environment)
#   boot-machine.sh poweroff DIR           `systemctl poweroff`, waits for nspawn to exit (120 s)
set -eu
NSPAWN=${NETCTL_NSPAWN:-/var/cache/netctl/nspawn/usr/bin/systemd-nspawn}
cmd=$1 dir=$2
shift 2

leader() { cat "$dir/leader" 2>/dev/null; }
inside() {
	nsenter -t "$(leader)" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb "$@"
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
	# A container's first process ignores SIGTERM (PID 1 of its namespace, as under Docker):
	# systemd's last kill at poweroff waits DefaultTimeoutStopSec (90 s) before SIGKILL.
	mkdir -p "$dir/root/etc/systemd/system.conf.d"
	printf '[Manager]\nDefaultTimeoutStopSec=10s\n' >"$dir/root/etc/systemd/system.conf.d/boot-test.conf"
	# An image as an operator would import one: busybox (static, from this machine) with httpd.
	img=$dir/img && mkdir -p "$img/bin" "$img/etc" "$img/www" && cp /bin/busybox "$img/bin/"
	for a in sh httpd; do ln -s busybox "$img/bin/$a"; done
	echo root:x:0:0:root:/:/bin/sh >"$img/etc/passwd" && echo hello >"$img/www/index.html"
	mkdir -p "$dir/root/opt/boot-test" && tar -C "$img" -cf "$dir/root/opt/boot-test/busybox.tar" .
	ip netns add machine && ip netns add wan
	ip link add host0 netns machine type veth peer name wan0 netns wan
	ip -n wan addr add 203.0.113.1/24 dev wan0 && ip -n wan link set wan0 up && ip -n wan link set lo up
	ip -n machine addr add 203.0.113.2/24 dev host0 && ip -n machine link set host0 up && ip -n machine link set lo up
	ip -n machine route add default via 203.0.113.1
	;;
boot)
	rm -f "$dir/leader"
	# --keep-unit: this machine's PID 1 is not systemd (no bus to register a scope on). nspawn
	# gives CAP_NET_ADMIN and a writable /proc/sys/net only to a network namespace it made
	# itself: this one is the machine's own too (ufw, forwarding, route_localnet).
	SYSTEMD_NSPAWN_API_VFS_WRITABLE=network setsid "$NSPAWN" -D "$dir/root" -b --network-namespace-path=/run/netns/machine \
		--capability=CAP_NET_ADMIN --register=no --keep-unit \
		--machine=boot-test -q >>"$dir/console.log" 2>&1 </dev/null &
	echo $! >"$dir/nspawn"
	i=0
	while [ $i -lt 600 ]; do
		i=$((i + 1))
		pid=$(pgrep -P "$(cat "$dir/nspawn")" 2>/dev/null | head -n 1 || true)
		if [ -n "$pid" ]; then
			echo "$pid" >"$dir/leader"
			s=$(inside systemctl is-system-running 2>/dev/null || true)
			case $s in running | degraded) echo "$s" && exit 0 ;; esac
		fi
		kill -0 "$(cat "$dir/nspawn")" 2>/dev/null || { tail -n 30 "$dir/console.log" >&2; exit 1; }
		sleep 0.2
	done
	echo "boot-machine: not up after 120 s: $(inside systemctl list-jobs --no-pager 2>&1 | head -n 5)" >&2
	exit 1
	;;
in) inside "$@" ;;
poweroff)
	n=$(cat "$dir/nspawn")
	inside systemctl poweroff >/dev/null 2>&1 || true
	i=0
	while kill -0 "$n" 2>/dev/null && [ $i -lt 600 ]; do i=$((i + 1)) && sleep 0.2; done
	if kill -0 "$n" 2>/dev/null; then echo "boot-machine: still running 120 s after poweroff" >&2 && exit 1; fi
	rm -f "$dir/leader"
	;;
*) echo "boot-machine: unknown step $cmd" >&2 && exit 2 ;;
esac

#!/bin/sh
# Builds (once per machine) the Debian userland a test daemon runs from: `debootstrap` of
# SUITE with the packages listed below, into /var/cache/netctl/userlands/NAME, never
# installed on the machine itself. A stamp of the suite, the package list and this recipe is
# kept in the userland: when it differs the userland is built again. The build runs in a
# private mount namespace (debootstrap's proc and sys mounts never show on the machine), with a
# policy-rc.d in the userland so that no package starts a service, and takes a lock so that two
# test files asking at once build it once. Prints the userland's path.
# Usage: userland.sh NAME...         (NETCTL_USERLANDS=DIR: another cache directory)
# NAME is a suite (trixie, sid: a Docker, Podman and containerd userland) or SUITE-pkg: what the netctl package
# needs, preinstalled so that `apt install ./netctl_*.deb` resolves offline in a test (trixie-boot: the
# same and docker.io, the boot test's machine; bookworm-boot: Debian 12's boot test's).
set -eu
CACHE=${NETCTL_USERLANDS:-/var/cache/netctl/userlands}
RECIPE=1

# The Docker each suite ships (see test/integration/helpers/docker-flavours.ts), with the
# Podman 5 + netavark + aardvark-dns (nftables driver) and the containerd (CRI) beside it, and
# the CNI reference plugins the CRI tests compare with: one userland per suite for all daemons.
packages() {
	case $1 in
	trixie | sid) echo docker.io,docker-cli,docker-compose,iptables,ca-certificates,podman,netavark,aardvark-dns,nftables,crun,containernetworking-plugins ;;
	trixie-pkg) echo nodejs,iptables,iproute2,zstd,attr,ufw,man-db,bash-completion,systemd,systemd-sysv,dbus ;;
	# The boot test's machine: the same with Debian's dockerd, for the Docker guard across a
	# reboot (a userland of its own: the package test's stays as small as a user's machine).
	trixie-boot) echo "$(packages trixie-pkg),docker.io,docker-cli" ;;
	# Debian 12 has only nodejs 18: its user installs Node 20 from NodeSource first (the boot
	# test repacks this machine's), whose dependencies are here so that apt resolves offline.
	bookworm-pkg) echo python3,ca-certificates,iptables,iproute2,zstd,attr,ufw,man-db,bash-completion,systemd,systemd-sysv,dbus ;;
	# Its boot test's machine: the same with Debian 12's dockerd (docker.io 20.10, the CLI in
	# the same package), as trixie-boot is trixie-pkg's.
	bookworm-boot) echo "$(packages bookworm-pkg),docker.io" ;;
	*)
		echo "userland.sh: no package list for suite \"$1\" (known: trixie, sid, trixie-pkg, trixie-boot, bookworm-pkg, bookworm-boot)" >&2
		return 1
		;;
	esac
}

build() {
	name=$1
	suite=${name%%-*}
	pkgs=$(packages "$name")
	dir=$CACHE/$name
	stamp="suite=$suite packages=$pkgs recipe=$RECIPE"
	if [ "$(cat "$dir/.netctl-userland" 2>/dev/null)" = "$stamp" ]; then
		echo "$dir"
		return 0
	fi
	tmp=$dir.build
	rm -rf "$tmp"
	mkdir -p "$tmp/usr/sbin"
	start=$(date +%s)
	echo "userland.sh: building the $name userland in $dir ($pkgs)" >&2
	# Stage one unpacks; the policy-rc.d goes in before stage two configures (runs postinsts).
	unshare --mount --propagation private -- sh -c '
		set -e
		debootstrap --variant=minbase --foreign --include="$2" "$1" "$3" >"$3.log" 2>&1
		printf "#!/bin/sh\nexit 101\n" >"$3/usr/sbin/policy-rc.d" && chmod +x "$3/usr/sbin/policy-rc.d"
		chroot "$3" /debootstrap/debootstrap --second-stage >>"$3.log" 2>&1
	' userland "$suite" "$pkgs" "$tmp" || {
		tail -20 "$tmp.log" >&2
		echo "userland.sh: debootstrap $suite failed (log: $tmp.log)" >&2
		return 1
	}
	rm -rf "$tmp/var/cache/apt/archives/"*.deb
	echo "$stamp" >"$tmp/.netctl-userland"
	rm -rf "$dir" && mv "$tmp" "$dir" && rm -f "$tmp.log"
	echo "userland.sh: $name built in $(($(date +%s) - start)) s" >&2
	echo "$dir"
}

mkdir -p "$CACHE"
for suite in "$@"; do
	# One builder per suite at a time: the others wait (15 min at most) and find it built.
	exec 9>"$CACHE/.$suite.lock"
	flock -w 900 9 || {
		echo "userland.sh: another build of $suite holds $CACHE/.$suite.lock" >&2
		exit 1
	}
	build "$suite"
	exec 9>&-
done

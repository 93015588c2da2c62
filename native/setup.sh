#!/usr/bin/env bash
# Makes a fresh Debian 12 machine (Node 20, root) ready to build, test and demo netctl:
# the Debian packages it uses, the npm dependencies, the TypeScript build and the native
# addon and launcher. Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

# Debian packages: command -> package.
declare -A PKG=(
	[iptables]=iptables [ufw]=ufw [ip]=iproute2 [busybox]=busybox-static [curl]=curl
	[socat]=socat [conntrack]=conntrack [ping]=iputils-ping [tmux]=tmux [groff]=groff-base
	[unshare]=util-linux [nsenter]=util-linux [make]=make [g++]=g++ [python3]=python3
	[dnsmasq]=dnsmasq-base
	[debootstrap]=debootstrap
	[setfattr]=attr [zstd]=zstd [lintian]=lintian [skopeo]=skopeo [htpasswd]=apache2-utils [openssl]=openssl
)
missing=()
for cmd in "${!PKG[@]}"; do
	if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$cmd" ] && [ ! -x "/sbin/$cmd" ]; then
		missing+=("${PKG[$cmd]}")
	fi
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		say "missing Debian packages: ${missing[*]} (run as root, or apt-get install them)"
		exit 1
	fi
	mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
	say "installing Debian packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Container engines the tests drive inside sandboxes only, never the machine's own:
# Debian's dockerd and docker-compose 1.29 (issue 15, test/integration/helpers/docker.ts) and
# podman with the reference CNI plugins netctl chains with, in /usr/lib/cni (issue 16). By
# path: /usr/local/bin/docker may be another client. No package may start a service of the
# machine's: a policy-rc.d denying service starts is put in place for the install when none exists.
engines_missing=()
[ -x /usr/sbin/dockerd ] || engines_missing+=(docker.io)
[ -x /usr/bin/docker-compose ] || engines_missing+=(docker-compose)
[ -x /usr/lib/cni/bandwidth ] || engines_missing+=(containernetworking-plugins)
command -v podman >/dev/null 2>&1 || engines_missing+=(podman)
# The embedded DNS server's bench peer (issue 22): the binary alone, no service.
[ -x /usr/lib/podman/aardvark-dns ] || engines_missing+=(aardvark-dns)
# Docker 29's nftables backend, reproduced from moby's rulesets (issue 30): the nft tool, its unit left disabled.
[ -x /usr/sbin/nft ] || engines_missing+=(nftables)
if [ ${#engines_missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		say "missing Debian packages: ${engines_missing[*]} (run as root, or apt-get install them)"
		exit 1
	fi
	say "installing Debian packages for the Docker, Podman and CNI tests: ${engines_missing[*]}"
	policy_added=
	if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_added=1; fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${engines_missing[@]}" >/dev/null
	[ -z "$policy_added" ] || rm -f /usr/sbin/policy-rc.d
fi

# The image registry the pull tests run (issue 24): Debian's docker-registry (distribution
# 2.8) as a bare binary, unpacked from its package and never installed, so no service of the
# machine's starts. test/integration/helpers/registry.ts runs it inside a sandbox.
REGISTRY_DIR=/var/cache/netctl/docker-registry
if [ ! -x "$REGISTRY_DIR/usr/bin/docker-registry" ] && [ "$(id -u)" = 0 ]; then
	say "unpacking Debian's docker-registry binary into $REGISTRY_DIR"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -qq docker-registry >/dev/null 2>&1) || { apt-get update -qq && (cd "$tmp" && apt-get download -qq docker-registry >/dev/null); }
	mkdir -p "$REGISTRY_DIR"
	dpkg-deb -x "$tmp"/docker-registry_*.deb "$REGISTRY_DIR"
	rm -rf "$tmp"
fi

# systemd-nspawn for the boot test (issue 23): Debian's systemd-container of the machine's own
# systemd version (the binary uses systemd's private library of that version), unpacked and
# never installed, so that no machined or importd unit lands on the machine.
NSPAWN_DIR=/var/cache/netctl/nspawn
if [ ! -x "$NSPAWN_DIR/usr/bin/systemd-nspawn" ] && [ "$(id -u)" = 0 ] && command -v systemctl >/dev/null; then
	say "unpacking Debian's systemd-nspawn binary into $NSPAWN_DIR"
	tmp=$(mktemp -d) && chmod 755 "$tmp"
	v=$(dpkg-query -W -f '${Version}' systemd)
	(cd "$tmp" && apt-get download -qq "systemd-container=$v" >/dev/null 2>&1) || { apt-get update -qq && (cd "$tmp" && apt-get download -qq "systemd-container=$v" >/dev/null); }
	mkdir -p "$NSPAWN_DIR"
	dpkg-deb -x "$tmp"/systemd-container_*.deb "$NSPAWN_DIR"
	rm -rf "$tmp"
fi

# npm dependencies: install when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	say "installing npm dependencies (better-sqlite3 builds from source: ~2 min)"
	npm ci --no-audit --no-fund --loglevel=error
fi

# TypeScript -> dist/, only when a source is newer than the last build.
if [ ! -f dist/bin/netctl.js ] || [ -n "$(find src -newer dist/bin/netctl.js -name '*.ts*' -print -quit)" ] || [ package.json -nt dist/bin/netctl.js ] || [ native/bundle.mjs -nt dist/bin/netctl.js ]; then
	say "building TypeScript"
	node_modules/.bin/tsc -p src
	node native/bundle.mjs >/dev/null
fi

# The native addon and launcher (node-gyp, from source).
if [ -f native/build.mjs ]; then
	node native/build.mjs
fi

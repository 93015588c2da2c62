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

# CNI (issue 16): the reference plugins netctl chains with (bandwidth, tuning, firewall, ...)
# live in /usr/lib/cni, not on PATH; Podman drives netctl as a CNI plugin in the tests.
cni_missing=()
[ -x /usr/lib/cni/bandwidth ] || cni_missing+=(containernetworking-plugins)
command -v podman >/dev/null 2>&1 || cni_missing+=(podman)
if [ ${#cni_missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		say "missing Debian packages: ${cni_missing[*]} (run as root, or apt-get install them)"
		exit 1
	fi
	say "installing Debian packages: ${cni_missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${cni_missing[@]}" >/dev/null
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

# shellcheck shell=bash
# Driver: netctl (this repository, built in dist/), measured like netavark: the container's
# namespace exists beforehand (drv_prepare), and the timed setup/teardown is netctl's
# network work for one container in it, the code `netctl run` / `netctl rm` run: database
# records (address from IPAM, the port reserved), veth into the namespace, address, route,
# hairpin, then the published port's rules applied with iptables-restore and verified by
# reading them back; teardown the reverse. netctl has no daemon, so a small node process
# (netctl-net.mjs) stays up for the whole run and is asked over a pipe: the numbers are
# netctl's work without node's start. The whole CLI (node start included) is measured by
# drv_extra: `netctl run -d -p 8080:80` and `netctl rm -f`, like docker's one-shot check.
# Network `peerbench`: bridge ncbr0, 10.87.0.0/24, addresses from netctl's IPAM.

NCTL_REPO=$(cd "$HERE/../../.." && pwd)
NCTL_NODE=${NETCTL_NODE:-$(command -v node)}
NCTL_RUN_ITERS=${NETCTL_RUN_ITERS:-10}
declare -A NCTL_PORT

drv_init() {
	local reply
	[ -n "$NCTL_NODE" ] && [ -x "$NCTL_NODE" ] || { DRV_ERR="node not found (set NETCTL_NODE)"; return 1; }
	[ -f "$NCTL_REPO/dist/engine/containers.js" ] || { DRV_ERR="netctl is not built in $NCTL_REPO (npm run build)"; return 1; }
	NCTL_ROOT=$W/netctl/root NCTL_RUNROOT=$W/netctl/run
	mkdir -p "$NCTL_ROOT" "$NCTL_RUNROOT"
	coproc NCTL { exec "$NCTL_NODE" "$HERE/netctl-net.mjs" "$NCTL_ROOT" "$NCTL_RUNROOT" 2>>"$ERRLOG"; }
	NCTL_IN=${NCTL[1]} NCTL_OUT=${NCTL[0]}
	IFS= read -r -t 60 reply <&"$NCTL_OUT" || { DRV_ERR="netctl-net.mjs did not start: $(tail -3 "$ERRLOG" | tr '\n' ' ')"; return 1; }
	[ "$reply" = "ok ready" ] || { DRV_ERR="netctl-net.mjs: $reply"; return 1; }
	DRV_VERSION="netctl $(sed -n 's/^ *"version": "\(.*\)",/\1/p' "$NCTL_REPO/package.json" | head -1) ($(git -C "$NCTL_REPO" rev-parse --short HEAD 2>/dev/null || echo '?'))"
	DRV_DESC="$DRV_VERSION, $(iptables -V | awk '{print $2, $3}'), in-process engine in one long-lived node (no node start per call)"
	DRV_SERVER=netns
	DRV_LABEL="netctl (engine)"
}

# nctl COMMAND... -> 0 and NCTL_REPLY=the parts on "ok", 1 (message in ERRLOG) otherwise
nctl() {
	local reply
	printf '%s\n' "$*" >&"$NCTL_IN" || { echo "netctl-net.mjs: cannot send '$*'" >>"$ERRLOG"; return 1; }
	IFS= read -r -t 60 reply <&"$NCTL_OUT" || { echo "netctl-net.mjs: no answer to '$*'" >>"$ERRLOG"; return 1; }
	case $reply in
	ok*) NCTL_REPLY=${reply#ok}; NCTL_REPLY=${NCTL_REPLY# }; return 0;;
	*) echo "netctl $*: ${reply#err }" >>"$ERRLOG"; return 1;;
	esac
}

drv_prepare() { # name idx hostport(0=none)
	ip netns add "$1" || return 1
	NCTL_PORT[$1]=$3
}

drv_setup() { nctl setup "$1" "${NCTL_PORT[$1]}" && DRV_BREAKDOWN=$NCTL_REPLY; }
drv_teardown() { nctl teardown "$1" && DRV_BREAKDOWN=$NCTL_REPLY; }
drv_cleanup() { ip netns del "$1" 2>/dev/null; unset "NCTL_PORT[$1]"; }

# The whole CLI, node start included: `netctl run -d -p 8080:80` until it returns (the
# process runs then) and `netctl rm -f`, NETCTL_RUN_ITERS times; the first run also fetches
# through the published port from the client namespace. The command is run as installed
# (dist/bin/netctl.js through its first line, which starts node without NODE_EXTRA_CA_CERTS:
# Node 20 parses that bundle before any code runs). Each iteration also times the same
# `run -d` as `node dist/bin/netctl.js` with the environment as it is (run_d_node), so the
# cost of a CA bundle named in the environment shows beside it.
nctl_cli() { PATH="$(dirname "$NCTL_NODE"):$PATH" "$NCTL_REPO/dist/bin/netctl.js" --root "$NCTL_ROOT" --run-root "$NCTL_RUNROOT" "$@"; }
nctl_node() { "$NCTL_NODE" "$NCTL_REPO/dist/bin/netctl.js" --root "$NCTL_ROOT" --run-root "$NCTL_RUNROOT" "$@"; }

drv_extra() {
	local i rc out img=$W/netctl/img a
	mkdir -p "$img/rootfs/bin" "$img/rootfs/www"
	cp "$(command -v busybox)" "$img/rootfs/bin/busybox"
	for a in $(busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$img/rootfs/bin/$a"; done
	echo "$SERVER_TEXT" >"$img/rootfs/www/index.html"
	tar -C "$img/rootfs" -cf "$img/rootfs.tar" .
	nctl_cli image import "$img/rootfs.tar" peerbench/bb >/dev/null 2>>"$ERRLOG" || { kv netctl_run_check "FAIL (image import: $(err_tail))"; return; }
	: >"$RES/raw/run_d.us"; : >"$RES/raw/rm_f.us"; : >"$RES/raw/run_d_node.us"
	for i in $(seq 0 "$NCTL_RUN_ITERS"); do
		# iteration 0 is the warm-up (it also creates the default network)
		if [ "$i" = 0 ]; then
			nctl_cli run -d --name "run$i" -p 8080:80 peerbench/bb httpd -f -p 80 -h /www >/dev/null 2>>"$ERRLOG"; rc=$?
		else
			timeit "$RES/raw/run_d.us" nctl_cli run -d --name "run$i" -p 8080:80 peerbench/bb httpd -f -p 80 -h /www >/dev/null 2>>"$ERRLOG"; rc=$?
		fi
		if [ $rc != 0 ]; then kv netctl_run_check "FAIL (run -d: $(err_tail))"; return; fi
		if [ "$i" = 1 ]; then
			if out=$(client_fetch 8080 "$SERVER_TEXT"); then kv netctl_run_check "OK ('netctl run -d -p 8080:80' then client fetch of :8080 answered '$out')"
			else kv netctl_run_check "FAIL (client fetch of :8080 gave: $(echo "$out" | tr '\n' ' ' | cut -c1-200))"; fi
		fi
		if [ "$i" = 0 ]; then nctl_cli rm -f "run$i" >/dev/null 2>>"$ERRLOG"
		else timeit "$RES/raw/rm_f.us" nctl_cli rm -f "run$i" >/dev/null 2>>"$ERRLOG"; fi
		settle
		[ "$i" = 0 ] && continue
		timeit "$RES/raw/run_d_node.us" nctl_node run -d --name "node$i" -p 8080:80 peerbench/bb httpd -f -p 80 -h /www >/dev/null 2>>"$ERRLOG" || { kv netctl_run_check "FAIL (node run -d: $(err_tail))"; return; }
		nctl_cli rm -f "node$i" >/dev/null 2>>"$ERRLOG"
		settle
	done
	kv run_d "$(stats "$RES/raw/run_d.us")"
	kv rm_f "$(stats "$RES/raw/rm_f.us")"
	kv run_d_node "$(stats "$RES/raw/run_d_node.us")"
	kv node_extra_ca_certs "${NODE_EXTRA_CA_CERTS:-unset}"
}

drv_fini() {
	[ -n "${NCTL_PID:-}" ] || return 0
	printf 'quit\n' >&"$NCTL_IN" 2>/dev/null
	wait "$NCTL_PID" 2>/dev/null
	true
}

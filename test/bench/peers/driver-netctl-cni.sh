# shellcheck shell=bash
# Driver: netctl as a CNI plugin (type netctl), run the way a runtime runs a plugin and the
# way driver-cni.sh runs the reference chain: one exec per ADD and per DEL with the CNI_*
# environment and the network configuration on stdin (the portMappings capability's
# runtimeConfig publishing the host port, DEL given the ADD's result as prevResult). The
# executable is what `netctl cni install --bin-dir` writes, installed into the work dir:
# a sh wrapper exec'ing the C shim (native/build/netctl-cni-shim), which forwards the call
# to `netctl cni serve` started in drv_init (untimed, like dockerd in driver-docker.sh) on
# a socket in the work dir. driver-netctl-cni-exec.sh (NCNI_MODE=exec) installs the plugin
# with --no-daemon instead: node starts on every call. netctl's state (root, run root)
# lives in the work dir, its rules in this private namespace. Network `benchnc`: bridge
# nccnibr0, 10.86.0.0/24, addresses from netctl's IPAM.

NCNI_REPO=$(cd "$HERE/../../.." && pwd)
NCNI_NODE=${NETCTL_NODE:-$(command -v node)}
NCNI_MODE=${NCNI_MODE:-daemon}
NCNI_PID=
declare -A NCNI_RT NCNI_RESULT

# Starts `netctl cni serve` on $NCNI_SOCK and waits (30 s at most) until it answers a
# VERSION call through the shim without fallback.
ncni_serve() {
	"$NCNI_NODE" "$NCNI_REPO/dist/bin/netctl.js" --root "$NCNI_ROOT" --run-root "$NCNI_RUNROOT" cni serve --socket "$NCNI_SOCK" >"$W/netctl/serve.log" 2>&1 &
	NCNI_PID=$!
	for _ in $(seq 1 300); do
		CNI_COMMAND=VERSION "$NCNI_REPO/native/build/netctl-cni-shim" "$NCNI_SOCK" /bin/false <<<'{"cniVersion":"1.0.0"}' >/dev/null 2>&1 && return 0
		kill -0 "$NCNI_PID" 2>/dev/null || { DRV_ERR="netctl cni serve exited: $(tail -3 "$W/netctl/serve.log")"; return 1; }
		sleep 0.1
	done
	DRV_ERR="netctl cni serve did not answer in 30 s: $(tail -3 "$W/netctl/serve.log")"
	return 1
}

drv_init() {
	local out
	[ -n "$NCNI_NODE" ] && [ -x "$NCNI_NODE" ] || { DRV_ERR="node not found (set NETCTL_NODE)"; return 1; }
	[ -f "$NCNI_REPO/dist/bin/netctl-cni.cjs" ] || { DRV_ERR="netctl is not built in $NCNI_REPO (npm run build)"; return 1; }
	NCNI_ROOT=$W/netctl/root NCNI_RUNROOT=$W/netctl/run NCNI_BIN=$W/cni-bin
	NCNI_SOCK=$W/netctl/cni.sock
	mkdir -p "$NCNI_ROOT" "$NCNI_RUNROOT"
	local how=(--socket "$NCNI_SOCK")
	if [ "$NCNI_MODE" = exec ]; then
		how=(--no-daemon)
	else
		[ -x "$NCNI_REPO/native/build/netctl-cni-shim" ] || { DRV_ERR="no native/build/netctl-cni-shim in $NCNI_REPO (npm run build)"; return 1; }
	fi
	out=$("$NCNI_NODE" "$NCNI_REPO/dist/bin/netctl.js" --root "$NCNI_ROOT" --run-root "$NCNI_RUNROOT" cni install --bin-dir "$NCNI_BIN" "${how[@]}" 2>&1) || { DRV_ERR="netctl cni install: $out"; return 1; }
	[ -x "$NCNI_BIN/netctl" ] || { DRV_ERR="netctl cni install wrote no $NCNI_BIN/netctl"; return 1; }
	if [ "$NCNI_MODE" = exec ]; then
		grep -q netctl-cni-shim "$NCNI_BIN/netctl" && { DRV_ERR="cni install --no-daemon wrote a wrapper with the shim"; return 1; }
	else
		grep -q netctl-cni-shim "$NCNI_BIN/netctl" || { DRV_ERR="cni install wrote a wrapper without the shim"; return 1; }
		ncni_serve || return 1
	fi
	export CNI_PATH=$NCNI_BIN:/usr/lib/cni CNI_IFNAME=eth0
	# Up to the runtimeConfig, which each container gets its own of (drv_prepare).
	NCNI_CONF='{"cniVersion":"1.0.0","name":"benchnc","type":"netctl","bridge":"nccnibr0","subnet":"10.86.0.0/24","root":"'"$NCNI_ROOT"'","runRoot":"'"$NCNI_RUNROOT"'","capabilities":{"portMappings":true},'
	DRV_VERSION="netctl $(sed -n 's/^ *"version": "\(.*\)",/\1/p' "$NCNI_REPO/package.json" | head -1) ($(git -C "$NCNI_REPO" rev-parse --short HEAD 2>/dev/null || echo '?'))"
	if [ "$NCNI_MODE" = exec ]; then
		DRV_DESC="$DRV_VERSION CNI plugin (type netctl, portMappings), node $("$NCNI_NODE" --version), one exec of the installed plugin (node) per ADD/DEL"
		DRV_LABEL="netctl-cni-exec"
	else
		DRV_DESC="$DRV_VERSION CNI plugin (type netctl, portMappings), one exec of the installed plugin (C shim) per ADD/DEL, answered by netctl cni serve (node $("$NCNI_NODE" --version), started untimed)"
		DRV_LABEL="netctl-cni"
	fi
	DRV_SERVER=netns
}

drv_prepare() { # name idx hostport(0=none)
	local name=$1 port=$3 maps=''
	ip netns add "$name" || return 1
	[ "$port" != 0 ] && maps='{"hostPort":'"$port"',"containerPort":80,"protocol":"tcp"}'
	NCNI_RT[$name]='"runtimeConfig":{"portMappings":['"$maps"']}'
}

# With the daemon: a call while it is gone would silently measure the fallback (node).
ncni_alive() { [ -z "$NCNI_PID" ] || kill -0 "$NCNI_PID" 2>/dev/null || { echo "netctl cni serve (pid $NCNI_PID) is gone" >>"$ERRLOG"; return 1; }; }

drv_setup() {
	local n=$1 r
	ncni_alive || return 1
	export CNI_COMMAND=ADD CNI_CONTAINERID=$n CNI_NETNS=/run/netns/$n
	r=$("$NCNI_BIN/netctl" <<<"$NCNI_CONF${NCNI_RT[$n]}}" 2>>"$ERRLOG") || { echo "netctl ADD: $r" >>"$ERRLOG"; return 1; }
	NCNI_RESULT[$n]=$r
}

drv_teardown() {
	local n=$1 out
	ncni_alive || return 1
	export CNI_COMMAND=DEL CNI_CONTAINERID=$n CNI_NETNS=/run/netns/$n
	out=$("$NCNI_BIN/netctl" <<<"$NCNI_CONF${NCNI_RT[$n]},\"prevResult\":${NCNI_RESULT[$n]}}" 2>>"$ERRLOG") || { echo "netctl DEL: $out" >>"$ERRLOG"; return 1; }
}

drv_cleanup() { ip netns del "$1" 2>/dev/null; unset "NCNI_RT[$1]" "NCNI_RESULT[$1]"; }
drv_fini() {
	[ -n "$NCNI_PID" ] || return 0
	kill "$NCNI_PID" 2>/dev/null
	for _ in $(seq 1 50); do kill -0 "$NCNI_PID" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$NCNI_PID" 2>/dev/null
	[ -n "${RES:-}" ] && [ -f "$W/netctl/serve.log" ] && echo "netctl_cni_serve_calls=$(grep -c ': exit ' "$W/netctl/serve.log")" >"$RES/netctl-cni-serve.txt"
	NCNI_PID=
}

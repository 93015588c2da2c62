# shellcheck shell=bash
# Driver: netctl as a CNI plugin (type netctl), run the way a runtime runs a plugin and the
# way driver-cni.sh runs the reference chain: one exec per ADD and per DEL with the CNI_*
# environment and the network configuration on stdin (the portMappings capability's
# runtimeConfig publishing the host port, DEL given the ADD's result as prevResult). The
# executable is what `netctl cni install --bin-dir` writes (a sh wrapper exec'ing node on
# dist/bin/netctl-cni.cjs), installed into the work dir; node starts on every call, as
# under a runtime. netctl's state (root, run root) lives in the work dir, its rules in
# this private namespace. Network `benchnc`: bridge nccnibr0, 10.86.0.0/24, addresses
# from netctl's IPAM.

NCNI_REPO=$(cd "$HERE/../../.." && pwd)
NCNI_NODE=${NETCTL_NODE:-$(command -v node)}
declare -A NCNI_RT NCNI_RESULT

drv_init() {
	local out
	[ -n "$NCNI_NODE" ] && [ -x "$NCNI_NODE" ] || { DRV_ERR="node not found (set NETCTL_NODE)"; return 1; }
	[ -f "$NCNI_REPO/dist/bin/netctl-cni.cjs" ] || { DRV_ERR="netctl is not built in $NCNI_REPO (npm run build)"; return 1; }
	NCNI_ROOT=$W/netctl/root NCNI_RUNROOT=$W/netctl/run NCNI_BIN=$W/cni-bin
	mkdir -p "$NCNI_ROOT" "$NCNI_RUNROOT"
	out=$("$NCNI_NODE" "$NCNI_REPO/dist/bin/netctl.js" --root "$NCNI_ROOT" --run-root "$NCNI_RUNROOT" cni install --bin-dir "$NCNI_BIN" 2>&1) || { DRV_ERR="netctl cni install: $out"; return 1; }
	[ -x "$NCNI_BIN/netctl" ] || { DRV_ERR="netctl cni install wrote no $NCNI_BIN/netctl"; return 1; }
	export CNI_PATH=$NCNI_BIN:/usr/lib/cni CNI_IFNAME=eth0
	# Up to the runtimeConfig, which each container gets its own of (drv_prepare).
	NCNI_CONF='{"cniVersion":"1.0.0","name":"benchnc","type":"netctl","bridge":"nccnibr0","subnet":"10.86.0.0/24","root":"'"$NCNI_ROOT"'","runRoot":"'"$NCNI_RUNROOT"'","capabilities":{"portMappings":true},'
	DRV_VERSION="netctl $(sed -n 's/^ *"version": "\(.*\)",/\1/p' "$NCNI_REPO/package.json" | head -1) ($(git -C "$NCNI_REPO" rev-parse --short HEAD 2>/dev/null || echo '?'))"
	DRV_DESC="$DRV_VERSION CNI plugin (type netctl, portMappings), node $("$NCNI_NODE" --version), one exec of the installed plugin per ADD/DEL"
	DRV_SERVER=netns
	DRV_LABEL="netctl-cni"
}

drv_prepare() { # name idx hostport(0=none)
	local name=$1 port=$3 maps=''
	ip netns add "$name" || return 1
	[ "$port" != 0 ] && maps='{"hostPort":'"$port"',"containerPort":80,"protocol":"tcp"}'
	NCNI_RT[$name]='"runtimeConfig":{"portMappings":['"$maps"']}'
}

drv_setup() {
	local n=$1 r
	export CNI_COMMAND=ADD CNI_CONTAINERID=$n CNI_NETNS=/run/netns/$n
	r=$("$NCNI_BIN/netctl" <<<"$NCNI_CONF${NCNI_RT[$n]}}" 2>>"$ERRLOG") || { echo "netctl ADD: $r" >>"$ERRLOG"; return 1; }
	NCNI_RESULT[$n]=$r
}

drv_teardown() {
	local n=$1 out
	export CNI_COMMAND=DEL CNI_CONTAINERID=$n CNI_NETNS=/run/netns/$n
	out=$("$NCNI_BIN/netctl" <<<"$NCNI_CONF${NCNI_RT[$n]},\"prevResult\":${NCNI_RESULT[$n]}}" 2>>"$ERRLOG") || { echo "netctl DEL: $out" >>"$ERRLOG"; return 1; }
}

drv_cleanup() { ip netns del "$1" 2>/dev/null; unset "NCNI_RT[$1]" "NCNI_RESULT[$1]"; }
drv_fini() { :; }

# shellcheck shell=bash
# Driver: netctl's CNI plugin exec'd with node on every ADD and DEL (`netctl cni install
# --no-daemon`), no `netctl cni serve`: what a runtime gets without the daemon. Everything
# else as driver-netctl-cni.sh, which this runs with NCNI_MODE=exec.
NCNI_MODE=exec
# shellcheck source=driver-netctl-cni.sh
. "$HERE/driver-netctl-cni.sh"

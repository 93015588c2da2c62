#!/bin/sh
# The pod sandbox ("pause") image of the CRI tests, tagged localhost/netctl-pause:1, that
# `ctr -n k8s.io images import` takes. Its entrypoint serves /www on port 80 (busybox httpd in
# the foreground), so a pod answers on its hostPort with no container beside its sandbox; a
# SIGKILL from containerd's StopPodSandbox ends it like the real pause.
# Usage: make-pause-image.sh DIR      -> DIR/pause.tar
set -eu
exec sh "$(dirname "$0")/make-save-image.sh" "$1" pause.tar localhost/netctl-pause:1 pod-page \
	'{"Entrypoint":["/bin/httpd","-f","-p","80","-h","/www"],"WorkingDir":"/"}' sh httpd sleep

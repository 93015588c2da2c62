#!/bin/sh
# The busybox image the Podman tests `podman load`, tagged localhost/netctl-bb:latest.
# Usage: make-podman-image.sh DIR      -> DIR/podman-bb.tar
set -eu
exec sh "$(dirname "$0")/make-save-image.sh" "$1" podman-bb.tar localhost/netctl-bb:latest podman-page \
	'{"Cmd":["/bin/sh"],"WorkingDir":"/"}' sh ls cat echo httpd nc sleep wget ip ping hostname

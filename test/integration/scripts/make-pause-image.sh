#!/bin/sh
# The pod sandbox ("pause") image of the CRI tests, made on the spot from Debian's
# busybox-static (nothing downloaded): a `docker save` archive of one layer that
# `ctr -n k8s.io images import` takes, tagged localhost/netctl-pause:1. Its entrypoint
# serves /www on port 80 (busybox httpd in the foreground), so a pod answers on its
# hostPort with no container beside its sandbox; a SIGKILL from containerd's
# StopPodSandbox ends it like the real pause.
# Usage: make-pause-image.sh DIR      -> DIR/pause.tar
set -eu
DIR=$1
rm -rf "$DIR" && mkdir -p "$DIR/rootfs/bin" "$DIR/rootfs/etc" "$DIR/rootfs/www" "$DIR/save" && cd "$DIR"
cp /bin/busybox rootfs/bin/busybox
for a in sh httpd sleep; do ln -s busybox "rootfs/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >rootfs/etc/passwd
printf 'root:x:0:\n' >rootfs/etc/group
echo pod-page >rootfs/www/index.html
tar -C rootfs --numeric-owner --sort=name --mtime=@0 -cf layer.tar .
L=$(sha256sum layer.tar | cut -d' ' -f1)
mkdir -p "save/$L" && mv layer.tar "save/$L/layer.tar"
printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/bin/httpd","-f","-p","80","-h","/www"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$L" >config.json
C=$(sha256sum config.json | cut -d' ' -f1)
mv config.json "save/$C.json"
printf '[{"Config":"%s.json","RepoTags":["localhost/netctl-pause:1"],"Layers":["%s/layer.tar"]}]' "$C" "$L" >save/manifest.json
tar -C save -cf pause.tar .

#!/bin/sh
# A `docker save` archive of one layer (Debian's busybox-static, with nothing downloaded)
# that `podman load` accepts: the config lists the layer's diff_id, and the image is
# tagged localhost/netctl-bb:latest so no registry is asked to resolve a short name.
# Usage: make-podman-image.sh DIR      -> DIR/podman-bb.tar
set -eu
DIR=$1
rm -rf "$DIR" && mkdir -p "$DIR/rootfs/bin" "$DIR/rootfs/etc" "$DIR/rootfs/tmp" "$DIR/rootfs/www" "$DIR/save" && cd "$DIR"
cp /bin/busybox rootfs/bin/busybox
for a in sh ls cat echo httpd nc sleep wget ip ping hostname; do ln -s busybox "rootfs/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >rootfs/etc/passwd
printf 'root:x:0:\n' >rootfs/etc/group
echo podman-page >rootfs/www/index.html
tar -C rootfs --numeric-owner --sort=name --mtime=@0 -cf layer.tar .
L=$(sha256sum layer.tar | cut -d' ' -f1)
mkdir -p "save/$L" && mv layer.tar "save/$L/layer.tar"
printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$L" >config.json
C=$(sha256sum config.json | cut -d' ' -f1)
mv config.json "save/$C.json"
printf '[{"Config":"%s.json","RepoTags":["localhost/netctl-bb:latest"],"Layers":["%s/layer.tar"]}]' "$C" "$L" >save/manifest.json
tar -C save -cf podman-bb.tar .

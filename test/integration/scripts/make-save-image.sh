#!/bin/sh
# A `docker save` archive of one layer made on the spot from Debian's busybox-static (nothing
# downloaded): busybox and the applets named, /etc/passwd and /etc/group for root, /www/index.html
# saying PAGE, and CONFIG (the image config's "config" object) with the layer's diff_id, tagged
# TAG so that no registry is asked to resolve a short name. `podman load` and `ctr images
# import` take it.
# Usage: make-save-image.sh DIR OUT TAG PAGE CONFIG APPLET...   -> DIR/OUT
set -eu
DIR=$1 OUT=$2 TAG=$3 PAGE=$4 CONFIG=$5
shift 5
rm -rf "$DIR" && mkdir -p "$DIR/rootfs/bin" "$DIR/rootfs/etc" "$DIR/rootfs/tmp" "$DIR/rootfs/www" "$DIR/save" && cd "$DIR"
cp /bin/busybox rootfs/bin/busybox
for a in "$@"; do ln -s busybox "rootfs/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >rootfs/etc/passwd
printf 'root:x:0:\n' >rootfs/etc/group
echo "$PAGE" >rootfs/www/index.html
tar -C rootfs --numeric-owner --sort=name --mtime=@0 -cf layer.tar .
L=$(sha256sum layer.tar | cut -d' ' -f1)
mkdir -p "save/$L" && mv layer.tar "save/$L/layer.tar"
printf '{"architecture":"amd64","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$CONFIG" "$L" >config.json
C=$(sha256sum config.json | cut -d' ' -f1)
mv config.json "save/$C.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$C" "$TAG" "$L" >save/manifest.json
tar -C save -cf "$OUT" .

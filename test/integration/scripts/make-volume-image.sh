#!/bin/sh
# Builds a `docker save` archive of an image with a VOLUME and files at its path, from the
# busybox rootfs make-images.sh made: /data holds seed.txt (owned by 65534, mode 0750 on
# /data), the image config declares Volumes {"/data": {}}. Tagged test/seeded:v1.
# Also IMGDIR/busybox-tar.tar: the busybox rootfs with the tar applet linked too, for the
# backup and restore Docker's notes do with `tar`.
# Usage: make-volume-image.sh IMGDIR  (writes IMGDIR/seeded.tar, IMGDIR/busybox-tar.tar)
set -eu
DIR=$1
rm -rf "$DIR/bbt" && cp -a "$DIR/rootfs" "$DIR/bbt"
ln -s busybox "$DIR/bbt/bin/tar"
tar -C "$DIR/bbt" --numeric-owner -cf "$DIR/busybox-tar.tar" .
rm -rf "$DIR/bbt"
W=$DIR/seeded
rm -rf "$W" && mkdir -p "$W/l1" "$W/save/l1"
cp -a "$DIR/rootfs/." "$W/l1/"
mkdir -p "$W/l1/data"
echo seeded >"$W/l1/data/seed.txt"
chown -R 65534:65534 "$W/l1/data"
chmod 0750 "$W/l1/data"
tar -C "$W/l1" --numeric-owner -cf "$W/save/l1/layer.tar" .
cat >"$W/config.json" <<'JSON'
{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"],"Env":["PATH=/bin"],"Volumes":{"/data":{}}},"rootfs":{"type":"layers","diff_ids":[]}}
JSON
sum=$(sha256sum "$W/config.json" | cut -d' ' -f1)
cp "$W/config.json" "$W/save/$sum.json"
printf '[{"Config":"%s.json","RepoTags":["test/seeded:v1"],"Layers":["l1/layer.tar"]}]\n' "$sum" >"$W/save/manifest.json"
tar -C "$W/save" -cf "$DIR/seeded.tar" .
rm -rf "$W"

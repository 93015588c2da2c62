#!/bin/sh
# Builds a `docker load`-able busybox image from Debian's busybox-static, nothing
# downloaded: DIR/busybox-docker.tar (docker save format: manifest.json, the config whose
# rootfs.diff_ids is the layer's sha256, one layer.tar), tagged netctl-test/busybox:latest.
# Usage: docker-image.sh DIR
set -eu
DIR=$1
rm -rf "$DIR" && mkdir -p "$DIR/rootfs/bin" "$DIR/rootfs/etc" "$DIR/rootfs/tmp" "$DIR/rootfs/www" "$DIR/save/layer" && cd "$DIR"
cp /bin/busybox rootfs/bin/busybox
for a in sh ls cat echo httpd nc sleep wget ip hostname ps grep env mkdir true seq kill; do
	ln -s busybox "rootfs/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >rootfs/etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' >rootfs/etc/group
chmod 1777 rootfs/tmp
tar -C rootfs --numeric-owner --mtime=@0 --sort=name -cf save/layer/layer.tar .
diff=$(sha256sum save/layer/layer.tar | cut -d' ' -f1)
printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"],"Env":["PATH=/bin"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$diff" >config.json
cfg=$(sha256sum config.json | cut -d' ' -f1)
cp config.json "save/$cfg.json"
printf '[{"Config":"%s.json","RepoTags":["netctl-test/busybox:latest"],"Layers":["layer/layer.tar"]}]\n' "$cfg" >save/manifest.json
tar -C save -cf busybox-docker.tar .

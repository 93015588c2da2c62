#!/bin/sh
# Builds the runtime tests' images from Debian's busybox-static, with nothing downloaded:
#   DIR/rootfs/                 busybox with its applet links, /etc/passwd, /etc/group
#   DIR/busybox.tar             that rootfs as a plain tar, and DIR/busybox.tar.gz gzipped
#   DIR/docker-save.tar         `docker save` format, 2 layers, tagged test/layered:v1
#   DIR/oci.tar                 OCI image layout, same layers (the second gzipped),
#                               behind a nested index, named oci/layered:v2
# Layer 2 deletes /etc/gone (whiteout), makes /opt/dir opaque (keeps only z), adds
# /etc/added and /lib64/added-through-link (lib64 is a symlink to usr/lib in layer 1).
# Usage: make-images.sh DIR
set -eu
DIR=$1
rm -rf "$DIR" && mkdir -p "$DIR" && cd "$DIR"

mkdir -p rootfs/bin rootfs/etc rootfs/tmp rootfs/root
cp /bin/busybox rootfs/bin/busybox
for a in sh ls cat echo httpd nc sleep wget ip id hostname ps grep mount pwd env touch \
	mkdir rm true false test seq kill stat readlink tty wc head tail sed; do
	ln -s busybox "rootfs/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >rootfs/etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' >rootfs/etc/group
chmod 1777 rootfs/tmp
tar -C rootfs --numeric-owner -cf busybox.tar .
gzip -c busybox.tar >busybox.tar.gz

# Layer 1: the rootfs plus files for layer 2 to delete, hide and add through a link.
mkdir -p l1/opt/dir l1/etc/keep l1/usr/lib
cp -a rootfs/. l1/
echo gone >l1/etc/gone
echo keep >l1/etc/keep/a
echo x >l1/opt/dir/x
echo y >l1/opt/dir/y
ln -s usr/lib l1/lib64
tar -C l1 --numeric-owner -cf layer1.tar .

# Layer 2: only the names it changes (lib64/ is not a member: the link must stay).
mkdir -p l2/etc l2/opt/dir l2/lib64
: >l2/etc/.wh.gone
: >l2/opt/dir/.wh..wh..opq
echo z >l2/opt/dir/z
echo added >l2/etc/added
echo linked >l2/lib64/added-through-link
tar -C l2 --numeric-owner -cf layer2.tar etc opt lib64/added-through-link
gzip -c layer2.tar >layer2.tar.gz

cat >config.json <<'JSON'
{"architecture":"amd64","os":"linux","config":{"Cmd":["httpd","-f","-p","8080"],"Entrypoint":null,"Env":["PATH=/bin","GREETING=hello"],"WorkingDir":"/srv","ExposedPorts":{"8080/tcp":{}},"Labels":{"test":"yes"}},"rootfs":{"type":"layers","diff_ids":[]}}
JSON

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

# docker save: manifest.json, <config>.json, <id>/layer.tar
mkdir -p save/l1 save/l2
cp layer1.tar save/l1/layer.tar
cp layer2.tar save/l2/layer.tar
cp config.json "save/$(sha config.json).json"
printf '[{"Config":"%s.json","RepoTags":["test/layered:v1"],"Layers":["l1/layer.tar","l2/layer.tar"]}]\n' "$(sha config.json)" >save/manifest.json
tar -C save -cf docker-save.tar .

# OCI layout: index.json -> image index -> manifest -> config + layers
mkdir -p oci/blobs/sha256
for f in config.json layer1.tar layer2.tar.gz; do cp "$f" "oci/blobs/sha256/$(sha "$f")"; done
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s},{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
	"$(sha config.json)" "$(size config.json)" "$(sha layer1.tar)" "$(size layer1.tar)" "$(sha layer2.tar.gz)" "$(size layer2.tar.gz)" >manifest.json
cp manifest.json "oci/blobs/sha256/$(sha manifest.json)"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"os":"linux","architecture":"amd64"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"os":"unknown","architecture":"unknown"}}]}' \
	"$(sha manifest.json)" "$(size manifest.json)" "$(sha manifest.json)" "$(size manifest.json)" >inner-index.json
cp inner-index.json "oci/blobs/sha256/$(sha inner-index.json)"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"oci/layered:v2"}}]}\n' \
	"$(sha inner-index.json)" "$(size inner-index.json)" >oci/index.json
echo '{"imageLayout":"1.0.0"}' >oci/oci-layout
tar -C oci -cf oci.tar .

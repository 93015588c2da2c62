#!/bin/sh
# Starts nothing: prepares what the pull tests' registries need, in DIR (issue 24):
#   DIR/ca.crt, DIR/server.{crt,key}   a test CA and a server certificate for 127.0.0.1/localhost
#   DIR/certs.d/127.0.0.1:5443/ca.crt  the CA in Docker's per-registry layout
#   DIR/htpasswd                       bcrypt entry for user "tester", password "s3cret pw"
#   DIR/tls.yml, DIR/plain.yml         distribution configs: TLS+htpasswd on 5443, plain on 5000
#   DIR/images/                        docker-save and OCI archives (see make-images.sh):
#     base.tar     test/base:v1        layers l1 (busybox) + l2 (whiteout, opaque dir)
#     app.tar      test/app:v1         l1 + l2 + l3 (adds /app/hello), User "app"
#     multi/       OCI layout index: linux/amd64 -> base, linux/arm64 -> l1 + l4 (/arch = arm64)
#     evil.tar     test/evil:v1        l1 + a layer with ../ and hard-link escapes
#     meta.tar     test/meta:v1        l1 + l2 + l5, which GNU tar --xattrs wrote: a hard link,
#                                      a user.* xattr, a busybox with cap_net_bind_service+ep,
#                                      the whiteout of l1's directory /etc/keep
#     dev.tar      test/dev:v1         l1 + l6, which GNU tar wrote: a file, then a block device
# Usage: make-registry.sh DIR IMAGES_DIR(from make-images.sh)
set -eu
DIR=$1
IMGS=$2
rm -rf "$DIR" && mkdir -p "$DIR/images" "$DIR/data" "$DIR/certs.d/127.0.0.1:5443" && cd "$DIR"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=netctl-test-ca -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >san.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.crt 2>/dev/null
cp ca.crt "certs.d/127.0.0.1:5443/ca.crt"
htpasswd -Bbn tester 's3cret pw' >htpasswd

for kind in tls plain; do
	if [ $kind = tls ]; then port=5443; else port=5000; fi
	{
		printf 'version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s/data\n  delete:\n    enabled: true\n' "$DIR"
		printf 'http:\n  addr: 127.0.0.1:%s\n  secret: netctl-test\n' $port
		if [ $kind = tls ]; then
			printf '  tls:\n    certificate: %s/server.crt\n    key: %s/server.key\n' "$DIR" "$DIR"
			printf 'auth:\n  htpasswd:\n    realm: netctl-test\n    path: %s/htpasswd\n' "$DIR"
		fi
	} >$kind.yml
done

cd images
sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }
cp "$IMGS/layer1.tar" l1.tar
cp "$IMGS/layer2.tar.gz" l2.tar.gz
mkdir -p l3/app l4
echo hello >l3/app/hello
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1234:2345:app:/app:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >l3/etc-passwd
mkdir -p l3/etc && mv l3/etc-passwd l3/etc/passwd
tar -C l3 --numeric-owner -czf l3.tar.gz app etc
echo arm64 >l4/arch
tar -C l4 --numeric-owner -czf l4.tar.gz arch
python3 - <<'PY'
import io, tarfile
with tarfile.open('evil.tar', 'w', format=tarfile.GNU_FORMAT) as t:
    def add(name, data=b'', kind=tarfile.REGTYPE, link=''):
        i = tarfile.TarInfo(name); i.type = kind; i.linkname = link; i.size = len(data); i.mode = 0o644
        t.addfile(i, io.BytesIO(data) if data else None)
    add('ok-file', b'fine\n')
    add('../../../../../tmp/netctl-escaped', b'escaped\n')
PY
# l5 and l6 are what a real producer writes (GNU tar as Docker's and BuildKit's do, PAX
# SCHILY.xattr.* records), from files made with setfattr, setcap and mknod.
mkdir -p l5/opt/meta l5/etc
echo shared >l5/opt/meta/hl-a
ln l5/opt/meta/hl-a l5/opt/meta/hl-b
echo attrs >l5/opt/meta/attrs
setfattr -n user.netctl.test -v hello l5/opt/meta/attrs
cp /bin/busybox l5/opt/meta/busybox-cap
setcap cap_net_bind_service+ep l5/opt/meta/busybox-cap
: >l5/etc/.wh.keep
tar -C l5 --numeric-owner --xattrs --xattrs-include='*' -czf l5.tar.gz opt etc
mkdir -p l6/dev
echo before >l6/dev/before-the-device
mknod l6/dev/sda b 8 0
tar -C l6 --numeric-owner -czf l6.tar.gz dev/before-the-device dev/sda
diff_id() { case "$1" in *.gz) gzip -dc "$1" | sha256sum | cut -d' ' -f1 ;; *) sha "$1" ;; esac; }

# config FILE USER ARCH LAYER...
config() {
	out=$1 user=$2 arch=$3
	shift 3
	ids=""
	for l in "$@"; do ids="$ids${ids:+,}\"sha256:$(diff_id "$l")\""; done
	printf '{"architecture":"%s","os":"linux","config":{"Cmd":["cat","/etc/added"],"Env":["PATH=/bin"],"User":"%s"},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
		"$arch" "$user" "$ids" >"$out"
}

# save TARGET TAG CONFIG LAYER... : a docker-save archive
save() {
	target=$1 tag=$2 cfg=$3
	shift 3
	rm -rf s && mkdir s
	layers=""
	for l in "$@"; do
		cp "$l" "s/$(sha "$l").tar"
		layers="$layers${layers:+,}\"$(sha "$l").tar\""
	done
	cp "$cfg" "s/$(sha "$cfg").json"
	printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":[%s]}]\n' "$(sha "$cfg")" "$tag" "$layers" >s/manifest.json
	tar -C s -cf "$target" .
	rm -rf s
}

config base.json "" amd64 l1.tar l2.tar.gz
save base.tar test/base:v1 base.json l1.tar l2.tar.gz
config app.json app amd64 l1.tar l2.tar.gz l3.tar.gz
save app.tar test/app:v1 app.json l1.tar l2.tar.gz l3.tar.gz
config evil.json "" amd64 l1.tar evil.tar
save evil-save.tar test/evil:v1 evil.json l1.tar evil.tar
config meta.json "" amd64 l1.tar l2.tar.gz l5.tar.gz
save meta.tar test/meta:v1 meta.json l1.tar l2.tar.gz l5.tar.gz
config dev.json "" amd64 l1.tar l6.tar.gz
save dev.tar test/dev:v1 dev.json l1.tar l6.tar.gz

# OCI layout with an index of two platforms.
mkdir -p multi/blobs/sha256
config arm.json "" arm64 l1.tar l4.tar.gz
blob() { cp "$1" "multi/blobs/sha256/$(sha "$1")"; }
manifest() {
	out=$1 cfg=$2
	shift 2
	ls=""
	for l in "$@"; do
		case "$l" in *.gz) mt=application/vnd.oci.image.layer.v1.tar+gzip ;; *) mt=application/vnd.oci.image.layer.v1.tar ;; esac
		ls="$ls${ls:+,}{\"mediaType\":\"$mt\",\"digest\":\"sha256:$(sha "$l")\",\"size\":$(size "$l")}"
		blob "$l"
	done
	blob "$cfg"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
		"$(sha "$cfg")" "$(size "$cfg")" "$ls" >"$out"
	blob "$out"
}
manifest m-amd.json base.json l1.tar l2.tar.gz
manifest m-arm.json arm.json l1.tar l4.tar.gz
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"os":"linux","architecture":"amd64"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"os":"linux","architecture":"arm64"}}]}' \
	"$(sha m-amd.json)" "$(size m-amd.json)" "$(sha m-arm.json)" "$(size m-arm.json)" >index-inner.json
blob index-inner.json
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}\n' \
	"$(sha index-inner.json)" "$(size index-inner.json)" >multi/index.json
echo '{"imageLayout":"1.0.0"}' >multi/oci-layout

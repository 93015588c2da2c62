// Pushes a `docker save` archive to a plain-HTTP registry as an OCI image whose layers are
// zstd-compressed (Debian's zstd), by the distribution API itself: skopeo 1.9 reuses the
// gzip blobs the registry already has for the same layers instead of compressing anew.
// Usage: node push-zstd.mjs ARCHIVE WORKDIR HOST:PORT REPO:TAG
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const [archive, work, host, ref] = process.argv.slice(2);
const [repo, tag] = ref.split(':');
const run = (argv) => {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
};
mkdirSync(work, { recursive: true });
run(['tar', '-x', '-f', archive, '-C', work]);
const [m] = JSON.parse(readFileSync(`${work}/manifest.json`, 'utf8'));
const sha = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function upload(bytes) {
  const digest = sha(bytes);
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`upload start: ${start.status}`);
  const loc = new URL(start.headers.get('location'), `http://${host}`);
  loc.searchParams.set('digest', digest);
  const put = await fetch(loc, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`upload ${digest}: ${put.status}`);
  return { digest, size: bytes.length };
}

const layers = [];
for (const l of m.Layers) {
  // The archive may hold its layers gzipped: zstd gets the plain tar, as a registry would.
  const raw = readFileSync(`${work}/${l}`);
  writeFileSync(`${work}/${l}.plain`, raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw);
  run(['zstd', '-q', '-f', '-o', `${work}/${l}.zst`, `${work}/${l}.plain`]);
  layers.push({
    mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd',
    ...(await upload(readFileSync(`${work}/${l}.zst`))),
  });
}
const config = {
  mediaType: 'application/vnd.oci.image.config.v1+json',
  ...(await upload(readFileSync(`${work}/${m.Config}`))),
};
const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config,
  layers,
});
const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
  method: 'PUT',
  body: manifest,
  headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
});
if (res.status !== 201) throw new Error(`manifest: ${res.status} ${await res.text()}`);
process.stdout.write(`${sha(manifest)}\n`);

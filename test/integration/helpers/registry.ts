/**
 * Real registries for the pull tests (issue 24), inside a sandbox: Debian's docker-registry
 * (distribution 2.8, unpacked by native/setup.sh, never installed) on 127.0.0.1:5443 with
 * TLS from a test CA and htpasswd (bcrypt) auth, the same storage served plain on :5000,
 * and scripts/registry-proxy.mjs on :5001 in front of it (token auth, dropped connections,
 * corrupted blobs). Seeded with Debian's skopeo from archives make-registry.sh builds.
 */
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../../harness/sandbox.js';

const scripts = fileURLToPath(new URL('../scripts/', import.meta.url));
/** The registry binary native/setup.sh unpacks. */
export const REGISTRY_BIN = '/var/cache/netctl/docker-registry/usr/bin/docker-registry';
/** The test user's credentials. */
export const USER = 'tester';
export const PASSWORD = 's3cret pw';

/** Where things are, inside the sandbox. */
export interface TestRegistry {
  dir: string;
  /** TLS + htpasswd registry. */
  tls: string;
  /** The proxy (plain HTTP, token auth). */
  proxy: string;
  certsDir: string;
  modeFile: string;
  proxyLog: string;
}

async function waitFor(sb: Sandbox, argv: string[], what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await sb.exec(argv)).code === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up`);
}

/** Starts the registries and the proxy in SB and pushes the test images. */
export async function startRegistry(sb: Sandbox, dir = '/run/reg'): Promise<TestRegistry> {
  await sb.sh(['sh', `${scripts}make-images.sh`, `${dir}-imgs`], { timeoutMs: 60_000 });
  await sb.sh(['sh', `${scripts}make-registry.sh`, dir, `${dir}-imgs`], { timeoutMs: 60_000 });
  await sb.background([REGISTRY_BIN, 'serve', `${dir}/tls.yml`]);
  await sb.background([REGISTRY_BIN, 'serve', `${dir}/plain.yml`]);
  const reg: TestRegistry = {
    dir,
    tls: '127.0.0.1:5443',
    proxy: '127.0.0.1:5001',
    certsDir: `${dir}/certs.d`,
    modeFile: `${dir}/proxy-mode`,
    proxyLog: `${dir}/proxy.log`,
  };
  await sb.background([
    process.execPath,
    `${scripts}registry-proxy.mjs`,
    '5001',
    '5000',
    reg.modeFile,
    reg.proxyLog,
    `${USER}:${PASSWORD}`,
  ]);
  const ca = `${reg.certsDir}/${reg.tls}/ca.crt`;
  await waitFor(sb, ['curl', '-s', '-o', '/dev/null', '--cacert', ca, `https://${reg.tls}/v2/`], 'registry');
  await waitFor(sb, ['curl', '-s', '-o', '/dev/null', `http://${reg.proxy}/v2/`], 'proxy');
  const push = (src: string, dest: string, all = false) => pushArchive(sb, reg, src, dest, all);
  await push(`docker-archive:${dir}/images/base.tar`, 'test/base:v1');
  await push(`docker-archive:${dir}/images/app.tar`, 'test/app:v1');
  await push(`docker-archive:${dir}/images/evil-save.tar`, 'test/evil:v1');
  await push(`oci:${dir}/images/multi:v1`, 'test/multi:v1', true);
  return reg;
}

/** Copies SRC (a skopeo source: `docker-archive:FILE`, `oci:DIR:TAG`) to DEST on REG's TLS registry. */
export async function pushArchive(sb: Sandbox, reg: TestRegistry, src: string, dest: string, all = false) {
  await sb.sh(
    [
      'skopeo',
      'copy',
      '-q',
      ...(all ? ['--all'] : []),
      '--dest-cert-dir',
      `${reg.certsDir}/${reg.tls}`,
      '--dest-creds',
      `${USER}:${PASSWORD}`,
      src,
      `docker://${reg.tls}/${dest}`,
    ],
    { timeoutMs: 60_000 },
  );
}

import { describe, expect, it } from 'vitest';
import { parseChallenge, tokenUrl } from '../../../src/registry/challenge.js';
import { diffIds, parsePlatform, pickManifest } from '../../../src/registry/manifest.js';
import { parseRegistryRef } from '../../../src/registry/reference.js';
import { LayerChecker } from '../../../src/runtime/layer-check.js';
import { parseIdFile } from '../../../src/runtime/image-user.js';

const D = `sha256:${'a'.repeat(64)}`;
const E = `sha256:${'b'.repeat(64)}`;

describe('parseRegistryRef', () => {
  it("follows Docker Hub's conventions", () => {
    expect(parseRegistryRef('nginx')).toEqual({
      registry: 'docker.io',
      endpoint: 'registry-1.docker.io',
      repository: 'library/nginx',
      tag: 'latest',
      digest: undefined,
      name: 'nginx',
    });
    expect(parseRegistryRef('docker.io/library/nginx:1.25')).toMatchObject({ name: 'nginx', tag: '1.25' });
    expect(parseRegistryRef('bitnami/redis')).toMatchObject({ repository: 'bitnami/redis', name: 'bitnami/redis' });
  });

  it('takes any host[:port], tags and digests', () => {
    expect(parseRegistryRef(`localhost:5000/a/b:v1@${D}`)).toMatchObject({
      registry: 'localhost:5000',
      repository: 'a/b',
      tag: 'v1',
      digest: D,
      name: 'localhost:5000/a/b',
    });
    expect(parseRegistryRef(`127.0.0.1:5443/x@${D}`).tag).toBeUndefined();
  });

  it('refuses bad references with one line naming them', () => {
    expect(() => parseRegistryRef('Nginx')).toThrow('invalid image reference "Nginx"');
    expect(() => parseRegistryRef('x@sha256:12')).toThrow('is not a sha256:HEX digest');
    expect(() => parseRegistryRef('x:bad tag')).toThrow('bad tag');
  });
});

describe('challenges', () => {
  it('parses Bearer and Basic, and builds the token URL', () => {
    const c = parseChallenge(
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a:pull"',
    );
    expect(c).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a:pull' },
    });
    expect(tokenUrl(c!, ['repository:a/b:pull'])).toBe(
      'https://auth.example/token?service=registry.example&scope=repository%3Aa%2Fb%3Apull',
    );
    expect(parseChallenge('Basic realm="x"')?.scheme).toBe('basic');
    expect(parseChallenge('Negotiate')).toBeUndefined();
  });
});

describe('manifests', () => {
  const index = Buffer.from(
    JSON.stringify({
      manifests: [
        { digest: D, size: 1, platform: { os: 'linux', architecture: 'amd64' } },
        { digest: E, size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      ],
    }),
  );

  it('picks a platform, and says what there is when none fits', () => {
    expect(pickManifest(index, parsePlatform('linux/arm64')).digest).toBe(E);
    expect(pickManifest(index, parsePlatform('linux/amd64')).digest).toBe(D);
    expect(() => pickManifest(index, parsePlatform('linux/s390x'))).toThrow(
      'no image for platform linux/s390x (the index has: linux/amd64, linux/arm64/v8)',
    );
    expect(() => parsePlatform('linux')).toThrow('invalid --platform "linux"');
  });

  it('reads diff ids', () => {
    expect(diffIds(Buffer.from(JSON.stringify({ rootfs: { diff_ids: [D] } })))).toEqual([D]);
    expect(() => diffIds(Buffer.from('{}'))).toThrow('no valid rootfs.diff_ids');
  });
});

describe('LayerChecker', () => {
  const e = (name: string, type = '0', linkname = '', size = 0) => ({ name, type, linkname, size, offset: 0 });

  it('collects whiteouts, opaque directories, directories and bytes', () => {
    const c = new LayerChecker();
    for (const x of [
      e('./etc/', '5'),
      e('./etc/.wh.gone'),
      e('opt/dir/.wh..wh..opq'),
      e('.wh.top'),
      e('etc/a', '0', '', 10),
    ])
      c.check(x);
    expect(c.facts).toEqual({
      whiteouts: ['etc/gone', 'top'],
      opaque: ['opt/dir'],
      dirs: ['etc'],
      bytes: 10,
      entries: 5,
    });
  });

  it('refuses escapes, writes through a symlink of the layer, and device nodes', () => {
    expect(() => new LayerChecker().check(e('../../etc/passwd'))).toThrow('its path leaves the layer');
    expect(() => new LayerChecker().check(e('a/../../b'))).toThrow('its path leaves the layer');
    expect(() => new LayerChecker().check(e('x', '1', '../../etc/shadow'))).toThrow('its hard link target leaves');
    expect(() => new LayerChecker().check(e('dev/sda', '4'))).toThrow('device nodes are refused');
    const c = new LayerChecker();
    c.check(e('etc', '2', '/etc'));
    expect(() => c.check(e('etc/passwd'))).toThrow('written through a symbolic link of the same layer');
    // An absolute symlink itself is fine: it is resolved inside the container's root.
    expect(() => new LayerChecker().check(e('lib64', '2', '/usr/lib'))).not.toThrow();
  });
});

describe('parseIdFile', () => {
  it('reads passwd and group lines', () => {
    expect(parseIdFile('root:x:0:0:root:/root:/bin/sh\napp:x:1234:2345::/app:/bin/sh\nstaff:x:50:\nbad\n')).toEqual([
      { name: 'root', id: 0, gid: 0 },
      { name: 'app', id: 1234, gid: 2345 },
      { name: 'staff', id: 50, gid: 50 },
    ]);
  });
});

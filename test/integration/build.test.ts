/**
 * Image making (issue 26), in one sandbox: `commit` of a container's changes (written,
 * deleted and replaced files) read back by a container of the new image.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const IMG = `/tmp/netctl-test-${process.pid}-build`;

let sb: Sandbox;
const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);

beforeAll(async () => {
  sb = await Sandbox.start({ wan: true });
  await sb.sh(['sh', makeImages, IMG]);
  await netctl('image', 'load', '-i', `${IMG}/docker-save.tar`);
  await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
}, 180_000);

afterAll(async () => {
  await sb?.exec(['rm', '-rf', IMG]);
  await sb?.close();
});

describe('commit', () => {
  it("stores a container's changes as a layer: new files, deleted base files, replaced directories", async () => {
    const script = [
      'echo new > /etc/new',
      'rm /etc/added',
      'rm -r /etc/keep',
      'rm -r /opt/dir && mkdir /opt/dir && echo q > /opt/dir/q',
      'ln /etc/new /etc/new-link',
    ].join(' && ');
    await netctl('run', '--name', 'c1', 'test/layered:v1', 'sh', '-c', script);
    const id = (await netctl('commit', '-m', 'changed', '-a', 'Tester', 'c1', 'committed:v1')).trim();
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    const check =
      'cat /etc/new; ls /opt/dir; test -e /etc/added || echo added-gone; test -e /etc/keep || echo keep-gone';
    const out = await netctl('run', '--rm', 'committed:v1', 'sh', '-c', `${check}; stat -c %h /etc/new`);
    expect(out.split('\n')).toEqual(['new', 'q', 'added-gone', 'keep-gone', '2', '']);
    const info = JSON.parse(await netctl('image', 'inspect', 'committed:v1')) as { id: string; layers: string[] };
    expect(`sha256:${info.id}`).toBe(id);
    // The flattened base became one layer, under the container's.
    expect(info.layers).toHaveLength(2);
  });

  it('commits a running container (paused meanwhile) on top of the layers of its layered image', async () => {
    await netctl('run', '-d', '--name', 'c2', 'committed:v1', 'sh', '-c', 'echo live > /tmp/state; exec sleep 300');
    for (let i = 0; i < 50; i++) {
      if ((await sb.netctl(['exec', 'c2', 'cat', '/tmp/state'])).stdout.includes('live')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await netctl('commit', 'c2', 'committed:live');
    expect(await netctl('run', '--rm', 'committed:live', 'cat', '/tmp/state', '/etc/new')).toBe('live\nnew\n');
    const layers = async (ref: string) =>
      (JSON.parse(await netctl('image', 'inspect', ref)) as { layers: string[] }).layers;
    const [base, live] = [await layers('committed:v1'), await layers('committed:live')];
    expect(live.slice(0, 2)).toEqual(base);
    expect(live).toHaveLength(3);
    expect(JSON.parse(await netctl('ps', '--json')).some((c: { name: string }) => c.name === 'c2')).toBe(true);
    await netctl('rm', '-f', 'c2');
  });
});

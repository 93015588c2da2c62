/**
 * Built images outside netctl and build's edges (issue 26), in one sandbox: a multi-stage
 * build `netctl save`d, `docker load`ed into a private dockerd and run by `docker run`, its
 * config and history as Docker reads them.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { SandboxDocker } from './helpers/docker.js';
import { netctlOk } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const IMG = `/tmp/netctl-test-${process.pid}-build-docker`;

const SITE = `FROM busybox AS gen
RUN mkdir -p /out && echo '<h1>site</h1>' > /out/index.html
COPY page.txt /out/
FROM busybox
COPY --from=gen /out/ /www/
WORKDIR /www
ENV WHO=docker
RUN echo "run by $WHO" > note.txt
CMD ["sh", "-c", "cat index.html page.txt note.txt; pwd"]
`;

let sb: Sandbox;
const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
const build = (...args: string[]) => sb.netctl(['build', ...args], { timeoutMs: 300_000 });

/** Writes FILES (name to text) under DIR in the sandbox. */
async function project(dir: string, files: Record<string, string>): Promise<void> {
  await sb.sh(['mkdir', '-p', dir]);
  for (const [name, text] of Object.entries(files))
    await sb.sh(['sh', '-c', 'cat > "$1"', 'sh', `${dir}/${name}`], { input: text });
}

beforeAll(async () => {
  sb = await Sandbox.start({});
  await sb.sh(['sh', makeImages, IMG]);
  await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
  await project(`${IMG}/site`, { Dockerfile: SITE, 'page.txt': 'from the context\n' });
}, 180_000);

afterAll(async () => {
  await sb?.exec(['rm', '-rf', IMG]);
  await sb?.close();
});

describe('docker runs what netctl builds', () => {
  it('loads a saved two-stage build into a real dockerd, whose docker run prints what its CMD prints', async () => {
    const r = await build('-t', 'site:v1', `${IMG}/site`);
    expect(r.code, r.stderr).toBe(0);
    const want = '<h1>site</h1>\nfrom the context\nrun by docker\n/www\n';
    expect(await netctl('run', '--rm', '--network', 'none', 'site:v1')).toBe(want);
    await netctl('save', '-o', `${IMG}/site.tar`, 'site:v1');
    const docker = await SandboxDocker.start(sb, '/run/build-docker');
    try {
      expect(await docker.docker('load', '-i', `${IMG}/site.tar`)).toContain('Loaded image: site:v1');
      const id = (JSON.parse(await netctl('image', 'inspect', 'site:v1')) as { id: string }).id;
      expect((await docker.docker('image', 'inspect', '-f', '{{.Id}}', 'site:v1')).trim()).toBe(`sha256:${id}`);
      expect(await docker.docker('run', '--rm', '--network', 'none', 'site:v1')).toBe(want);
      const cfg = await docker.docker(
        'image',
        'inspect',
        '-f',
        '{{json .Config.Cmd}} {{.Config.WorkingDir}}',
        'site:v1',
      );
      expect(cfg.trim()).toBe('["sh","-c","cat index.html page.txt note.txt; pwd"] /www');
      const hist = (await docker.docker('history', '--no-trunc', '--format', '{{.CreatedBy}}', 'site:v1')).split('\n');
      expect(hist[0]).toBe('/bin/sh -c #(nop)  CMD ["sh" "-c" "cat index.html page.txt note.txt; pwd"]');
      expect(hist[1]).toMatch(/^(RUN )?\/bin\/sh -c echo "run by \$WHO" > note\.txt$/);
    } finally {
      await docker.stopDaemon();
    }
  }, 300_000);
});

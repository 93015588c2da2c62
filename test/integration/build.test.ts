/**
 * Image making (issue 26), in one sandbox: `commit` of a container's changes (written,
 * deleted and replaced files) read back by a container of the new image; `build` of a
 * two-stage static site served by busybox httpd and fetched over a real packet, rebuilt all
 * cached and from a changed file's COPY on; RUN reaching the wan host through NAT and not
 * with --network none; .dockerignore; a syntax error and a failing RUN changing nothing;
 * compose `build:` built on up, from the cache by `compose build`, again by `up --build`.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { kernelState, netctlOk } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const IMG = `/tmp/netctl-test-${process.pid}-build`;
const PROJ = `${IMG}/proj`;
const WAN = `${IMG}/wan`;

const DOCKERFILE = `# a static site: generated in one stage, served from another
FROM busybox AS gen
ARG GREETING=hello
RUN mkdir -p /out && echo "<h1>$GREETING</h1>" > /out/index.html
WORKDIR /src
COPY page.txt ./
RUN cat page.txt >> /out/index.html && \\
    printf 'GET /msg.txt HTTP/1.0\\r\\n\\r\\n' | nc -w 3 198.51.100.1 8000 | tail -1 > /out/wan.txt

FROM test/layered:v1
COPY --from=gen /out/ /www/
ADD http://198.51.100.1:8000/msg.txt /www/added.txt
COPY extra.txt /www/extra.txt
COPY . /ctx/
EXPOSE 8080
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
`;

let sb: Sandbox;
const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);

beforeAll(async () => {
  sb = await Sandbox.start({ wan: true });
  await sb.sh(['sh', makeImages, IMG]);
  await netctl('image', 'load', '-i', `${IMG}/docker-save.tar`);
  await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
  const files: Record<string, string> = {
    Dockerfile: DOCKERFILE,
    'page.txt': 'from the context\n',
    'extra.txt': 'extra v1\n',
    'secret.txt': 'not for the image\n',
    '.dockerignore': 'secret.txt\n',
  };
  await sb.sh(['mkdir', '-p', PROJ, WAN]);
  for (const [name, text] of Object.entries(files))
    await sb.sh(['sh', '-c', 'cat > "$1"', 'sh', `${PROJ}/${name}`], { input: text });
  await sb.sh(['sh', '-c', `echo from-the-wan > ${WAN}/msg.txt`]);
  await sb.background(['ip', 'netns', 'exec', 'wan', 'busybox', 'httpd', '-f', '-p', '8000', '-h', WAN]);
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
    await netctl('commit', '-c', 'ENV MODE=live', '-c', 'CMD ["cat", "/tmp/state"]', 'c2', 'committed:live');
    expect(await netctl('run', '--rm', 'committed:live')).toBe('live\n');
    expect(await netctl('run', '--rm', 'committed:live', 'sh', '-c', 'echo $MODE')).toBe('live\n');
    const bad = await sb.netctl(['commit', '-c', 'RUN true', 'c2', 'committed:bad']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/invalid -c "RUN true"/)]);
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

const build = (...args: string[]) => sb.netctl(['build', ...args], { timeoutMs: 300_000 });
const stepLines = (out: string) => out.split('\n').filter((l) => /^#\d+ \[\d+\/\d+\]/.test(l));

describe('build', () => {
  it('builds a two-stage static site that busybox httpd serves over a real packet', async () => {
    const r = await build('-t', 'site:v1', '--build-arg', 'GREETING=built', PROJ);
    expect(r.code, r.stderr).toBe(0);
    expect(stepLines(r.stdout).some((l) => l.endsWith('CACHED'))).toBe(false);
    expect(r.stdout).toMatch(/Successfully tagged site:v1/);
    const id = (await netctl('run', '-d', '--name', 'web', 'site:v1')).trim();
    const ip = (JSON.parse(await netctl('ps', '--json')) as { id: string; addresses: string[] }[]).find(
      (c) => c.id === id,
    )!.addresses[0]!;
    let page = '';
    for (let i = 0; i < 50 && !page.includes('<h1>'); i++) {
      page = (await sb.exec(['curl', '-s', '-m', '2', `http://${ip}:8080/`])).stdout;
      if (!page.includes('<h1>')) await new Promise((res) => setTimeout(res, 100));
    }
    expect(page).toBe('<h1>built</h1>\nfrom the context\n');
    const got = (path: string) => sb.exec(['curl', '-s', '-m', '2', `http://${ip}:8080/${path}`]).then((x) => x.stdout);
    // RUN reached the wan host through NAT; ADD fetched from it.
    expect(await got('wan.txt')).toBe('from-the-wan\n');
    expect(await got('added.txt')).toBe('from-the-wan\n');
    await netctl('rm', '-f', 'web');
    const ctx = await netctl('run', '--rm', 'site:v1', 'ls', '/ctx');
    expect(ctx.split('\n')).toEqual(['Dockerfile', 'extra.txt', 'page.txt', '']);
    const cfg = JSON.parse(await netctl('image', 'inspect', 'site:v1')) as { config: { exposedPorts: string[] } };
    expect(cfg.config.exposedPorts).toEqual(['8080/tcp']);
  });

  it('builds nothing again when nothing changed, and from the COPY of the changed file on', async () => {
    const before = JSON.parse(await netctl('image', 'inspect', 'site:v1')) as { id: string };
    const again = await build('-t', 'site:v1', '--build-arg', 'GREETING=built', PROJ);
    expect(again.code, again.stderr).toBe(0);
    const lines = stepLines(again.stdout);
    expect(
      lines.every((l) => l.endsWith('CACHED')),
      again.stdout,
    ).toBe(true);
    expect((JSON.parse(await netctl('image', 'inspect', 'site:v1')) as { id: string }).id).toBe(before.id);
    await sb.sh(['sh', '-c', `echo 'extra v2' > ${PROJ}/extra.txt`]);
    const changed = await build('-t', 'site:v2', '--build-arg', 'GREETING=built', PROJ);
    expect(changed.code, changed.stderr).toBe(0);
    const ran = stepLines(changed.stdout).filter((l) => !l.endsWith('CACHED'));
    expect(ran.map((l) => l.replace(/^#\d+ \[\d+\/\d+\] /, ''))).toEqual([
      'COPY extra.txt /www/extra.txt',
      'COPY . /ctx/',
      'EXPOSE 8080',
      'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]',
    ]);
    expect(await netctl('run', '--rm', 'site:v2', 'cat', '/www/extra.txt')).toBe('extra v2\n');
  });

  it('cannot reach the wan host with --network none, and a failing RUN leaves nothing behind', async () => {
    const dir = `${IMG}/offline`;
    await sb.sh(['mkdir', '-p', dir]);
    await sb.sh(['sh', '-c', 'cat > "$1"', 'sh', `${dir}/Dockerfile`], {
      input: 'FROM busybox\nRUN echo start\nRUN nc -w 2 198.51.100.1 8000 </dev/null\n',
    });
    const images = (await netctl('image', 'ls', '--json')).length;
    const kernel = await kernelState(sb);
    const r = await build('--network', 'none', '-q', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Dockerfile:3: RUN nc -w 2 198\.51\.100\.1 8000 <\/dev\/null: .*non-zero code/);
    expect(r.stdout).toBe('');
    const names = (JSON.parse(await netctl('ps', '-a', '--json')) as { name: string }[]).map((c) => c.name);
    expect(names.filter((n) => n.startsWith('netctl-build'))).toEqual([]);
    expect(await kernelState(sb)).toBe(kernel);
    expect(await sb.sh(['sh', '-c', `ls -a /var/lib/netctl/layers | grep '^.tmp' || true`])).toBe('');
    // The step before the failure is cached; only it made an image.
    expect((await netctl('image', 'ls', '--json')).length).toBeGreaterThanOrEqual(images);
  });

  it('refuses a syntax error naming its line, changing nothing', async () => {
    const dir = `${IMG}/broken`;
    await sb.sh(['mkdir', '-p', dir]);
    await sb.sh(['sh', '-c', 'cat > "$1"', 'sh', `${dir}/Dockerfile`], {
      input: 'FROM busybox\nRUN echo one\nFROOM busybox\n',
    });
    const images = await netctl('image', 'ls', '--json');
    const r = await build('-t', 'broken:v1', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Dockerfile:3/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await netctl('image', 'ls', '--json')).toBe(images);
  });

  it('prunes the build cache: a rebuild then runs every step again', async () => {
    await netctl('builder', 'prune', '-a', '-f');
    const r = await build('-t', 'site:v1', '--build-arg', 'GREETING=built', PROJ);
    expect(r.code, r.stderr).toBe(0);
    expect(stepLines(r.stdout).filter((l) => l.endsWith('CACHED'))).toEqual([]);
  });
});

describe('compose build', () => {
  const APP = `${IMG}/app`;
  const compose = (...args: string[]) =>
    sb.netctl(['compose', '-f', `${APP}/compose.yaml`, ...args], { timeoutMs: 300_000 });
  const page = async (path: string): Promise<string> => {
    const rows = JSON.parse(await netctl('ps', '--json')) as { name: string; addresses: string[] }[];
    const ip = rows.find((c) => c.name === 'app-web-1')!.addresses[0]!;
    let got = '';
    for (let i = 0; i < 50 && got === ''; i++) {
      got = (await sb.exec(['curl', '-sf', '-m', '2', `http://${ip}:8080/${path}`])).stdout;
      if (got === '') await new Promise((res) => setTimeout(res, 100));
    }
    return got;
  };

  it('builds a service with build: on up, rebuilds nothing unchanged, and up --build takes a changed file', async () => {
    const files: Record<string, string> = {
      'compose.yaml': 'services:\n  web:\n    build:\n      context: ./site\n      args: [GREETING=composed]\n',
      'site/Dockerfile':
        'FROM busybox\nARG GREETING=hello\nRUN mkdir -p /www && echo "$GREETING" > /www/index.html\n' +
        'COPY page.txt /www/page.txt\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n',
      'site/page.txt': 'page v1\n',
    };
    await sb.sh(['mkdir', '-p', `${APP}/site`]);
    for (const [name, text] of Object.entries(files))
      await sb.sh(['sh', '-c', 'cat > "$1"', 'sh', `${APP}/${name}`], { input: text });
    const up = await compose('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    // Its RUN ran (the args make its key); the ARG before it may come from the cache.
    expect(up.stdout).toMatch(/^web #0 \[2\/4\] RUN mkdir -p \/www && echo "\$GREETING" > \/www\/index\.html$/m);
    expect(await page('')).toBe('composed\n');
    expect(await page('page.txt')).toBe('page v1\n');
    const image = JSON.parse(await netctl('image', 'inspect', 'app-web')) as { id: string };
    // compose build: the same steps, all from the cache, the same image.
    const again = await compose('build');
    expect(again.code, again.stderr).toBe(0);
    const steps = again.stdout.split('\n').filter((l) => /^web #\d+ \[\d+\/\d+\]/.test(l));
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((l) => l.endsWith('CACHED'))).toBe(true);
    expect(again.stdout).toContain(`web: app-web ${image.id.slice(0, 12)}`);
    // up again changes nothing; up --build after an edit rebuilds from its COPY and recreates.
    await sb.sh(['sh', '-c', `echo 'page v2' > ${APP}/site/page.txt`]);
    expect((await compose('up', '-d')).code).toBe(0);
    expect(await page('page.txt')).toBe('page v1\n');
    const rebuilt = await compose('up', '-d', '--build');
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toMatch(/^web #0 \[3\/4\] COPY page\.txt \/www\/page\.txt$/m);
    expect(await page('page.txt')).toBe('page v2\n');
    expect((await compose('down')).code).toBe(0);
  });
});

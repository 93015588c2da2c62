/**
 * Built images outside netctl and build's edges (issue 26), in one sandbox with one private
 * dockerd: a multi-stage build `netctl save`d, `docker load`ed and run by `docker run`, its
 * config and history as Docker reads them; `history` naming the step images as Docker's
 * classic builder does for the same Dockerfile; `build --dry-run`; RUN on `FROM scratch`; a
 * killed build's leftovers named by doctor and removed by gc; the build cache in `system df`;
 * a build's images and layers kept from an `image prune -a` that runs in the middle of it.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { DOCKER_CLI, SandboxDocker } from './helpers/docker.js';
import { NETCTL } from '../harness/sandbox.js';
import { kernelState, netctlOk } from './helpers/net.js';

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
let docker: SandboxDocker | undefined;
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
  await docker?.stopDaemon().catch(() => undefined);
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
    const dk = await SandboxDocker.start(sb, '/run/build-docker');
    docker = dk;
    {
      expect(await dk.docker('load', '-i', `${IMG}/site.tar`)).toContain('Loaded image: site:v1');
      const id = (JSON.parse(await netctl('image', 'inspect', 'site:v1')) as { id: string }).id;
      expect((await dk.docker('image', 'inspect', '-f', '{{.Id}}', 'site:v1')).trim()).toBe(`sha256:${id}`);
      expect(await dk.docker('run', '--rm', '--network', 'none', 'site:v1')).toBe(want);
      const cfg = await dk.docker('image', 'inspect', '-f', '{{json .Config.Cmd}} {{.Config.WorkingDir}}', 'site:v1');
      expect(cfg.trim()).toBe('["sh","-c","cat index.html page.txt note.txt; pwd"] /www');
      const hist = (await dk.docker('history', '--no-trunc', '--format', '{{.CreatedBy}}', 'site:v1')).split('\n');
      expect(hist[0]).toBe('/bin/sh -c #(nop)  CMD ["sh" "-c" "cat index.html page.txt note.txt; pwd"]');
      expect(hist[1]).toMatch(/^(RUN )?\/bin\/sh -c echo "run by \$WHO" > note\.txt$/);
    }
  }, 300_000);
});

/** The IMAGE column of a history, `<missing>` or not, newest row first. */
const idColumn = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => (l === '<missing>' ? l : 'id'));

describe('history and inspect of a local build', () => {
  it("names each step image on its row as Docker's classic builder does for the same Dockerfile", async () => {
    const dk = docker!;
    // The same base on both sides: the busybox tar imported (one layer, one history entry).
    await dk.docker('import', `${IMG}/busybox.tar`, 'busybox');
    await sb.sh([DOCKER_CLI, '-H', dk.host, 'build', '-q', '-t', 'site:docker', `${IMG}/site`], {
      env: { DOCKER_BUILDKIT: '0', HOME: '/tmp' },
      timeoutMs: 180_000,
    });
    const theirs = idColumn(await dk.docker('history', '--format', '{{.ID}}', 'site:docker'));
    const ours = await netctl('history', '--format', '{{.ID}}', 'site:v1');
    expect(idColumn(ours)).toEqual(theirs);
    // The five steps of the last stage and the base image's row: none missing here.
    expect(theirs.filter((x) => x === 'id')).toHaveLength(6);
    const info = JSON.parse(await netctl('image', 'inspect', 'site:v1')) as {
      parent: string;
      history: { created_by: string }[];
    };
    expect(ours.split('\n')[1]).toBe(info.parent.slice(0, 12));
    const parent = JSON.parse(await netctl('image', 'inspect', info.parent)) as { history: unknown[] };
    expect(info.history).toHaveLength(parent.history.length + 1);
    expect(info.history.at(-1)!.created_by).toContain('CMD ["sh" "-c"');
  }, 240_000);
});

describe('build --dry-run', () => {
  it('lists the steps it would run and which are cached, changing nothing', async () => {
    const dir = `${IMG}/dry`;
    await project(dir, {
      Dockerfile: 'FROM busybox\nCOPY a.txt /a.txt\nRUN cat /a.txt > /b.txt\nCMD ["cat", "/b.txt"]\n',
      'a.txt': 'one\n',
    });
    const ids = async () => (JSON.parse(await netctl('image', 'ls', '--json')) as { id: string }[]).map((i) => i.id);
    const state = async () => [await ids(), await kernelState(sb), await layers()];
    const before = await state();
    const cold = await netctl('build', '--dry-run', '-t', 'dry:v1', dir);
    expect(cold).toContain('  #0 [1/3] COPY a.txt /a.txt\n  #0 [2/3] RUN cat /a.txt > /b.txt\n');
    expect(cold).toContain('3 of 3 steps would run');
    expect(cold).toContain("/bin/sh -c 'cat /a.txt > /b.txt'");
    expect(cold).toContain('tag dry:v1');
    expect(await state()).toEqual(before);
    await netctl('build', '-q', '-t', 'dry:v1', dir);
    const plan = JSON.parse(await netctl('build', '--dry-run', '--json', dir)) as { steps: { cached: boolean }[] };
    expect(plan.steps.map((s) => s.cached)).toEqual([true, true, true]);
    await sb.sh(['sh', '-c', `echo two > ${dir}/a.txt`]);
    const changed = JSON.parse(await netctl('build', '--dry-run', '--json', dir)) as { steps: { cached: boolean }[] };
    expect(changed.steps.map((s) => s.cached)).toEqual([false, false, false]);
    expect(await netctl('run', '--rm', '--network', 'none', 'dry:v1')).toBe('one\n');
  });
});

const layers = () => sb.sh(['sh', '-c', 'ls -a /var/lib/netctl/layers 2>/dev/null || true']);
const buildNames = async () =>
  (JSON.parse(await netctl('ps', '-a', '--json')) as { name: string }[])
    .map((c) => c.name)
    .filter((n) => n.startsWith('netctl-build'));

describe('RUN on FROM scratch', () => {
  it('fails in one line naming the Dockerfile line, exit 1, nothing left behind', async () => {
    await project(`${IMG}/scratch`, { Dockerfile: 'FROM scratch\nRUN echo hi\n' });
    await project(`${IMG}/scratch2`, { Dockerfile: 'FROM scratch\nCOPY a.txt /\nRUN echo hi\n', 'a.txt': 'a\n' });
    const kernel = await kernelState(sb);
    const bare = await build('-q', `${IMG}/scratch`);
    expect([bare.code, bare.stdout]).toEqual([1, '']);
    expect(bare.stderr.trim().split('\n')).toEqual([
      'netctl: Dockerfile:2: RUN echo hi: RUN needs a base image (FROM scratch has no shell)',
    ]);
    // With files but no shell: the container cannot start its /bin/sh.
    const noShell = await build('-q', `${IMG}/scratch2`);
    expect(noShell.code).toBe(1);
    expect(noShell.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^netctl: Dockerfile:3: RUN echo hi: .*\/bin\/sh/),
    ]);
    expect(await buildNames()).toEqual([]);
    expect(await kernelState(sb)).toBe(kernel);
    expect(await sb.sh(['sh', '-c', `ls -a /var/lib/netctl/layers | grep '^.tmp' || true`])).toBe('');
  });
});

/** Starts `netctl build ARGS` in the background (its log and exit code under DIR); returns its pid. */
async function buildInBackground(dir: string, args: string[]): Promise<number> {
  const line = `exec ${process.execPath} ${NETCTL} build ${args.join(' ')} >${dir}/log 2>&1`;
  return sb.background(['sh', '-c', `(${line}); echo $? > ${dir}/rc`]);
}

async function waitFor(cmd: string, what: string, tries = 300): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if ((await sb.exec(['sh', '-c', cmd])).code === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a killed build', () => {
  it('leaves a RUN container doctor names and gc removes', async () => {
    const dir = `${IMG}/killed`;
    await project(dir, { Dockerfile: 'FROM busybox\nRUN echo waiting && sleep 60\n' });
    const pid = await buildInBackground(dir, [dir]);
    await waitFor(`grep -q '^waiting' ${dir}/log`, 'the RUN step');
    // The pid is that of sh; its child (the subshell exec'd) is the build.
    const node = (await sb.sh(['pgrep', '-P', String(pid)])).trim();
    await sb.sh(['kill', '-9', node]);
    await waitFor(`test -s ${dir}/rc`, 'the build to die');
    const left = await buildNames();
    expect(left).toHaveLength(1);
    const doc = await sb.netctl(['doctor']);
    expect(doc.stdout + doc.stderr).toContain(`container ${left[0]} of a build that was killed is still there`);
    const gc = await netctl('gc');
    expect(gc).toContain(`removed build-container ${left[0]}`);
    expect(await buildNames()).toEqual([]);
    const again = await sb.netctl(['doctor']);
    expect(again.stdout + again.stderr).not.toContain('of a build that was killed');
  });
});

describe('the build cache', () => {
  it('shows in system df, and builder prune -a empties it', async () => {
    const df = JSON.parse(await netctl('system', 'df', '--json')) as {
      buildCache: { entries: number; images: number; reclaimable: number };
    };
    expect(df.buildCache.entries).toBeGreaterThan(0);
    expect(df.buildCache.images).toBeGreaterThan(0);
    expect(await netctl('system', 'df')).toMatch(/^Build cache\s+\d+\s+\S+\s+\d+ step images only the cache holds/m);
    await netctl('builder', 'prune', '-a', '-f');
    const after = JSON.parse(await netctl('system', 'df', '--json')) as typeof df;
    expect(after.buildCache).toEqual({ entries: 0, images: 0, reclaimable: 0 });
  });
});

describe('a prune during a build', () => {
  it("leaves the images and layers the build uses: a stage's image copied from after the prune", async () => {
    const dir = `${IMG}/pinned`;
    await project(dir, {
      Dockerfile:
        'FROM busybox AS gen\nRUN echo generated > /g.txt\n' +
        'FROM busybox\nRUN echo waiting && sleep 4\nCOPY --from=gen /g.txt /g.txt\nCMD ["cat", "/g.txt"]\n',
    });
    await buildInBackground(dir, ['-t', 'pinned:v1', dir]);
    await waitFor(`grep -q '^waiting' ${dir}/log`, 'the RUN step');
    // gen's image is untagged and no container uses it: without the build's pin, -a takes it.
    const pruned = await netctl('image', 'prune', '-a');
    await waitFor(`test -s ${dir}/rc`, 'the build to end');
    expect(await sb.sh(['cat', `${dir}/rc`, `${dir}/log`])).toMatch(/^0\n[\s\S]*Successfully tagged pinned:v1/);
    expect(await netctl('run', '--rm', '--network', 'none', 'pinned:v1')).toBe('generated\n');
    // The prune did run: what no build held is gone (site:v1 and its steps).
    expect(pruned).toMatch(/site:v1/);
    await expect(netctl('image', 'inspect', 'site:v1')).rejects.toThrow(/not found/);
  }, 240_000);
});

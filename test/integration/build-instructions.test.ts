/**
 * Issue 26, the instructions only unit-tested before, in one real build in one sandbox:
 * COPY --chown/--chmod (stat in the container), ADD of a local tar (unpacked), SHELL, USER
 * (in RUN and in the container), VOLUME (inspect, and a run's volume filled from the image),
 * HEALTHCHECK (inspect, `ps` healthy), ONBUILD (a child image triggers it), STOPSIGNAL,
 * heredoc RUN and COPY, --target (only the stages needed run), --label, --build-arg over ARG
 * defaults, --network host and NAME; and the live progress display in a real pty (`script`).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETCTL, Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const IMG = `/tmp/netctl-test-${process.pid}-bins`;
const PROJ = `${IMG}/proj`;
const CLI = `${process.execPath} ${NETCTL}`;

const DOCKERFILE = `FROM busybox AS parent
ONBUILD RUN echo triggered > /onbuild.txt

FROM busybox AS unused
RUN echo UNUSED-STAGE-RAN

FROM busybox AS final
ARG WHO=default
ARG KEEP=kept
RUN echo "who=$WHO keep=$KEEP" > /args.txt
RUN printf '#!/bin/sh\\necho custom-shell >> /shell.log\\nexec /bin/sh "$@"\\n' > /bin/mysh && busybox chmod 755 /bin/mysh
SHELL ["/bin/mysh", "-c"]
RUN echo after-shell >> /shell.log
COPY --chown=65534:65534 --chmod=640 app.txt /app/app.txt
ADD bundle.tar /bundle/
RUN <<EOT
echo heredoc-run > /heredoc.txt
EOT
COPY <<EOT /etc/greeting
hello from a heredoc
EOT
RUN mkdir -p /data && echo seed > /data/seed
VOLUME /data
USER nobody
RUN busybox whoami > /tmp/who-run.txt && id -u >> /tmp/who-run.txt
HEALTHCHECK --interval=1s --retries=1 CMD test -f /tmp/up
STOPSIGNAL SIGINT
CMD ["sh", "-c", "touch /tmp/up; exec sleep 1000"]
`;

let sb: Sandbox;
let firstBuild = '';
const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
const inImage = (image: string, script: string) => netctl('run', '--rm', image, 'sh', '-c', script);

beforeAll(async () => {
  sb = await Sandbox.start({ wan: true });
  await sb.sh(['sh', makeImages, IMG]);
  await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
  await sb.sh(['mkdir', '-p', `${PROJ}/tarsrc/sub`]);
  await sb.sh(['sh', '-c', 'cat > "$1"', 'sh', `${PROJ}/Dockerfile`], { input: DOCKERFILE });
  await sb.sh([
    'sh',
    '-c',
    `cd ${PROJ} && echo app > app.txt && echo in-tar > tarsrc/sub/t.txt && tar -C tarsrc -cf bundle.tar .`,
  ]);
  firstBuild = await netctl(
    'build',
    '--progress',
    'plain',
    '--build-arg',
    'WHO=cli',
    '--label',
    'team=net',
    '-t',
    'inst:v1',
    PROJ,
  );
}, 240_000);

afterAll(async () => {
  await sb?.exec(['rm', '-rf', IMG]);
  await sb?.close();
});

describe('build instructions in a real build', () => {
  it('COPY --chown/--chmod, ADD of a tar, SHELL, heredocs, --build-arg over the default, USER in RUN', async () => {
    const out = await inImage(
      'inst:v1',
      'stat -c "%u:%g %a" /app/app.txt; cat /bundle/sub/t.txt /shell.log /heredoc.txt /etc/greeting /args.txt /tmp/who-run.txt',
    );
    expect(out.split('\n')).toEqual([
      '65534:65534 640',
      'in-tar',
      'custom-shell',
      'after-shell',
      // the later RUNs (heredoc, mkdir) go through SHELL too; as nobody it cannot write the log
      'custom-shell',
      'custom-shell',
      'heredoc-run',
      'hello from a heredoc',
      'who=cli keep=kept',
      'nobody',
      '65534',
      '',
    ]);
  });

  it('USER, VOLUME, HEALTHCHECK, STOPSIGNAL and --label in the config; a container runs as the user', async () => {
    const { config } = JSON.parse(await netctl('image', 'inspect', 'inst:v1')) as { config: Record<string, unknown> };
    expect(config.user).toBe('nobody');
    expect(config.volumes).toEqual(['/data']);
    expect(config.stopSignal).toBe('SIGINT');
    expect(config.labels).toEqual({ team: 'net' });
    expect(config.healthcheck).toMatchObject({ Test: ['CMD-SHELL', 'test -f /tmp/up'], Retries: 1 });
    expect(await inImage('inst:v1', 'busybox whoami; cat /data/seed')).toBe('nobody\nseed\n');
  });

  it('a container of it gets its volume and turns healthy', async () => {
    await netctl('run', '-d', '--name', 'hc', 'inst:v1');
    const mounts = await netctl('inspect', '-f', '{{range .Mounts}}{{.Destination}} {{end}}', 'hc');
    expect(mounts).toContain('/data');
    for (let i = 0; i < 100 && !/\(healthy\)/.test(await netctl('ps')); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await netctl('ps')).toMatch(/hc .*\(healthy\)/);
    await netctl('rm', '-f', 'hc');
  });

  it('ONBUILD runs in a child; --target runs only the stages it needs', async () => {
    const out = await netctl('build', '--progress', 'plain', '--target', 'parent', '-t', 'parent:v1', PROJ);
    expect(out).not.toContain('UNUSED-STAGE-RAN');
    // the last stage needs neither earlier one: neither ran in the first build
    expect(firstBuild).not.toContain('UNUSED-STAGE-RAN');
    expect(firstBuild).not.toContain('ONBUILD');
    expect(out).not.toContain('/args.txt');
    await sb.sh(['sh', '-c', 'mkdir -p "$1" && echo "FROM parent:v1" > "$1/Dockerfile"', 'sh', `${IMG}/child`]);
    await netctl('build', '-t', 'child:v1', `${IMG}/child`);
    expect(await inImage('child:v1', 'cat /onbuild.txt')).toBe('triggered\n');
  });

  it('RUN on --network host and on a named network', async () => {
    const dir = `${IMG}/net`;
    const df = 'FROM busybox\nRUN ip -o addr show > /addrs.txt\n';
    await sb.sh(['sh', '-c', 'mkdir -p "$1" && printf "%s" "$2" > "$1/Dockerfile"', 'sh', dir, df]);
    await netctl('network', 'create', '--subnet', '10.77.9.0/24', 'bnet');
    await netctl('build', '--network', 'bnet', '-t', 'onnet:v1', dir);
    expect(await inImage('onnet:v1', 'cat /addrs.txt')).toMatch(/inet 10\.77\.9\.\d+\//);
    await netctl('build', '--network', 'host', '--no-cache', '-t', 'onhost:v1', dir);
    const host = (await sb.sh(['ip', '-o', '-4', 'addr', 'show'])).match(/inet (\S+)/g)!;
    const built = await inImage('onhost:v1', 'cat /addrs.txt');
    for (const a of host) expect(built).toContain(a);
  });

  it('a terminal gets the live display; a pipe the plain lines', async () => {
    const dir = `${IMG}/live`;
    const df = 'FROM busybox\nRUN echo step-output-1 && sleep 0.5 && echo step-output-2\n';
    await sb.sh(['sh', '-c', 'mkdir -p "$1" && printf "%s" "$2" > "$1/Dockerfile"', 'sh', dir, df]);
    const r = await sb.exec(['sh', '-c', `script -qec '${CLI} build --no-cache -t live:v1 ${dir}' /dev/null`]);
    expect(r.stdout).toMatch(/\x1b\[\d+A\x1b\[J/);
    expect(r.stdout).toContain('   step-output-2');
    expect(r.stdout).toMatch(/\x1b\[J=> \[0 1\/1\] RUN echo step-output-1 .* {2}\d+\.\ds\r?\nSuccessfully built/);
    expect(r.stdout).toContain('Successfully built');
    const fdir = `${IMG}/fail`;
    const fdf = 'FROM busybox\nRUN echo before-fail && false\n';
    await sb.sh(['sh', '-c', 'mkdir -p "$1" && printf "%s" "$2" > "$1/Dockerfile"', 'sh', fdir, fdf]);
    const f = await sb.exec(['sh', '-c', `script -qec '${CLI} build ${fdir}' /dev/null`]);
    // the failed step's output stays on the screen after the last redraw, the error after it
    expect(f.stdout.split('\x1b[J').at(-1)).toMatch(
      /RUN echo before-fail .*\r?\n {3}before-fail\r?\n[\s\S]*Dockerfile:2: RUN echo before-fail/,
    );
    const bad = await sb.netctl(['build', '--progress', 'fancy', dir]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('invalid --progress "fancy"');
    const plain = await netctl('build', '-t', 'live:v1', dir);
    expect(plain).not.toContain('\x1b[');
    expect(plain).toMatch(/^#0 \[1\/1\] RUN echo step-output-1 .* {2}CACHED$/m);
  });
});

describe('ARG before FROM, platforms, proxy args, compose build on a terminal', () => {
  const ARCH = process.arch === 'x64' ? 'amd64' : process.arch;
  const FOREIGN = ARCH === 'arm64' ? 'linux/amd64' : 'linux/arm64';
  const write = (dir: string, df: string) =>
    sb.sh(['sh', '-c', 'mkdir -p "$1" && cat > "$1/Dockerfile"', 'sh', dir], { input: df });
  // every stored image, step images too, with ids and dates: a refused build changes none
  const images = () => netctl('image', 'ls', '--json');

  it('FROM ${BASE}: the default, --build-arg over it, unseen after FROM unless redeclared; platform args', async () => {
    const dir = `${IMG}/global`;
    await write(`${IMG}/alt`, 'FROM busybox\nRUN echo alt > /alt.txt\n');
    await netctl('build', '-t', 'altbase:v1', `${IMG}/alt`);
    await write(
      dir,
      [
        'ARG BASE=busybox',
        'FROM --platform=$BUILDPLATFORM ${BASE} AS first',
        'ARG TARGETARCH',
        'RUN (cat /alt.txt 2>/dev/null || echo no-alt) > /f.txt && echo "base=[$BASE] $TARGETARCH [$BUILDPLATFORM]" >> /f.txt',
        'FROM ${BASE}',
        'ARG BASE',
        'ARG TARGETPLATFORM',
        'COPY --from=first /f.txt /',
        'RUN echo "base=[$BASE] $TARGETPLATFORM" >> /f.txt',
        '',
      ].join('\n'),
    );
    await netctl('build', '-t', 'glob:v1', dir);
    const plat = `linux/${ARCH}`;
    expect(await inImage('glob:v1', 'cat /f.txt')).toBe(`no-alt\nbase=[] ${ARCH} []\nbase=[busybox] ${plat}\n`);
    await netctl('build', '--platform', plat, '--build-arg', 'BASE=altbase:v1', '-t', 'glob:v2', dir);
    expect(await inImage('glob:v2', 'cat /alt.txt /f.txt')).toBe(
      `alt\nalt\nbase=[] ${ARCH} []\nbase=[altbase:v1] ${plat}\n`,
    );
  });

  it('a foreign --platform or FROM --platform= is refused in one line, nothing built', async () => {
    const before = await images();
    const r = await sb.netctl(['build', '--platform', FOREIGN, `${IMG}/global`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--platform "${FOREIGN}": netctl builds for this host's platform only`);
    await write(`${IMG}/foreign`, `FROM busybox\nFROM --platform=${FOREIGN} busybox\nRUN echo ran\n`);
    const f = await sb.netctl(['build', '--progress', 'plain', `${IMG}/foreign`]);
    expect(f.code).toBe(1);
    expect(f.stderr).toContain(`Dockerfile:2: FROM --platform=${FOREIGN}: netctl builds for this host's platform only`);
    expect(f.stdout).not.toContain('RUN echo ran');
    expect(await images()).toBe(before);
  });

  it('proxy args reach RUN without ARG, are used there, and stay out of history, config and the cache key', async () => {
    const dir = `${IMG}/proxy`;
    const log = `${IMG}/proxy.log`;
    await sb.background(['ip', 'netns', 'exec', 'wan', 'sh', '-c', `sleep 30 | busybox nc -l -p 3128 > ${log}`]);
    // Debian 12's busybox wget segfaults: nc sends the proxy-form request to the proxy $http_proxy names
    const req = "printf 'GET http://example.invalid/via-proxy HTTP/1.0\\r\\n\\r\\n'";
    const get = `p=\${http_proxy#http://}; ${req} | nc -w 2 \${p%:*} \${p##*:} || true`;
    await write(dir, `FROM busybox\nRUN echo "[$http_proxy] [$NO_PROXY]" > /p.txt && (${get})\n`);
    const proxy = 'http://198.51.100.1:3128';
    await netctl('build', '--build-arg', `http_proxy=${proxy}`, '--build-arg', 'NO_PROXY=lan.test', '-t', 'px:v1', dir);
    expect(await inImage('px:v1', 'cat /p.txt')).toBe(`[${proxy}] [lan.test]\n`);
    expect(await sb.sh(['cat', log])).toContain('GET http://example.invalid/via-proxy HTTP/1.0');
    const history = await netctl('history', '--no-trunc', 'px:v1');
    expect(history).toContain('${p##*:} || true)'); // the whole command: --no-trunc cuts nothing
    const shown = `${history}${await netctl('image', 'inspect', 'px:v1')}`;
    expect(shown).not.toContain('198.51.100.1');
    expect(shown).not.toContain('lan.test');
    const again = await netctl('build', '--progress', 'plain', '--build-arg', 'http_proxy=http://other:1', dir);
    expect(again).toMatch(/^#0 \[1\/1\] RUN echo .* {2}CACHED$/m);
  });

  it('compose build and up --build show the live display on a terminal, plain lines in a pipe', async () => {
    const dir = `${IMG}/cmp`;
    await write(`${dir}/web`, 'FROM busybox\nRUN echo compose-out-1 && sleep 0.5 && echo compose-out-2\n');
    await sb.sh(['sh', '-c', 'cat > "$1/compose.yaml"', 'sh', dir], {
      input: 'services:\n  web:\n    build: ./web\n    image: cweb:v1\n',
    });
    const compose = `${CLI} compose -f ${dir}/compose.yaml`;
    const r = await sb.exec(['sh', '-c', `script -qec '${compose} build --no-cache' /dev/null`]);
    expect(r.stdout).toMatch(/\x1b\[\d+A\x1b\[J/);
    expect(r.stdout).toContain('   compose-out-2');
    expect(r.stdout).toMatch(
      /\x1b\[J=> \[web 0 1\/1\] RUN echo compose-out-1 .* {2}\d+\.\ds\r?\nweb: cweb:v1 [0-9a-f]{12}/,
    );
    const plain = await sb.exec(['sh', '-c', `${compose} build`]);
    expect(plain.stdout).not.toContain('\x1b[');
    expect(plain.stdout).toMatch(/^web #0 \[1\/1\] RUN echo compose-out-1 .* {2}CACHED$/m);
    const piped = await sb.exec(['sh', '-c', `script -qec '${compose} build --progress plain' /dev/null`]);
    expect(piped.stdout).not.toContain('\x1b[');
    // up --build shows its builds the same way (here a cache hit), then goes on
    const up = await sb.exec(['sh', '-c', `script -qec '${compose} up -d --build' /dev/null`]);
    expect(up.stdout).toMatch(/^=> \[web 0 1\/1\] RUN echo compose-out-1 .* {2}CACHED\r?$/m);
    await sb.exec(['sh', '-c', `${compose} down`]);
  });
});

/**
 * The interactive lifecycle with real containers: create then start -a -i, run -dit then
 * attach and detach with Ctrl-P Ctrl-Q (through a pipe and through a terminal), the same keys
 * (and --detach-keys) leaving a foreground run -it, kill -s
 * delivering a signal the process records, pause proven by a counter that stops advancing,
 * cp both ways, export, ps filters and formats, inspect -f, logs -t/--since, exec -u/-w/-d,
 * and the compose verbs over them (exec, run, pause, kill, rm, up --force-recreate).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETCTL, Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const IMG = `/tmp/netctl-test-${process.pid}-lci-img`;
const WORK = `/tmp/netctl-test-${process.pid}-lci-work`;
const CLI = `${process.execPath} ${NETCTL}`;

describe('interactive lifecycle', () => {
  let sb: Sandbox;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  const sh = (script: string) => sb.exec(['sh', '-c', script], { timeoutMs: 60_000 });
  const until = async (what: string, fn: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 100; i++) {
      if (await fn()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const fileIn = async (ctr: string, path: string): Promise<string> => {
    const r = await sh(`${CLI} cp ${ctr}:${path} - | tar -xOf -`);
    return r.code === 0 ? r.stdout.trim() : '';
  };

  beforeAll(async () => {
    sb = await Sandbox.start({});
    await sb.sh(['sh', makeImages, IMG]);
    await sb.sh(['mkdir', '-p', WORK]);
    await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
  });
  afterAll(async () => {
    await sb?.exec(['rm', '-rf', IMG, WORK]);
    await sb?.close();
  });

  it('create leaves a container Created; start -a -i runs it attached with its exit code', async () => {
    await netctl(
      'create',
      '-i',
      '--name',
      'once',
      '--label',
      'role=batch',
      'busybox',
      'sh',
      '-c',
      'read l; echo got-$l; exit 3',
    );
    expect(await netctl('ps', '-a', '--filter', 'name=once', '--format', '{{.Names}} {{.State}} {{.Status}}')).toBe(
      'once created Created\n',
    );
    const r = await sh(`printf 'abc\\n' | ${CLI} start -a -i once`);
    expect(r.stdout + r.stderr).toBe('got-abc\n');
    expect(r.code).toBe(3);
    expect(
      await netctl('inspect', '-f', '{{.State.Status}} {{.State.ExitCode}} {{index .Config.Labels "role"}}', 'once'),
    ).toBe('exited 3 batch\n');
  });

  /**
   * Runs `cmd` with its input from a FIFO: types `first`, waits (bounded) until its output
   * shows `seen`, then types `then` and waits for it to exit. Prints the output, then code=N.
   */
  const typed = (cmd: string, first: string, seen: string, then: string) =>
    sh(`d=$(mktemp -d); mkfifo $d/in
      (${cmd} < $d/in > $d/out 2>&1; echo $? > $d/code) &
      exec 3>$d/in
      printf '${first}' >&3
      for i in $(seq 150); do grep -q '${seen}' $d/out && break; sleep 0.1; done
      printf '${then}' >&3
      for i in $(seq 150); do test -s $d/code && break; sleep 0.1; done
      exec 3>&-; cat $d/out; echo code=$(cat $d/code); rm -rf $d`);

  it('run -di then attach through a pipe; Ctrl-P Ctrl-Q detaches and the container runs on', async () => {
    await netctl('run', '-d', '-i', '--name', 'echo', 'busybox', 'sh', '-c', 'while read l; do echo got-$l; done');
    const r = await typed(`${CLI} attach echo`, 'one\\n', 'got-one', '\\020\\021');
    expect(r.stdout).toContain('got-one\n');
    expect(r.stdout).toContain('code=0');
    expect(await netctl('inspect', '-f', '{{.State.Status}}', 'echo')).toBe('running\n');
    const bad = await sb.netctl(['attach', '--detach-keys', 'ctrl-1', 'echo']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid detach keys "ctrl-1"');
    const again = await typed(`${CLI} attach --detach-keys ctrl-a echo`, 'two\\n', 'got-two', 'x\\001');
    expect(again.stdout).toContain('got-two\n');
    expect(again.stdout).toContain('code=0');
    await netctl('rm', '-f', 'echo');
  });

  it("run -dit then attach in a terminal: the pty is the container's, and exit ends the attachment", async () => {
    await netctl('run', '-dit', '--name', 'term', 'busybox', 'sh');
    const inTerm = `script -qec '${CLI} attach term' /dev/null`;
    const r = await typed(inTerm, 'echo got-$((6*7)); tty\\r', 'got-42', '\\020\\021');
    // Exactly the pty's CR LF per line: the client's terminal is raw with OPOST off.
    expect(r.stdout).toMatch(/got-42\r\n\/dev\/pts\/\d+\r\n/);
    expect(r.stdout).not.toContain('\r\r');
    expect(r.stdout).toContain('code=0');
    expect(await netctl('inspect', '-f', '{{.State.Status}}', 'term')).toBe('running\n');
    const end = await typed(inTerm, 'echo ready-$((1+1))\\r', 'ready-2', 'exit 5\\r');
    expect(end.stdout).toContain('code=5');
    await netctl('rm', 'term');
  });

  it('run -it in a terminal: Ctrl-P Ctrl-Q (or --detach-keys) leaves it running; --rm -it goes at exit', async () => {
    const inTerm = (args: string) => `script -qec '${CLI} ${args}' /dev/null`;
    const r = await typed(inTerm('run -it --name fg busybox sh'), 'echo got-$((6*7)); tty\\r', 'got-42', '\\020\\021');
    // Exactly the pty's CR LF per line: the client's terminal is raw with OPOST off.
    expect(r.stdout).toMatch(/got-42\r\n\/dev\/pts\/\d+\r\n/);
    expect(r.stdout).not.toContain('\r\r');
    expect(r.stdout).toContain('read escape sequence');
    expect(r.stdout).toContain('code=0');
    expect(await netctl('inspect', '-f', '{{.State.Status}}', 'fg')).toBe('running\n');
    const back = await typed(inTerm('attach fg'), 'echo back-$((2+2))\\r', 'back-4', 'exit 6\\r');
    expect(back.stdout).toContain('code=6');
    expect(await netctl('inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'fg')).toBe('exited 6\n');
    const keys = await typed(
      inTerm('run -it --detach-keys ctrl-a,d --name fg2 busybox sh'),
      'echo k-$((1+2))\\r',
      'k-3',
      '\\001d',
    );
    expect(keys.stdout).toContain('code=0');
    expect(await netctl('inspect', '-f', '{{.State.Status}}', 'fg2')).toBe('running\n');
    const bad = await sb.netctl(['run', '-d', '--detach-keys', 'ctrl-1', '--name', 'never', 'busybox', 'true']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid detach keys "ctrl-1"');
    expect((await sb.netctl(['inspect', 'never'])).code).not.toBe(0);
    const rm = await typed(inTerm('run --rm -it --name gone busybox sh'), 'echo rm-$((3+4))\\r', 'rm-7', 'exit 4\\r');
    expect(rm.stdout).toContain('code=4');
    expect(await netctl('ps', '-aq', '--filter', 'name=gone')).toBe('');
    await netctl('rm', '-f', 'fg', 'fg2');
  });

  it('kill -s delivers the signal the process traps; pause stops a counter until unpause', async () => {
    await netctl(
      'run',
      '-d',
      '--name',
      'count',
      'busybox',
      'sh',
      '-c',
      'trap "echo got-USR1 > /tmp/sig" USR1; i=0; while true; do i=$((i+1)); echo $i > /tmp/n; sleep 0.05; done',
    );
    await until('the counter', async () => Number(await fileIn('count', '/tmp/n')) > 2);
    expect(await netctl('kill', '--dry-run', '-s', 'USR1', 'count')).toMatch(/^count: send SIGUSR1 to its process/);
    expect(await netctl('kill', '-s', 'usr1', 'count')).toBe('count\n');
    await until('the trap', async () => (await fileIn('count', '/tmp/sig')) === 'got-USR1');
    const badSig = await sb.netctl(['kill', '-s', 'NOPE', 'count']);
    expect(badSig.code).toBe(2);
    expect(badSig.stderr).toContain('invalid --signal "NOPE"');

    await netctl('pause', 'count');
    expect(await netctl('ps', '--filter', 'status=paused', '--format', '{{.Names}}: {{.Status}}')).toMatch(
      /^count: Up .* \(Paused\)\n$/,
    );
    expect(await netctl('inspect', '-f', '{{.State.Status}} {{.State.Paused}}', 'count')).toBe('paused true\n');
    const n1 = Number(await fileIn('count', '/tmp/n'));
    await new Promise((r) => setTimeout(r, 600));
    expect(Number(await fileIn('count', '/tmp/n'))).toBe(n1);
    const ex = await sb.netctl(['exec', 'count', 'true']);
    expect(ex.code).toBe(1);
    expect(ex.stderr).toContain('is paused');
    expect((await sb.netctl(['pause', 'count'])).stderr).toContain('already paused');
    await netctl('unpause', 'count');
    await until('the counter to move again', async () => Number(await fileIn('count', '/tmp/n')) > n1);
    // top reads the processes from the container's cgroup.
    expect(await netctl('top', 'count')).toMatch(/PID[\s\S]*sh -c trap/);
    await netctl('pause', 'count');
    await netctl('rm', '-f', 'count');
    expect(await netctl('ps', '-a', '-q', '--filter', 'name=count')).toBe('');
  });

  it('cp copies directories both ways and tar streams; export archives the filesystem', async () => {
    await netctl('run', '-d', '--name', 'files', 'busybox', 'sleep', '300');
    await sb.sh([
      'sh',
      '-c',
      `mkdir -p ${WORK}/src/sub && echo alpha > ${WORK}/src/a && echo beta > ${WORK}/src/sub/b`,
    ]);
    expect(await netctl('cp', '--dry-run', `${WORK}/src`, 'files:/data')).toMatch(/^copy .* to files:\/data/);
    await netctl('cp', `${WORK}/src`, 'files:/data');
    expect(await netctl('exec', 'files', 'cat', '/data/a', '/data/sub/b')).toBe('alpha\nbeta\n');
    await netctl('exec', 'files', 'sh', '-c', 'echo gamma > /data/sub/c');
    await netctl('cp', 'files:/data', `${WORK}/back`);
    expect(await sb.sh(['cat', `${WORK}/back/a`, `${WORK}/back/sub/b`, `${WORK}/back/sub/c`])).toBe(
      'alpha\nbeta\ngamma\n',
    );
    // A tar stream in: into an existing directory.
    await sh(`tar -C ${WORK}/src -cf - a | ${CLI} cp - files:/tmp`);
    expect(await netctl('exec', 'files', 'cat', '/tmp/a')).toBe('alpha\n');
    // A link in the container cannot point a copy at the host's files.
    await netctl('exec', 'files', 'busybox', 'ln', '-s', '/', '/escape');
    await netctl('cp', `${WORK}/src/a`, 'files:/escape/etc/netctl-escape-test');
    expect((await sh(`test -e /etc/netctl-escape-test && echo leaked || echo kept`)).stdout).toBe('kept\n');
    const missing = await sb.netctl(['cp', 'files:/nope', `${WORK}/x`]);
    expect(missing.code).toBe(1);
    const listing = await sh(`${CLI} export files | tar -tf - | grep -E '^\\./(bin/busybox|data/sub/c)$' | sort`);
    expect(listing.stdout).toBe('./bin/busybox\n./data/sub/c\n');
    await netctl('export', '-o', `${WORK}/files.tar`, 'files');
    expect((await sh(`tar -tf ${WORK}/files.tar | grep -c busybox`)).stdout.trim()).not.toBe('0');
    await netctl('rm', '-f', 'files');
  });

  it('ps filters and formats, inspect -f, logs -t/--since, exec -u/-w/-d/-e', async () => {
    await netctl('network', 'create', '--subnet', '10.79.0.0/24', 'lci');
    await netctl(
      'run',
      '-d',
      '--name',
      'svc-a',
      '--label',
      'tier=front',
      '--net',
      'lci',
      'busybox',
      'sh',
      '-c',
      'echo hello; sleep 300',
    );
    await netctl('run', '-d', '--name', 'svc-b', 'busybox', 'sh', '-c', 'echo bye; exit 4');
    await until(
      'svc-b to exit',
      async () => (await netctl('inspect', '-f', '{{.State.Status}}', 'svc-b')) === 'exited\n',
    );
    const names = (...f: string[]) =>
      netctl('ps', '-a', ...f.flatMap((x) => ['--filter', x]), '--format', '{{.Names}}');
    expect(await names('label=tier=front')).toBe('svc-a\n');
    expect(await names('network=lci')).toBe('svc-a\n');
    expect(await names('status=exited', 'name=svc')).toBe('svc-b\n');
    expect(await names('ancestor=busybox', 'name=svc-')).toMatch(/^(svc-a\nsvc-b|svc-b\nsvc-a)\n$/);
    expect(await netctl('ps', '--filter', 'status=exited', '-q')).toMatch(/^[0-9a-f]{12}\n/);
    expect(await netctl('ps', '-l', '--format', '{{.Names}}')).toBe('svc-b\n');
    expect(await netctl('ps', '--format', 'table {{.Names}}\\t{{.Networks}}', '--filter', 'name=svc-a')).toMatch(
      /^NAMES\s+NETWORKS\nsvc-a\s+lci\n$/,
    );
    const badFilter = await sb.netctl(['ps', '--filter', 'colour=red']);
    expect(badFilter.code).toBe(2);
    expect(badFilter.stderr.trim().split('\n')).toHaveLength(1);

    const ip = await netctl('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', 'svc-a');
    expect(ip).toMatch(/^10\.79\.0\.\d+\n$/);
    expect(await netctl('inspect', '-f', '{{json .Config.Labels}}', 'svc-a')).toBe('{"tier":"front"}\n');
    const badTpl = await sb.netctl(['inspect', '-f', '{{.State', 'svc-a']);
    expect(badTpl.code).toBe(2);
    expect(badTpl.stderr).toContain('invalid template');

    expect(await netctl('logs', '-t', 'svc-a')).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z hello\n$/);
    expect(await netctl('logs', '--since', '2000-01-01', '--until', '2000-01-02', 'svc-a')).toBe('');
    expect(await netctl('logs', '--since', '10m', 'svc-a')).toBe('hello\n');

    expect(
      await netctl('exec', '-u', 'nobody', '-w', '/tmp', '-e', 'X=1', 'svc-a', 'sh', '-c', 'echo $(id -u) $PWD $X'),
    ).toBe('65534 /tmp 1\n');
    expect(await netctl('exec', '-d', 'svc-a', 'sh', '-c', 'sleep 1; echo done > /tmp/bg')).toBe('');
    await until('the detached exec', async () => (await fileIn('svc-a', '/tmp/bg')) === 'done');
    // The container ... spellings are the same commands.
    expect(await netctl('container', 'ls', '-a', '--filter', 'name=svc-b', '--format', '{{.Names}}')).toBe('svc-b\n');
    expect(await netctl('container', 'prune', '--dry-run')).toContain('would remove svc-b');
    await netctl('container', 'rm', '-f', 'svc-a', 'svc-b');
  });

  it('compose exec, run, pause, kill, rm and up --force-recreate', async () => {
    const dir = `${WORK}/app`;
    await sb.sh(['mkdir', '-p', dir]);
    await sb.sh([
      'sh',
      '-c',
      `cat > ${dir}/compose.yaml <<'EOF'
name: lci
services:
  app:
    image: busybox
    command: ["sleep", "300"]
    environment: [X=from-file]
    ports: ["8089:80"]
EOF`,
    ]);
    const compose = (...args: string[]) =>
      sb.exec(['sh', '-c', `cd ${dir} && exec ${CLI} compose "$@"`, 'sh', ...args], { timeoutMs: 60_000 });
    const ok = async (...args: string[]) => {
      const r = await compose(...args);
      if (r.code !== 0) throw new Error(`compose ${args.join(' ')}: ${r.stdout}${r.stderr}`);
      return r.stdout;
    };
    await ok('up', '-d');
    expect(await ok('exec', '-T', '-e', 'Y=2', 'app', 'sh', '-c', 'echo $X $Y')).toBe('from-file 2\n');
    const run = await compose('run', '--rm', '-T', '-e', 'Y=3', 'app', 'sh', '-c', 'echo $X $Y; exit 6');
    expect(run.stdout).toBe('from-file 3\n');
    expect(run.code).toBe(6);
    expect(await netctl('ps', '-a', '--filter', 'label=com.docker.compose.oneoff=True', '-q')).toBe('');
    const missing = await compose('run', '--rm', '-T', 'app', 'no-such-command');
    expect(missing.code).not.toBe(0);
    expect(await ok('port', 'app', '80')).toBe('0.0.0.0:8089\n');
    expect(await ok('images')).toMatch(/lci-app-1\s+busybox\s+latest/);
    await ok('pause');
    expect(await netctl('inspect', '-f', '{{.State.Status}}', 'lci-app-1')).toBe('paused\n');
    await ok('unpause');
    expect(await ok('top')).toContain('sleep 300');
    const before = await netctl('inspect', '-f', '{{.Id}}', 'lci-app-1');
    expect(await ok('up', '-d', '--force-recreate', '--dry-run')).toContain('forced');
    await ok('up', '-d', '--force-recreate');
    expect(await netctl('inspect', '-f', '{{.Id}}', 'lci-app-1')).not.toBe(before);
    // SIGKILL: the container's init (sleep, pid 1 in its namespace) ignores a TERM it has no handler for.
    await ok('kill');
    await until(
      'the kill',
      async () => (await netctl('inspect', '-f', '{{.State.Status}}', 'lci-app-1')) === 'exited\n',
    );
    expect(await ok('rm', '-f')).toBe('removed lci-app-1\n');
    await ok('down');
  }, 300_000);
});

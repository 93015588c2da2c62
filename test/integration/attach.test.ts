/**
 * `run -i`, `run -i -t`, `exec -i -t` through the CLI: stdin passed through, a pseudo-terminal
 * from the container's own devpts, the exit code returned, --rm cleaning up. script(1) gives
 * the CLI a terminal, as a user's shell would.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETCTL, Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const IMG = `/tmp/netctl-test-${process.pid}-attach`;

describe('attached containers (-i, -t)', () => {
  let sb: Sandbox;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  /** Runs a netctl command line under script(1) with `input` typed into its terminal. */
  const inTerminal = (cmdline: string, input: string) =>
    sb.exec(['script', '-qec', `exec ${process.execPath} ${NETCTL} ${cmdline}`, '/dev/null'], {
      input,
      timeoutMs: 30_000,
    });

  beforeAll(async () => {
    sb = await Sandbox.start({});
    await sb.sh(['sh', makeImages, IMG]);
    await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
  });
  afterAll(async () => {
    await sb?.exec(['rm', '-rf', IMG]);
    await sb?.close();
  });

  it('run -i passes stdin through and returns the exit code', async () => {
    const r = await sb.netctl(['run', '-i', '--rm', '--name', 'cat', 'busybox', 'sh', '-c', 'cat; exit 7'], {
      input: 'from-stdin\n',
    });
    expect(r.stdout).toBe('from-stdin\n');
    expect(r.code).toBe(7);
    expect(await netctl('ps', '-a')).not.toContain('cat');
  });

  it('run -i -t gives the container a terminal of its own', async () => {
    const r = await inTerminal(
      `run -it --rm --name term busybox sh -c 'read a; read b; echo sum-$((a+b)); tty; exit 3'`,
      '40\n2\n',
    );
    // The container's pty ends its lines with CR LF; the client's terminal, raw with OPOST off
    // (native/src/tty.cc), adds no CR of its own.
    expect(r.stdout).toContain('sum-42\r\n/dev/pts/0\r\n');
    expect(r.stdout).not.toContain('\r\r');
    expect(r.code).toBe(3);
  });

  it('clears OPOST of the terminal while attached and restores it after SIGTERM', async () => {
    // stty reports the terminal netctl shares; the FIFO keeps script's input open (no EOF typed).
    const inner = `opost() { echo opost=$(stty -a | grep -o -- '-\\?opost'); }; opost
      ${process.execPath} ${NETCTL} run -it --name raw busybox sh </dev/tty & p=$!
      for i in $(seq 150); do stty -a | grep -q -- -opost && break; sleep 0.1; done; opost
      kill -TERM $p; wait $p; echo code=$?; opost`;
    const r = await sb.exec(
      [
        'sh',
        '-c',
        'd=$(mktemp -d); mkfifo $d/in; exec 3<>$d/in; script -qec "$1" /dev/null <$d/in; rm -rf $d',
        'sh',
        inner,
      ],
      { timeoutMs: 30_000 },
    );
    await netctl('rm', '-f', 'raw');
    // Unanchored: the container's prompt may stand before a line on the shared terminal.
    expect(r.stdout.match(/opost=-?opost|code=\d+/g)).toEqual([
      'opost=opost',
      'opost=-opost',
      'code=143',
      'opost=opost',
    ]);
  });

  // -d with -i/-t is no longer refused: `run -dit` then `attach` (lifecycle-interactive.test.ts).
  it('refuses -t without a terminal, changing nothing', async () => {
    const t = await sb.netctl(['run', '-t', '--name', 'x', 'busybox', 'tty']);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('not a TTY');
    expect(JSON.parse(await netctl('ps', '-a', '--json'))).toEqual([]);
  });

  it('exec -i -t enters a running container with a terminal', async () => {
    await netctl('run', '-d', '--name', 'svc', 'busybox', 'sleep', '300');
    const r = await inTerminal("exec -it svc sh -c 'read x; echo got-$x; tty; exit 4'", 'abc\n');
    expect(r.stdout).toMatch(/got-abc\r\n\/dev\/pts\/\d+\r\n/);
    expect(r.code).toBe(4);
    const piped = await sb.netctl(['exec', '-i', 'svc', 'cat'], { input: 'piped\n' });
    expect(piped.stdout).toBe('piped\n');
    await netctl('rm', '-f', 'svc');
  });
});

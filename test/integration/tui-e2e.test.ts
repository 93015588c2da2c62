/**
 * The real `netctl tui` in tmux inside a sandbox, with the real ufw: it shows the container
 * and its published port closed; selecting the port and pressing `a` (empty source: from
 * anywhere) opens it for real — the wan host gets the page — and the pane says open; a
 * container started from another terminal shows up; `q` quits.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETCTL, Sandbox } from '../harness/sandbox.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const IMG = `/tmp/netctl-test-${process.pid}-tui-img`;
const WWW = `/tmp/netctl-test-${process.pid}-tui-www`;

describe('netctl tui in a terminal', () => {
  let sb: Sandbox;
  const netctl = async (...args: string[]): Promise<string> => {
    const r = await sb.netctl(args);
    if (r.code !== 0) throw new Error(`netctl ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
    return r.stdout;
  };
  const screen = async (): Promise<string> => (await sb.exec(['tmux', 'capture-pane', '-p', '-t', 'tui'])).stdout;
  /** Waits (bounded) until the screen matches. */
  const waitFor = async (re: RegExp, ms = 15_000): Promise<string> => {
    const end = Date.now() + ms;
    let s = '';
    while (Date.now() < end) {
      s = await screen();
      if (re.test(s)) return s;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`screen never matched ${re}:\n${s}`);
  };
  const keys = (...k: string[]) => sb.sh(['tmux', 'send-keys', '-t', 'tui', ...k]);
  const wanGet = async (): Promise<string> => {
    const r = await sb.execIn('wan', ['curl', '-s', '-m', '2', 'http://198.51.100.2:8080/'], { timeoutMs: 6_000 });
    return r.code === 0 ? r.stdout.trim() : '';
  };

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true });
    await sb.sh(['sh', makeImages, IMG]);
    await sb.sh(['sh', '-c', `mkdir -p ${WWW} && echo page > ${WWW}/index.html`]);
    await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
    await netctl('network', 'create', '--subnet', '10.66.0.0/24', 'front');
    await netctl('run', '-d', '--name', 'web', '--network', 'front', '-p', '8080:80', '-v', `${WWW}:/www:ro`, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/www');
    await sb.sh(['ufw', '--force', 'enable']);
    await sb.sh(['ufw', 'default', 'deny', 'routed']);
    await netctl('ufw', 'install');
  });
  afterAll(async () => {
    await sb?.exec(['tmux', 'kill-server']);
    await sb?.exec(['rm', '-rf', IMG, WWW]);
    await sb?.close();
  });

  it('refuses to run without a terminal', async () => {
    const r = await sb.netctl(['tui']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs a terminal');
  });

  it('shows the port closed, opens it with a, shows new containers, quits with q', async () => {
    expect(await wanGet()).toBe('');
    await sb.sh(['tmux', 'new-session', '-d', '-s', 'tui', '-x', '100', '-y', '30', `${process.execPath} ${NETCTL} tui`]);
    await waitFor(/web\s+running\s+10\.66\.0\.2\s+front\s+0\.0\.0\.0:8080->80\/tcp\s+closed/);
    await keys('a');
    await waitFor(/allow web 80\/tcp from \(CIDR, empty: anywhere\)/);
    await keys('Enter');
    await waitFor(/allowed web 80\/tcp/);
    expect(await wanGet()).toBe('page');
    await waitFor(/0\.0\.0\.0:8080->80\/tcp\s+open/);
    // Another terminal starts a container: it appears within a couple of refreshes.
    await netctl('run', '-d', '--name', 'late', '--network', 'front', 'busybox', 'sleep', '300');
    await waitFor(/late\s+running/, 5_000);
    await keys('q');
    const end = Date.now() + 10_000;
    while (Date.now() < end && (await sb.exec(['tmux', 'has-session', '-t', 'tui'])).code === 0) await new Promise((r) => setTimeout(r, 200));
    expect((await sb.exec(['tmux', 'has-session', '-t', 'tui'])).code).not.toBe(0);
  });
});

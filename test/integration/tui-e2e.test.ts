/**
 * The real `netctl tui` in tmux inside a sandbox, with the real ufw: it shows the container
 * and its published port closed; selecting the port and pressing `a` (empty source: from
 * anywhere) opens it for real — the wan host gets the page — and the pane says open; the
 * Rules pane counts the request; `d` closes it again; an allow and a container made from
 * another terminal show up; `q` quits. Without colours the selection is still visible.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETCTL, Sandbox } from '../harness/sandbox.js';
import { httpdServing, netctlOk } from './helpers/net.js';
import { Tmux } from './helpers/tmux.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const IMG = `/tmp/netctl-test-${process.pid}-tui-img`;
const WWW = `/tmp/netctl-test-${process.pid}-tui-www`;

describe('netctl tui in a terminal', () => {
  let sb: Sandbox;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  let tmux: Tmux;
  const waitFor = (re: RegExp, ms?: number): Promise<string> => tmux.waitFor(re, ms);
  const keys = (...k: string[]): Promise<void> => tmux.keys('tui', ...k);
  /** Waits (bounded) until the tmux session has ended, and says it has. */
  const waitGone = async (session: string): Promise<void> => {
    expect(await tmux.gone(session)).toBe(true);
  };
  const wanGet = async (): Promise<string> => {
    const r = await sb.execIn('wan', ['curl', '-s', '-m', '2', 'http://198.51.100.2:8080/'], { timeoutMs: 6_000 });
    return r.code === 0 ? r.stdout.trim() : '';
  };

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true });
    tmux = new Tmux(sb, 'netctl-tui-e2e');
    await sb.sh(['sh', makeImages, IMG]);
    await sb.sh(['sh', '-c', `mkdir -p ${WWW} && echo page > ${WWW}/index.html`]);
    await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
    await netctl('network', 'create', '--subnet', '10.66.0.0/24', 'front');
    await netctl('run', '-d', '--name', 'web', '--network', 'front', '-p', '8080:80', ...httpdServing(WWW));
    await sb.sh(['ufw', '--force', 'enable']);
    await sb.sh(['ufw', 'default', 'deny', 'routed']);
    await netctl('ufw', 'install');
  });
  afterAll(async () => {
    await tmux?.close();
    await sb?.exec(['rm', '-rf', IMG, WWW]);
    await sb?.close();
  });

  it('refuses to run without a terminal', async () => {
    const r = await sb.netctl(['tui']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs a terminal');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('shows the port closed, opens it with a, counts its packets, closes it with d, follows other terminals, quits with q', async () => {
    expect(await wanGet()).toBe('');
    await tmux.start('tui', 100, 30, `${process.execPath} ${NETCTL} tui`);
    await waitFor(/web\s+netctl\s+running\s+10\.66\.0\.2\s+front\s+0\.0\.0\.0:8080->80\/tcp\s+closed/);
    await keys('a');
    await waitFor(/allow web 80\/tcp from \(CIDR, empty: anywhere\)/);
    await keys('Enter');
    await waitFor(/allowed web 80\/tcp/);
    expect(await wanGet()).toBe('page');
    await waitFor(/0\.0\.0\.0:8080->80\/tcp\s+open/);
    // The Rules pane, filtered to the published port: the DNAT rule has counted the request.
    await keys('Tab', '/', '8080', 'Enter');
    await waitFor(/IPv4 nat NETCTL-DNAT\n\s+[1-9]\d*\s+\d+\s+netctl\s+-p tcp -m tcp --dport 8080/);
    await keys('/', 'Escape', 'Tab', 'Tab');
    await waitFor(/\[2 Containers\][\s\S]*0\.0\.0\.0:8080->80\/tcp\s+open/);
    await keys('d');
    await waitFor(/0\.0\.0\.0:8080->80\/tcp\s+closed/);
    expect(await wanGet()).toBe('');
    // Another terminal allows the port from one source and starts a container: both show up.
    await netctl('allow', 'web', '80', '--from', '198.51.100.0/24');
    await waitFor(/0\.0\.0\.0:8080->80\/tcp\s+from 198\.51\.100\.0\/24/, 5_000);
    expect(await wanGet()).toBe('page');
    await netctl('run', '-d', '--name', 'late', '--network', 'front', 'busybox', 'sleep', '300');
    await waitFor(/late\s+netctl\s+running/, 5_000);
    await keys('q');
    await waitGone('tui');
  });

  it('draws without colours under NO_COLOR and TERM=dumb, marking the selection with >', async () => {
    await tmux.exec('kill-session', '-t', 'tui'); // left by a failed test before
    for (const env of ['NO_COLOR=1', 'TERM=dumb']) {
      await tmux.start('tui', 80, 24, `env ${env} ${process.execPath} ${NETCTL} tui`);
      await waitFor(/^> web\s+netctl\s+running\s+10\.66\.0\.2/m);
      const raw = await tmux.screen('tui', true);
      // capture-pane -e writes the cells' attributes as SGR sequences: none may set a colour or inverse.
      expect(raw.match(/\u001b\[[0-9;]*m/g)?.filter((sgr) => /[[;](3\d|4\d|7)[;m]/.test(sgr)) ?? []).toEqual([]);
      await keys('q');
      await waitGone('tui');
    }
  });
});

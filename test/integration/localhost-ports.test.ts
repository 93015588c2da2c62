import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Sandbox } from '../harness/sandbox.js';
import { httpdServing, kernelState, netctlOk } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));

// The lan neighbour sends packets for 127.0.0.1 to the host: its own local table is moved
// behind a rule that routes 127.0.0.1 via 192.168.77.1 (moby/moby#45610).
const ROUTE_LOOPBACK_VIA_HOST = [
  'ip rule add pref 100 lookup local',
  'ip rule del pref 0',
  'ip route add 127.0.0.1/32 via 192.168.77.1 table 200',
  'ip rule add pref 50 to 127.0.0.1 lookup 200',
  'for f in /proc/sys/net/ipv4/conf/*/route_localnet; do echo 1 > $f; done',
].join(' && ');

describe('ports published on 127.0.0.1', () => {
  let sb: Sandbox;
  let tmp = '';
  let start = '';
  let webIp = '';
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  const curl = async (host: string | null, url: string): Promise<string> => {
    const argv = ['curl', '-s', '-m', '2', url];
    const r =
      host === null ? await sb.exec(argv, { timeoutMs: 6000 }) : await sb.execIn(host, argv, { timeoutMs: 6000 });
    return r.code === 0 ? r.stdout.trim().replace(/^\[::ffff:(.*)\]$/, '$1') : `curl failed (${r.code})`;
  };
  const dropped = async (comment: string): Promise<number> => {
    const line = (await sb.sh(['iptables', '-t', 'raw', '-L', 'NETCTL-PREROUTING', '-v', '-n', '-x']))
      .split('\n')
      .find((l) => l.includes(comment));
    return Number(line?.trim().split(/\s+/)[0] ?? -1);
  };
  const localnet = async (): Promise<string> =>
    (await sb.sh(['cat', '/proc/sys/net/ipv4/conf/netctl0/route_localnet'])).trim();

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true, lan: true });
    tmp = (await sb.sh(['mktemp', '-d', '/tmp/netctl-it-XXXXXX'])).trim();
    await sb.sh(['sh', makeImages, `${tmp}/img`]);
    await sb.sh([
      'sh',
      '-c',
      `mkdir -p ${tmp}/www/cgi-bin && echo page > ${tmp}/www/index.html && printf "#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho \\$REMOTE_ADDR\\n" > ${tmp}/www/cgi-bin/ip && chmod +x ${tmp}/www/cgi-bin/ip`,
    ]);
    await netctl('image', 'import', `${tmp}/img/busybox.tar`, 'busybox');
    await netctl('network', 'ls');
    start = await kernelState(sb);
    await netctl('run', '-d', '--name', 'web', '-p', '127.0.0.1:8080:80', ...httpdServing(`${tmp}/www`));
    const [view] = JSON.parse(await netctl('inspect', 'web')) as {
      NetworkSettings: { Networks: { bridge: { IPAddress: string } } };
    }[];
    webIp = view!.NetworkSettings.Networks.bridge.IPAddress;
  });
  afterAll(async () => {
    if (tmp) await sb?.exec(['rm', '-rf', tmp]);
    await sb?.close();
  });

  it('answers the host itself on 127.0.0.1, seen from the bridge gateway', async () => {
    expect(await curl(null, 'http://127.0.0.1:8080/')).toBe('page');
    expect(await curl(null, 'http://127.0.0.1:8080/cgi-bin/ip')).toBe('172.17.0.1');
    expect((await netctl('port', 'web')).trim()).toBe('80/tcp -> 127.0.0.1:8080');
    expect(await localnet()).toBe('1');
  });

  it('is closed to the wan host and to the lan neighbour through the host addresses', async () => {
    expect(await curl('wan', 'http://198.51.100.2:8080/')).toMatch(/curl failed/);
    expect(await curl('lan', 'http://192.168.77.1:8080/')).toMatch(/curl failed/);
  });

  it('is closed to a lan neighbour routing 127.0.0.1 to the host, which it would reach without the raw drop', async () => {
    await sb.execIn('lan', ['sh', '-c', ROUTE_LOOPBACK_VIA_HOST]).then((r) => expect(r.code, r.stderr).toBe(0));
    const before = await dropped('netctl:localhost');
    expect(await curl('lan', 'http://127.0.0.1:8080/')).toMatch(/curl failed/);
    expect(await dropped('netctl:localhost')).toBeGreaterThan(before);
    // The control: the attack is real, and only that rule stops it.
    await sb.sh([
      'iptables',
      '-t',
      'raw',
      '-D',
      'NETCTL-PREROUTING',
      '-d',
      '127.0.0.0/8',
      '!',
      '-i',
      'lo',
      '-m',
      'comment',
      '--comment',
      'netctl:localhost',
      '-j',
      'DROP',
    ]);
    expect(await curl('lan', 'http://127.0.0.1:8080/')).toBe('page');
    // The next command re-plans from the live rules and puts it back.
    await netctl('run', '--rm', 'busybox', 'true');
    expect(await curl('lan', 'http://127.0.0.1:8080/')).toMatch(/curl failed/);
  });

  it('is closed to a lan neighbour routing the container address to the host', async () => {
    await sb.execIn('lan', ['ip', 'route', 'add', '172.17.0.0/16', 'via', '192.168.77.1']);
    const before = await dropped(`${webIp} `);
    expect(await curl('lan', `http://${webIp}:80/`)).toMatch(/curl failed/);
    expect(await dropped(`${webIp} `)).toBeGreaterThan(before);
  });

  it('makes every-address ports reachable through 127.0.0.1 too, and a specific address not', async () => {
    await netctl('run', '-d', '--name', 'any', '-p', '8081:80', ...httpdServing(`${tmp}/www`));
    await netctl('run', '-d', '--name', 'wan2only', '-p', '203.0.113.2:8082:80', ...httpdServing(`${tmp}/www`));
    expect(await curl(null, 'http://127.0.0.1:8081/')).toBe('page');
    expect(await curl('wan', 'http://198.51.100.2:8081/cgi-bin/ip')).toBe('198.51.100.1');
    expect(await curl(null, 'http://127.0.0.1:8082/')).toMatch(/curl failed/);
    expect(await curl('wan2', 'http://203.0.113.2:8082/')).toBe('page');
  });

  it('keeps route_localnet on for a newcomer without such a port, and sets it on a bridge that ufw sync brings back', async () => {
    await netctl('run', '-d', '--name', 'plain', 'busybox', 'sleep', '600');
    expect(await localnet()).toBe('1');
    await sb.sh(['ip', 'link', 'del', 'netctl0']);
    expect(await netctl('ufw', 'sync')).toContain('# network bridge: ip link add netctl0');
    expect(await localnet()).toBe('1');
    await netctl('rm', '-f', 'plain');
  });

  it('turns route_localnet off with the last such port and restores the starting state', async () => {
    await netctl('rm', '-f', 'web', 'any');
    expect(await localnet()).toBe('0');
    await netctl('rm', '-f', 'wan2only');
    expect(await kernelState(sb)).toBe(start);
  });
});

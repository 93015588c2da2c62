/**
 * The whole ufw story with real containers, the real ufw (enabled, routed policy deny) and
 * real requests from the wan, wan2 and lan hosts: the Docker problem, the block closing
 * published ports, `netctl allow` opening exactly one container port (optionally for one
 * source), `deny`, rules that survive ufw reload, disable/enable and a simulated boot, and
 * that go away with their container; IPv6 the same on a dual-stack network.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { httpdServing, kernelState, netctlOk, pageFrom } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
// Per run: test files run in parallel, and so may the suites of other checkouts.
const IMG = `/tmp/netctl-test-${process.pid}-img`;
const WWW = `/tmp/netctl-test-${process.pid}-www`;

/** Each client and the host address it uses. */
const HOST = { wan: '198.51.100.2', wan2: '203.0.113.2', lan: '192.168.77.1' } as const;
type Client = keyof typeof HOST;
const ALL = Object.keys(HOST) as Client[];

describe('netctl allow with the real ufw and real packets', () => {
  let sb: Sandbox;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  const ufw = async (...args: string[]): Promise<string> => {
    const r = await sb.exec(['ufw', ...args], { timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`ufw ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  /** The page body a client gets from host:port, or '' when the connection failed. */
  const get = (client: Client, port: number, host: string = HOST[client]): Promise<string> =>
    pageFrom(sb, client, host, port);
  /** The clients that get `page` on `port`. */
  const openTo = async (port: number, page: string): Promise<Client[]> => {
    const got = await Promise.all(ALL.map((c) => get(c, port)));
    return ALL.filter((_, i) => got[i] === page);
  };
  const userRules = async (): Promise<string> => await sb.sh(['cat', '/etc/ufw/user.rules', '/etc/ufw/user6.rules']);

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true, lan: true });
    await sb.sh(['sh', makeImages, IMG]);
    await sb.sh([
      'sh',
      '-c',
      `mkdir -p ${WWW}/w1 ${WWW}/w2 && echo one > ${WWW}/w1/index.html && echo two > ${WWW}/w2/index.html`,
    ]);
    await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
    // The LAN neighbour routes the container subnet through the host: a LAN host is
    // outside like any other, however private its address.
    await sb.sh(['ip', '-n', 'lan', 'route', 'add', '10.91.0.0/24', 'via', '192.168.77.1']);
    await sb.sh(['ip', 'addr', 'add', '2001:db8:1::2/64', 'dev', 'wan0', 'nodad']);
    await sb.sh(['ip', '-n', 'wan', 'addr', 'add', '2001:db8:1::1/64', 'dev', 'eth0', 'nodad']);
    await netctl('network', 'create', '--subnet', '10.91.0.0/24', '--ipv6', '--subnet', 'fd00:91::/64', 'front');
    await netctl('run', '-d', '--name', 'web', '--network', 'front', '-p', '8080:80', ...httpdServing(`${WWW}/w1`));
    await netctl('run', '-d', '--name', 'other', '--network', 'front', '-p', '8081:80', ...httpdServing(`${WWW}/w2`));
    await ufw('--force', 'enable');
    await ufw('default', 'deny', 'routed');
  });
  afterAll(async () => {
    await sb?.exec(['rm', '-rf', IMG, WWW]);
    await sb?.close();
  });

  it('before the block, ufw says deny and the published port is open anyway (the Docker problem)', async () => {
    expect(await ufw('status', 'verbose')).toContain('deny (routed)');
    expect(await openTo(8080, 'one')).toEqual(ALL);
  });

  it('after ufw install and a reload, the port is closed to wan, wan2 and lan, and ufw status says so', async () => {
    await netctl('ufw', 'install');
    await ufw('reload');
    expect(await openTo(8080, 'one')).toEqual([]);
    expect(await openTo(8081, 'two')).toEqual([]);
    const status = await netctl('ufw', 'status');
    expect(status).toMatch(/web\s+0\.0\.0\.0:8080->80\/tcp\s+closed/);
    expect(status).toMatch(/web\s+\[::\]:8080->80\/tcp\s+closed/);
    // trace names the rule that drops it, and what would open it.
    const t = await netctl('trace', '--from', '198.51.100.1', '198.51.100.2:8080');
    expect(t).toContain('destination rewritten to 10.91.0.2:80: container web on network front');
    expect(t).toMatch(/ufw-skip-to-policy-forward\s+-A ufw-skip-to-policy-forward -j DROP\nverdict: DROP/);
    expect(t).toContain('hint: netctl allow web 80/tcp');
  });

  it('refuses an unknown container, an unpublished port, a bad CIDR and sctp, changing nothing', async () => {
    const before = [await userRules(), await kernelState(sb)];
    for (const args of [
      ['allow', 'nope', '80'],
      ['allow', 'web', '81'],
      ['allow', 'web', '80', '--from', '203.0.113.0/33'],
      ['allow', 'web', '80/sctp'],
      ['allow', 'web', '80', '--network', 'bridge'],
      ['deny', 'web', '80'],
    ]) {
      const r = await sb.netctl(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n')[0], args.join(' ')).toMatch(/nope|81|203\.0\.113\.0\/33|sctp|bridge|web 80/);
    }
    expect([await userRules(), await kernelState(sb)]).toEqual(before);
  });

  it('allow --dry-run prints the plan (the forward chain, the user.rules diff) and changes nothing', async () => {
    const before = [await userRules(), await kernelState(sb), await netctl('ufw', 'list')];
    const out = await netctl('allow', '--dry-run', 'web', '80');
    expect(out).toContain('would allow web 80/tcp');
    expect(out).toContain('netlink and sysctl operations:\n  (none)\n');
    expect(out).toContain('-A ufw-user-forward -p tcp -d 10.91.0.2 --dport 80 -j ACCEPT');
    expect(out).toMatch(/files:\n--- \/etc\/ufw\/user\.rules\n\+\+\+ \/etc\/ufw\/user\.rules\n@@ [^\n]+\n/);
    expect(out).toContain('+### tuple ### route:allow tcp 80 10.91.0.2 any 0.0.0.0/0 in comment=');
    expect(out).toContain('--- /etc/ufw/user6.rules');
    expect([await userRules(), await kernelState(sb), await netctl('ufw', 'list')]).toEqual(before);
    expect(await openTo(8080, 'one')).toEqual([]);
  });

  it('allow web 80 opens exactly that container port, for every client and family, and the other mapping stays closed', async () => {
    const out = await netctl('allow', 'web', '80');
    expect(out).toContain('ufw route allow proto tcp to 10.91.0.2 port 80');
    expect(out).toContain('ufw route allow proto tcp to fd00:91::2 port 80');
    expect(await openTo(8080, 'one')).toEqual(ALL);
    expect(await get('wan', 8080, '2001:db8:1::2')).toBe('one');
    expect(await openTo(8081, 'two')).toEqual([]);
    expect(await get('wan', 8081, '2001:db8:1::2')).toBe('');
    const status = await ufw('status');
    expect(status).toMatch(/10\.91\.0\.2 80\/tcp\s+ALLOW FWD\s+Anywhere\s+# netctl:web 80\/tcp net=front/);
    expect(status).toMatch(/fd00:91::2 80\/tcp\s+ALLOW FWD\s+Anywhere \(v6\)\s+# netctl:web 80\/tcp net=front/);
    expect(await netctl('ufw', 'status')).toMatch(/web\s+0\.0\.0\.0:8080->80\/tcp\s+open /);
    expect(await netctl('trace', '--from', '198.51.100.1', '198.51.100.2:8080')).toMatch(
      /-A ufw-user-forward -d 10\.91\.0\.2\/32 -p tcp -m tcp --dport 80 -j ACCEPT\nverdict: ACCEPT\n$/,
    );
    expect(await netctl('trace', '--from', '2001:db8:1::1', '[2001:db8:1::2]:8080')).toMatch(/verdict: ACCEPT\n$/);
    // The LAN neighbour routing straight to the container address meets no DNAT and is dropped.
    expect(await netctl('trace', '--from', '192.168.77.2', '10.91.0.2:80')).toMatch(/no DNAT[\s\S]*verdict: DROP/);
    expect(await netctl('ufw', 'status')).toMatch(/web\s+\[::\]:8080->80\/tcp\s+open /);
  });

  it('writes user.rules exactly as ufw route allow itself would', async () => {
    const ours = await userRules();
    // Take netctl's rules out by hand and let ufw add the same rules itself.
    for (let i = 0; i < 2; i++) await ufw('--force', 'delete', '1');
    for (const to of ['10.91.0.2', 'fd00:91::2'])
      await ufw('route', 'allow', 'proto', 'tcp', 'to', to, 'port', '80', 'comment', 'netctl:web 80/tcp net=front');
    expect(await userRules()).toBe(ours);
    expect((await sb.netctl(['ufw', 'check'])).code).toBe(0);
  });

  it('stays as it was through ufw reload, disable and enable, and a simulated boot', async () => {
    await ufw('reload');
    expect(await openTo(8080, 'one')).toEqual(ALL);
    await ufw('disable');
    await ufw('--force', 'enable');
    expect(await openTo(8080, 'one')).toEqual(ALL);
    expect(await openTo(8081, 'two')).toEqual([]);
    // Boot: empty tables, ufw's init loads its files, then netctl replays its state. A
    // network without containers lost its bridge too.
    await netctl('network', 'create', '--subnet', '10.92.0.0/24', 'spare');
    const spare = (JSON.parse(await netctl('network', 'inspect', 'spare')) as { Options: Record<string, string> }[])[0]!
      .Options['com.docker.network.bridge.name']!;
    await sb.sh(['ip', 'link', 'del', spare]);
    await sb.sh([
      'sh',
      '-c',
      'for t in iptables ip6tables; do for tb in filter nat; do $t -t $tb -F; $t -t $tb -X; done; done',
    ]);
    await sb.sh(['/lib/ufw/ufw-init', 'start']);
    expect(await netctl('ufw', 'sync')).toContain('# network spare: ip link add nc-');
    expect(await openTo(8080, 'one')).toEqual(ALL);
    expect(await openTo(8081, 'two')).toEqual([]);
    expect(await sb.sh(['ip', '-o', '-4', 'addr', 'show', 'dev', spare])).toContain('10.92.0.1/24');
    await netctl('network', 'rm', 'spare');
  });

  it('follows the container to a new address: the rule is rewritten in the same command', async () => {
    await netctl('network', 'disconnect', 'front', 'web');
    expect(await ufw('status')).not.toContain('netctl:web');
    await netctl('network', 'connect', '--ip', '10.91.0.50', 'front', 'web');
    const status = await ufw('status');
    expect(status).toMatch(/10\.91\.0\.50 80\/tcp\s+ALLOW FWD\s+Anywhere\s+# netctl:web 80\/tcp net=front/);
    expect(status).not.toContain('10.91.0.2 80/tcp');
    expect(await openTo(8080, 'one')).toEqual(ALL);
    expect(await openTo(8081, 'two')).toEqual([]);
  });

  it('--from opens the port for that source only; deny closes it', async () => {
    await netctl('deny', 'web', '80');
    expect(await openTo(8080, 'one')).toEqual([]);
    await netctl('allow', 'web', '80', '--from', '203.0.113.1');
    expect(await openTo(8080, 'one')).toEqual(['wan2']);
    expect(await netctl('ufw', 'status')).toMatch(/web\s+0\.0\.0\.0:8080->80\/tcp\s+open from 203\.0\.113\.1/);
    expect(await netctl('ufw', 'list', 'web')).toContain('web 80/tcp from 203.0.113.1');
    await netctl('deny', 'web', '80', '--from', '203.0.113.1');
    expect(await openTo(8080, 'one')).toEqual([]);
    expect(await netctl('ufw', 'list', 'web')).toBe('no allow rules\n');
  });

  it('several ports in one allow: opened together, all refused when one is unpublished; deny the same', async () => {
    await netctl(
      'run',
      '-d',
      '--name',
      'two',
      '--network',
      'front',
      '-p',
      '8082:80',
      '-p',
      '8083:81',
      '-v',
      `${WWW}/w2:/www:ro`,
      'busybox',
      'sh',
      '-c',
      'httpd -p 81 -h /www && exec httpd -f -p 80 -h /www',
    );
    const before = await userRules();
    const bad = await sb.netctl(['allow', 'two', '80', '81', '82']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')[0]).toMatch(/two port 82/);
    expect(await userRules()).toBe(before);
    expect(await openTo(8082, 'two')).toEqual([]);
    const out = await netctl('allow', 'two', '80', '81/tcp');
    expect(out).toMatch(/^allowed two 80.*\nallowed two 81\/tcp/);
    expect(await openTo(8082, 'two')).toEqual(ALL);
    expect(await openTo(8083, 'two')).toEqual(ALL);
    expect(await netctl('ufw', 'list', 'two')).toMatch(/two 80\/tcp[\s\S]*two 81\/tcp/);
    const denyBad = await sb.netctl(['deny', 'two', '80', '82']);
    expect(denyBad.code).not.toBe(0);
    expect(denyBad.stderr.trim().split('\n')[0]).toMatch(/two 82/);
    expect(await openTo(8082, 'two')).toEqual(ALL);
    await netctl('deny', 'two', '80', '81');
    expect(await openTo(8082, 'two')).toEqual([]);
    expect(await openTo(8083, 'two')).toEqual([]);
    expect(await userRules()).toBe(before);
    await netctl('rm', '-f', 'two');
  });

  it('a rule deleted by hand is reported by status and check, and restored by sync', async () => {
    await netctl('allow', 'other');
    expect(await openTo(8081, 'two')).toEqual(ALL);
    await ufw('--force', 'delete', '1');
    expect(await openTo(8081, 'two')).toEqual([]);
    expect(await netctl('ufw', 'status')).toContain(
      'missing ufw rule (netctl ufw sync restores it): ufw route allow proto tcp to 10.91.0.3 port 80',
    );
    expect((await sb.netctl(['ufw', 'check'])).code).toBe(1);
    const doctor = await sb.netctl(['doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain('ufw: ufw route rule missing: ufw route allow proto tcp to 10.91.0.3 port 80');
    await netctl('ufw', 'sync');
    expect((await sb.netctl(['doctor'])).code).toBe(0);
    expect(await openTo(8081, 'two')).toEqual(ALL);
    expect((await sb.netctl(['ufw', 'check'])).code).toBe(0);
  });

  it('egress and same-network traffic keep working under routed policy deny', async () => {
    await sb.background(['ip', 'netns', 'exec', 'wan', 'socat', 'TCP-LISTEN:7000,reuseaddr,fork', 'SYSTEM:echo out']);
    await sb.sh([
      'sh',
      '-c',
      'for i in $(seq 50); do ip netns exec wan ss -ltn | grep -q ":7000 " && exit 0; sleep 0.1; done; exit 1',
    ]);
    const nc = (ip: string, port: number): string[] => [
      'sh',
      '-c',
      `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} ${port} | tail -1`,
    ];
    expect((await netctl('exec', 'web', 'sh', '-c', 'nc -w 3 198.51.100.1 7000 </dev/null')).trim()).toBe('out');
    expect((await netctl('exec', 'web', ...nc('10.91.0.3', 80))).trim()).toBe('two');
  });

  it('the rules go away with their container', async () => {
    await netctl('allow', 'web', '80');
    await netctl('rm', '-f', 'web');
    const status = await ufw('status');
    expect(status).not.toContain('netctl:web');
    expect(status).toContain('netctl:other');
    await netctl('rm', '-f', 'other');
    expect(await ufw('status')).not.toContain('netctl:');
    expect(await userRules()).not.toContain('comment=');
  });
});

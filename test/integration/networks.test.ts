import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { connect, echoPeer, fakeContainer, kernelState, netctlOk, removeFake } from './helpers/net.js';

interface NetJson {
  id: string;
  name: string;
  bridge: string;
  subnet: string;
  gateway: string;
  mtu: number;
}

describe('networks over netlink, with NAT and isolation rules', () => {
  let sb: Sandbox;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  const networks = async (): Promise<NetJson[]> => JSON.parse(await netctl('network', 'ls', '--json')) as NetJson[];

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true, lan: true });
    // Foreign rules before and after where netctl puts its own: they must survive everything.
    await sb.sh(['iptables', '-I', 'FORWARD', '1', '-s', '192.0.2.7', '-j', 'DROP']);
    await sb.sh(['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-s', '192.0.2.8', '-j', 'RETURN']);
    await netctl('network', 'ls');
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('creates the default network bridge/netctl0 on first use', async () => {
    const def = (await networks()).find((n) => n.name === 'bridge');
    expect(def?.bridge).toBe('netctl0');
    expect(def?.subnet).toBe('172.17.0.0/16');
    expect(await sb.sh(['ip', '-br', 'addr', 'show', 'netctl0'])).toContain('172.17.0.1/16');
  });

  it('makes the bridge as asked: name, gateway address, MTU, up', async () => {
    await netctl(
      'network',
      'create',
      '--subnet',
      '10.20.0.0/24',
      '--gateway',
      '10.20.0.254',
      '--mtu',
      '1400',
      '--bridge-name',
      'br-web',
      'web',
    );
    const link = await sb.sh(['ip', '-d', 'link', 'show', 'br-web']);
    expect(link).toMatch(/mtu 1400/);
    expect(link).toMatch(/<[^>]*\bUP\b/);
    expect(link).toContain('bridge');
    expect(await sb.sh(['ip', '-br', 'addr', 'show', 'br-web'])).toContain('10.20.0.254/24');
    const inspect = JSON.parse(await netctl('network', 'inspect', 'web')) as {
      IPAM: { Config: { Subnet: string; Gateway: string }[] };
    }[];
    expect(inspect[0]!.IPAM.Config[0]).toEqual({ Subnet: '10.20.0.0/24', Gateway: '10.20.0.254' });
    expect(await sb.sh(['cat', '/proc/sys/net/ipv4/ip_forward'])).toBe('1\n');
  });

  it('masquerades egress to the host address, not traffic inside the subnet', async () => {
    await fakeContainer(sb, 'c1', 'br-web', '10.20.0.2/24', '10.20.0.254');
    await fakeContainer(sb, 'c2', 'br-web', '10.20.0.3/24', '10.20.0.254');
    await echoPeer(sb, 'wan', 9000);
    expect(await connect(sb, 'c1', '198.51.100.1', 9000)).toBe('198.51.100.2');
    await echoPeer(sb, 'c2', 9001);
    expect(await connect(sb, 'c1', '10.20.0.3', 9001)).toBe('10.20.0.2');
  });

  it('isolates networks from each other, both ways', async () => {
    await netctl('network', 'create', '--subnet', '10.21.0.0/24', 'other');
    const other = (await networks()).find((n) => n.name === 'other')!;
    await fakeContainer(sb, 'd1', other.bridge, '10.21.0.2/24', '10.21.0.1');
    await echoPeer(sb, 'd1', 9002);
    expect(await connect(sb, 'c1', '10.21.0.2', 9002)).toBe('');
    expect(await connect(sb, 'd1', '10.20.0.3', 9001)).toBe('');
    // ...while both still reach the outside.
    expect(await connect(sb, 'd1', '198.51.100.1', 9000)).toBe('198.51.100.2');
  });

  it('keeps a LAN neighbour routing to a container subnet out of unpublished ports', async () => {
    await sb.sh(['ip', 'netns', 'exec', 'lan', 'ip', 'route', 'add', '10.20.0.0/24', 'via', '192.168.77.1']);
    expect(await connect(sb, 'lan', '10.20.0.3', 9001)).toBe('');
  });

  it('drops traffic between containers of an icc=false network', async () => {
    await netctl('network', 'create', '--subnet', '10.22.0.0/24', '-o', 'icc=false', 'noicc');
    const n = (await networks()).find((x) => x.name === 'noicc')!;
    await fakeContainer(sb, 'e1', n.bridge, '10.22.0.2/24', '10.22.0.1');
    await fakeContainer(sb, 'e2', n.bridge, '10.22.0.3/24', '10.22.0.1');
    await echoPeer(sb, 'e2', 9003);
    expect(await connect(sb, 'e1', '10.22.0.3', 9003)).toBe('');
    expect(await connect(sb, 'e1', '198.51.100.1', 9000)).toBe('198.51.100.2');
  });

  it('gives --internal networks no way out', async () => {
    await netctl('network', 'create', '--subnet', '10.23.0.0/24', '--internal', 'intern');
    const n = (await networks()).find((x) => x.name === 'intern')!;
    await fakeContainer(sb, 'f1', n.bridge, '10.23.0.2/24', '10.23.0.1');
    await fakeContainer(sb, 'f2', n.bridge, '10.23.0.3/24', '10.23.0.1');
    await echoPeer(sb, 'f2', 9004);
    expect(await connect(sb, 'f1', '198.51.100.1', 9000)).toBe('');
    expect(await connect(sb, 'f1', '10.23.0.3', 9004)).toBe('10.23.0.2');
    expect(await sb.sh(['iptables-save', '-t', 'nat'])).not.toContain('-s 10.23.0.0/24');
  });

  it('is dual-stack with --ipv6: v6 gateway on the bridge, ip6tables rules, v6 egress masqueraded', async () => {
    await sb.sh(['ip', 'addr', 'add', '2001:db8:1::2/64', 'dev', 'wan0', 'nodad']);
    await sb.sh(['ip', '-n', 'wan', 'addr', 'add', '2001:db8:1::1/64', 'dev', 'eth0', 'nodad']);
    await sb.sh(['ip', '-6', 'route', 'add', 'default', 'via', '2001:db8:1::1']);
    await netctl('network', 'create', '--subnet', '10.24.0.0/24', '--ipv6', '--subnet', 'fd00:24::/64', 'dual');
    const n = (await networks()).find((x) => x.name === 'dual')!;
    expect(await sb.sh(['ip', '-o', 'addr', 'show', 'dev', n.bridge])).toContain('fd00:24::1/64');
    const v6 = await sb.sh(['ip6tables-save']);
    expect(v6).toContain(`-A NETCTL-POSTROUTING -s fd00:24::/64 ! -o ${n.bridge}`);
    expect(v6).toContain('-A FORWARD -m comment --comment "netctl:jump" -j NETCTL-FORWARD');
    await sb.sh(['ip', 'netns', 'add', 'g1']);
    await sb.sh(['ip', 'link', 'add', 'v-g1', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', 'g1']);
    await sb.sh(['ip', 'link', 'set', 'v-g1', 'master', n.bridge, 'up']);
    await sb.sh(['ip', '-n', 'g1', 'link', 'set', 'eth0', 'up']);
    await sb.sh(['ip', '-n', 'g1', 'addr', 'add', 'fd00:24::2/64', 'dev', 'eth0', 'nodad']);
    await sb.sh(['ip', '-n', 'g1', 'route', 'add', 'default', 'via', 'fd00:24::1']);
    await sb.background([
      'ip',
      'netns',
      'exec',
      'wan',
      'socat',
      'TCP6-LISTEN:9005,reuseaddr,fork',
      'SYSTEM:echo $SOCAT_PEERADDR',
    ]);
    await sb.sh([
      'ip',
      'netns',
      'exec',
      'wan',
      'sh',
      '-c',
      'for i in $(seq 50); do ss -ltn | grep -q ":9005 " && exit 0; sleep 0.1; done; exit 1',
    ]);
    const r = await sb.exec(
      ['ip', 'netns', 'exec', 'g1', 'socat', '-T2', 'STDIO', 'TCP6:[2001:db8:1::1]:9005,connect-timeout=2'],
      { timeoutMs: 6000 },
    );
    // socat prints the peer fully expanded.
    expect(r.stdout.trim(), r.stderr).toBe('[2001:0db8:0001:0000:0000:0000:0000:0002]');
    await sb.sh(['ip', 'link', 'del', 'v-g1']);
    await sb.sh(['ip', 'netns', 'del', 'g1']);
    await netctl('network', 'rm', 'dual');
    expect(await sb.sh(['ip6tables-save'])).not.toContain('NETCTL');
  });

  it('refuses bad input with one line naming the value, and changes nothing', async () => {
    for (const f of ['c1', 'c2', 'd1', 'e1', 'e2', 'f1', 'f2']) await removeFake(sb, f);
    const before = await kernelState(sb);
    const nets = JSON.stringify(await networks());
    const cases: [string[], RegExp][] = [
      [['network', 'create', '--subnet', '10.20.0.128/25', 'overlap'], /overlaps network "web"/],
      [['network', 'create', '--subnet', '198.51.100.0/24', 'route'], /overlaps the host route/],
      [['network', 'create', '--subnet', '10.30.0.0/24', '--gateway', '10.31.0.1', 'gw'], /10\.31\.0\.1/],
      [['network', 'create', '--bridge-name', 'a-very-long-bridge-name', 'long'], /a-very-long-bridge-name/],
      [['network', 'create', '--bridge-name', 'br/x', 'slash'], /br\/x/],
      [['network', 'create', 'web'], /"web" already exists/],
      [['network', 'create', '--mtu', '67', 'small'], /"67"/],
      [['network', 'create', '--mtu', '65536', 'big'], /"65536"/],
      [['network', 'create', '--subnet', '10.300.0.0/24', 'badip'], /10\.300\.0\.0\/24/],
      [['network', 'create', 'bad name'], /"bad name"/],
      [['network', 'create', '--bridge-name', 'wan0', 'taken'], /"wan0" already exists/],
    ];
    for (const [args, message] of cases) {
      const r = await sb.netctl(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n')[0], args.join(' ')).toMatch(message);
    }
    expect(await kernelState(sb)).toBe(before);
    expect(JSON.stringify(await networks())).toBe(nets);
  });

  it('network rm restores the exact previous ruleset and link list', async () => {
    const before = await kernelState(sb);
    await netctl('network', 'create', 'tmp');
    expect(await kernelState(sb)).not.toBe(before);
    await netctl('network', 'rm', 'tmp');
    expect(await kernelState(sb)).toBe(before);
  });

  it('removing every network but the default leaves the foreign rules where they were', async () => {
    await netctl('network', 'rm', 'web', 'other', 'noicc', 'intern');
    const save = await sb.sh(['iptables-save']);
    expect(save).toContain('-A FORWARD -s 192.0.2.7/32 -j DROP');
    expect(save).toContain('-A POSTROUTING -s 192.0.2.8/32 -j RETURN');
    expect(save.match(/^:NETCTL-N-\S+/gm)).toHaveLength(1);
    expect(save).not.toMatch(/netctl:net=(web|other|noicc|intern)"/);
    expect((await networks()).map((n) => n.name)).toEqual(['bridge']);
  });

  // 60 commands: ~25 s on a quiet machine, over 120 s at load 19 (six helpers and a CI).
  it('create/rm 30 times leaves nothing behind', { timeout: 400_000 }, async () => {
    const before = await kernelState(sb);
    for (let i = 0; i < 30; i++) {
      await netctl('network', 'create', `loop${i % 3}`);
      await netctl('network', 'rm', `loop${i % 3}`);
    }
    expect(await kernelState(sb)).toBe(before);
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    const before = await kernelState(sb);
    const out = await netctl('network', 'create', '--dry-run', '--subnet', '10.40.0.0/24', 'dry');
    expect(out).toContain('ip link add');
    expect(out).toContain('iptables-restore -w --noflush');
    expect(out).toContain('-s 10.40.0.0/24');
    expect(await kernelState(sb)).toBe(before);
    expect((await networks()).map((n) => n.name)).toEqual(['bridge']);
  });
});

/**
 * The Docker guard on Docker 29's nftables firewall backend, reproduced (helpers/docker-replay.ts:
 * moby's usernet-portmap ruleset loaded with nft on real bridges, veths and container
 * namespaces; the Engine API replayed with 29's version and `FirewallBackend: nftables`), with
 * the real ufw (enabled, `default deny routed`) and real packets from the wan, wan2 and lan
 * hosts. Docker 29 has no DOCKER-USER there: before the block, ufw's routed deny drops the
 * published ports, container egress and traffic between containers alike. After `netctl docker
 * install`: published ports closed until `netctl allow` (from a source with --from), bans on the
 * host port reach them, egress, replies and container-to-container traffic work, a `ufw reload`
 * is followed by the watch, and uninstall gives back after.rules and the chains byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { kernelState, netctlOk } from './helpers/net.js';
import { NFT_BRIDGE, startDocker29, type Docker29 } from './helpers/docker-replay.js';
import { until } from './helpers/docker.js';

const HOST = { wan: '198.51.100.2', wan2: '203.0.113.2', lan: '192.168.77.1' } as const;
type Client = keyof typeof HOST;
const ALL = Object.keys(HOST) as Client[];

describe("netctl docker on Docker 29's nftables backend (reproduced): ufw decides, Docker's traffic flows", () => {
  let sb: Sandbox;
  let dk: Docker29;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, [...args, ...dockerHost(args)]);
  const dockerHost = (args: string[]): string[] =>
    ['allow', 'deny'].includes(args[0]!) || ['status', 'sync'].includes(args[1]!) ? ['--docker-host', dk.host] : [];
  const ufw = (...args: string[]): Promise<string> => sb.sh(['ufw', ...args], { timeoutMs: 60_000 });
  const get = async (client: Client, port: number): Promise<string> => {
    const r = await sb.execIn(client, ['curl', '-s', '-m', '2', `http://${HOST[client]}:${port}/`], {
      timeoutMs: 6_000,
    });
    return r.code === 0 ? r.stdout.trim() : '';
  };
  const openTo = async (port: number, page: string): Promise<Client[]> => {
    const got = await Promise.all(ALL.map((c) => get(c, port)));
    return ALL.filter((_, i) => got[i] === page);
  };
  /** What container `c` gets over TCP: the wan's echo (egress) or the other container's page (ICC). */
  const from = async (c: string, url: string): Promise<string> => {
    const r = await sb.exec(['ip', 'netns', 'exec', c, 'curl', '-s', '-m', '2', url], { timeoutMs: 6_000 });
    return r.code === 0 ? r.stdout.trim() : '';
  };
  const egress = (): Promise<string> => from('c1', 'http://198.51.100.1:7000/');
  const icc = (): Promise<string> => from('c1', 'http://172.18.0.3/');
  const bridgesChain = async (): Promise<string[]> =>
    (await sb.sh(['iptables', '-S', 'ufw-netctl-docker-bridges'])).split('\n').filter((l) => l.startsWith('-A'));
  let before = '';
  let afterRules = '';
  const ufwFiles = (): Promise<string> => sb.sh(['cat', '/etc/ufw/after.rules', '/etc/ufw/after6.rules']);

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true, lan: true });
    dk = await startDocker29(sb);
    // br_netfilter on (as a host with Kubernetes or Docker's icc=false has it): traffic between
    // containers on one bridge then meets ufw's FORWARD too, the harder case.
    await sb.sh(['sysctl', '-qw', 'net.bridge.bridge-nf-call-iptables=1']);
    await sb.sh(['ip', '-n', 'lan', 'route', 'add', '172.16.0.0/12', 'via', '192.168.77.1']);
    // The directory first: busybox httpd exits when it cannot enter it.
    await sb.sh(['sh', '-c', 'mkdir -p /run/wanwww && echo out > /run/wanwww/index.html']);
    await sb.background(['ip', 'netns', 'exec', 'wan', 'busybox', 'httpd', '-f', '-p', '7000', '-h', '/run/wanwww']);
    await sb.sh([
      'sh',
      '-c',
      'for i in $(seq 50); do ip netns exec wan ss -ltn | grep -q ":7000 " && exit 0; sleep 0.1; done; exit 1',
    ]);
    await ufw('--force', 'enable');
    await ufw('default', 'deny', 'routed');
    before = await kernelState(sb);
    afterRules = await ufwFiles();
  }, 120_000);
  afterAll(async () => {
    await sb?.close();
  });

  it("is reproduced: Docker's table accepts, yet ufw's routed deny drops ports, egress and ICC alike", async () => {
    expect(await sb.sh(['cat', '/proc/sys/net/bridge/bridge-nf-call-iptables'])).toBe('1\n');
    expect((await sb.sh(['nft', 'list', 'tables'])).split('\n')).toContain('table ip docker-bridges');
    expect((await sb.exec(['iptables', '-S', 'DOCKER-USER'])).code).not.toBe(0);
    expect(await openTo(8080, 'c1')).toEqual([]);
    expect(await egress()).toBe('');
    expect(await icc()).toBe('');
    // ufw stopped: everything flows as Docker's table alone decides, so the drops above are ufw's.
    await ufw('disable');
    try {
      expect(await openTo(8080, 'c1')).toEqual(ALL);
      expect(await egress()).toBe('out');
      expect(await icc()).toBe('c2');
    } finally {
      await ufw('--force', 'enable');
    }
  });

  it("docker install fills the bridges chain from Docker's table; ports stay closed, egress and ICC work", async () => {
    const out = await netctl('docker', 'install');
    expect(out).toContain('loaded ufw-netctl-docker into the running firewall');
    expect(out).toContain(`let Docker's bridges ${NFT_BRIDGE},docker0 through ufw-netctl-docker-bridges`);
    expect(await bridgesChain()).toContain(`-A ufw-netctl-docker-bridges -i ${NFT_BRIDGE} -j ACCEPT`);
    expect((await sb.sh(['iptables', '-S', 'ufw-before-forward'])).split('\n')[1]).toBe(
      '-A ufw-before-forward -j ufw-netctl-docker-bridges',
    );
    expect((await sb.netctl(['docker', 'check'])).code).toBe(0);
    expect(await openTo(8080, 'c1')).toEqual([]);
    expect(await openTo(8081, 'c2')).toEqual([]);
    expect(await egress()).toBe('out');
    expect(await icc()).toBe('c2');
    // Routed straight to the container: Docker's raw "DROP DIRECT ACCESS".
    const direct = await sb.execIn('lan', ['curl', '-s', '-m', '2', 'http://172.18.0.2/'], { timeoutMs: 6_000 });
    expect(direct.code).not.toBe(0);
    const status = await netctl('docker', 'status');
    expect(status).toContain('Docker 29.1.3');
    expect(status).toContain('firewall backend nftables');
    expect(status).toMatch(/c1\s+80\/tcp\s+172\.18\.0\.2\s+closed \(no allow rule\)/);
    expect(JSON.parse(await netctl('docker', 'status', '--json')).docker.firewall).toBe('nftables');
  });

  it('netctl allow opens a published port (--from: one source), deny closes it', async () => {
    expect(await netctl('allow', 'c1', '80')).toMatch(/c1/);
    expect(await openTo(8080, 'c1')).toEqual(ALL);
    expect(await openTo(8081, 'c2')).toEqual([]);
    await netctl('allow', 'c2', '80', '--from', '203.0.113.0/24');
    expect(await openTo(8081, 'c2')).toEqual(['wan2']);
    expect(await netctl('docker', 'status')).toMatch(/c2\s+80\/tcp\s+172\.18\.0\.3\s+open from 203\.0\.113\.0\/24/);
    await netctl('deny', 'c2', '80');
    expect(await openTo(8081, 'c2')).toEqual([]);
  });

  it("a ban (fail2ban's `ufw insert 1 deny from`) reaches the published port, and lifts", async () => {
    await ufw('insert', '1', 'deny', 'from', '198.51.100.1');
    await netctl('docker', 'sync');
    expect(await openTo(8080, 'c1')).toEqual(['wan2', 'lan']);
    expect(await egress()).toBe('out');
    await ufw('delete', 'deny', 'from', '198.51.100.1');
    await netctl('docker', 'sync');
    expect(await openTo(8080, 'c1')).toEqual(ALL);
  });

  it('the watch refills the bridges chain a ufw reload emptied', async () => {
    const pid = await sb.background(
      ['sh', '-c', `exec node ${process.cwd()}/dist/bin/netctl.js docker watch >>/run/watch.log 2>&1`],
      dk.env,
    );
    await until(async () => (await bridgesChain()).length > 0, 'the bridges chain');
    await ufw('reload');
    // ufw empties the chain it declares; the watch sees the nf_tables generation move.
    await until(async () => (await bridgesChain()).length > 0, 'the bridges chain after ufw reload');
    expect(await egress()).toBe('out');
    expect(await openTo(8080, 'c1')).toEqual(ALL);
    await sb.sh(['kill', String(pid)]);
  });

  it('uninstall gives back after.rules and the chains byte for byte', async () => {
    await netctl('deny', 'c1', '80');
    await netctl('docker', 'uninstall');
    expect(await kernelState(sb)).toBe(before);
    expect(await ufwFiles()).toBe(afterRules);
    expect(await egress()).toBe('');
  });
});

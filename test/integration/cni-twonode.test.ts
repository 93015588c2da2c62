/**
 * Two Kubernetes-style nodes: node A is the sandbox host, node B a second host inside it
 * (helpers/node.ts), joined by a node link 192.0.2.0/24, each with its own netctl state,
 * iptables, ufw (enabled, routed deny, netctl's block installed) and wan client at
 * 198.51.100.1. Each runs the plugin from the configuration list `netctl cni install
 * --subnet <podCIDR> --cluster-cidr 10.244.0.0/16` wrote, for its own pod subnet, with the
 * other node's pod subnet routed over the node link, as the README tells a node admin.
 * Real packets prove: pod to pod across nodes both ways with the pods' own addresses (no
 * NAT), while traffic to anything outside the cluster is still masqueraded; without the
 * cluster range the other node's pods are unreachable; each node's ufw alone decides what
 * its wan client reaches through a published hostPort (nothing until `netctl allow POD
 * PORT` on that node); and no outside client reaches a pod's own address.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { connect, echoPeer, pageFrom } from './helpers/net.js';
import { attachEnv, chain, type CniCall } from './helpers/cni.js';
import { Node, hostNetctl, hostSh, sandboxHost, type Host } from './helpers/node.js';

const README = new URL('../../README.md', import.meta.url);
const WWW = `/tmp/netctl-test-${process.pid}-twonode`;
const CLUSTER = '10.244.0.0/16';

interface Conflist {
  cniVersion: string;
  name: string;
  plugins: Record<string, unknown>[];
}

describe('CNI on two nodes', () => {
  let sb: Sandbox;
  let a: Host;
  let b: Node;
  const lists = new Map<string, Conflist>();
  const added: { host: Host; list: Conflist; env: Record<string, string>; out: Record<string, unknown> }[] = [];

  const ufw = (h: Host, ...args: string[]): Promise<string> => hostSh(h, ['ufw', ...args], { timeoutMs: 60_000 });

  // The list `netctl cni install` writes on host h (read back from its conf dir).
  async function install(h: Host, name: string, subnet: string, cluster?: string): Promise<Conflist> {
    const dir = `/run/${h.name}-cni`;
    await hostNetctl(h, [
      'cni',
      'install',
      '--bin-dir',
      `${dir}/bin`,
      '--conf-dir',
      `${dir}/net.d`,
      '--name',
      name,
      '--subnet',
      subnet,
      ...(cluster ? ['--cluster-cidr', cluster] : []),
    ]);
    return JSON.parse(await hostSh(h, ['cat', `${dir}/net.d/10-${name}.conflist`])) as Conflist;
  }

  // ADD as a runtime does it for a pod with a hostPort: the portMappings capability filled in.
  async function addPod(
    h: Host,
    list: Conflist,
    pod: string,
    ports: { hostPort: number; containerPort: number }[] = [],
  ): Promise<string> {
    await sb.sh(['ip', 'netns', 'add', pod]);
    await sb.sh(['ip', '-n', pod, 'link', 'set', 'lo', 'up']);
    const withPorts = {
      ...list,
      plugins: list.plugins.map((p) =>
        p.type === 'netctl'
          ? { ...p, runtimeConfig: { portMappings: ports.map((m) => ({ ...m, protocol: 'tcp' })) } }
          : p,
      ),
    };
    const env = attachEnv('ADD', `ctr-${pod}`, `/run/netns/${pod}`, {
      CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=${pod}`,
    });
    const r: CniCall = await chain(h, env, withPorts);
    expect(r.code, r.raw).toBe(0);
    added.push({ host: h, list: withPorts, env, out: r.out! });
    return (r.out as { ips: { address: string }[] }).ips[0]!.address.split('/')[0]!;
  }

  async function httpd(pod: string, page: string): Promise<void> {
    await sb.sh(['sh', '-c', `mkdir -p ${WWW}/${pod} && echo ${page} > ${WWW}/${pod}/index.html`]);
    await sb.background(['ip', 'netns', 'exec', pod, 'busybox', 'httpd', '-f', '-p', '80', '-h', `${WWW}/${pod}`]);
    await sb.sh([
      'ip',
      'netns',
      'exec',
      pod,
      'sh',
      '-c',
      'for i in $(seq 50); do ss -ltn | grep -q ":80 " && exit 0; sleep 0.1; done; exit 1',
    ]);
  }

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true });
    a = sandboxHost(sb, 'nodea');
    b = await Node.create(sb, {
      name: 'nodeb',
      link: { ifname: 'nl0', hostCidr: '192.0.2.1/24', nodeCidr: '192.0.2.2/24' },
      client: { name: 'wanb', clientCidr: '198.51.100.1/24', nodeCidr: '198.51.100.2/24' },
    });
    for (const h of [a, b]) {
      await ufw(h, '--force', 'enable');
      await ufw(h, 'default', 'deny', 'routed');
      await hostNetctl(h, ['ufw', 'install']);
      await ufw(h, 'reload');
    }
    // Each node routes the other's pod subnets over the node link.
    for (const [h, via, nets] of [
      [a, '192.0.2.2', ['10.244.2.0/24', '10.245.2.0/24']],
      [b, '192.0.2.1', ['10.244.1.0/24', '10.245.1.0/24']],
    ] as const) {
      for (const n of nets) await hostSh(h, ['ip', 'route', 'add', n, 'via', via]);
    }
    lists.set('a', await install(a, 'pods', '10.244.1.0/24', CLUSTER));
    lists.set('b', await install(b, 'pods', '10.244.2.0/24', CLUSTER));
  });
  afterAll(async () => {
    await sb?.exec(['rm', '-rf', WWW]);
    await sb?.close();
  });

  it("the README's node configuration is what netctl cni install writes", async () => {
    const block = /compares this block with what netctl cni install writes -->\n```json\n([\s\S]*?)```/.exec(
      readFileSync(README, 'utf8'),
    );
    expect(block, 'README block').not.toBeNull();
    expect(await hostSh(a, ['cat', '/run/nodea-cni/net.d/10-pods.conflist'])).toBe(block![1]);
    expect(lists.get('a')!.plugins[0]).toEqual({
      type: 'netctl',
      subnet: '10.244.1.0/24',
      clusterCIDR: CLUSTER,
      capabilities: { portMappings: true },
    });
  });

  it('the nodes are separate hosts: own rules, own ufw, own netctl state', async () => {
    expect(await ufw(b, 'status')).toContain('Status: active');
    await hostNetctl(a, ['network', 'create', 'only-on-a', '--subnet', '10.77.0.0/24']);
    expect(await hostNetctl(b, ['network', 'ls'])).not.toContain('only-on-a');
    expect(await hostSh(b, ['iptables-save'])).not.toContain('10.77.0.0/24');
    expect(await hostSh(b, ['ip', '-o', 'link'])).not.toMatch(/nc-/);
    await hostNetctl(a, ['network', 'rm', 'only-on-a']);
  });

  it("pod to pod across nodes, both ways, with the pods' own addresses; outside the cluster still masqueraded", async () => {
    const ipA = await addPod(a, lists.get('a')!, 'pod-a', [{ hostPort: 8080, containerPort: 80 }]);
    const ipB = await addPod(b, lists.get('b')!, 'pod-b', [{ hostPort: 8080, containerPort: 80 }]);
    expect(ipA).toMatch(/^10\.244\.1\.\d+$/);
    expect(ipB).toMatch(/^10\.244\.2\.\d+$/);
    await echoPeer(sb, 'pod-a', 7000);
    await echoPeer(sb, 'pod-b', 7000);
    expect(await connect(sb, 'pod-a', ipB, 7000)).toBe(ipA);
    expect(await connect(sb, 'pod-b', ipA, 7000)).toBe(ipB);
    // The un-NATed path is netctl's own RETURN before its MASQUERADE, on both nodes.
    for (const h of [a, b]) {
      const ret = (await hostSh(h, ['iptables-save', '-c', '-t', 'nat']))
        .split('\n')
        .find((l) => l.includes(`-d ${CLUSTER}`) && l.includes('-j RETURN'));
      expect(ret, h.name).toMatch(/^\[[1-9]\d*:\d+\] /);
    }
    // To a wan client, and to node B's own address (not in the cluster range): masqueraded.
    await echoPeer(sb, 'wan', 7001);
    await echoPeer(sb, 'wanb', 7001);
    await echoPeer(sb, 'nodeb', 7002);
    await ufw(b, 'allow', 'in', 'on', 'nl0', 'to', 'any', 'port', '7002', 'proto', 'tcp');
    expect(await connect(sb, 'pod-a', '198.51.100.1', 7001)).toBe('198.51.100.2');
    expect(await connect(sb, 'pod-b', '198.51.100.1', 7001)).toBe('198.51.100.2');
    expect(await connect(sb, 'pod-a', '192.0.2.2', 7002)).toBe('192.0.2.1');
  });

  it('a configuration asking for another cluster range than the network has is refused, changing nothing', async () => {
    const list = lists.get('a')!;
    const other = { ...list, plugins: [{ ...list.plugins[0], clusterCIDR: '10.0.0.0/8' }] };
    await sb.sh(['ip', 'netns', 'add', 'pod-x']);
    const before = await hostSh(a, ['iptables-save', '-t', 'nat']);
    const r = await chain(a, attachEnv('ADD', 'ctr-pod-x', '/run/netns/pod-x'), other);
    expect(r.out).toMatchObject({
      code: 7,
      msg: 'network "pods" exists with clusterCIDR "10.244.0.0/16", the configuration says "10.0.0.0/8"',
    });
    expect(await sb.sh(['ip', '-n', 'pod-x', '-o', 'link'])).not.toContain('eth0');
    expect((await hostSh(a, ['iptables-save', '-t', 'nat'])).replace(/^#.*\n/gm, '')).toBe(
      before.replace(/^#.*\n/gm, ''),
    );
  });

  it("without a cluster range, the other node's pods are out of reach", async () => {
    const plainA = await install(a, 'plain', '10.245.1.0/24');
    const plainB = await install(b, 'plain', '10.245.2.0/24');
    const ipC = await addPod(a, plainA, 'pod-c');
    const ipD = await addPod(b, plainB, 'pod-d');
    await echoPeer(sb, 'pod-d', 7000);
    expect(await connect(sb, 'pod-c', ipD, 7000)).toBe('');
    // Node B dropped it before NAT: the raw guard of pod-d's address counted it.
    const drop = (await hostSh(b, ['iptables-save', '-c', '-t', 'raw']))
      .split('\n')
      .find((l) => l.includes(`-d ${ipD}/32`) && l.includes('-j DROP'));
    expect(drop).toMatch(/^\[[1-9]\d*:\d+\] /);
    expect(ipC).toMatch(/^10\.245\.1\./);
  });

  it("each node's ufw decides what its wan client reaches through a hostPort; no one outside reaches a pod directly", async () => {
    await httpd('pod-a', 'page-a');
    await httpd('pod-b', 'page-b');
    expect(await pageFrom(sb, 'wan', '198.51.100.2', 8080)).toBe('');
    expect(await pageFrom(sb, 'wanb', '198.51.100.2', 8080)).toBe('');
    expect(await hostNetctl(a, ['allow', 'default.pod-a', '80'])).toContain('ufw route allow proto tcp to 10.244.1.');
    expect(await pageFrom(sb, 'wan', '198.51.100.2', 8080)).toBe('page-a');
    expect(await pageFrom(sb, 'wanb', '198.51.100.2', 8080)).toBe('');
    expect(await ufw(b, 'status')).not.toContain('netctl:');
    await hostNetctl(b, ['allow', 'default.pod-b', '80']);
    expect(await pageFrom(sb, 'wanb', '198.51.100.2', 8080)).toBe('page-b');
    // A wan client routing the pod subnet to the node gets nothing, allowed port or not.
    const ipA = (added[0]!.out as { ips: { address: string }[] }).ips[0]!.address.split('/')[0]!;
    await sb.execIn('wan', ['ip', 'route', 'add', '10.244.1.0/24', 'via', '198.51.100.2']);
    expect(await pageFrom(sb, 'wan', ipA, 80)).toBe('');
    expect(await connect(sb, 'wan', ipA, 7000)).toBe('');
  });

  it('DEL on each node leaves no trace of the pods', async () => {
    for (const p of [...added].reverse()) {
      const r = await chain(p.host, { ...p.env, CNI_COMMAND: 'DEL' }, p.list, p.out);
      expect(r.code, r.raw).toBe(0);
    }
    for (const h of [a, b]) {
      const rules =
        (await hostSh(h, ['iptables-save'])) +
        (await hostSh(h, ['iptables-save', '-t', 'nat'])) +
        (await hostSh(h, ['iptables-save', '-t', 'raw']));
      expect(rules, h.name).not.toMatch(/10\.24[45]\.\d+\.\d+\/32/);
      expect(await ufw(h, 'status'), h.name).not.toContain('netctl:');
      expect(await hostNetctl(h, ['ps', '-a'])).not.toContain('(cni)');
    }
  });
});

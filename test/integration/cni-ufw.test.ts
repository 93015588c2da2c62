/**
 * CNI attachments under the host firewall, with real packets from the wan hosts: a
 * `portMappings` port is closed by ufw (routed policy deny) until `netctl allow NAME PORT`,
 * NAME being the runtime's pod name; a hostIP mapping answers on that address only; the
 * rules go with DEL. And chaining: the reference tuning, bandwidth and firewall plugins
 * follow netctl in a configuration list and find what they need in its result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';
import { attachEnv, chain, cni } from './helpers/cni.js';

const WWW = `/tmp/netctl-test-${process.pid}-cniwww`;
const CONF = { cniVersion: '1.0.0', name: 'pods', type: 'netctl', subnet: '10.96.0.0/24' };

describe('CNI attachments and ufw', () => {
  let sb: Sandbox;
  const get = async (client: 'wan' | 'wan2', host: string, port: number): Promise<string> => {
    const r = await sb.execIn(client, ['curl', '-s', '-m', '2', `http://${host}:${port}/`], { timeoutMs: 6_000 });
    return r.code === 0 ? r.stdout.trim() : '';
  };
  const ufw = (...args: string[]): Promise<string> => sb.sh(['ufw', ...args], { timeoutMs: 60_000 });

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true });
    await sb.sh(['sh', '-c', `mkdir -p ${WWW} && echo pod-page > ${WWW}/index.html`]);
    await ufw('--force', 'enable');
    await ufw('default', 'deny', 'routed');
    await netctlOk(sb, ['ufw', 'install']);
    await ufw('reload');
    await sb.sh(['ip', 'netns', 'add', 'pod1']);
  });
  afterAll(async () => {
    await sb?.exec(['rm', '-rf', WWW]);
    await sb?.close();
  });

  it('a published port obeys ufw until netctl allow POD PORT, and the rule goes with DEL', async () => {
    const maps = [
      { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      { hostPort: 8081, containerPort: 80, protocol: 'tcp', hostIP: '203.0.113.2' },
    ];
    const env = attachEnv('ADD', 'c0ffee01', '/run/netns/pod1', {
      CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web',
    });
    const add = await cni(sb, env, { ...CONF, runtimeConfig: { portMappings: maps } });
    expect(add.code, add.raw).toBe(0);
    await sb.background(['ip', 'netns', 'exec', 'pod1', 'busybox', 'httpd', '-f', '-p', '80', '-h', WWW]);
    // Reachable from inside the host network, so the server is up: only ufw stands between.
    for (let i = 0; i < 50 && (await sb.exec(['curl', '-s', '-m', '1', 'http://10.96.0.2/'])).code !== 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await get('wan', '198.51.100.2', 8080)).toBe('');
    expect(await netctlOk(sb, ['ps'])).toMatch(
      /shop\.web\s+\(cni\)\s+Up\b.*?\s+10\.96\.0\.2\s+0\.0\.0\.0:8080->80\/tcp, 203\.0\.113\.2:8081->80\/tcp/,
    );
    expect(await netctlOk(sb, ['allow', 'shop.web', '80'])).toContain('ufw route allow proto tcp to 10.96.0.2 port 80');
    expect(await get('wan', '198.51.100.2', 8080)).toBe('pod-page');
    // The hostIP mapping answers on its address only.
    expect(await get('wan2', '203.0.113.2', 8081)).toBe('pod-page');
    expect(await get('wan', '198.51.100.2', 8081)).toBe('');
    expect(await ufw('status')).toContain('# netctl:shop.web 80/tcp net=pods');
    expect(await netctlOk(sb, ['rules', '--table', 'nat'])).toContain('10.96.0.2:80');
    const del = await cni(sb, { ...env, CNI_COMMAND: 'DEL' }, { ...CONF, runtimeConfig: { portMappings: maps } });
    expect(del.code, del.raw).toBe(0);
    expect(await ufw('status')).not.toContain('netctl:shop.web');
    expect(await sb.sh(['cat', '/etc/ufw/user.rules'])).not.toContain('netctl:');
    expect(await get('wan', '198.51.100.2', 8080)).toBe('');
    // A Kubernetes pod's allow outlives its sandbox (netctl-cni(8), ALLOW RULES OF PODS): kept,
    // opening nothing, until `netctl deny NAMESPACE.POD`.
    expect(await netctlOk(sb, ['ufw', 'list'])).toMatch(/shop\.web 80\/tcp\n\s+\(no published port matches now/);
    await netctlOk(sb, ['deny', 'shop.web']);
    expect(await netctlOk(sb, ['ufw', 'list'])).not.toContain('shop.web');
  });

  it('chains with the reference tuning, bandwidth and firewall plugins', async () => {
    await sb.sh(['ip', 'netns', 'add', 'pod2']);
    const list = {
      cniVersion: '1.0.0',
      name: 'pods',
      plugins: [
        {
          type: 'netctl',
          subnet: '10.96.0.0/24',
          capabilities: { portMappings: true },
          runtimeConfig: { portMappings: [{ hostPort: 8090, containerPort: 80, protocol: 'tcp' }] },
        },
        { type: 'tuning', sysctl: { 'net.ipv4.conf.eth0.rp_filter': '2' }, mac: '02:aa:bb:cc:dd:01' },
        { type: 'bandwidth', ingressRate: 8000000, ingressBurst: 1000000, egressRate: 8000000, egressBurst: 1000000 },
        { type: 'firewall', backend: 'iptables' },
      ],
    };
    const env = attachEnv('ADD', 'c0ffee02', '/run/netns/pod2', { CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAME=chained' });
    const add = await chain(sb, env, list);
    expect(add.code, add.raw).toBe(0);
    const res = add.out as {
      ips: { address: string }[];
      interfaces: { name: string; mac?: string; sandbox?: string }[];
    };
    expect(res.ips[0]!.address).toMatch(/^10\.96\.0\.\d+\/24$/);
    const host = res.interfaces.find((i) => i.name.startsWith('vn'))!.name;
    // tuning set the sysctl and the MAC inside; bandwidth shaped the host end; firewall added its chain.
    expect((await sb.sh(['ip', 'netns', 'exec', 'pod2', 'cat', '/proc/sys/net/ipv4/conf/eth0/rp_filter'])).trim()).toBe(
      '2',
    );
    expect(await sb.sh(['ip', '-n', 'pod2', 'link', 'show', 'eth0'])).toContain('02:aa:bb:cc:dd:01');
    expect(await sb.sh(['tc', 'qdisc', 'show', 'dev', host])).toContain('tbf');
    expect(await sb.sh(['iptables-save', '-t', 'filter'])).toContain(
      `-A CNI-FORWARD -d ${res.ips[0]!.address.split('/')[0]}/32`,
    );
    const chk = await chain(sb, { ...env, CNI_COMMAND: 'CHECK' }, list, add.out!);
    expect(chk.code, chk.raw).toBe(0);
    const del = await chain(sb, { ...env, CNI_COMMAND: 'DEL' }, list, add.out!);
    expect(del.code, del.raw).toBe(0);
    expect(await sb.sh(['ip', '-o', 'link'])).not.toContain(host);
    expect(await sb.sh(['iptables-save', '-t', 'filter'])).not.toContain(`${res.ips[0]!.address.split('/')[0]!}/32`);
    expect(await netctlOk(sb, ['ps', '-a'])).not.toContain('chained');
  });
});

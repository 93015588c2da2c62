/**
 * `netctl doctor` on CNI attachments broken behind netctl's back, in a sandbox: a host
 * veth deleted (which takes the pod's eth0 with it), an attachment's rules deleted, the
 * runtime's namespace gone. Each finding names the attachment (pod name, runtime container
 * id, interface, CNI network) and what repairs it; the others are not blamed; repairs and
 * DEL make it clean again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';
import { attachEnv, cni } from './helpers/cni.js';

const CONF = { cniVersion: '1.0.0', name: 'pods', type: 'netctl', subnet: '10.97.0.0/24' };

interface Pod {
  id: string;
  ns: string;
  ip: string;
  hostIf: string;
}

describe('netctl doctor on CNI attachments', () => {
  let sb: Sandbox;
  const pods = new Map<string, Pod>();

  const doctor = async (): Promise<{ code: number; out: string }> => {
    const r = await sb.netctl(['doctor']);
    return { code: r.code, out: r.stdout };
  };

  // The live rules naming `ip`, as `iptables -t TABLE -D ...` argv tails.
  async function rulesOf(ip: string): Promise<string[][]> {
    const out: string[][] = [];
    for (const table of ['filter', 'nat', 'raw']) {
      for (const l of (await sb.sh(['iptables-save', '-t', table])).split('\n')) {
        if (!l.startsWith('-A ') || !new RegExp(`${ip.replace(/\./g, '\\.')}[/:]`).test(l)) continue;
        // iptables-save quotes comments; the argv wants them bare.
        const args = l
          .replace(/^-A /, '-D ')
          .match(/"[^"]*"|\S+/g)!
          .map((t) => t.replace(/^"|"$/g, ''));
        out.push(['-t', table, ...args]);
      }
    }
    return out;
  }

  beforeAll(async () => {
    sb = await Sandbox.start();
    // A node as the README sets one up: ufw on, routed deny, netctl's block installed.
    for (const argv of [
      ['ufw', '--force', 'enable'],
      ['ufw', 'default', 'deny', 'routed'],
    ])
      await sb.sh(argv, { timeoutMs: 60_000 });
    await netctlOk(sb, ['ufw', 'install']);
    await sb.sh(['ufw', 'reload'], { timeoutMs: 60_000 });
    for (const [name, port] of [
      ['web', 8080],
      ['db', 8081],
      ['cache', 8082],
    ] as const) {
      const ns = `pod-${name}`;
      await sb.sh(['ip', 'netns', 'add', ns]);
      const id = `c0ffee${name}0123456789`;
      const r = await cni(
        sb,
        attachEnv('ADD', id, `/run/netns/${ns}`, {
          CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=${name}`,
        }),
        { ...CONF, runtimeConfig: { portMappings: [{ hostPort: port, containerPort: 80 }] } },
      );
      expect(r.code, r.raw).toBe(0);
      const res = r.out as { ips: { address: string }[]; interfaces: { name: string }[] };
      pods.set(name, {
        id,
        ns,
        ip: res.ips[0]!.address.split('/')[0]!,
        hostIf: res.interfaces.find((i) => i.name.startsWith('vn'))!.name,
      });
    }
  });
  afterAll(async () => sb?.close());

  it('finds nothing wrong with whole attachments', async () => {
    const d = await doctor();
    expect(d.out).toBe('no drift found: networks, rules, CNI attachments and ufw route rules match the database\n');
    expect(d.code).toBe(0);
  });

  it('names an attachment whose host veth was deleted, and only that one', async () => {
    const web = pods.get('web')!;
    await sb.sh(['ip', 'link', 'del', web.hostIf]);
    const d = await doctor();
    expect(d.code).toBe(1);
    expect(d.out).toContain(
      `cni: attachment shop.web (container c0ffeeweb012, eth0 on "pods"): interface "eth0" is missing in the container's namespace; host interface "${web.hostIf}" is missing\n  fix: recreate the pod or container (the runtime's DEL, then ADD)`,
    );
    expect(d.out).not.toContain('shop.db');
    expect(d.out).not.toContain('shop.cache');
  });

  it('names an attachment whose rules were deleted; netctl ufw sync puts them (and a lost veth) back', async () => {
    const db = pods.get('db')!;
    const rules = await rulesOf(db.ip);
    // Its DNAT, its published-port accept and the raw guard of its address.
    expect(rules.length).toBeGreaterThanOrEqual(3);
    for (const argv of rules) await sb.sh(['iptables', ...argv]);
    const d = await doctor();
    expect(d.out).toMatch(
      new RegExp(
        `cni: attachment shop\\.db \\(container c0ffeedb0123, eth0 on "pods"\\): ${rules.length} rules missing \\(.*${db.ip.replace(/\./g, '\\.')}.*\\)\\n  fix: netctl ufw sync`,
      ),
    );
    expect(d.out).not.toContain('shop.cache');
    await netctlOk(sb, ['ufw', 'sync']);
    expect(await rulesOf(db.ip)).toHaveLength(rules.length);
    const after = await doctor();
    expect(after.out).not.toContain('shop.db');
    // ufw sync also rebuilt shop.web, whose host veth was deleted: its namespace still opens
    // (engine/replay-cni.ts, what a node's boot replay needs).
    expect(after.out).not.toContain('shop.web');
  });

  it('names an attachment whose namespace the runtime removed without DEL', async () => {
    await sb.sh(['ip', 'netns', 'del', 'pod-cache']);
    const d = await doctor();
    expect(d.out).toContain(
      'cni: attachment shop.cache (container c0ffeecache0, eth0 on "pods"): network namespace "/run/netns/pod-cache" cannot be opened',
    );
    expect(d.out).toContain(`fix: the runtime's DEL or GC for "pods" removes the attachment`);
  });

  it('is clean again once the runtime has removed the broken attachments', async () => {
    for (const p of pods.values()) {
      const r = await cni(sb, attachEnv('DEL', p.id, `/run/netns/${p.ns}`), CONF);
      expect(r.code, r.raw).toBe(0);
    }
    const d = await doctor();
    expect(d.out).toBe('no drift found: networks, rules, CNI attachments and ufw route rules match the database\n');
    expect(d.code).toBe(0);
  });
});

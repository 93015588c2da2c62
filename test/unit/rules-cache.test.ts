/**
 * The remembered owned rules (firewall/iptables/rules-cache.ts) as the iptables driver uses
 * them, over the strict iptables-restore model with a generation id that moves once per
 * committed table section, as nf_tables' does.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IptablesDriver, type OwnedRules } from '../../src/firewall/iptables/driver.js';
import { RulesCache } from '../../src/firewall/iptables/rules-cache.js';
import type { ChainEdit } from '../../src/firewall/iptables/plan-deletes.js';
import { render } from '../../src/firewall/iptables/render.js';
import type { FirewallInput } from '../../src/firewall/input.js';
import type { ExecOptions, ExecResult, Runner } from '../../src/sys/exec.js';
import { load, restore, save } from './rules/restore-sim.js';

const EMPTY =
  '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n';

/** A kernel: both families' rules, the generation id, and a log of the programs run. */
class Kernel {
  state = { 4: load(EMPTY), 6: load(EMPTY) };
  gen: number | null = 1;
  ns = 4026531840;
  runs: string[] = [];
  /** Called inside every restore, after it committed: a foreign change racing it. */
  duringRestore?: () => void;

  runner: Runner = {
    run: async (argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> => {
      const family = argv[0]!.startsWith('ip6') ? 6 : 4;
      this.runs.push(argv[0]!);
      if (argv[0]!.endsWith('-save')) return { code: 0, stdout: save(this.state[family]), stderr: '' };
      const doc = String(opts?.input ?? '');
      this.state[family] = restore(this.state[family], doc);
      if (this.gen !== null) this.gen += (doc.match(/^COMMIT$/gm) ?? []).length;
      this.duringRestore?.();
      return { code: 0, stdout: '', stderr: '' };
    },
  };

  /** Someone else's commit: a rule of theirs, or one of netctl's deleted by hand. */
  foreign(line: string, table = 'filter'): void {
    this.state[4] = restore(this.state[4], `*${table}\n${line}\nCOMMIT\n`);
    if (this.gen !== null) this.gen++;
  }

  saves(): number {
    return this.runs.filter((r) => r.endsWith('-save')).length;
  }

  /** What the addon's nftDeleteRules does, on the model: checks, then one commit. */
  deleteRules = (gen: number, edits: ChainEdit[]): string | null => {
    this.deletes.push(edits);
    if (gen !== this.gen) return 'stale';
    const comment = (rule: string): string =>
      /--comment "([^"]*)"/.exec(rule)?.[1] ?? /--comment (\S+)/.exec(rule)?.[1] ?? '';
    const next = { 4: load(save(this.state[4])), 6: load(save(this.state[6])) };
    for (const e of edits) {
      const rules = next[e.family].get(e.table)?.get(e.chain)?.rules ?? [];
      if (rules.map(comment).join('\n') !== e.comments.join('\n')) return `${e.table}/${e.chain} differs`;
      for (const at of [...e.doomed].sort((a, b) => b - a)) rules.splice(at, 1);
    }
    this.state = next;
    this.gen++;
    return null;
  };
  deletes: ChainEdit[][] = [];

  driver(file?: string, native = false): IptablesDriver {
    const cache = new RulesCache({ generation: () => this.gen, namespace: () => this.ns }, file);
    return new IptablesDriver(this.runner, () => false, cache, native ? this.deleteRules : undefined);
  }
}

const net = {
  id: 'a1b2c3d4e5f6',
  name: 'web',
  bridge: 'nc-a1b2c3d4e5f6',
  subnet: '10.9.0.0/24',
  internal: false,
  icc: true,
};
const input = (ports: number[]): FirewallInput => ({
  networks: [net],
  ports: ports.map((p) => ({
    network: net.id,
    proto: 'tcp' as const,
    hostPort: p,
    containerIp: `10.9.0.${p - 8078}`,
    containerPort: 80,
  })),
});

const text = (o: OwnedRules): string => render(o[4]) + render(o[6]);

/** observe, plan and apply-verified, as the firewall step does. */
async function converge(d: IptablesDriver, ports: number[]): Promise<OwnedRules> {
  const live = await d.observe();
  const target = d.desiredFor(input(ports), live);
  await d.applyVerified(d.plan(target, live), target);
  return target;
}

describe('remembered owned rules', () => {
  it('reads the rules once while the generation id stays, and not back after its own restore', async () => {
    const k = new Kernel();
    const d = k.driver();
    await converge(d, [8080]);
    expect(k.saves()).toBe(2); // the first observe; the apply is trusted by the id
    const target = await converge(d, [8080, 8081]);
    expect(k.saves()).toBe(2);
    expect(k.runs.filter((r) => r.endsWith('-restore')).length).toBe(2); // IPv4 only: the network has no IPv6 subnet
    // What it remembered is what is live.
    expect(text(await d.observe({ fresh: true }))).toBe(text(target));
    expect(text(await d.observe())).toBe(text(target));
  });

  it('reads again after someone else committed, and sees their change', async () => {
    const k = new Kernel();
    const d = k.driver();
    await converge(d, [8080]);
    const before = k.saves();
    k.foreign(
      `-D NETCTL-DNAT -p tcp -m tcp --dport 8080 -m comment --comment "netctl:net=web" -j DNAT --to-destination 10.9.0.2:80`,
      'nat',
    );
    const live = await d.observe();
    expect(k.saves()).toBe(before + 2);
    expect(render(live[4])).not.toContain('--dport 8080');
    // ...and the next change puts the rule back.
    await converge(d, [8080]);
    expect(save(k.state[4])).toContain('--dport 8080');
  });

  it('reads back when another commit raced the restore', async () => {
    const k = new Kernel();
    const d = k.driver();
    await converge(d, [8080]);
    k.duringRestore = () => {
      k.duringRestore = undefined;
      k.foreign('-A INPUT -s 192.0.2.1/32 -j DROP');
    };
    const before = k.saves();
    await converge(d, [8080, 8081]);
    expect(k.saves()).toBe(before + 2);
  });

  it('throws when the read-back disagrees with the plan', async () => {
    const k = new Kernel();
    const d = k.driver();
    await converge(d, [8080]);
    k.duringRestore = () => {
      k.duringRestore = undefined;
      k.foreign(
        `-D NETCTL-DNAT -p tcp -m tcp --dport 8080 -m comment --comment "netctl:net=web" -j DNAT --to-destination 10.9.0.2:80`,
        'nat',
      );
    };
    await expect(converge(d, [8080, 8081])).rejects.toThrow(/live ruleset differs/);
  });

  it('carries over to the next command through the file, for the same namespace only', async () => {
    const k = new Kernel();
    const file = join(mkdtempSync(join(tmpdir(), 'netctl-cache-')), 'rules.json');
    const target = await converge(k.driver(file), [8080]);
    await new Promise((r) => setImmediate(r)); // the file is written once the work yields
    const saves = k.saves();
    const next = k.driver(file);
    expect(text(await next.observe())).toBe(text(target));
    expect(k.saves()).toBe(saves);
    k.ns++;
    await k.driver(file).observe();
    expect(k.saves()).toBe(saves + 2);
  });

  it('remembers what the rules were planned from, through the file and a fresh read at the same id, not past a foreign commit', async () => {
    const k = new Kernel();
    const file = join(mkdtempSync(join(tmpdir(), 'netctl-cache-')), 'rules.json');
    const d = k.driver(file);
    const live = await d.observe();
    expect(live.basis).toBeUndefined();
    const target = d.desiredFor(input([8080]), live);
    const basis = { rev: 'r1', ufw: { 4: false, 6: false } };
    await d.applyVerified(d.plan(target, live), target, basis);
    await new Promise((r) => setImmediate(r));
    expect((await k.driver(file).observe()).basis).toEqual(basis);
    expect((await d.observe({ fresh: true })).basis).toEqual(basis);
    k.foreign('-A FORWARD -s 192.0.2.1/32 -j ACCEPT');
    expect((await d.observe()).basis).toBeUndefined();
    expect((await k.driver(file).observe()).basis).toBeUndefined();
  });

  it('always reads where there is no generation id (legacy iptables) and when asked for fresh rules', async () => {
    const k = new Kernel();
    k.gen = null;
    const d = k.driver();
    await converge(d, [8080]);
    expect(k.saves()).toBe(4); // observe, then the read-back that verifies
    await d.observe();
    expect(k.saves()).toBe(6);
    const k2 = new Kernel();
    const d2 = k2.driver();
    await d2.observe();
    await d2.observe({ fresh: true });
    expect(k2.saves()).toBe(4);
  });
});

describe('deleting natively', () => {
  const restores = (k: Kernel): number => k.runs.filter((r) => r.endsWith('-restore')).length;

  it('takes a plan that only deletes rules of owned chains, in one commit, with no restore and no read-back', async () => {
    const k = new Kernel();
    const d = k.driver(undefined, true);
    await converge(d, [8080, 8081, 8082]);
    const [runs, gen] = [k.runs.length, k.gen!];
    const target = await converge(d, [8080, 8082]);
    expect(k.runs.length).toBe(runs);
    expect(k.gen).toBe(gen + 1);
    expect(k.deletes).toHaveLength(1);
    for (const e of k.deletes[0]!) {
      expect(e.table === 'nat' || e.table === 'filter').toBe(true);
      expect(e.chain).toMatch(/^NETCTL-/);
      expect(e.doomed.length).toBeGreaterThan(0);
    }
    expect(save(k.state[4])).not.toContain('--dport 8081');
    expect(save(k.state[4])).toContain('--dport 8082');
    expect(text(await d.observe({ fresh: true }))).toBe(text(target));
    expect(text(await d.observe())).toBe(text(target));
  });

  it('sends any plan that adds to iptables-restore', async () => {
    const k = new Kernel();
    const d = k.driver(undefined, true);
    await converge(d, [8080]);
    await converge(d, [8080, 8081]);
    expect(k.deletes).toEqual([]);
    expect(restores(k)).toBe(2);
  });

  it('falls back to iptables-restore when the kernel refuses (stale generation, other rules), with the same result', async () => {
    const k = new Kernel();
    const d = k.driver(undefined, true);
    await converge(d, [8080, 8081]);
    const real = k.deleteRules;
    k.deleteRules = (gen, edits) => real(gen + 1, edits);
    const d2 = k.driver(undefined, true);
    await d2.observe();
    const before = restores(k);
    const target = await converge(d2, [8080]);
    expect(k.deletes).toHaveLength(1);
    expect(restores(k)).toBe(before + 1);
    expect(text(await d2.observe({ fresh: true }))).toBe(text(target));
    expect(save(k.state[4])).not.toContain('--dport 8081');
  });

  it('edits name every rule of the chain by comment, and positions into that list', async () => {
    const k = new Kernel();
    const d = k.driver(undefined, true);
    await converge(d, [8080, 8081]);
    const before = { 4: load(save(k.state[4])), 6: load(save(k.state[6])) };
    await converge(d, [8081]);
    for (const e of k.deletes[0]!) {
      const rules = before[e.family].get(e.table)!.get(e.chain)!.rules;
      expect(e.comments).toHaveLength(rules.length);
      for (const at of e.doomed) expect(rules[at]).toContain('10.9.0.2');
    }
  });
});

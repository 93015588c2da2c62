import { describe, expect, it } from 'vitest';
import type { Ruleset } from '../../src/firewall/iptables/ast.js';
import { desired } from '../../src/firewall/iptables/desired.js';
import { diff, isEmpty, ruleKey, type RestorePlan } from '../../src/firewall/iptables/diff.js';
import { ownedPart } from '../../src/firewall/iptables/plan-owned.js';
import { renderPlan } from '../../src/firewall/iptables/plan-render.js';
import { parse } from '../../src/firewall/iptables/parse.js';
import type { FirewallInput } from '../../src/firewall/input.js';
import { golden, net, port, tenNetworks } from './rules/fixtures.js';
import { load, restore, save, type SimState } from './rules/restore-sim.js';

const EMPTY: Ruleset = { tables: [] };

const FOREIGN = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:ufw-user-forward - [0:0]
-A FORWARD -j ufw-user-forward
-A FORWARD -s 192.0.2.0/24 -j ACCEPT
-A ufw-user-forward -d 10.1.0.2/32 -m comment --comment "netctl:allow web" -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -o eth9 -j MASQUERADE
COMMIT
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
`;

/** Plans from the simulated kernel's owned part to `input`, applies it, returns the new state. */
function converge(state: SimState, input: FirewallInput, family: 4 | 6 = 4): { state: SimState; plan: RestorePlan } {
  const plan = diff(desired(input, family), ownedPart(parse(save(state))));
  return { state: restore(state, renderPlan(plan)), plan };
}

function written(plan: RestorePlan): string[] {
  return plan.tables.flatMap((t) => t.write.map((c) => `${t.table} ${c.name}`)).sort();
}

function changed(plan: RestorePlan, what: 'append' | 'deleteRules'): string[] {
  return plan.tables.flatMap((t) => t[what].map((r) => `${t.table} ${r.chain}`));
}

function builtinLines(state: SimState, table: string, chain: string): string[] {
  return [...(state.get(table)?.get(chain)?.rules ?? [])];
}

describe('diff', () => {
  it('from nothing: writes every chain, inserts the jumps, deletes nothing', () => {
    const plan = diff(desired({ networks: [net(1)] }, 4), EMPTY);
    expect(written(plan)).toEqual([
      'filter NETCTL-FORWARD',
      'filter NETCTL-ISOLATION-1',
      'filter NETCTL-ISOLATION-2',
      'filter NETCTL-N-a01',
      'filter NETCTL-P-a01',
      'nat NETCTL-DNAT',
      'nat NETCTL-POSTROUTING',
      'raw NETCTL-PREROUTING',
    ]);
    expect(plan.tables.flatMap((t) => t.insertRules.map((r) => `${t.table} ${r.chain}`))).toEqual([
      'filter FORWARD',
      'nat PREROUTING',
      'nat OUTPUT',
      'nat POSTROUTING',
      'raw PREROUTING',
    ]);
    expect(plan.tables.flatMap((t) => [...t.deleteRules, ...t.remove, ...t.append])).toEqual([]);
    golden('first-network.plan', renderPlan(plan));
  });

  it('is idempotent: diff(desired, desired) and diff after applying are empty', () => {
    const input = { networks: [...tenNetworks(), net(11, { internal: true })], ports: [port(1, 80, 80)] };
    const d = desired(input, 4);
    expect(isEmpty(diff(d, d))).toBe(true);
    expect(renderPlan(diff(d, d))).toBe('');
    const { state } = converge(load(FOREIGN), input);
    expect(isEmpty(converge(state, input).plan)).toBe(true);
  });

  it('adding an eleventh network appends to the shared chains and writes only its own', () => {
    const { state } = converge(load(FOREIGN), { networks: tenNetworks() });
    const { plan, state: after } = converge(state, { networks: [...tenNetworks(), net(11)] });
    expect(written(plan)).toEqual(['filter NETCTL-N-a0b', 'filter NETCTL-P-a0b']);
    expect(changed(plan, 'append')).toEqual([
      'filter NETCTL-FORWARD',
      'filter NETCTL-FORWARD',
      'filter NETCTL-ISOLATION-1',
      'filter NETCTL-ISOLATION-2',
      'nat NETCTL-POSTROUTING',
      'nat NETCTL-POSTROUTING',
      'nat NETCTL-POSTROUTING',
    ]);
    expect(plan.tables.flatMap((t) => t.append).every((r) => ruleKey(r).includes('br-net11'))).toBe(true);
    expect(plan.tables.flatMap((t) => [...t.deleteRules, ...t.insertRules, ...t.remove])).toEqual([]);
    expect(isEmpty(converge(after, { networks: [...tenNetworks(), net(11)] }).plan)).toBe(true);
    golden('add-network.plan', renderPlan(plan));
  });

  it('removing a network from the middle deletes its rules and chains and writes nothing', () => {
    const all = [...tenNetworks(), net(11)];
    const { state } = converge(load(FOREIGN), { networks: all });
    const rest = all.filter((n) => n.name !== 'net5');
    const { plan, state: after } = converge(state, { networks: rest });
    expect(written(plan)).toEqual([]);
    expect(plan.tables.flatMap((t) => t.remove)).toEqual(['NETCTL-N-a05', 'NETCTL-P-a05']);
    expect(changed(plan, 'deleteRules')).toEqual([
      'filter NETCTL-FORWARD',
      'filter NETCTL-FORWARD',
      'filter NETCTL-ISOLATION-1',
      'filter NETCTL-ISOLATION-2',
      'nat NETCTL-POSTROUTING',
      'nat NETCTL-POSTROUTING',
      'nat NETCTL-POSTROUTING',
    ]);
    expect(plan.tables.flatMap((t) => t.deleteRules).every((r) => ruleKey(r).includes('br-net5 '))).toBe(true);
    expect(isEmpty(converge(after, { networks: rest }).plan)).toBe(true);
  });

  it('publishing and unpublishing a port touches only the ports and DNAT chains', () => {
    const { state } = converge(load(FOREIGN), { networks: tenNetworks(), ports: [port(2, 9000, 90)] });
    const ports = [port(2, 9000, 90), port(3, 8080, 80)];
    const { plan, state: after } = converge(state, { networks: tenNetworks(), ports });
    expect(written(plan)).toEqual([]);
    expect(changed(plan, 'append')).toEqual(['filter NETCTL-P-a03', 'nat NETCTL-DNAT']);
    const { plan: back } = converge(after, { networks: tenNetworks(), ports: [port(3, 8080, 80)] });
    expect(changed(back, 'deleteRules')).toEqual(['filter NETCTL-P-a02', 'nat NETCTL-DNAT']);
  });

  it('rewrites a chain whose rules changed in the middle', () => {
    const { state } = converge(load(FOREIGN), { networks: [net(1), net(2)] });
    const { plan } = converge(state, { networks: [net(1, { icc: false }), net(2)] });
    expect(written(plan)).toEqual(['filter NETCTL-N-a01']);
    expect(plan.tables.flatMap((t) => [...t.append, ...t.deleteRules])).toEqual([]);
  });

  it('removing the last network restores the ruleset exactly, foreign rules included', () => {
    const start = load(FOREIGN);
    const { state } = converge(start, { networks: [net(1), net(2, { icc: false }), net(3, { internal: true })] });
    expect(save(state)).not.toBe(save(start));
    const { state: end, plan } = converge(state, { networks: [] });
    expect(plan.tables.flatMap((t) => t.write)).toEqual([]);
    expect(save(end)).toBe(save(start));
  });

  it('never duplicates a jump and heals a duplicate left behind', () => {
    const input = { networks: [net(1)] };
    let { state } = converge(load(FOREIGN), input);
    ({ state } = converge(state, input));
    const jumps = (s: SimState) =>
      save(s)
        .split('\n')
        .filter((l) => l.includes('netctl:jump'));
    expect(jumps(state)).toHaveLength(5);
    const dup = '*filter\n-I FORWARD 1 -m comment --comment "netctl:jump" -j NETCTL-FORWARD\nCOMMIT\n';
    state = restore(state, dup);
    expect(jumps(state)).toHaveLength(6);
    ({ state } = converge(state, input));
    expect(jumps(state)).toHaveLength(5);
  });

  it('puts jumps on top and never deletes or moves foreign rules, before or after ours', () => {
    let { state } = converge(load(FOREIGN), { networks: [net(1)] });
    expect(builtinLines(state, 'filter', 'FORWARD')[0]).toContain('netctl:jump');
    // Someone inserts a rule above ours, and appends one after.
    state = restore(state, '*filter\n-I FORWARD 1 -i eth7 -j DROP\n-A FORWARD -o eth8 -j ACCEPT\nCOMMIT\n');
    const before = builtinLines(state, 'filter', 'FORWARD').filter((l) => !l.includes('netctl:'));
    const plans: RestorePlan[] = [];
    for (const networks of [[net(1), net(2)], [net(2, { icc: false })], []]) {
      const r = converge(state, { networks });
      plans.push(r.plan);
      state = r.state;
    }
    for (const t of plans.flatMap((p) => p.tables)) {
      for (const r of t.deleteRules) expect(ruleKey(r)).toContain('netctl:');
    }
    expect(builtinLines(state, 'filter', 'FORWARD')).toEqual(before);
    expect(save(state)).toContain(
      '-A ufw-user-forward -d 10.1.0.2/32 -m comment --comment "netctl:allow web" -j ACCEPT',
    );
  });

  it('keeps a block of several tagged rules in one built-in chain in order, on top', () => {
    const tagged = (n: number) => `-A FORWARD -i eth${n} -m comment --comment "netctl:t${n}" -j ACCEPT`;
    const want = parse(`*filter\n${tagged(1)}\n${tagged(2)}\n${tagged(3)}\nCOMMIT\n`);
    const start = load(FOREIGN);
    const state = restore(start, renderPlan(diff(want, ownedPart(parse(save(start))))));
    expect(builtinLines(state, 'filter', 'FORWARD').slice(0, 3)).toEqual(
      [1, 2, 3].map((n) => tagged(n).slice('-A FORWARD '.length)),
    );
    expect(isEmpty(diff(want, ownedPart(parse(save(state)))))).toBe(true);
  });

  it('plans rollbacks: diff(before, after) applied to after gives before', () => {
    const a = { networks: [net(1), net(2)] };
    const b = { networks: [net(2, { icc: false }), net(3, { subnet: '10.33.0.0/16' })], ports: [port(2, 8080, 80)] };
    for (const [from, to] of [
      [a, b],
      [b, a],
      [{ networks: [] }, a],
      [a, { networks: [] }],
    ] as const) {
      const { state: s1 } = converge(load(FOREIGN), from);
      const snapshot = ownedPart(parse(save(s1)));
      const { state: s2 } = converge(s1, to);
      const back = restore(s2, renderPlan(diff(snapshot, ownedPart(parse(save(s2))))));
      expect(save(back)).toBe(save(s1));
    }
  });

  it('rendered plans order declarations, deletions, rules, inserts, then -X', () => {
    const { state } = converge(load(FOREIGN), { networks: [net(1), net(2)] });
    const doc = renderPlan(converge(state, { networks: [] }).plan);
    const lines = doc.slice(0, doc.indexOf('COMMIT')).split('\n');
    expect(lines[0]).toBe('*filter');
    const firstOf = (p: string) => lines.findIndex((l) => l.startsWith(p));
    const lastOf = (p: string) => lines.length - 1 - [...lines].reverse().findIndex((l) => l.startsWith(p));
    expect(lastOf(':')).toBeLessThan(firstOf('-D'));
    expect(lastOf('-D')).toBeLessThan(firstOf('-X'));
    expect(doc).toContain('-D FORWARD -m comment --comment "netctl:jump" -j NETCTL-FORWARD\n');
  });
});

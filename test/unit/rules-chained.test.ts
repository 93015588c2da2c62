/**
 * The rules cache chain by chain (chain-rules.ts, rules-cache-file.ts) and the network delta
 * (desired.ts networkRules, delta.ts): over seeded random mixes of networks (internal, icc,
 * IPv6, cluster ranges, no masquerade) and containers, a network added as the newest or any
 * empty one taken out, planned alone on top of the rules read back from the cache file, gives
 * `desired` of all the records chain by chain, and diff of chained rulesets is the plan diff
 * of the plain ones gives.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RulesCache } from '../../src/firewall/iptables/rules-cache.js';
import type { Ruleset } from '../../src/firewall/iptables/ast.js';
import { containerRules, desired, networkRules } from '../../src/firewall/iptables/desired.js';
import { withRules, withoutRules } from '../../src/firewall/iptables/delta.js';
import { diff, isEmpty } from '../../src/firewall/iptables/diff.js';
import { render, renderRule } from '../../src/firewall/iptables/render.js';
import { renderPlan } from '../../src/firewall/iptables/plan-render.js';
import { loadTables, storeTables, tablesFromDump } from '../../src/firewall/iptables/rules-cache-file.js';
import { segmentsOf } from '../../src/firewall/iptables/chain-rules.js';
import { deletionEdits } from '../../src/firewall/iptables/plan-deletes.js';
import type { EndpointAddress, FirewallInput, NetworkRules, PortMapping } from '../../src/firewall/input.js';
import { net, rng } from './rules/fixtures.js';

interface World {
  nets: NetworkRules[];
  ports: PortMapping[];
  endpoints: EndpointAddress[];
}

function randomNet(r: () => number, n: number): NetworkRules {
  return net(n, {
    internal: r() < 0.2,
    icc: r() < 0.7,
    ...(r() < 0.4 ? { subnet6: `fd00:${n.toString(16)}::/64` } : {}),
    ...(r() < 0.2 ? { clusterCidrs: ['10.250.0.0/16'] } : {}),
    ...(r() < 0.2 ? { ipMasq: false } : {}),
  });
}

/** A container with one endpoint and maybe a port on a random open network of `w`. */
function addContainer(r: () => number, w: World, i: number): void {
  const n = w.nets[Math.floor(r() * w.nets.length)]!;
  const ip = `${n.subnet!.split('.').slice(0, 3).join('.')}.${2 + i}`;
  w.endpoints.push({ network: n.id, ip });
  if (!n.internal && r() < 0.6)
    w.ports.push({ network: n.id, proto: 'tcp', hostPort: 2000 + i, containerIp: ip, containerPort: 80 });
}

const inputOf = (w: World, ufw: boolean): FirewallInput => ({
  networks: w.nets,
  ports: w.ports,
  endpoints: w.endpoints,
  ufw,
});

/** Chain by chain, as diff and the kernel see a ruleset. */
function chains(rs: Ruleset): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const t of rs.tables) {
    out[`${t.name} chains`] = t.chains.map((c) => `${c.name} ${c.policy}`);
    for (const r of t.rules) (out[`${t.name} ${r.chain}`] ??= []).push(renderRule(r));
  }
  return out;
}

/** `rs` written to the cache file's form and read back (chained). */
function cached(rs: Ruleset, family: 4 | 6): Ruleset {
  return loadTables(JSON.parse(JSON.stringify(storeTables(rs))), family)!;
}

describe('the rules cache, chain by chain', () => {
  it('reads back what it stored, and reads the format before it (whole documents)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const r = rng(seed);
      const w: World = { nets: [], ports: [], endpoints: [] };
      for (let n = 1; n <= 1 + Math.floor(r() * 5); n++) w.nets.push(randomNet(r, n));
      for (let i = 0; i < 8; i++) addContainer(r, w, i);
      for (const family of [4, 6] as const) {
        const want = desired(inputOf(w, r() < 0.5), family);
        const back = cached(want, family);
        expect(back.tables.every((t) => segmentsOf(t) !== undefined)).toBe(true);
        expect(chains(back)).toEqual(chains(want));
        expect(chains(tablesFromDump(render(want), family))).toEqual(chains(want));
        expect(isEmpty(diff(want, back))).toBe(true);
      }
    }
  });

  it('takes over a file of the format before (whole documents), and trusts no unknown version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-cache-'));
    const file = join(dir, 'firewall-rules.json');
    const rules = {
      4: desired({ networks: [net(1), net(2)] }, 4),
      6: desired({ networks: [net(1, { subnet6: 'fd00::/64' })] }, 6),
    };
    const source = { generation: () => 7, namespace: () => 1 };
    writeFileSync(file, JSON.stringify({ ns: 1, gen: 7, v4: render(rules[4]), v6: render(rules[6]) }));
    const old = new RulesCache(source, file).current();
    expect(old && chains(old[4])).toEqual(chains(rules[4]));
    expect(old && chains(old[6])).toEqual(chains(rules[6]));
    const next = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...next, v: 3 }));
    expect(new RulesCache(source, file).current()).toBeUndefined();
  });

  it('refuses a stored form that is not one', () => {
    expect(loadTables([{ t: 'filter', c: [['X', 1]], r: [] }], 4)).toBeUndefined();
    expect(loadTables({ t: 'filter' }, 4)).toBeUndefined();
    expect(loadTables(undefined, 4)).toBeUndefined();
  });
});

describe('one network planned alone', () => {
  for (const family of [4, 6] as const) {
    for (const ufw of [false, true]) {
      it(`IPv${family}${ufw ? ', ufw' : ''}: adding the newest network, taking an empty one out, gives desired of all`, () => {
        let checked = 0;
        for (let seed = 1; seed <= 12; seed++) {
          const r = rng(seed * 13 + family + (ufw ? 50 : 0));
          const w: World = { nets: [randomNet(r, 1)], ports: [], endpoints: [] };
          let live = cached(desired(inputOf(w, ufw), family), family);
          for (let step = 0; step < 14; step++) {
            const empty = w.nets.filter((n) => !w.endpoints.some((e) => e.network === n.id));
            const k = r();
            if (k < 0.3) {
              const counts = [w.ports.length, w.endpoints.length];
              addContainer(r, w, step);
              const part = {
                networks: w.nets,
                ports: w.ports.slice(counts[0]),
                endpoints: w.endpoints.slice(counts[1]),
                ufw,
              };
              const next = withRules(live, containerRules(part, family))!;
              const want = desired(inputOf(w, ufw), family);
              expect(chains(next)).toEqual(chains(want));
              expect(renderPlan(diff(next, live))).toBe(renderPlan(diff(want, desiredPlain(live))));
              // Taken out again: the native deletion edits are those of the plain rules.
              const back = withoutRules(cached(next, family), containerRules(part, family))!;
              const nextPlain = desiredPlain(cached(next, family));
              const plans = (a: Ruleset, b: Ruleset) => ({ 4: diff(a, b), 6: diff({ tables: [] }, { tables: [] }) });
              const plainBack = desiredPlain(back);
              expect(renderPlan(diff(back, cached(next, family)))).toBe(renderPlan(diff(plainBack, nextPlain)));
              if (family === 4) {
                const nextC = cached(next, family);
                const e1 = deletionEdits(plans(withoutRules(nextC, containerRules(part, family))!, nextC), {
                  4: nextC,
                  6: { tables: [] },
                });
                const e2 = deletionEdits(plans(plainBack, nextPlain), { 4: nextPlain, 6: { tables: [] } });
                expect(e1).toEqual(e2);
                if (e2) checked++;
              }
              live = cached(next, family);
              continue;
            }
            const before = live;
            let next: Ruleset | undefined;
            if (k < 0.7 || empty.length === 0 || w.nets.length === 1) {
              const n = randomNet(r, 10 + step);
              next = withRules(live, networkRules({ networks: [n], ufw }, family));
              w.nets.push(n);
            } else {
              const n = empty[Math.floor(r() * empty.length)]!;
              next = withoutRules(live, networkRules({ networks: [n], ufw }, family));
              w.nets = w.nets.filter((x) => x !== n);
            }
            const want = desired(inputOf(w, ufw), family);
            const inFamily = want.tables.some((t) => t.chains.some((c) => c.name.startsWith('NETCTL-N-')));
            const before4 = before.tables.some((t) => t.chains.some((c) => c.name.startsWith('NETCTL-N-')));
            // A family's first network, or its last one gone: only the full plan knows.
            if (!inFamily || !before4) {
              live = cached(want, family);
              continue;
            }
            expect(next).toBeDefined();
            expect(chains(next!)).toEqual(chains(want));
            // The chained diff plans exactly what the rule-by-rule one does.
            const plain = diff(want, desiredPlain(before));
            expect(renderPlan(diff(next!, before))).toBe(renderPlan(plain));
            live = cached(next!, family);
          }
        }
        // The native deletion path was compared, not skipped every time.
        if (family === 4) expect(checked).toBeGreaterThan(0);
      });
    }
  }

  it('planned against the cache, a new network is chains declared and rules appended, nothing rewritten', () => {
    const nets = [net(1), net(2)];
    const live = cached(desired({ networks: nets }, 4), 4);
    const next = withRules(live, networkRules({ networks: [net(3)] }, 4))!;
    const plan = diff(next, live);
    expect(
      plan.tables.map((t) => [t.table, t.write.map((c) => c.name), t.append.length, t.deleteRules.length]),
    ).toEqual([
      ['filter', ['NETCTL-N-a03', 'NETCTL-P-a03'], 4, 0],
      ['nat', [], 3, 0],
    ]);
    // Untouched chains are the live ones' own objects.
    const seg = (rs: Ruleset, chain: string) => segmentsOf(rs.tables[0]!)!.get(chain);
    expect(seg(next, 'NETCTL-N-a01')).toBe(seg(live, 'NETCTL-N-a01'));
  });

  it('refuses rulesets the change cannot have been planned against', () => {
    const live = cached(desired({ networks: [net(1), net(2)] }, 4), 4);
    // Already there: its chains cannot be declared twice.
    expect(withRules(live, networkRules({ networks: [net(2)] }, 4))).toBeUndefined();
    // Not there: nothing to take out.
    expect(withoutRules(live, networkRules({ networks: [net(3)] }, 4))).toBeUndefined();
    // A container's rule still in its ports chain: the chain cannot go.
    const port: PortMapping = {
      network: net(2).id,
      proto: 'tcp',
      hostPort: 80,
      containerIp: '10.2.0.2',
      containerPort: 80,
    };
    const withPort = withRules(live, containerRules({ networks: [net(1), net(2)], ports: [port] }, 4))!;
    expect(withoutRules(withPort, networkRules({ networks: [net(2)] }, 4))).toBeUndefined();
    expect(() => networkRules({ networks: [net(1), net(2)] }, 4)).toThrow('one network');
  });
});

/** `rs` as plain tables (every rule an object of its own), as the full planning path has them. */
function desiredPlain(rs: Ruleset): Ruleset {
  return { ...rs, tables: rs.tables.map((t) => ({ name: t.name, chains: t.chains, rules: [...t.rules] })) };
}

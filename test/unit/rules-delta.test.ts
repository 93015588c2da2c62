/**
 * One container's rules planned alone (desired.ts containerRules, delta.ts) against the
 * rules of every record: adding the newest container to `desired` of the others, or
 * taking any container out of `desired` of all, gives `desired` of the result, chain by
 * chain (what diff and the kernel see), over random mixes of networks, families, ports and
 * ufw.
 */
import { describe, expect, it } from 'vitest';
import type { Ruleset } from '../../src/firewall/iptables/ast.js';
import { containerRules, desired } from '../../src/firewall/iptables/desired.js';
import { withRules, withoutRules } from '../../src/firewall/iptables/delta.js';
import { diff, isEmpty } from '../../src/firewall/iptables/diff.js';
import { renderRule } from '../../src/firewall/iptables/render.js';
import type { EndpointAddress, FirewallInput, NetworkRules, PortMapping } from '../../src/firewall/input.js';
import { net, rng } from './rules/fixtures.js';

interface Ctr {
  ports: PortMapping[];
  endpoints: EndpointAddress[];
}

const NETS: NetworkRules[] = [
  net(1, { subnet6: 'fd00:1::/64' }),
  net(2, { icc: false }),
  net(3, { internal: true }),
  net(4, { subnet6: 'fd00:4::/64' }),
];

function container(r: () => number, i: number, usedPorts: Set<number>): Ctr {
  const n = NETS[Math.floor(r() * NETS.length)]!;
  const ip = `10.${n.subnet!.split('.')[1]}.${1 + (i >> 8)}.${2 + (i % 250)}`;
  const ip6 = n.subnet6 ? `${n.subnet6.split('::')[0]}::${(i + 2).toString(16)}` : undefined;
  const endpoints: EndpointAddress[] = [{ network: n.id, ip }, ...(ip6 ? [{ network: n.id, ip: ip6 }] : [])];
  const ports: PortMapping[] = [];
  if (!n.internal) {
    const count = Math.floor(r() * 3);
    for (let k = 0; k < count; k++) {
      let hostPort = 1000 + Math.floor(r() * 500);
      while (usedPorts.has(hostPort)) hostPort++;
      usedPorts.add(hostPort);
      const proto = (['tcp', 'udp', 'sctp'] as const)[Math.floor(r() * 3)]!;
      const v6 = ip6 !== undefined && r() < 0.3;
      const hostIp = r() < 0.3 ? (v6 ? '::1' : '127.0.0.1') : undefined;
      // Two host ports to one container port give two identical accepts.
      const containerPort = r() < 0.3 ? 80 : 80 + Math.floor(r() * 5);
      ports.push({
        network: n.id,
        proto,
        hostPort,
        containerIp: v6 ? ip6! : ip,
        containerPort,
        ...(hostIp ? { hostIp } : {}),
      });
    }
  }
  return { ports, endpoints };
}

function input(ctrs: Ctr[], ufw: boolean): FirewallInput {
  return { networks: NETS, ports: ctrs.flatMap((c) => c.ports), endpoints: ctrs.flatMap((c) => c.endpoints), ufw };
}

/** Chain by chain, as diff and the kernel see a ruleset. */
function chains(rs: Ruleset): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const t of rs.tables) {
    out[`${t.name} chains`] = t.chains.map((c) => c.name);
    for (const r of t.rules) (out[`${t.name} ${r.chain}`] ??= []).push(renderRule(r));
  }
  return out;
}

function part(c: Ctr, ufw: boolean): FirewallInput {
  return { networks: NETS, ports: c.ports, endpoints: c.endpoints, ufw };
}

describe('one container planned alone', () => {
  for (const family of [4, 6] as const) {
    for (const ufw of [false, true]) {
      it(`IPv${family}${ufw ? ', ufw' : ''}: adding the newest container, then taking any out, gives desired of all`, () => {
        for (let seed = 1; seed <= 40; seed++) {
          const r = rng(seed * 7 + family + (ufw ? 100 : 0));
          const used = new Set<number>();
          const ctrs: Ctr[] = [];
          let live = desired(input([], ufw), family);
          for (let i = 0; i < 12; i++) {
            const c = container(r, i, used);
            const next = withRules(live, containerRules(part(c, ufw), family));
            ctrs.push(c);
            const want = desired(input(ctrs, ufw), family);
            expect(next).toBeDefined();
            expect(chains(next!)).toEqual(chains(want));
            expect(isEmpty(diff(want, next!))).toBe(true);
            live = next!;
          }
          while (ctrs.length > 0) {
            const [c] = ctrs.splice(Math.floor(r() * ctrs.length), 1);
            const next = withoutRules(live, containerRules(part(c!, ufw), family));
            const want = desired(input(ctrs, ufw), family);
            expect(next).toBeDefined();
            expect(chains(next!)).toEqual(chains(want));
            live = next!;
          }
        }
      });
    }
  }

  it('adds to the end of chains: the plan from the rules before only appends', () => {
    const before = desired(input([], false), 4);
    const c: Ctr = {
      ports: [{ network: NETS[0]!.id, proto: 'tcp', hostPort: 8080, containerIp: '10.1.0.2', containerPort: 80 }],
      endpoints: [{ network: NETS[0]!.id, ip: '10.1.0.2' }],
    };
    const plan = diff(withRules(before, containerRules(part(c, false), 4))!, before);
    expect(plan.tables.map((t) => [t.table, t.append.length, t.write.length, t.deleteRules.length])).toEqual([
      ['filter', 1, 0, 0],
      ['nat', 1, 0, 0],
      ['raw', 1, 0, 0],
    ]);
  });

  it('refuses rulesets the change cannot have been planned against', () => {
    const c: Ctr = {
      ports: [{ network: NETS[0]!.id, proto: 'tcp', hostPort: 8080, containerIp: '10.1.0.2', containerPort: 80 }],
      endpoints: [{ network: NETS[0]!.id, ip: '10.1.0.2' }],
    };
    const rules = containerRules(part(c, false), 4);
    // No chains for the network yet (nothing planned): nothing to append to.
    expect(withRules({ family: 4, tables: [] }, rules)).toBeUndefined();
    // The container's rules are not there: nothing to take out.
    expect(withoutRules(desired(input([], false), 4), rules)).toBeUndefined();
    // Taken out once, not twice.
    const once = withoutRules(withRules(desired(input([], false), 4), rules)!, rules)!;
    expect(withoutRules(once, rules)).toBeUndefined();
  });

  it("checks the container's ports as desired does", () => {
    const bad: FirewallInput = {
      networks: NETS,
      ports: [{ network: NETS[0]!.id, proto: 'tcp', hostPort: 70000, containerIp: '10.1.0.2', containerPort: 80 }],
    };
    expect(() => containerRules(bad, 4)).toThrow('invalid host port "70000"');
  });
});

import { describe, expect, it } from 'vitest';
import { absentRules } from '../../src/firewall/iptables/absent.js';
import { desired } from '../../src/firewall/iptables/desired.js';
import { net, port } from './rules/fixtures.js';

describe('absent rules', () => {
  const input = {
    networks: [net(1)],
    ports: [port(1, 8080, 80), port(1, 8081, 80, { containerIp: '10.1.0.3' })],
    endpoints: [
      { network: net(1).id, ip: '10.1.0.2' },
      { network: net(1).id, ip: '10.1.0.3' },
    ],
  };
  const want = desired(input, 4);

  it('names only the rules that are gone, not the ones a restore would rewrite after them', () => {
    expect(absentRules(want, want)).toEqual([]);
    const live = {
      ...want,
      tables: want.tables.map((t) => ({
        ...t,
        rules: t.rules.filter((r) => !JSON.stringify(r).includes('"10.1.0.2')),
      })),
    };
    const gone = absentRules(want, live);
    expect(gone).toHaveLength(3);
    expect(gone.every((l) => l.startsWith('-A ') && /10\.1\.0\.2[/:]/.test(l))).toBe(true);
  });

  it('counts duplicates, and a table that is not live at all is all absent', () => {
    const nat = want.tables.find((t) => t.name === 'nat')!;
    const doubled = { ...want, tables: [{ ...nat, rules: [...nat.rules, nat.rules[0]!] }] };
    expect(absentRules(doubled, want)).toHaveLength(1);
    expect(absentRules(want, { tables: [] })).toHaveLength(want.tables.reduce((n, t) => n + t.rules.length, 0));
  });
});

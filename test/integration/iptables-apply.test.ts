/**
 * apply.ts with the real iptables-restore and iptables-save of both flavours, in fresh
 * network namespaces: a 1,000-rule document lands in owned chains exactly as written, a
 * foreign rule placed before is untouched, a refused document names its line and changes
 * nothing. The results are read with netctl's own parser.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Ruleset } from '../../src/firewall/iptables/ast.js';
import { parse } from '../../src/firewall/iptables/parse.js';
import { renderRule } from '../../src/firewall/iptables/render.js';
import { run } from '../../src/sys/exec.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = fileURLToPath(new URL('./scripts/iptables-apply.mjs', import.meta.url));

interface Failure {
  name: string;
  message: string;
  line: number | null;
}
interface Result {
  before: string;
  doc: string;
  applied: string;
  again: string;
  badTest: Failure | null;
  goodTest: Failure | null;
  badApply: Failure | null;
  afterBad: string;
  v6doc: string;
  v6: string;
}

const rules = (rs: Ruleset, chain: string): string[] =>
  rs.tables.flatMap((t) =>
    t.rules.filter((r) => r.chain === chain).map((r) => renderRule({ ...r, counters: undefined })),
  );

beforeAll(async () => {
  // test/build.ts (global setup) built dist/.
  for (const f of ['firewall/iptables/apply', 'firewall/iptables/render', 'sys/exec']) {
    if (!existsSync(`${root}dist/${f}.js`)) throw new Error(`dist/${f}.js missing: run the tests with npm test`);
  }
});

describe.each(['nft', 'legacy'])('apply with iptables-%s', (flavour) => {
  let res: Result;
  beforeAll(async () => {
    const argv = ['unshare', '-n', '-m', '--propagation', 'private', '--', process.execPath, script, flavour];
    const r = await run(argv, { timeoutMs: 90_000 });
    if (r.code !== 0) throw new Error(`iptables-apply.mjs ${flavour} exited ${r.code}: ${r.stderr}`);
    res = JSON.parse(r.stdout) as Result;
  });

  it('lands all 1,000 rules in the owned chain exactly as the document wrote them', () => {
    const live = parse(res.applied);
    const wanted = res.doc.split('\n').filter((l) => l.startsWith('-A NETCTL-PORTS '));
    expect(wanted).toHaveLength(999);
    expect(rules(live, 'NETCTL-PORTS')).toEqual(wanted);
    expect(live.tables[0]!.chains.map((c) => c.name)).toContain('NETCTL-PORTS');
  });

  it('leaves the foreign rule placed before in place, first in FORWARD, and its chain alone', () => {
    const before = parse(res.before);
    const live = parse(res.applied);
    const foreign = '-A FORWARD -s 192.0.2.0/24 -m comment --comment "foreign: keep me" -j FOREIGN';
    expect(rules(before, 'FORWARD')).toEqual([foreign]);
    expect(rules(live, 'FORWARD')).toEqual([foreign, '-A FORWARD -m comment --comment "netctl:jump" -j NETCTL-PORTS']);
    expect(rules(live, 'FOREIGN')).toEqual(rules(before, 'FOREIGN'));
  });

  it('replaces an owned chain when it is declared again instead of doubling it', () => {
    const live = parse(res.again);
    expect(rules(live, 'NETCTL-PORTS')).toHaveLength(999);
    expect(rules(live, 'FORWARD')).toHaveLength(2);
  });

  it('tests documents without applying them, naming the line of a bad one', () => {
    expect(res.goodTest).toBeNull();
    expect(res.badTest).toMatchObject({ name: 'RestoreError', line: 4 });
    expect(res.badTest!.message).toContain('at line 4 "-A NETCTL-PORTS --bogus -j ACCEPT": ');
    expect(res.badTest!.message).toContain('unknown option "--bogus"');
  });

  it('names the line iptables blames for a refused document and leaves the table as it was', () => {
    // The nft flavour finds a missing jump target only at COMMIT, and blames that line.
    const line = flavour === 'nft' ? '5 "COMMIT"' : '4 "-A NETCTL-PORTS -j NETCTL-MISSING"';
    expect(res.badApply).toMatchObject({ name: 'RestoreError', line: Number(line.split(' ')[0]) });
    expect(res.badApply!.message).toContain(`failed at line ${line}: `);
    expect(res.badApply!.message).toContain('NETCTL-MISSING');
    expect(res.afterBad).toBe(res.again);
  });

  it('applies to ip6tables for family 6', () => {
    const wanted = res.v6doc.split('\n').filter((l) => l.startsWith('-A '));
    expect(wanted).toHaveLength(10);
    expect([...rules(parse(res.v6), 'FORWARD'), ...rules(parse(res.v6), 'NETCTL-PORTS')]).toEqual(wanted);
  });
});

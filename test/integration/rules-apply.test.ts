/**
 * The planner's documents against the real iptables-restore --noflush, in fresh network
 * namespaces, for both iptables flavours: foreign rules survive, a second apply is a no-op,
 * a rollback restores the snapshot, and removing every network restores the start.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/sys/exec.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = fileURLToPath(new URL('./scripts/rules-apply.mjs', import.meta.url));

type PerFamily = Record<'4' | '6', string>;
interface Converged {
  doc: string;
  written: string[];
  appended: string[];
}
interface Result {
  start: PerFamily;
  first: Record<'4' | '6', Converged>;
  afterApply: PerFamily;
  again: Record<'4' | '6', Converged>;
  add: Record<'4' | '6', Converged>;
  afterAdd: PerFamily;
  beforeAdd: PerFamily;
  rolledBack: PerFamily;
  last: Record<'4' | '6', Converged>;
  end: PerFamily;
}

// Counters and the "Generated on" comments are the only parts allowed to differ.
function normal(save: string): string {
  return save
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/g, '[0:0]'))
    .join('\n');
}

function chainRules(save: string, chain: string): string[] {
  return save.split('\n').filter((l) => l.startsWith(`-A ${chain} `));
}

async function inNamespace(flavour: string): Promise<Result> {
  const argv = ['unshare', '-n', '-m', '--propagation', 'private', '--', process.execPath, script, flavour];
  const r = await run(argv, { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`rules-apply.mjs ${flavour} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Result;
}

beforeAll(async () => {
  // test/build.ts (global setup) built dist/.
  for (const f of ['desired', 'diff', 'plan-owned', 'plan-render', 'parse']) {
    if (!existsSync(`${root}dist/firewall/iptables/${f}.js`))
      throw new Error(`dist/firewall/iptables/${f}.js missing: run the tests with npm test`);
  }
});

describe.each(['nft', 'legacy'])('rules applied with iptables-%s', (flavour) => {
  let res: Result;
  beforeAll(async () => {
    res = await inNamespace(flavour);
  });

  it('puts the jumps on top of the built-in chains, above the foreign rules', () => {
    for (const fam of ['4', '6'] as const) {
      expect(chainRules(res.afterApply[fam], 'FORWARD')[0]).toBe(
        '-A FORWARD -m comment --comment "netctl:jump" -j NETCTL-FORWARD',
      );
      expect(chainRules(res.afterApply[fam], 'POSTROUTING')[0]).toContain('-j NETCTL-POSTROUTING');
      expect(chainRules(res.afterApply[fam], 'FORWARD').slice(1)).toEqual(chainRules(res.start[fam], 'FORWARD'));
    }
    expect(res.afterApply['4']).toContain(
      '-A NETCTL-N-a02 -i br-net2 -o br-net2 -m comment --comment "netctl:net=net2" -j DROP',
    );
    expect(res.afterApply['6']).toContain('-A NETCTL-DNAT -d fd00:0:0:1::1/128 -p tcp -m tcp --dport 8080');
    expect(res.afterApply['6']).not.toContain('br-net2');
  });

  it('sees no difference on a second run, even with foreign rules added around ours', () => {
    expect(res.again['4'].doc).toBe('');
    expect(res.again['6'].doc).toBe('');
  });

  it('adding a network writes only its chain and appends to the shared ones', () => {
    expect(res.add['4'].written).toEqual(['filter NETCTL-N-a03']);
    expect(res.add['4'].appended).toEqual([
      'filter NETCTL-FORWARD',
      'filter NETCTL-FORWARD',
      'filter NETCTL-ISOLATION-1',
      'filter NETCTL-ISOLATION-2',
    ]);
    expect(res.add['6']).toEqual({ ...res.add['6'], written: res.add['4'].written, appended: res.add['4'].appended });
    for (const fam of ['4', '6'] as const) {
      const forward = chainRules(res.afterAdd[fam], 'FORWARD');
      expect(forward[0]).toBe('-A FORWARD -i eth7 -j DROP');
      expect(forward[1]).toContain('netctl:jump');
      expect(forward.at(-1)).toBe('-A FORWARD -o eth8 -j ACCEPT');
      expect(forward.filter((l) => l.includes('netctl:'))).toHaveLength(1);
    }
    expect(res.afterAdd['4']).toContain(
      '-A NETCTL-N-a03 ! -i br-net3 -o br-net3 -m comment --comment "netctl:net=net3" -j DROP',
    );
  });

  it('rolls back to the snapshot exactly', () => {
    expect(normal(res.rolledBack['4'])).toBe(normal(res.beforeAdd['4']));
    expect(normal(res.rolledBack['6'])).toBe(normal(res.beforeAdd['6']));
  });

  it('leaves the ruleset as it found it once the last network is gone', () => {
    expect(res.last['4'].written).toEqual([]);
    for (const fam of ['4', '6'] as const) {
      expect(normal(res.end[fam])).toBe(normal(res.start[fam]));
      expect(res.end[fam]).toContain('-A ufw-user-forward');
      expect(res.end[fam]).not.toContain('NETCTL');
    }
  });
});

// iptables: parsing and rendering a 10,000-rule iptables-save dump (the parser's target is
// well under 100 ms), the same parse as the one call of a fresh process, and applying plus
// verifying a 1,000-rule document with the real iptables-restore / iptables-save (only
// inside a private network namespace: the sandbox the runner starts, or `unshare -n`).
import { readFileSync, readlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { ownedDocument } from '../../fixtures/iptables/owned-doc.mjs';

const dist = new URL('../../../dist/', import.meta.url);
const { parse } = await import(new URL('firewall/iptables/parse.js', dist));
const { render, renderRule } = await import(new URL('firewall/iptables/render.js', dist));
const { applyDocument } = await import(new URL('firewall/iptables/apply.js', dist));
const { realRunner, run } = await import(new URL('sys/exec.js', dist));

const DUMP = new URL('../../fixtures/iptables/captured-generated-10k.txt', import.meta.url);
const RULES = 10_000;
const CHAIN = 'NETCTL-BENCH';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const perSecond = (n, ms) => `${Math.round((n * 1000) / ms).toLocaleString('en')} rules/s`;

function privateNetns() {
  if (process.env.NETCTL_SANDBOX === '1') return true;
  try {
    // PID 1 is not readable here; the parent is (e.g. the shell that ran `unshare -n`).
    return readlinkSync('/proc/self/ns/net') !== readlinkSync(`/proc/${process.ppid}/ns/net`);
  } catch {
    return false;
  }
}

// One parse as the first and only call of a new process, timed inside it.
const COLD = `
import { readFileSync } from 'node:fs';
const { parse } = await import(process.argv[1]);
const text = readFileSync(process.argv[2], 'utf8');
const t0 = performance.now();
parse(text);
console.log(performance.now() - t0);
`;

async function restoreOrThrow(doc) {
  const r = await run(['iptables-restore', '-w', '10', '--noflush'], { input: doc });
  if (r.code !== 0) throw new Error(`iptables-restore: ${r.stderr.trim()}`);
}

export const cases = [
  {
    name: 'iptables: parse 10,000-rule dump (target well under 100 ms)',
    iterations: 30,
    setup: () => ({ text: readFileSync(DUMP, 'utf8') }),
    run: (ctx) => {
      const rs = parse(ctx.text);
      if (rs.tables[0].rules.length !== RULES) throw new Error('wrong rule count');
    },
    note: (s) => perSecond(RULES, s.median),
  },
  {
    name: 'iptables: parse 10,000-rule dump, first call in a fresh process',
    iterations: 7,
    setup: () => ({ ms: [] }),
    run: (ctx) => {
      const r = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', COLD, new URL('firewall/iptables/parse.js', dist).href, DUMP.pathname],
        {
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      if (r.status !== 0) throw new Error(`cold parse failed: ${r.stderr}`);
      ctx.ms.push(Number(r.stdout));
    },
    note: (_s, ctx) =>
      `parse itself ${median(ctx.ms).toFixed(1)} ms (median), ${perSecond(RULES, median(ctx.ms))}; the rest is node start`,
  },
  {
    name: 'iptables: render 10,000-rule dump',
    iterations: 30,
    setup: () => ({ rs: parse(readFileSync(DUMP, 'utf8')) }),
    run: (ctx) => {
      if (render(ctx.rs).length < 100_000) throw new Error('render too short');
    },
    note: (s) => perSecond(RULES, s.median),
  },
  {
    name: 'iptables: apply+verify 1,000-rule document (iptables-restore, iptables-save, parse)',
    iterations: 15,
    setup: async () => {
      if (!privateNetns()) throw new Error('refusing to touch iptables outside a private network namespace');
      await restoreOrThrow(ownedDocument(1, { chain: CHAIN }));
      // Declaring the chain again flushes it, so every iteration starts from the same state.
      const doc = ownedDocument(1000, { jump: false, chain: CHAIN });
      return { doc, want: doc.split('\n').filter((l) => l.startsWith('-A ')) };
    },
    run: async (ctx) => {
      const live = await applyDocument(realRunner, 4, ctx.doc, { table: 'filter' });
      const got = live.tables[0].rules
        .filter((r) => r.chain === CHAIN)
        .map((r) => renderRule({ ...r, counters: undefined }));
      if (got.length !== ctx.want.length || got.some((l, i) => l !== ctx.want[i]))
        throw new Error('read-back differs from the document');
    },
    teardown: async (ctx) => {
      if (!ctx) return;
      await restoreOrThrow(
        `*filter\n-D FORWARD -m comment --comment "netctl:jump" -j ${CHAIN}\n-F ${CHAIN}\n-X ${CHAIN}\nCOMMIT\n`,
      );
    },
    note: (s) => perSecond(1000, s.median),
  },
];

// The benchmark runner: `npm run bench` starts it inside a sandbox (its own network
// namespace and iptables), loads every test/bench/cases/*.mjs and prints, per case, the
// median with min and max. Absolute times drift 10-25% between runs on shared machines:
// compare ratios from the same run (peer ratios are printed by cases that measure peers).
// A run() that measures something other than its own duration (a latency it observed)
// returns { ms, note? }: ms is then the sample.
//
//   node test/bench/run.mjs [FILTER...]  only cases whose name contains one of the FILTERs
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

function fmt(ms) {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
}

async function runCase(c) {
  const ctx = c.setup ? await c.setup() : undefined;
  const samples = [];
  let note = '';
  try {
    for (let i = 0; i < (c.warmup ?? 1); i++) await c.run(ctx, -1);
    for (let i = 0; i < c.iterations; i++) {
      const t0 = process.hrtime.bigint();
      const r = await c.run(ctx, i);
      const took = Number(process.hrtime.bigint() - t0) / 1e6;
      samples.push(typeof r === 'object' && r !== null && typeof r.ms === 'number' ? r.ms : took);
      if (typeof r === 'string') note = r;
      else if (typeof r?.note === 'string') note = r.note;
    }
  } finally {
    if (c.teardown) await c.teardown(ctx);
  }
  return { ...stats(samples), note: c.note ? c.note(stats(samples), ctx) : note };
}

const files = readdirSync(join(here, 'cases'))
  .filter((f) => f.endsWith('.mjs'))
  .sort();
const rows = [];
for (const f of files) {
  const mod = await import(pathToFileURL(join(here, 'cases', f)).href);
  for (const c of mod.cases ?? []) {
    if (filters.length > 0 && !filters.some((f) => c.name.includes(f))) continue;
    try {
      const r = await runCase(c);
      rows.push([c.name, fmt(r.median), fmt(r.min), fmt(r.max), String(r.n), r.note ?? '']);
    } catch (err) {
      rows.push([c.name, 'FAILED', '', '', '0', String(err.message ?? err).split('\n')[0]]);
    }
    process.stderr.write(`bench: ${c.name} done\n`);
  }
}
const head = ['case', 'median', 'min', 'max', 'n', 'note'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) =>
  r
    .map((v, i) => (i === 0 || i === 5 ? v.padEnd(widths[i]) : v.padStart(widths[i])))
    .join('  ')
    .trimEnd();
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
process.exitCode = rows.some((r) => r[1] === 'FAILED') ? 1 : 0;

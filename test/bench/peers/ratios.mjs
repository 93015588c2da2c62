// Ratios of netctl to each peer from one peer benchmark run (the same run, so the machine's
// drift cancels out):  node ratios.mjs RESULTS_DIR   (default: the newest run)
import { readdirSync, readFileSync, existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? realpathSync('/tmp/peerbench-results/latest');
const env = (peer) => {
  const f = join(dir, peer, 'results.env');
  if (!existsSync(f)) return null;
  return Object.fromEntries(readFileSync(f, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
};
const med = (v) => (v ? Number(v.split(' ')[0]) : NaN);
const ms = (us) => (us ? Number(us) / 1000 : NaN);
const rows = [
  ['1 container, 1 port: setup (ms)', (e) => med(e.s1_setup)],
  ['1 container: teardown (ms)', (e) => med(e.s1_teardown)],
  ['first container setup in a round (ms)', (e) => ms(e.s2r1_setup_1)],
  ['last container setup in a round (ms)', (e) => ms(e.s2r1_setup_last)],
];
const me = env('netctl');
if (!me) {
  console.log(`no netctl results in ${dir}`);
  process.exit(1);
}
const peers = readdirSync(dir).filter((p) => p !== 'netctl' && p !== 'ufw' && env(p)?.status === 'ok');
console.log(`netctl vs peers (${dir}); ratio < 1: netctl is faster`);
for (const [name, get] of rows) {
  const mine = get(me);
  const cells = peers.map((p) => `${p} ${get(env(p)).toFixed(1)} (x${(mine / get(env(p))).toFixed(2)})`);
  console.log(`  ${name.padEnd(40)} netctl ${mine.toFixed(1)}   ${cells.join('   ')}`);
}
console.log(`  ${'100th/1st (or last/first) netctl'.padEnd(40)} x${(ms(me.s2r1_setup_last) / ms(me.s2r1_setup_1)).toFixed(2)}`);
console.log(`  ${'netctl run -d / rm -f (CLI, ms)'.padEnd(40)} ${med(me.run_d).toFixed(0)} / ${med(me.rm_f).toFixed(0)}`);

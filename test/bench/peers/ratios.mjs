// Ratios of netctl to each peer from one peer benchmark run (the same run, so the machine's
// drift cancels out):  node ratios.mjs RESULTS_DIR   (default: the newest run)
import { readdirSync, readFileSync, existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? realpathSync('/tmp/peerbench-results/latest');
const env = (peer) => {
  const f = join(dir, peer, 'results.env');
  if (!existsSync(f)) return null;
  return Object.fromEntries(
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
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
// netctl's CNI plugin two ways: through the shim and `netctl cni serve` (driver-netctl-cni.sh)
// and exec'd with node per call (driver-netctl-cni-exec.sh).
const CNI_OURS = ['netctl-cni', 'netctl-cni-exec'];
const cniMine = CNI_OURS.map((p) => [p, env(p)]).filter(([, e]) => e?.status === 'ok');
if (!me && cniMine.length === 0) {
  console.log(`no netctl or netctl-cni results in ${dir}`);
  process.exit(1);
}
const ours = new Set(['netctl', ...CNI_OURS, 'ufw']);
const peers = readdirSync(dir).filter((p) => !ours.has(p) && env(p)?.status === 'ok');

// Each plugin against the reference chain and netavark, a container's setup + teardown
// (scenario 1 medians). The issue's goal: at most 0.25x of the CNI chain.
const CNI_GOAL = 0.25;
const addDel = (e) => med(e.s1_setup) + med(e.s1_teardown);
for (const [name, e] of cniMine) {
  const mine = addDel(e);
  console.log(`netctl CNI plugin (${name}) vs peers (${dir}); ratio < 1: ${name} is faster`);
  console.log(
    `  ${'CNI ADD+DEL (ms, setup + teardown)'.padEnd(40)} ${name} ${med(e.s1_setup).toFixed(1)} + ${med(e.s1_teardown).toFixed(1)} = ${mine.toFixed(1)}`,
  );
  for (const p of peers.filter((x) => x === 'cni' || x === 'netavark')) {
    const theirs = addDel(env(p));
    const ratio = mine / theirs;
    const goal =
      p === 'cni'
        ? `   goal <= x${CNI_GOAL.toFixed(2)}: ${ratio <= CNI_GOAL ? 'met' : `missed (needs <= ${(theirs * CNI_GOAL).toFixed(1)} ms)`}`
        : '';
    console.log(
      `  ${`  vs ${env(p).label ?? p}`.padEnd(40)} ${med(env(p).s1_setup).toFixed(1)} + ${med(env(p).s1_teardown).toFixed(1)} = ${theirs.toFixed(1)}   x${ratio.toFixed(2)}${goal}`,
    );
  }
  if (!peers.includes('cni'))
    console.log(
      `  (no cni results in this run: the goal x${CNI_GOAL.toFixed(2)} is against the CNI chain; add --peers cni)`,
    );
}
if (!me) process.exit(0);
console.log(`netctl vs peers (${dir}); ratio < 1: netctl is faster`);
for (const [name, get] of rows) {
  const mine = get(me);
  const cells = peers.map((p) => `${p} ${get(env(p)).toFixed(1)} (x${(mine / get(env(p))).toFixed(2)})`);
  console.log(`  ${name.padEnd(40)} netctl ${mine.toFixed(1)}   ${cells.join('   ')}`);
}
// Growth over 100 containers, per round: the single #1 and #100 samples, and the median of
// the first ten against the median of the last ten (one sample each is noisy at ~5 ms).
const medOf = (a) => {
  const v = [...a].sort((x, y) => x - y);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const rounds = (peer) => {
  const out = [];
  for (let r = 1; existsSync(join(dir, peer, 'raw', `s2r${r}_setup.us`)); r++) {
    out.push(
      readFileSync(join(dir, peer, 'raw', `s2r${r}_setup.us`), 'utf8')
        .trim()
        .split(/\s+/)
        .map((x) => Number(x) / 1000),
    );
  }
  return out.filter((v) => v.length >= 20);
};
for (const peer of ['netctl', ...peers]) {
  const rs = rounds(peer);
  if (rs.length === 0) continue;
  const single = rs.map((v) => (v.at(-1) / v[0]).toFixed(2)).join(' ');
  const deciles = rs
    .map(
      (v) =>
        `${medOf(v.slice(0, 10)).toFixed(1)}->${medOf(v.slice(-10)).toFixed(1)} (x${(medOf(v.slice(-10)) / medOf(v.slice(0, 10))).toFixed(2)})`,
    )
    .join('  ');
  console.log(
    `  ${`${peer}: last/first container, per round`.padEnd(40)} single x${single}   first-10 -> last-10 medians ${deciles}`,
  );
  // Every round's first ten against every round's last ten: one number for the growth.
  const first = medOf(rs.flatMap((v) => v.slice(0, 10)));
  const last = medOf(rs.flatMap((v) => v.slice(-10)));
  console.log(
    `  ${`${peer}: last 10 / first 10, all rounds`.padEnd(40)} ${first.toFixed(1)} -> ${last.toFixed(1)} ms (x${(last / first).toFixed(2)})`,
  );
}
console.log(
  `  ${'netctl run -d / rm -f (the command, ms)'.padEnd(40)} ${med(me.run_d).toFixed(0)} / ${med(me.rm_f).toFixed(0)}`,
);
if (me.run_d_node) {
  console.log(
    `  ${'netctl run -d as `node dist/bin/netctl.js`'.padEnd(40)} ${med(me.run_d_node).toFixed(0)} (environment as is: NODE_EXTRA_CA_CERTS=${me.node_extra_ca_certs ?? '?'})`,
  );
}

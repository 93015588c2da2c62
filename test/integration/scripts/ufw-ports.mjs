// Runs inside a sandbox (started by ufw-block.test.ts): brings netctl's rules for one network
// (bridge br-t, 10.77.0.0/24) with one published port 8080 -> 10.77.0.2:80 to the state the
// planner wants, through the real iptables-restore --noflush, and prints the document applied.
// Usage: node ufw-ports.mjs plain|ufw
import { spawnSync } from 'node:child_process';

const dist = new URL('../../../dist/firewall/iptables/', import.meta.url);
const { desired } = await import(new URL('desired.js', dist));
const { diff, isEmpty } = await import(new URL('diff.js', dist));
const { ownedPart } = await import(new URL('plan-owned.js', dist));
const { renderPlan } = await import(new URL('plan-render.js', dist));
const { parse } = await import(new URL('parse.js', dist));

function exec(argv, input) {
  const r = spawnSync(argv[0], argv.slice(1), { input, encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0)
    throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}\n--- input ---\n${input ?? ''}`);
  return r.stdout;
}

const mode = process.argv[2];
if (mode !== 'plain' && mode !== 'ufw') throw new Error('usage: ufw-ports.mjs plain|ufw');
const input = {
  networks: [{ id: 'a77', name: 't', bridge: 'br-t', subnet: '10.77.0.0/24', internal: false, icc: true }],
  ports: [{ network: 'a77', proto: 'tcp', hostPort: 8080, containerIp: '10.77.0.2', containerPort: 80 }],
  ufw: mode === 'ufw',
};
const plan = diff(desired(input, 4), ownedPart(parse(exec(['iptables-save']), { family: 4 })));
const doc = renderPlan(plan);
if (!isEmpty(plan)) exec(['iptables-restore', '--noflush'], doc);
process.stdout.write(`${JSON.stringify({ doc })}\n`);

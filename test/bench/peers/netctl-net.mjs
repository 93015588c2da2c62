// The netctl side of the peer benchmark (driver-netctl.sh): one long-lived node process that
// sets up and tears down one container's network the way `netctl run` / `netctl rm` do it
// (engine/attach.ts recordEndpoint/attachSteps/detachSteps: database records, veth into the namespace,
// address, route, published port, rules applied and verified), in a namespace the driver
// made beforehand, as netavark's `setup`/`teardown` get one. A persistent process so that
// the time measured is netctl's own work, not node's start (~40 ms, measured separately by
// the `netctl run -d` rows).
//
//   node netctl-net.mjs ROOT RUNROOT      then, one per line on stdin:
//     setup NAME HOSTPORT       container NAME in /run/netns/NAME, HOSTPORT -> 80/tcp (0: none)
//     teardown NAME
//     quit
//   Each answer is one line: `ok part=µs ...` (where the time went) or `err MESSAGE`.
import { createInterface } from 'node:readline';
import { PerformanceObserver } from 'node:perf_hooks';

const dist = new URL('../../../dist/', import.meta.url);
const { openEngine } = await import(new URL('engine/context.js', dist));
const { recordEndpoint, attachSteps, detachSteps } = await import(new URL('engine/attach.js', dist));
const { createNetwork } = await import(new URL('engine/networks.js', dist));
const { runSteps } = await import(new URL('model/steps.js', dist));

const [root, runRoot] = process.argv.slice(2);
if (!root || !runRoot) {
  process.stderr.write('usage: netctl-net.mjs ROOT RUNROOT\n');
  process.exit(2);
}

const NETWORK = { name: 'peerbench', bridge: 'ncbr0', subnet: '10.87.0.0/24' };
const engine = await openEngine({ root, runRoot });
const network = engine.store.networks.get(NETWORK.name) ?? (await createNetwork(engine, NETWORK)).network;

const us = (ms) => Math.round(ms * 1000);

// Garbage collection inside a command's time: reported as `gc` (its pauses, µs).
const gcs = [];
new PerformanceObserver((list) => gcs.push(...list.getEntries())).observe({ entryTypes: ['gc'] });
async function gcWithin(t0, t1) {
  await new Promise((r) => setImmediate(r));
  const inside = gcs.filter((g) => g.startTime >= t0 && g.startTime < t1);
  gcs.length = 0;
  return us(inside.reduce((a, g) => a + g.duration, 0));
}

// The rules' own time inside the steps that run them side by side with the links.
let rulesUs = 0;
const applyVerified = engine.firewall.applyVerified.bind(engine.firewall);
engine.firewall.applyVerified = async (...args) => {
  const t0 = performance.now();
  try {
    return await applyVerified(...args);
  } finally {
    rulesUs += us(performance.now() - t0);
  }
};

// Times each step's apply under the name given (the other time is records and planning);
// `rules` is the part of them spent applying rules.
function timed(steps, names, parts) {
  return steps.map((step, i) => ({
    ...step,
    apply: async () => {
      const t0 = performance.now();
      try {
        await step.apply();
      } finally {
        parts[names[i] ?? `step${i}`] = us(performance.now() - t0);
      }
    },
  }));
}

async function setup(name, hostPort) {
  const parts = {};
  rulesUs = 0;
  const t0 = performance.now();
  await engine.store.locked(async () => {
    const c = engine.store.containers.create({ name, image: 'peerbench', config: { network: NETWORK.name } });
    const ports = hostPort === 0 ? [] : [{ hostPort, containerPort: 80 }];
    const recorded = recordEndpoint(engine, c, network, { ports });
    const t1 = performance.now();
    parts.records = us(t1 - t0);
    const steps = await attachSteps(engine, `/run/netns/${name}`, network, recorded);
    parts.planning = us(performance.now() - t1);
    await runSteps(timed(steps, ['links_and_rules', 'localnet', 'conntrack'], parts));
  });
  const t1 = performance.now();
  const total = us(t1 - t0);
  return {
    ...parts,
    rules: rulesUs,
    other: total - Object.values(parts).reduce((a, b) => a + b, 0),
    gc: await gcWithin(t0, t1),
  };
}

async function teardown(name) {
  const parts = {};
  rulesUs = 0;
  const t0 = performance.now();
  await engine.store.locked(async () => {
    const c = engine.store.containers.require(name);
    const steps = await detachSteps(engine, c, { path: `/run/netns/${name}`, remove: false });
    await runSteps(timed(steps, ['localnet', 'rules_conntrack_and_links'], parts));
    engine.store.containers.remove(c.id);
  });
  const total = us(performance.now() - t0);
  return { ...parts, rules: rulesUs, other: total - Object.values(parts).reduce((a, b) => a + b, 0) };
}

const answer = (line) => process.stdout.write(`${line}\n`);
answer('ok ready');
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, name, port] = line.trim().split(/\s+/);
  try {
    if (cmd === 'quit') break;
    let parts;
    if (cmd === 'setup') parts = await setup(name, Number(port ?? 0));
    else if (cmd === 'teardown') parts = await teardown(name);
    else throw new Error(`unknown command "${cmd}"`);
    answer(
      `ok ${Object.entries(parts)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
  } catch (err) {
    answer(`err ${String(err?.message ?? err).replace(/\s+/g, ' ')}`);
  }
}
engine.close();
process.exit(0);

/**
 * `netctl gc`: removes what a killed command left half-made and brings the kernel back to the
 * database. A command killed inside its transaction leaves the database as it was before
 * (SQLite rolls the transaction back), so everything the database does not know is a leak:
 * container processes and files, namespaces, veths (`vn<id>`) and bridges (`nc-<id>`) named
 * after ids it has no record of. Then missing bridges, owned rules, route_localnet, hosts
 * files and ufw route rules are re-applied from the database.
 *
 * Every command already repairs the rules cheaply: its firewall step plans netctl's chains
 * from the database, so a stray rule of a killed command goes with the next change.
 */
import { readdir } from 'node:fs/promises';
import type { Engine } from './context.js';
import { containerPaths } from '../runtime/paths.js';
import { removeContainerFiles } from '../runtime/rootfs.js';
import { stopContainer } from '../runtime/launch.js';
import { opsStep } from './kernel-steps.js';
import { firewallStep } from './firewall-step.js';
import { hostsStep, localnetStep } from './container-steps.js';
import { missingBridgeSteps } from './replay.js';
import { leakedVolumeDirs, leakedVolumeSteps } from './volume-check.js';
import { runSteps, type Step } from '../model/steps.js';
import { emptyPlan, type Planned } from './plan.js';
import type { NetlinkOp } from '../netlink/plan.js';

/** One thing gc removes or repairs. */
export interface GcItem {
  kind:
    | 'process'
    | 'files'
    | 'netns'
    | 'veth'
    | 'bridge'
    | 'bridge-missing'
    | 'rules'
    | 'volume-files'
    | 'dns'
    | 'health'
    | 'layer'
    | 'build-container';
  name: string;
}

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

const VETH = /^vn[0-9a-f]{10}\d*$/;
const BRIDGE = /^nc-[0-9a-f]{12}$/;
const ID = /^[0-9a-f]{12,64}$/;

/** What is leaked, as items and the steps removing them. */
async function leaks(engine: Engine): Promise<{ items: GcItem[]; steps: Step[] }> {
  const { roots } = engine;
  const s = engine.store;
  const ids = s.containers.list({ all: true }).map((c) => c.id);
  const known = (x: string): boolean => ids.some((id) => id.startsWith(x) || x.startsWith(id.slice(0, 12)));
  const items: GcItem[] = [];
  const steps: Step[] = [];
  const files = new Set(
    [...(await entries(`${roots.runRoot}/containers`)), ...(await entries(`${roots.root}/containers`))].filter(
      (d) => ID.test(d) && !ids.includes(d),
    ),
  );
  for (const id of files) {
    items.push({ kind: 'files', name: id });
    steps.push({
      describe: `stop and remove leaked container ${id.slice(0, 12)}`,
      apply: async () => {
        await stopContainer(containerPaths(roots, id).state, 1000);
        await removeContainerFiles(roots, id);
      },
    });
  }
  const ops: NetlinkOp[] = [];
  for (const n of (await entries(`${roots.runRoot}/netns`)).filter((x) => !known(x))) {
    items.push({ kind: 'netns', name: n });
    ops.push({ op: 'delete-netns', path: `${roots.runRoot}/netns/${n}` });
  }
  const ifnames = new Set(s.endpoints.all().map((e) => e.hostIfname));
  const bridges = new Set(s.networks.list().map((n) => n.bridge));
  for (const l of await engine.kernel.client.listLinks()) {
    if (VETH.test(l.name) && !ifnames.has(l.name)) {
      items.push({ kind: 'veth', name: l.name });
      ops.push({ op: 'delete-link', name: l.name });
    } else if (BRIDGE.test(l.name) && !bridges.has(l.name)) {
      items.push({ kind: 'bridge', name: l.name });
      ops.push({ op: 'delete-link', name: l.name });
    }
  }
  if (ops.length > 0) steps.push(opsStep(ops, engine.kernel));
  const volumes = await leakedVolumeDirs(engine);
  items.push(...volumes.map((name): GcItem => ({ kind: 'volume-files', name })));
  steps.push(...leakedVolumeSteps(engine, volumes));
  return { items, steps };
}

/** What gc found; `rules` whether the owned rules or ufw route rules differ from the database. */
export interface GcFound {
  items: GcItem[];
  rules: boolean;
}

/**
 * Plans the clean-up (call under the lock): the leaks and missing bridges as found, then
 * the rules, route_localnet and hosts files re-applied from the database. The rules are
 * planned again when that step runs, once the leaks are gone; the plan shows them as the
 * database wants them now.
 */
export async function planGc(engine: Engine): Promise<Planned<GcFound>> {
  const found = await leaks(engine);
  const bridges = await missingBridgeSteps(engine);
  const items = [
    ...found.items,
    ...bridges.missing.map((n): GcItem => ({ kind: 'bridge-missing', name: `${n.name} (${n.bridge})` })),
  ];
  const now = await firewallStep(engine, { fresh: true });
  const result: GcFound = { items, rules: !now.empty };
  const reapply: Step = {
    describe: 're-apply rules, route_localnet and hosts files',
    apply: async () => {
      // Planned after the leaks are gone, from the database alone.
      const fw = await firewallStep(engine, { fresh: true });
      const networks = engine.store.networks.list().map((n) => n.id);
      await runSteps([fw.step, localnetStep(engine, networks), hostsStep(engine)]);
      result.rules = !fw.empty;
    },
  };
  const steps = [...found.steps, ...bridges.steps, reapply];
  return { plan: { ...emptyPlan(), rules: now.plan.text(), notes: steps.map((x) => x.describe) }, steps, result };
}

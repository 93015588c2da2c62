/**
 * Taking netctl's networks down while their records stay: what a poweroff does to the
 * kernel, done on a running one. netctl's owned rules are planned for no network at all
 * (desired.ts: nothing), so the ruleset is as it was before netctl; every container's host
 * veth, network namespace and cgroup goes, then every network's bridge. The database keeps every
 * network, container and allow rule: the next boot (or `netctl ufw sync`, then `netctl
 * boot`, a start) brings them back, as after a reboot. The package's prerm runs it at `apt remove`,
 * after the containers stopped: a removed netctl leaves no bridge or rule that no installed
 * tool would know about.
 */
import { readdir } from 'node:fs/promises';
import type { Engine } from './context.js';
import { netnsPath } from './container-net.js';
import { removeCgroupSteps } from './container-cgroup.js';
import { firewallInput } from './firewall-input.js';
import { opsStep, planNetworkDown } from './kernel-steps.js';
import { emptyPlan, type Planned } from './plan.js';
import type { Step } from '../model/steps.js';
import { describeOp, type NetlinkOp } from '../netlink/plan.js';

/**
 * Plans it (call under the lock, with no container running). The result says what it takes
 * down, a line each ('' when nothing is up); the plan has the rules' documents.
 */
export async function planDown(engine: Engine): Promise<Planned<string>> {
  const present = new Set((await engine.kernel.client.listLinks()).map((l) => l.name));
  const up = engine.store.networks.list().filter((n) => present.has(n.bridge));
  const containers = await containerOps(engine, present);
  const fw = engine.firewall;
  const before = await fw.observe({ fresh: true });
  // A revision of its own: the rules remembered after this stand for no records, so the next
  // command (a reinstall's `ufw sync`) plans the records' rules again.
  const request = { revision: `${engine.store.firewallRevision()}+down`, all: () => firewallInput([]) };
  const plan = fw.plan(fw.desired(request, before), before);
  if (plan.empty && up.length === 0 && containers.length === 0) return { plan: emptyPlan(), steps: [], result: '' };
  const rules: Step[] = plan.empty
    ? []
    : [
        {
          describe: fw.describe,
          apply: () => fw.apply(plan, { verify: true }),
          undo: async () => fw.apply(fw.plan(before, await fw.observe())),
        },
      ];
  // The rules first: no packet is forwarded to a bridge by rules that outlive it.
  const lines = [
    ...(containers.length > 0 ? [`# containers: ${containers.map(describeOp).join('; ')}\n`] : []),
    ...up.map((n) => `# network ${n.name}: ${planNetworkDown(n).map(describeOp).join('; ')}\n`),
  ];
  const links = containers.length > 0 ? [opsStep(containers, engine.kernel)] : [];
  // Their cgroups (a start makes them again): gone where there are (ENOENT is fine).
  const cgroups = engine.store.containers.list({ all: true }).flatMap((c) => removeCgroupSteps(c.id));
  return {
    plan: { operations: [], rules: plan.text(), notes: lines.map((l) => l.trimEnd()) },
    steps: [...rules, ...links, ...cgroups, ...up.map((n) => opsStep(planNetworkDown(n), engine.kernel))],
    result: (plan.empty ? '' : "# netctl's rules: removed (no network is up)\n") + lines.join(''),
  };
}

/**
 * The containers' host veths that are up (deleting one deletes its pair at once; a namespace
 * freed goes with the kernel's cleanup, later), then their namespaces under the run root.
 */
async function containerOps(engine: Engine, present: ReadonlySet<string>): Promise<NetlinkOp[]> {
  const s = engine.store;
  const veths = s.endpoints
    .all()
    .map((e) => e.hostIfname)
    .filter((n): n is string => n !== undefined && present.has(n));
  const netns = new Set(await readdir(`${engine.roots.runRoot}/netns`).catch(() => [] as string[]));
  const paths = s.containers
    .list({ all: true })
    .map((c) => netnsPath(engine.roots.runRoot, c.id))
    .filter((p) => netns.has(p.slice(p.lastIndexOf('/') + 1)));
  return [
    ...veths.map((name): NetlinkOp => ({ op: 'delete-link', name })),
    ...paths.map((path): NetlinkOp => ({ op: 'delete-netns', path })),
  ];
}

/**
 * What `netctl doctor` finds in netctl's own part of the machine: missing bridges, its
 * iptables rules and its ufw block and route rules against the database, and its volumes. Reads only: no
 * lock is held, nothing is changed. ops/doctor.ts adds what CNI and Docker find.
 */
import type { Engine } from './context.js';
import { firewallStep, type FirewallStepResult } from './firewall-step.js';
import { missingBridgeSteps } from './replay.js';
import { checkBlock } from '../firewall/ufw/apply.js';
import { blockInstalled } from '../firewall/ufw/block.js';
import { routeDrift } from '../firewall/ufw/routes-apply.js';
import { desiredRoutes } from './allow-routes.js';
import { routeState } from './ufw-routes.js';
import { danglingAnonymous, leakedVolumeDirs } from './volume-check.js';

/** One problem found. */
export interface Finding {
  area:
    | 'networks'
    | 'rules'
    | 'ufw'
    | 'docker'
    | 'cni'
    | 'volumes'
    | 'cgroups'
    | 'dns'
    | 'health'
    | 'images'
    | 'podman';
  problem: string;
  fix: string;
}

/** The bridges and rules; `fw` is the firewall plan the CNI doctor compares with too. */
export async function diagnoseNetworks(engine: Engine): Promise<{ findings: Finding[]; fw: FirewallStepResult }> {
  const out: Finding[] = [];
  const bridges = await missingBridgeSteps(engine);
  for (const n of bridges.missing)
    out.push({ area: 'networks', problem: `network ${n.name}: bridge ${n.bridge} is missing`, fix: 'netctl ufw sync' });
  const fw = await firewallStep(engine, { fresh: true });
  if (!fw.plan.empty) {
    const n = fw.plan
      .text()
      .split('\n')
      .filter((l) => l.startsWith('-A') || l.startsWith('-D') || l.startsWith('-I')).length;
    out.push({
      area: 'rules',
      problem: `netctl's iptables rules differ from its database (${n} rule changes needed; netctl rules shows the live ones)`,
      fix: 'netctl ufw sync',
    });
  }
  return { findings: out, fw };
}

/**
 * netctl's ufw block and route rules; `after` is after.rules' text (undefined when ufw is
 * not installed or could not be read), for the Docker block's check.
 */
export async function diagnoseUfw(engine: Engine): Promise<{ findings: Finding[]; after: string | undefined }> {
  const out: Finding[] = [];
  const block = await checkBlock(engine.ufw).catch(() => undefined);
  // ufw being installed is not the block being installed: a host that uses only the Docker
  // guard never ran `netctl ufw install` and has nothing of netctl's to bring up to date.
  const text = block?.view.families[0]?.text;
  const ours = text !== undefined && blockInstalled(text);
  if (ours && block?.changed) {
    out.push({
      area: 'ufw',
      problem: "netctl's after.rules block or its loaded chain is not current",
      fix: 'netctl ufw install',
    });
  }
  if (ours) {
    const drift = await routeDrift(engine.ufw, desiredRoutes(routeState(engine.store)));
    for (const m of drift.missing)
      out.push({ area: 'ufw', problem: `ufw route rule missing: ${m}`, fix: 'netctl ufw sync' });
    for (const s of drift.stale)
      out.push({ area: 'ufw', problem: `stale netctl ufw route rule: ${s}`, fix: 'netctl ufw sync' });
  }
  return { findings: out, after: block?.view.families[0]?.text };
}

/** Volume directories without a record, and anonymous volumes no container uses. */
export async function diagnoseVolumes(engine: Engine): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const n of await leakedVolumeDirs(engine))
    out.push({
      area: 'volumes',
      problem: `volume directory ${n} has no record (a killed command's)`,
      fix: 'netctl gc',
    });
  const dangling = danglingAnonymous(engine);
  if (dangling.length > 0)
    out.push({
      area: 'volumes',
      problem: `${dangling.length} anonymous volume(s) used by no container: ${dangling.map((n) => n.slice(0, 12)).join(', ')}`,
      fix: 'netctl volume prune',
    });
  return out;
}

/**
 * `netctl doctor`: what differs between the database and the machine, each finding with the
 * command that repairs it. Reads only: no lock is held, nothing is changed.
 */
import type { Engine } from './context.js';
import { firewallStep } from './firewall-step.js';
import { missingBridgeSteps } from './replay.js';
import { checkBlock } from '../firewall/ufw/apply.js';
import { defaultUfwDeps } from '../firewall/ufw/ufw-deps.js';
import { routeDrift } from '../firewall/ufw/routes-apply.js';
import { desiredRoutes } from './allow-routes.js';
import { routeState } from './ufw-routes.js';
import { diagnoseDocker } from '../docker/doctor.js';
import { DOCKER_BLOCK } from '../docker/block-kind.js';
import { blockInstalled } from '../firewall/ufw/block.js';
import { diagnoseCni } from '../cni/doctor.js';

/** One problem found. */
export interface Finding {
  area: 'networks' | 'rules' | 'ufw' | 'docker' | 'cni';
  problem: string;
  fix: string;
}

/** Everything the doctor looks at (Docker's containers' rules too, given the run root of the watch loop). */
export async function diagnose(engine: Engine, runRoot = '/run/netctl'): Promise<Finding[]> {
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
  for (const f of await diagnoseCni(engine, fw)) out.push({ area: 'cni', ...f });
  const deps = defaultUfwDeps();
  const block = await checkBlock(deps).catch(() => undefined);
  if (block?.view.installed && block.changed) {
    out.push({
      area: 'ufw',
      problem: "netctl's after.rules block or its loaded chain is not current",
      fix: 'netctl ufw install',
    });
  }
  if (block?.view.installed) {
    const drift = await routeDrift(deps, desiredRoutes(routeState(engine.store)));
    for (const m of drift.missing)
      out.push({ area: 'ufw', problem: `ufw route rule missing: ${m}`, fix: 'netctl ufw sync' });
    for (const s of drift.stale)
      out.push({ area: 'ufw', problem: `stale netctl ufw route rule: ${s}`, fix: 'netctl ufw sync' });
  }
  const after = block?.view.families[0]?.text;
  out.push(
    ...(await diagnoseDocker(
      engine.store,
      deps,
      runRoot,
      after !== undefined && blockInstalled(after, DOCKER_BLOCK.markers),
    )),
  );
  return out;
}

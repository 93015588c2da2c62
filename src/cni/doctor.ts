/**
 * `netctl doctor` for CNI attachments: for each one, what CHECK would find (its namespace,
 * the links, addresses and routes in there, the host end on the bridge, its rules), as
 * findings naming the attachment and the runtime's ids. Reads only.
 */
import type { Engine } from '../engine/context.js';
import type { FirewallStepResult } from '../engine/firewall-step.js';
import { absentRuleLines, attachmentProblems, expectedOf } from './check.js';
import { cniRecords } from '../model/cni-record.js';

/** One problem of one attachment, and what repairs it. */
export interface CniFinding {
  problem: string;
  fix: string;
}

const RECREATE =
  "recreate the pod or container (the runtime's DEL, then ADD); netctl cannot rebuild links inside the runtime's namespace";

/** The findings of every running attachment, in creation order; `fw`: doctor's fresh firewall step. */
export async function diagnoseCni(engine: Engine, fw: Pick<FirewallStepResult, 'plan'>): Promise<CniFinding[]> {
  const records = cniRecords(engine.store.containers.list({ all: true })).filter((c) => c.state === 'running');
  if (records.length === 0) return [];
  const ruleLines = absentRuleLines(fw);
  const out: CniFinding[] = [];
  for (const c of records) {
    const { cni } = c.config;
    const label = `attachment ${c.name} (container ${cni.containerId.slice(0, 12)}, ${cni.ifname} on "${cni.name}")`;
    const a = expectedOf(engine, c);
    if (!a) {
      out.push({
        problem: `${label}: no endpoint recorded`,
        fix: `the runtime's DEL or GC for "${cni.name}" removes the record`,
      });
      continue;
    }
    let problems: string[];
    try {
      problems = await attachmentProblems(engine, cni.netns, a, ruleLines);
    } catch (err) {
      out.push({
        problem: `${label}: network namespace "${cni.netns}" cannot be opened (${(err as Error).message})`,
        fix: `the runtime's DEL or GC for "${cni.name}" removes the attachment`,
      });
      continue;
    }
    const rules = problems.filter((p) => p.startsWith('rule missing: '));
    const links = problems.filter((p) => !p.startsWith('rule missing: '));
    if (links.length > 0) out.push({ problem: `${label}: ${links.join('; ')}`, fix: RECREATE });
    if (rules.length > 0)
      out.push({
        problem: `${label}: ${rules.length} rule${rules.length === 1 ? '' : 's'} missing (${rules.map((r) => r.slice('rule missing: '.length)).join('; ')})`,
        fix: 'netctl ufw sync',
      });
  }
  return out;
}

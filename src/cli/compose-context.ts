/**
 * What every `netctl compose` verb starts from: the project, read from its files (loaded
 * only by these commands: the YAML parser is not for every netctl command to load), or
 * its name alone, and the host's ephemeral port range.
 */
import { readFileSync } from 'node:fs';
import type { CommandContext } from './context.js';
import type { ComposeProject } from '../compose/types.js';
import { type Action, describeAction } from '../compose/plan.js';
import { NetctlError, UsageError } from '../errors.js';
import type { ChangePlan } from '../ops/tx.js';
import { formatPlan } from './format/plan.js';

/** The project of the command line; warnings go to stderr. */
export async function composeProject(ctx: CommandContext): Promise<ComposeProject> {
  const { loadProject } = await import('../compose/load.js');
  const o = ctx.opts;
  const p = loadProject({
    files: (o.file as string[] | undefined) ?? [],
    ...(o.projectName !== undefined ? { project: o.projectName as string } : {}),
    ...(o.projectDirectory !== undefined ? { projectDirectory: o.projectDirectory as string } : {}),
    ...(o.profile !== undefined ? { profiles: o.profile as string[] } : {}),
    ...(o.scale !== undefined ? { scale: parseScale(o.scale as string[]) } : {}),
  });
  for (const w of p.warnings) ctx.stderr.write(`warning: ${w}\n`);
  return p;
}

/** `up --scale SERVICE=N`, each N from 0 to 1000. */
export function parseScale(items: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const m = /^([^=]+)=(\d{1,4})$/.exec(item);
    if (!m || Number(m[2]) > 1000) throw new UsageError(`--scale "${item}": expected SERVICE=N (N from 0 to 1000)`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/**
 * The project name for verbs that work on what exists (down, ps, logs, stop...): from the
 * files, or from `-p` alone when there are none, as compose allows.
 */
export async function composeName(ctx: CommandContext): Promise<{ name: string; project?: ComposeProject }> {
  try {
    const project = await composeProject(ctx);
    return { name: project.name, project };
  } catch (err) {
    const name = ctx.opts.projectName as string | undefined;
    if (name !== undefined && err instanceof NetctlError && err.message.startsWith('no compose file found'))
      return { name };
    throw err;
  }
}

/** The host's ephemeral port range, where unnamed host ports are taken from. */
export function ephemeralRange(): readonly [number, number] {
  const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  return [lo ?? 32768, hi ?? 60999];
}

/**
 * What `up --dry-run` and `down --dry-run` print: the action lines (`head` first), then,
 * when networks or containers would come or go, the plan: netlink operations, the rules,
 * the processes it would start.
 */
export function writeDryRun(ctx: CommandContext, head: string, actions: readonly Action[], plan?: ChangePlan): void {
  const lines = actions.map(describeAction);
  ctx.stdout.write(`${head}${lines.join('\n')}${lines.length ? '\n' : ''}`);
  if (plan && (plan.operations.length > 0 || (plan.processes ?? []).length > 0 || (plan.notes ?? []).length > 0))
    ctx.stdout.write(`\n${formatPlan(plan)}`);
}

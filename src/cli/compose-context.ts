/**
 * What every `netctl compose` verb starts from: the project, read from its files (loaded
 * only by these commands: the YAML parser is not for every netctl command to load), and
 * the project's containers in the order the files start them.
 */
import { readFileSync } from 'node:fs';
import type { CommandContext } from './context.js';
import type { ComposeProject } from '../compose/types.js';
import type { Engine } from '../engine/context.js';
import type { Container } from '../model/container.js';
import { labelsOf, projectContainers } from '../compose/observe.js';
import { SERVICE } from '../compose/labels.js';
import { NetctlError, UsageError } from '../errors.js';

/** The project of the command line; warnings go to stderr. */
export async function composeProject(ctx: CommandContext): Promise<ComposeProject> {
  const { loadProject } = await import('../compose/load.js');
  const o = ctx.opts;
  const p = loadProject({
    files: (o.file as string[] | undefined) ?? [],
    ...(o.projectName !== undefined ? { project: o.projectName as string } : {}),
    ...(o.projectDirectory !== undefined ? { projectDirectory: o.projectDirectory as string } : {}),
  });
  for (const w of p.warnings) ctx.stderr.write(`warning: ${w}\n`);
  return p;
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

/** The project's containers of the named services (all without names), in start order. */
export function serviceContainers(
  engine: Engine,
  name: string,
  project: ComposeProject | undefined,
  services: readonly string[],
): Container[] {
  const all = projectContainers(engine, name);
  const order = project?.services.map((s) => s.name) ?? [];
  const rank = (c: Container): number => {
    const i = order.indexOf(labelsOf(c)[SERVICE] ?? '');
    return i < 0 ? order.length : i;
  };
  for (const s of services) {
    if (project && !project.services.some((x) => x.name === s)) throw new UsageError(`no such service: "${s}"`);
  }
  return all
    .filter((c) => services.length === 0 || services.includes(labelsOf(c)[SERVICE] ?? ''))
    .sort((a, b) => rank(a) - rank(b));
}

/** The host's ephemeral port range, where unnamed host ports are taken from. */
export function ephemeralRange(): readonly [number, number] {
  const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  return [lo ?? 32768, hi ?? 60999];
}

/** The state and runtime roots of the command. */
export function rootsOf(ctx: CommandContext): { root: string; runRoot: string } {
  return { root: ctx.global.root, runRoot: ctx.global.runRoot };
}

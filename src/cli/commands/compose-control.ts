/**
 * `netctl compose rm|kill|pause|unpause|top|images|port`: the container verbs over a
 * project's service containers, each container as `netctl rm|kill|pause|...` does it.
 * Every container is tried; a failure anywhere exits 1.
 */
import type { CommandContext } from '../context.js';
import { composeName } from '../compose-context.js';
import { composeAction } from '../compose-exit.js';
import { type Container, serviceContainers } from '../../ops/compose.js';
import { serviceContainer } from '../../ops/compose-oneoff.js';
import {
  killContainer,
  pauseContainer,
  topContainer,
  unpauseContainer,
  type ControlResult,
} from '../../ops/container-control.js';
import { removeContainer, stopContainer } from '../../ops/container.js';
import { psRows, publishedPorts } from '../../ops/read.js';
import { parseSignal } from '../../model/process-options.js';
import { ErrorList } from '../../errors.js';
import { table } from '../format/table.js';
import { topTable } from './top.js';

type Verb = (ctx: CommandContext, cs: readonly Container[]) => Promise<void>;

async function each(
  ctx: CommandContext,
  cs: readonly Container[],
  verb: string,
  fn: (c: Container, dryRun: boolean) => Promise<ControlResult | string>,
): Promise<void> {
  const errors = new ErrorList();
  const dryRun = ctx.opts.dryRun === true;
  for (const c of cs)
    await errors.attempt(verb, c.name, async () => {
      const r = await composeAction(() => fn(c, dryRun));
      ctx.stdout.write(typeof r === 'string' ? r : dryRun ? `${c.name}: ${r.plan.join('\n  ')}\n` : `${c.name}\n`);
    });
  errors.throwIfAny();
}

async function statusOf(ctx: CommandContext): Promise<Map<string, string>> {
  return new Map((await psRows(ctx.host, { all: true })).map((r) => [r.id, r.status]));
}

const rm: Verb = async (ctx, cs) => {
  const status = await statusOf(ctx);
  const o = ctx.opts;
  // As compose: stopped containers only, unless -s stops them first.
  const targets = cs.filter((c) => o.stop || !['running', 'paused', 'restarting'].includes(status.get(c.id) ?? ''));
  if (targets.length === 0) ctx.stdout.write('no stopped containers\n');
  await each(ctx, targets, 'remove container', async (c, dryRun) => {
    if (o.stop && !dryRun) await stopContainer(ctx.host, c.id);
    await removeContainer(ctx.host, c.id, { dryRun, force: Boolean(o.stop), volumes: Boolean(o.volumes) });
    return dryRun ? `would remove ${c.name}\n` : `removed ${c.name}\n`;
  });
};

async function running(ctx: CommandContext, cs: readonly Container[], also: string[] = []): Promise<Container[]> {
  const status = await statusOf(ctx);
  return cs.filter((c) => ['running', ...also].includes(status.get(c.id) ?? ''));
}

const VERBS: Record<string, Verb> = {
  rm,
  kill: async (ctx, cs) => {
    const sig = String(ctx.opts.signal ?? 'KILL');
    parseSignal('--signal', sig);
    await each(ctx, await running(ctx, cs), 'kill container', (c, d) => killContainer(ctx.host, c.id, sig, d));
  },
  pause: async (ctx, cs) =>
    each(ctx, await running(ctx, cs), 'pause container', (c, d) => pauseContainer(ctx.host, c.id, d)),
  unpause: async (ctx, cs) =>
    each(ctx, await running(ctx, cs, ['paused']), 'unpause container', (c, d) => unpauseContainer(ctx.host, c.id, d)),
  top: async (ctx, cs) => {
    for (const c of await running(ctx, cs)) {
      const t = await topContainer(ctx.host, c.id);
      ctx.stdout.write(`${c.name}\n${topTable(t.processes)}\n`);
    }
  },
  images: async (ctx, cs) => {
    const rows = cs.map((c) => {
      const at = c.image.lastIndexOf(':');
      const tagged = at > c.image.lastIndexOf('/');
      return {
        container: c.name,
        repository: tagged ? c.image.slice(0, at) : c.image,
        tag: tagged ? c.image.slice(at + 1) : 'latest',
        imageId: String(c.config.imageId ?? ''),
      };
    });
    if (ctx.opts.json) return void ctx.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    ctx.stdout.write(
      table(
        ['CONTAINER', 'REPOSITORY', 'TAG', 'IMAGE ID'],
        rows.map((r) => [r.container, r.repository, r.tag, r.imageId.replace(/^sha256:/, '').slice(0, 12)]),
      ),
    );
  },
};

/** `compose port SERVICE PRIVATE_PORT`: the host address the port is published on. */
async function port(ctx: CommandContext): Promise<void> {
  const { name, project } = await composeName(ctx);
  const [service, privatePort] = ctx.args as [string, string];
  const cs = await serviceContainers(ctx.host, name, project, [service]);
  const c = serviceContainer(cs, service, ctx.opts.index === undefined ? 1 : Number(ctx.opts.index));
  const proto = String(ctx.opts.protocol ?? 'tcp');
  const ports = publishedPorts(ctx.host, c.id, `${privatePort}/${proto}`);
  ctx.stdout.write(ports.map((p) => `${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.hostPort}\n`).join(''));
}

export default async function composeControl(ctx: CommandContext): Promise<void> {
  const verb = ctx.name.split(' ').pop()!;
  if (verb === 'port') return port(ctx);
  const { name, project } = await composeName(ctx);
  const cs = await serviceContainers(ctx.host, name, project, (ctx.args[0] as string[] | undefined) ?? []);
  await VERBS[verb]!(ctx, cs);
}

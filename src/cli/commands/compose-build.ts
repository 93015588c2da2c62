/**
 * `netctl compose build [--no-cache] [--pull] [--progress auto|plain|tty] [-q] [SERVICE...]`:
 * builds the image of every service with `build:` (or of those named), as `netctl build` does:
 * on a terminal the same live display (each step's line naming its service), otherwise each
 * line prefixed with its service; then `SERVICE: IMAGE ID` per service.
 */
import type { CommandContext } from '../context.js';
import { composeProject } from '../compose-context.js';
import { type ComposeBuildOptions, composeBuild } from '../../ops/compose-build.js';
import { buildTty } from '../format/build-tty.js';
import { buildEvents, ttyProgress } from './build.js';

/**
 * How compose shows its builds (`compose build`, `up`): netctl build's live display on a
 * terminal (--progress, else auto), one per service, closed when its build ends; otherwise
 * plain lines prefixed with the service.
 */
export function composeBuildProgress(
  ctx: CommandContext,
  quiet: boolean,
): Required<Pick<ComposeBuildOptions, 'events' | 'ended'>> {
  const tty = ttyProgress(ctx) && !quiet;
  const live = new Map<string, ReturnType<typeof buildTty>>();
  return {
    events: (service) => {
      if (!tty) return buildEvents(ctx, quiet, `${service} `);
      const d = buildTty(ctx.stdout, (l) => ctx.stderr.write(`${service} ${l}\n`), service);
      live.set(service, d);
      return d;
    },
    ended: (service, failed) => {
      live.get(service)?.done(failed);
      live.delete(service);
    },
  };
}

export default async function composeBuildCmd(ctx: CommandContext): Promise<void> {
  const project = await composeProject(ctx);
  const services = (ctx.args[0] as string[] | undefined) ?? [];
  const quiet = ctx.opts.quiet === true;
  const out = await composeBuild(ctx.host, project, services, {
    noCache: ctx.opts.cache === false,
    pull: ctx.opts.pull === true,
    ...composeBuildProgress(ctx, quiet),
  });
  for (const o of out) ctx.stdout.write(quiet ? `sha256:${o.id}\n` : `${o.service}: ${o.image} ${o.id.slice(0, 12)}\n`);
}

/**
 * `netctl compose build [--no-cache] [--pull] [-q] [SERVICE...]`: builds the image of every
 * service with `build:` (or of those named), as `netctl build` does, each line prefixed with
 * its service; then `SERVICE: IMAGE ID` per service.
 */
import type { CommandContext } from '../context.js';
import { composeProject } from '../compose-context.js';
import { composeBuild } from '../../ops/compose-build.js';
import { buildEvents } from './build.js';

export default async function composeBuildCmd(ctx: CommandContext): Promise<void> {
  const project = await composeProject(ctx);
  const services = (ctx.args[0] as string[] | undefined) ?? [];
  const quiet = ctx.opts.quiet === true;
  const out = await composeBuild(ctx.host, project, services, {
    noCache: ctx.opts.cache === false,
    pull: ctx.opts.pull === true,
    events: (service) => buildEvents(ctx, quiet, `${service} `),
  });
  for (const o of out) ctx.stdout.write(quiet ? `sha256:${o.id}\n` : `${o.service}: ${o.image} ${o.id.slice(0, 12)}\n`);
}

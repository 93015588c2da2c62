/**
 * `netctl compose build [--no-cache] [--pull] [--progress auto|plain|tty] [-q] [SERVICE...]`:
 * builds the image of every service with `build:` (or of those named), as `netctl build` does:
 * on a terminal the same live display (each step's line naming its service), otherwise each
 * line prefixed with its service; then `SERVICE: IMAGE ID` per service.
 */
import type { CommandContext } from '../context.js';
import { composeProject } from '../compose-context.js';
import { composeBuild } from '../../ops/compose-build.js';
import type { BuildEvents } from '../../ops/build.js';
import { buildTty } from '../format/build-tty.js';
import { buildEvents, ttyProgress } from './build.js';

export default async function composeBuildCmd(ctx: CommandContext): Promise<void> {
  const project = await composeProject(ctx);
  const services = (ctx.args[0] as string[] | undefined) ?? [];
  const quiet = ctx.opts.quiet === true;
  const tty = ttyProgress(ctx) && !quiet;
  // One display per service: the next service's build (or the end) closes the last one's.
  let live: ReturnType<typeof buildTty> | undefined;
  const events = (service: string): BuildEvents => {
    live?.done();
    live = undefined;
    if (!tty) return buildEvents(ctx, quiet, `${service} `);
    live = buildTty(ctx.stdout, (l) => ctx.stderr.write(`${service} ${l}\n`), service);
    return live;
  };
  const out = await composeBuild(ctx.host, project, services, {
    noCache: ctx.opts.cache === false,
    pull: ctx.opts.pull === true,
    events,
  }).then(
    (v) => (live?.done(), v),
    (err: unknown) => {
      live?.done(true);
      throw err;
    },
  );
  for (const o of out) ctx.stdout.write(quiet ? `sha256:${o.id}\n` : `${o.service}: ${o.image} ${o.id.slice(0, 12)}\n`);
}

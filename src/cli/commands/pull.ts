/**
 * `netctl pull NAME[:TAG|@DIGEST]` (and `netctl image pull`): an image from a registry
 * into the layer store, with a progress display (`-q`: only the id; `--json`: the result).
 */
import type { CommandContext } from '../context.js';
import { pullProgress } from '../format/pull-progress.js';
import { planPull, pullImage, type RegistryOptions } from '../../ops/pull.js';
import { formatPlan } from '../format/plan.js';
import { parseRegistryRef } from '../../ops/registry-ref.js';
import { SystemError } from '../../errors.js';

/** The registry options of a command that has registryOptions, for the registry of IMAGE. */
export function registryOpts(ctx: CommandContext, registry: string | undefined): RegistryOptions {
  const o: RegistryOptions = {};
  if (ctx.opts.authfile) o.authFile = ctx.opts.authfile as string;
  if (ctx.opts.certDir) o.certsDir = ctx.opts.certDir as string;
  if (ctx.opts.insecure === true && registry) o.insecure = [registry];
  return o;
}

export default async function pull(ctx: CommandContext): Promise<void> {
  if (ctx.opts.dryRun === true) {
    const o = ctx.opts.platform ? { platform: ctx.opts.platform as string } : {};
    const plan = planPull(ctx.host, ctx.args[0] as string, o);
    return void ctx.stdout.write(ctx.opts.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
  }
  if (process.getuid?.() !== 0)
    throw new SystemError('pull: needs root (image files keep their owners)', { hint: 'run it with sudo' });
  const given = ctx.args[0] as string;
  const ref = parseRegistryRef(given);
  const quiet = ctx.opts.quiet === true || ctx.opts.json === true;
  const tty = (ctx.stdout as { isTTY?: boolean }).isTTY === true;
  const r = await pullImage(ctx.host, given, {
    ...registryOpts(ctx, ref.registry),
    ...(ctx.opts.platform ? { platform: ctx.opts.platform as string } : {}),
    ...(quiet ? {} : { onEvent: pullProgress(ctx.stdout, tty) }),
  });
  if (ctx.opts.json) return void ctx.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  if (ctx.opts.quiet) return void ctx.stdout.write(`sha256:${r.id}\n`);
  ctx.stdout.write(`Digest: ${r.digest}\n`);
  const what = r.newLayers > 0 ? 'Downloaded newer image' : 'Image is up to date';
  ctx.stdout.write(`Status: ${what} for ${r.tag ?? r.repoDigest} (${r.newLayers} of ${r.layers} layers fetched)\n`);
}

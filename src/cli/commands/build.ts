/**
 * `netctl build [-t NAME:TAG]... [-f FILE] [--build-arg K=V]... [--target STAGE] [--no-cache]
 * [--pull] [--network NET] [--label K=V]... [--platform P] [--progress auto|plain|tty] [-q] [--dry-run]
 * CONTEXT`: on a terminal the running step redrawn in place (build-tty.ts), otherwise a line per
 * step (`CACHED` or its RUN output following); then the image id; with -q only the id; --dry-run
 * prints the steps it would run and which are cached.
 */
import type { CommandContext } from '../context.js';
import { type BuildEvents, type BuildOptions, buildImage } from '../../ops/build.js';
import { planBuildRun } from '../../ops/build-dry.js';
import { formatPlan } from '../format/plan.js';
import { entryText } from '../../ops/run.js';
import { UsageError } from '../../errors.js';
import { buildTty } from '../format/build-tty.js';

const PROGRESS = ['auto', 'plain', 'tty'];

/** Whether --progress (auto: stdout is a terminal) asks for the redrawn display. */
export function ttyProgress(ctx: CommandContext): boolean {
  const p = (ctx.opts.progress as string | undefined) ?? 'auto';
  if (!PROGRESS.includes(p)) throw new UsageError(`invalid --progress "${p}": expected auto, plain or tty`);
  return p === 'tty' || (p === 'auto' && (ctx.stdout as { isTTY?: boolean }).isTTY === true);
}

function pairs(list: unknown, what: string, fromEnv: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of (list as string[] | undefined) ?? []) {
    const eq = s.indexOf('=');
    const k = eq < 0 ? s : s.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k)) throw new UsageError(`invalid ${what} "${s}": expected KEY=VALUE`);
    if (eq >= 0) out[k] = s.slice(eq + 1);
    else if (fromEnv && process.env[k] !== undefined) out[k] = process.env[k]!;
    else if (!fromEnv) throw new UsageError(`invalid ${what} "${s}": expected KEY=VALUE`);
  }
  return out;
}

/** The progress lines of a build (`compose build` prefixes them with the service). */
export function buildEvents(ctx: CommandContext, quiet: boolean, prefix = ''): BuildEvents {
  const out = ctx.stdout;
  return quiet
    ? { warn: (l) => ctx.stderr.write(`${prefix}${l}\n`) }
    : {
        step: (e) => out.write(`${prefix}#${e.stage} [${e.n}/${e.total}] ${e.text}${e.cached ? '  CACHED' : ''}\n`),
        output: (e) => out.write(`${prefix}${entryText(e)}`),
        warn: (l) => ctx.stderr.write(`${prefix}${l}\n`),
      };
}

/** The build options the command line gives. */
function options(ctx: CommandContext): BuildOptions {
  const o = ctx.opts;
  return {
    context: ctx.args[0] as string,
    ...(o.file ? { file: o.file as string } : {}),
    tags: (o.tag as string[] | undefined) ?? [],
    buildArgs: pairs(o.buildArg, '--build-arg', true),
    labels: pairs(o.label, '--label', false),
    ...(o.target ? { target: o.target as string } : {}),
    noCache: o.cache === false,
    pull: Boolean(o.pull),
    ...(o.network ? { network: o.network as string } : {}),
    ...(o.platform ? { platform: o.platform as string } : {}),
  };
}

export default async function build(ctx: CommandContext): Promise<number> {
  const o = ctx.opts;
  const out = ctx.stdout;
  const tty = ttyProgress(ctx);
  if (o.dryRun === true) {
    const plan = await planBuildRun(ctx.host, options(ctx));
    out.write(o.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
    return 0;
  }
  const quiet = Boolean(o.quiet) || Boolean(o.json);
  const live = !quiet && tty ? buildTty(ctx.stdout, (l) => ctx.stderr.write(`${l}\n`)) : undefined;
  const r = await buildImage(ctx.host, options(ctx), live ?? buildEvents(ctx, quiet)).then(
    (v) => (live?.done(), v),
    (err: unknown) => {
      live?.done(true);
      throw err;
    },
  );
  if (o.json) out.write(`${JSON.stringify(r, null, 2)}\n`);
  else if (quiet) out.write(`sha256:${r.id}\n`);
  else {
    out.write(`Successfully built ${r.id.slice(0, 12)} (${r.steps} steps, ${r.cached} cached)\n`);
    for (const t of r.tags) out.write(`Successfully tagged ${t}\n`);
  }
  return 0;
}

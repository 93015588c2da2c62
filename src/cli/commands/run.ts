/**
 * `netctl run [...] IMAGE [CMD...]`: prepares the network namespace (veth, address, route,
 * rules), then starts the process inside it. Without -d it waits for the container and
 * prints its output, exiting with its exit code. With --dry-run it prints the plan.
 */
import type { CommandContext } from '../context.js';
import { ensureImage, imageUser, parsePullPolicy } from '../../ops/pull-policy.js';
import { pullProgress } from '../format/pull-progress.js';
import { entryText, planRunContainer, runContainer, type RunSettings } from '../../ops/run.js';
import { NETCTL } from '../../sys/sandbox-client.js';
import { runRequest } from '../run-request.js';
import { formatPlan } from '../format/plan.js';
import { UsageError } from '../../errors.js';
import { attachIo } from './attach.js';
import { parseDetachKeys } from '../../model/detach-keys.js';

export default async function run(ctx: CommandContext): Promise<number> {
  const o = ctx.opts;
  // `create` shares this module: recorded and prepared, not started (see create.ts).
  const create = ctx.name.endsWith('create');
  if (o.net !== undefined) o.network = o.net; // Docker's older spelling, still accepted
  // -dit: detached with its pty and input kept open for `attach`.
  const attached = !create && !o.detach && Boolean(o.tty || o.interactive);
  if (o.tty && attached && !process.stdin.isTTY)
    throw new UsageError('-t: the input device is not a TTY', 'leave out -t, or run from a terminal');
  // -t in the foreground goes through the monitor, as `start -a`: the detach keys work.
  const viaMonitor = attached && Boolean(o.tty);
  const attachWith = viaMonitor ? attachIo(ctx, Boolean(o.interactive)) : undefined;
  if (o.detachKeys !== undefined) parseDetachKeys(String(o.detachKeys));
  const ref = ctx.args[0] as string;
  // A dry run changes nothing, so it pulls nothing either.
  const policy = o.dryRun ? 'never' : parsePullPolicy(o.pull);
  const image = await ensureImage(ctx.host, ref, policy, { onEvent: pullProgress(ctx.stderr, false) });
  // A user the image does not have is refused before anything changes; the launcher
  // resolves the name again in the container (with its supplementary groups).
  await imageUser(ctx.host, image, (o.user as string | undefined) ?? image.config.user);
  const notes: string[] = [];
  const req = runRequest(o, ref, image, (ctx.args[1] as string[] | undefined) ?? [], notes);
  for (const n of notes) ctx.stderr.write(`note: ${n}\n`);
  req.launch.tty = Boolean(o.tty);
  req.launch.interactive = Boolean(o.interactive);
  const { root, runRoot } = ctx.global;
  // Detached --rm: the monitor removes the container when it is gone for good.
  if (o.rm && (o.detach || viaMonitor))
    req.launch.cleanup = [process.execPath, NETCTL, '--root', root, '--run-root', runRoot, 'rm', '-f', '-v', req.name];
  const settings: RunSettings = {
    dns: (o.dns as string[] | undefined) ?? [],
    dnsSearch: (o.dnsSearch as string[] | undefined) ?? [],
    dnsOptions: [...((o.dnsOption as string[] | undefined) ?? []), ...((o.dnsOpt as string[] | undefined) ?? [])],
    warn: (line) => ctx.stderr.write(`warning: ${line}\n`),
    extraHosts: ((o.addHost as string[] | undefined) ?? []).map((h) => h.split(':').reverse().join('\t')),
    detach: Boolean(o.detach),
    attached,
    rm: Boolean(o.rm),
    create,
  };
  if (o.dryRun) {
    const { plan } = await planRunContainer(ctx.host, req, settings);
    ctx.stdout.write(o.json ? `${JSON.stringify({ plan, request: req }, null, 2)}\n` : formatPlan(plan));
    return 0;
  }
  const r = await runContainer(ctx.host, req, settings, {
    output: (e) => (e.s === 'stderr' ? ctx.stderr : ctx.stdout).write(entryText(e)),
    ...(attachWith ? { attach: attachWith } : {}),
  });
  if (r.detached) ctx.stderr.write('\nread escape sequence\n');
  if (o.detach || create) ctx.stdout.write(`${r.id}\n`);
  return r.exitCode;
}

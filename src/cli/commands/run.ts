/**
 * `netctl run [...] IMAGE [CMD...]`: prepares the network namespace (veth, address, route,
 * rules), then starts the process inside it. Without -d it waits for the container and
 * prints its output, exiting with its exit code.
 */
import { readFileSync } from 'node:fs';
import type { CommandContext } from '../context.js';
import { removeContainer, runContainer } from '../../engine/containers.js';
import { NETCTL } from '../../sys/sandbox-client.js';
import { runRequest } from '../run-request.js';
import { resolveImage } from '../../runtime/image-store.js';
import { containerPaths, type RuntimeRoots } from '../../runtime/paths.js';
import { launchAttached } from '../../runtime/launch.js';
import type { LaunchSpec } from '../../runtime/launcher-config.js';
import { followLogs, entryText } from '../../runtime/logs.js';
import { readState } from '../../runtime/state.js';
import { UsageError } from '../../errors.js';

function ephemeralRange(): readonly [number, number] {
  const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  return [lo ?? 32768, hi ?? 60999];
}

export default async function run(ctx: CommandContext): Promise<number> {
  const o = ctx.opts;
  const attached = Boolean(o.tty || o.interactive);
  if (attached && o.detach)
    throw new UsageError('-i/-t with -d is not supported: run detached without them, or attached with them');
  if (o.tty && !process.stdin.isTTY)
    throw new UsageError('-t: the input device is not a TTY', 'leave out -t, or run from a terminal');
  const ref = ctx.args[0] as string;
  const roots = { root: ctx.global.root, runRoot: ctx.global.runRoot };
  const image = await resolveImage(roots, ref);
  const req = {
    ...runRequest(o, ref, image, (ctx.args[1] as string[] | undefined) ?? []),
    ephemeral: ephemeralRange(),
  };
  req.launch.tty = Boolean(o.tty);
  req.launch.interactive = Boolean(o.interactive);
  // Detached --rm: the monitor removes the container when it is gone for good.
  if (o.rm && o.detach)
    req.launch.cleanup = [
      process.execPath,
      NETCTL,
      '--root',
      roots.root,
      '--run-root',
      roots.runRoot,
      'rm',
      '-f',
      req.name,
    ];
  if (o.dryRun) {
    ctx.stdout.write(`${JSON.stringify(req, null, 2)}\n`);
    return 0;
  }
  const engine = await ctx.host.engine();
  let id: string;
  let spec: LaunchSpec | undefined;
  try {
    const extraHosts = ((o.addHost as string[] | undefined) ?? []).map((h) => h.split(':').reverse().join('\t'));
    id = (
      await runContainer(engine, req, {
        dns: (o.dns as string[] | undefined) ?? [],
        extraHosts,
        ...(attached ? { attach: (s: LaunchSpec) => void (spec = s) } : {}),
      })
    ).id;
  } finally {
    engine.close();
  }
  if (o.detach) {
    ctx.stdout.write(`${id}\n`);
    return 0;
  }
  const p = containerPaths(roots, id);
  let code = 0;
  if (spec) {
    code = await launchAttached(spec, p);
    if (o.rm) await removeAfter(ctx, roots, id);
    return code;
  }
  const done = async (): Promise<boolean> => {
    const st = await readState(p.state);
    if (st?.status !== 'exited') return false;
    code = st.exitCode ?? 0;
    return true;
  };
  await followLogs(p.log, { done, intervalMs: 50 }, (e) =>
    (e.s === 'stderr' ? ctx.stderr : ctx.stdout).write(entryText(e)),
  );
  if (o.rm) await removeAfter(ctx, roots, id);
  return code;
}

async function removeAfter(ctx: CommandContext, _roots: RuntimeRoots, id: string): Promise<void> {
  const again = await ctx.host.engine();
  try {
    await removeContainer(again, id, true);
  } finally {
    again.close();
  }
}

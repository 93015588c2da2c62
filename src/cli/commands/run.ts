/**
 * `netctl run [...] IMAGE [CMD...]`: prepares the network namespace (veth, address, route,
 * rules), then starts the process inside it. Without -d it waits for the container and
 * prints its output, exiting with its exit code.
 */
import { readFileSync } from 'node:fs';
import type { CommandContext } from '../context.js';
import { openEngine } from '../../engine/context.js';
import { removeContainer, runContainer } from '../../engine/containers.js';
import { NETCTL } from '../../sys/sandbox-client.js';
import { runRequest } from '../run-request.js';
import { resolveImage } from '../../runtime/image-store.js';
import { containerPaths } from '../../runtime/paths.js';
import { followLogs, entryText } from '../../runtime/logs.js';
import { readState } from '../../runtime/state.js';
import { UsageError } from '../../errors.js';

function ephemeralRange(): readonly [number, number] {
  const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  return [lo ?? 32768, hi ?? 60999];
}

export default async function run(ctx: CommandContext): Promise<number> {
  const o = ctx.opts;
  if (o.tty || o.interactive) throw new UsageError('-i and -t are not supported yet: use -d and "netctl logs -f"');
  const ref = ctx.args[0] as string;
  const roots = { root: ctx.global.root, runRoot: ctx.global.runRoot };
  const image = await resolveImage(roots, ref);
  const req = { ...runRequest(o, ref, image, (ctx.args[1] as string[] | undefined) ?? []), ephemeral: ephemeralRange() };
  // Detached --rm: the monitor removes the container when it is gone for good.
  if (o.rm && o.detach) req.launch.cleanup = [process.execPath, NETCTL, '--root', roots.root, '--run-root', roots.runRoot, 'rm', '-f', req.name];
  if (o.dryRun) {
    ctx.stdout.write(JSON.stringify(req, null, 2) + '\n');
    return 0;
  }
  const engine = await openEngine(ctx.global);
  let id: string;
  try {
    id = (await runContainer(engine, roots, req, { dns: (o.dns as string[] | undefined) ?? [], extraHosts: ((o.addHost as string[] | undefined) ?? []).map((h) => h.split(':').reverse().join('\t')) })).id;
  } finally {
    engine.close();
  }
  if (o.detach) {
    ctx.stdout.write(`${id}\n`);
    return 0;
  }
  const p = containerPaths(roots, id);
  let code = 0;
  const done = async (): Promise<boolean> => {
    const st = await readState(p.state);
    if (st?.status !== 'exited') return false;
    code = st.exitCode ?? 0;
    return true;
  };
  await followLogs(p.log, { done, intervalMs: 50 }, (e) => (e.s === 'stderr' ? ctx.stderr : ctx.stdout).write(entryText(e)));
  if (o.rm) {
    const again = await openEngine(ctx.global);
    try {
      await removeContainer(again, roots, id, true);
    } finally {
      again.close();
    }
  }
  return code;
}

/**
 * `netctl allow NAME [PORT[/tcp|udp]]... [--from CIDR]... [--network NET] [--delete]`: several
 * ports are one command (one transaction, one write of ufw's files, one iptables-restore),
 * all refused when one is bad or unpublished. A name netctl does not know may be one of
 * Docker's containers, reached through `--docker-host` (or DOCKER_HOST, or the default socket).
 */
import type { CommandContext } from '../context.js';
import { allowNotes, allowOrDeny as run, type AllowRequest } from '../../ops/allow.js';
import { formatAllow } from '../format/allow.js';

/** The request from the command line (shared with deny). */
export function allowRequest(ctx: CommandContext): AllowRequest {
  const req: AllowRequest = { name: ctx.args[0] as string, from: (ctx.opts.from as string[] | undefined) ?? [] };
  const ports = (ctx.args[1] as string[] | undefined) ?? [];
  if (ports.length > 0) req.ports = ports;
  if (ctx.opts.network !== undefined) req.network = ctx.opts.network as string;
  return req;
}

/** Runs allow or deny and prints the result (with `--dry-run`, and the plan). */
export async function allowOrDeny(ctx: CommandContext, remove: boolean): Promise<void> {
  const dryRun = ctx.opts.dryRun === true;
  const out = await run(ctx.host, allowRequest(ctx), remove, {
    dryRun,
    dockerHost: ctx.opts.dockerHost as string | undefined,
  });
  if (ctx.opts.json) {
    ctx.stdout.write(`${JSON.stringify(out.result, null, 2)}\n`);
    return;
  }
  ctx.stdout.write(formatAllow(remove ? 'denied' : 'allowed', out.result, dryRun ? out.plan : undefined));
  if (!remove) for (const n of await allowNotes(ctx.host, out.docker)) ctx.stderr.write(`${n}\n`);
}

export default async function allowCommand(ctx: CommandContext): Promise<void> {
  await allowOrDeny(ctx, ctx.opts.delete === true);
}

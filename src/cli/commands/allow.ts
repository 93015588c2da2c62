/**
 * `netctl allow NAME [PORT[/tcp|udp]]... [--from CIDR]... [--network NET] [--delete]`: several
 * ports are one command (one transaction, one write of ufw's files, one iptables-restore),
 * all refused when one is bad or unpublished.
 */
import type { CommandContext } from '../context.js';
import { allow, deny, type AllowRequest } from '../../engine/allow.js';
import { formatAllow } from '../format/allow.js';
import { allowNotes } from '../allow-notes.js';
import { dockerAllowOrDeny } from '../docker-allow.js';

/** The request from the command line (shared with deny). */
export function allowRequest(ctx: CommandContext): AllowRequest {
  const req: AllowRequest = { name: ctx.args[0] as string, from: (ctx.opts.from as string[] | undefined) ?? [] };
  const ports = (ctx.args[1] as string[] | undefined) ?? [];
  if (ports.length > 0) req.ports = ports;
  if (ctx.opts.network !== undefined) req.network = ctx.opts.network as string;
  return req;
}

/** Runs allow or deny and prints the result. */
export async function allowOrDeny(ctx: CommandContext, remove: boolean): Promise<void> {
  const dryRun = ctx.opts.dryRun === true;
  // Only the database and ufw's files: no netlink, so no netlink socket to open.
  const store = ctx.host.store();
  try {
    const req = allowRequest(ctx);
    // A name netctl does not know may be one of Docker's containers.
    const docker = store.containers.get(req.name) === undefined;
    const res = docker
      ? await dockerAllowOrDeny(store, ctx, req, remove)
      : await (remove ? deny : allow)(store, req, { dryRun, ufw: ctx.host.ufw });
    if (ctx.opts.json) {
      ctx.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
      return;
    }
    ctx.stdout.write(formatAllow(remove ? 'denied' : 'allowed', res, dryRun));
    if (!remove) for (const n of allowNotes(ctx.host.ufw.etc, docker)) ctx.stderr.write(`${n}\n`);
  } finally {
    store.close();
  }
}

export default async function allowCommand(ctx: CommandContext): Promise<void> {
  await allowOrDeny(ctx, ctx.opts.delete === true);
}

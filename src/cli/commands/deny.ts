/**
 * `netctl deny NAME [PORT[/PROTO]]... [--from CIDR]... [--network NET]`: removes what allow
 * opened (the same as `netctl allow --delete`).
 */
import type { CommandContext } from '../context.js';
import { allowOrDeny } from './allow.js';

export default async function denyCommand(ctx: CommandContext): Promise<void> {
  await allowOrDeny(ctx, true);
}

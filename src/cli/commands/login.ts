/**
 * `netctl login [SERVER] -u USER (--password-stdin | -p PASSWORD)`: checks the credentials
 * against the registry, then stores them (0600, Docker's config.json format). Without a
 * password option it reads one line from stdin. The password is never printed.
 */
import type { CommandContext } from '../context.js';
import { login, planLogin } from '../../ops/login.js';
import { formatPlan } from '../format/plan.js';
import { UsageError } from '../../errors.js';
import { registryOpts } from './pull.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('login: give the password on stdin with --password-stdin, or -p');
  let text = '';
  for await (const chunk of process.stdin) {
    text += (chunk as Buffer).toString('utf8');
    if (text.length > 64 * 1024) throw new UsageError('login: the password on stdin is too long');
  }
  return text.replace(/\r?\n$/, '');
}

export default async function loginCmd(ctx: CommandContext): Promise<void> {
  const server = ctx.args[0] as string | undefined;
  const username = ctx.opts.username as string | undefined;
  if (ctx.opts.dryRun === true)
    return void ctx.stdout.write(formatPlan(planLogin(server, username, registryOpts(ctx, server ?? 'docker.io'))));
  if (!username) throw new UsageError('login: give the user name with -u');
  if (ctx.opts.password !== undefined && ctx.opts.passwordStdin === true)
    throw new UsageError('login: give either --password or --password-stdin');
  const password = (ctx.opts.password as string | undefined) ?? (await readStdin());
  const registry = await login(server, { username, password }, registryOpts(ctx, server ?? 'docker.io'));
  ctx.stdout.write(`Login Succeeded (${registry})\n`);
}

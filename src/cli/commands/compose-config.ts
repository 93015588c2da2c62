/**
 * `netctl compose config [--services] [-q] [--json]`: checks the files (a bad one exits 2
 * naming its file, line and key) and prints the project as netctl runs it.
 */
import type { CommandContext } from '../context.js';
import { composeProject } from '../compose-context.js';
import { renderProject } from '../../compose/render.js';

export default async function composeConfig(ctx: CommandContext): Promise<void> {
  const p = await composeProject(ctx);
  if (ctx.opts.quiet) return;
  if (ctx.opts.services) {
    ctx.stdout.write(p.services.map((s) => `${s.name}\n`).join(''));
    return;
  }
  const doc = renderProject(p);
  if (ctx.opts.json) {
    ctx.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return;
  }
  const { stringify } = await import('yaml');
  ctx.stdout.write(stringify(doc, { lineWidth: 0 }));
}

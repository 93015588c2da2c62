/**
 * `netctl volume ls [-q] [--json] [-f dangling=true]`.
 */
import type { CommandContext } from '../context.js';
import { listVolumes } from '../../ops/volume.js';
import { table } from '../format/table.js';
import { UsageError } from '../../errors.js';

function dangling(filters: readonly string[]): boolean | undefined {
  let out: boolean | undefined;
  for (const f of filters) {
    if (f !== 'dangling=true' && f !== 'dangling=false' && f !== 'dangling=1' && f !== 'dangling=0')
      throw new UsageError(`invalid --filter "${f}": netctl filters volumes by dangling=true|false only`);
    out = f.endsWith('true') || f.endsWith('1');
  }
  return out;
}

export default async function volumeLs(ctx: CommandContext): Promise<void> {
  const only = dangling((ctx.opts.filter as string[] | undefined) ?? []);
  const all = await listVolumes(ctx.host);
  const vols = only === undefined ? all : all.filter((v) => (v.UsedBy.length === 0) === only);
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify(vols, null, 2)}\n`);
  else if (ctx.opts.quiet) ctx.stdout.write(vols.map((v) => `${v.Name}\n`).join(''));
  else {
    const rows = vols.map((v) => [
      v.Driver,
      v.Name,
      v.Options.type ? `type=${v.Options.type}` : '',
      v.UsedBy.map((u) => u.Container).join(','),
    ]);
    ctx.stdout.write(table(['DRIVER', 'VOLUME NAME', 'OPTIONS', 'USED BY'], rows));
  }
}

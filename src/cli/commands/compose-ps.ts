/**
 * `netctl compose ps [-a] [-q] [--services] [--format table|json|TPL] [--no-trunc] [--json]
 * [SERVICE...]`: the project's containers as Docker Compose lists them (NAME, IMAGE, COMMAND,
 * SERVICE, CREATED, STATUS "Up 3 minutes (healthy)", PORTS); --json keeps netctl's rows.
 */
import type { CommandContext } from '../context.js';
import { composeName } from '../compose-context.js';
import { composePs as psRows, serviceContainers } from '../../ops/compose.js';
import { psRows as containerRows } from '../../ops/read.js';
import { renderComposePs } from '../format/compose-ps-format.js';

export default async function composePs(ctx: CommandContext): Promise<void> {
  const o = ctx.opts;
  const { name, project } = await composeName(ctx);
  const containers = await serviceContainers(ctx.host, name, project, (ctx.args[0] as string[] | undefined) ?? []);
  if (o.json) {
    ctx.stdout.write(`${JSON.stringify(await psRows(ctx.host, containers, o.all === true), null, 2)}\n`);
    return;
  }
  const ids = new Set(containers.map((c) => c.id));
  const rows = (await containerRows(ctx.host, { all: o.all === true })).filter((r) => ids.has(r.id));
  if (o.quiet) ctx.stdout.write(rows.map((r) => `${o.trunc === false ? r.id : r.id.slice(0, 12)}\n`).join(''));
  else if (o.services)
    ctx.stdout.write(
      [...new Set(rows.map((r) => r.labels['com.docker.compose.service'] ?? ''))].map((s) => `${s}\n`).join(''),
    );
  else ctx.stdout.write(renderComposePs(rows, (o.format as string | undefined) ?? 'table', o.trunc === false));
}

/**
 * `netctl inspect [-f TPL] NAME...`: containers as Docker-like JSON: state from their
 * monitors, config, network settings with addresses, and published ports; with `-f`, a Go
 * template rendered for each (`{{.State.Status}}`, `{{json .Config}}`).
 */
import type { CommandContext } from '../context.js';
import { inspectContainer } from '../../ops/read.js';
import { compileTemplate } from '../../model/go-template.js';
import { ErrorList } from '../../errors.js';

export default async function inspect(ctx: CommandContext): Promise<void> {
  const refs = ctx.args[0] as string[];
  // The template is checked before anything is read: a bad one is one line, nothing else.
  const tpl = ctx.opts.format === undefined ? null : compileTemplate(String(ctx.opts.format));
  const views: object[] = [];
  const errors = new ErrorList();
  if (refs.length === 1) views.push(await inspectContainer(ctx.host, refs[0]!));
  else
    for (const ref of refs)
      await errors.attempt(
        'inspect container',
        ref,
        async () => void views.push(await inspectContainer(ctx.host, ref)),
      );
  if (tpl) for (const v of views) ctx.stdout.write(`${tpl.render(v)}\n`);
  else ctx.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
  errors.throwIfAny();
}

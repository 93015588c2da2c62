/** `netctl completion bash|zsh|fish`: the shell's completion script, generated from the command tree. */
import { UsageError } from '../../errors.js';
import { completionScript, SHELLS, type Shell } from '../completion.js';
import type { CommandContext } from '../context.js';
import { TREE } from '../tree.js';

export default async function completionCmd(ctx: CommandContext): Promise<void> {
  const shell = ctx.args[0] as string;
  if (!(SHELLS as readonly string[]).includes(shell))
    throw new UsageError(`unknown shell "${shell}" (known: ${SHELLS.join(', ')})`);
  ctx.stdout.write(completionScript(shell as Shell, TREE));
}

/** The argv a RUN step executes, heredocs included, as buildkit's dispatchRun builds it. Pure. */
import type { RunStep } from './types.js';

/** What the executor runs for a RUN step: an argv, and files to mount read-only first. */
export interface RunCommand {
  argv: string[];
  /** Scripts to put in the container before running (a `#!` heredoc runs as a file at `/dev/pipes/NAME`). */
  files: { path: string; content: string; mode: number }[];
}

const WHOLE_HEREDOC = /^(\d*)<<(-?)\s*([^<]*)$/;

/**
 * exec form: the array as is; shell form: `[...SHELL, text]`. A RUN that is only `<<EOF` runs the
 * body (as a file when it starts with `#!`); otherwise the bodies follow the command text, each
 * ended by its delimiter, and the shell reads them as here-documents.
 */
export function runCommand(step: RunStep): RunCommand {
  if (step.form === 'exec') return { argv: step.command, files: [] };
  const text = step.command[0] ?? '';
  const first = step.heredocs[0];
  if (first && WHOLE_HEREDOC.test(text.trim())) {
    if (first.content.startsWith('#!')) {
      const path = `/dev/pipes/${first.name}`;
      return { argv: [...step.shell, path], files: [{ path, content: first.content, mode: 0o755 }] };
    }
    return { argv: [...step.shell, first.content], files: [] };
  }
  const script = step.heredocs.reduce((s, h) => `${s}\n${h.content}${h.name}`, text);
  return { argv: [...step.shell, script], files: [] };
}

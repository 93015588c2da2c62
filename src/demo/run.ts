/**
 * Runs the walkthrough (script.ts) inside a sandbox and reports what each step observed.
 */
import { Sandbox } from '../sys/sandbox-client.js';
import type { ExecResult } from '../sys/exec.js';
import type { Expectation, Step } from './script.js';

/** The outcome of one step. */
export interface StepResult {
  step: Step;
  result: ExecResult;
  ok: boolean;
  why: string;
}

/** Checks a result against an expectation; returns the reason it failed, or '' when it behaved. */
export function judge(r: ExecResult, e: Expectation): string {
  const out = r.stdout + r.stderr;
  if (r.code !== (e.code ?? 0)) return `exit code ${r.code}, expected ${e.code ?? 0}`;
  if (e.contains !== undefined && !out.includes(e.contains)) return `output lacks "${e.contains}"`;
  if (e.lacks !== undefined && out.includes(e.lacks)) return `output has "${e.lacks}"`;
  return '';
}

/** Where the demo puts a `netctl` command for the steps' shell lines (tmpfs inside the sandbox). */
const BIN = '/run/netctl-demo/bin';

function argvFor(step: Step, netctl: string): string[] {
  const argv = step.argv[0] === 'netctl' ? [process.execPath, netctl, ...step.argv.slice(1)] : step.argv;
  return step.where === 'host' ? argv : ['ip', 'netns', 'exec', step.where, ...argv];
}

async function installWrapper(sb: Sandbox, netctl: string): Promise<Record<string, string>> {
  const script = `#!/bin/sh\nexec ${process.execPath} ${netctl} "$@"\n`;
  await sb.sh(['sh', '-c', `mkdir -p ${BIN} && cat > ${BIN}/netctl && chmod 755 ${BIN}/netctl`], { input: script });
  return { PATH: `${BIN}:${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}` };
}

function display(step: Step): string {
  const prefix = step.where === 'host' ? 'host#' : `${step.where}$`;
  return `${prefix} ${step.argv.join(' ')}`;
}

function indent(text: string, maxLines: number): string {
  const lines = text
    .trimEnd()
    .split('\n')
    .filter((l) => l.length > 0);
  const shown = lines.slice(0, maxLines).map((l) => `    ${l}`);
  if (lines.length > maxLines) shown.push(`    ... (${lines.length - maxLines} more lines)`);
  return shown.join('\n');
}

/** Runs every step, printing as it goes; returns the results. */
export async function runScript(script: Step[], out: NodeJS.WritableStream, netctl: string): Promise<StepResult[]> {
  const sb = await Sandbox.start({ wan: true, lan: true });
  const results: StepResult[] = [];
  try {
    const env = await installWrapper(sb, netctl);
    for (const [i, step] of script.entries()) {
      out.write(`\n[${i + 1}/${script.length}] ${step.title}\n  ${display(step)}\n`);
      const result = await sb.exec(argvFor(step, netctl), { timeoutMs: 60_000, env });
      const why = judge(result, step.expect);
      const text = result.stdout + (result.code !== 0 ? result.stderr : '');
      if (text.trim()) out.write(`${indent(text, step.showOutput ? 40 : 4)}\n`);
      out.write(why ? `  ✗ did not behave: ${why}\n` : '  ✓ as expected\n');
      results.push({ step, result, ok: !why, why });
    }
  } finally {
    await sb.close();
  }
  return results;
}

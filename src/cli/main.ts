#!/usr/bin/env node
/**
 * The entry point: the only place that prints errors and sets the exit code.
 */
import { readFileSync } from 'node:fs';
import { installPath } from '../sys/install-root.js';
import { CommanderError } from 'commander';
import { buildProgram, treeFor } from './build.js';
import { TREE } from './tree.js';
import { NetctlError, InternalError, UsageError } from '../errors.js';

const { version } = JSON.parse(readFileSync(installPath('package.json'), 'utf8')) as { version: string };

function printError(err: NetctlError, asJson: boolean): void {
  if (asJson) {
    process.stdout.write(JSON.stringify({ error: { code: err.code, message: err.message } }) + '\n');
    return;
  }
  process.stderr.write(`netctl: ${err.message}\n`);
  if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
}

// commander's own errors ("error: unknown option '--x'") become one-line usage errors (exit 2).
function fromCommander(err: CommanderError): NetctlError | null {
  if (err.exitCode === 0) return null; // --help, --version
  if (err.cause instanceof NetctlError) return err.cause;
  return new UsageError(err.message.replace(/^error: /, '').split('\n')[0] ?? err.message);
}

async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(version, treeFor(TREE, argv), (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    let e: NetctlError | null;
    if (err instanceof CommanderError) e = fromCommander(err);
    else if (err instanceof NetctlError) e = err;
    else e = new InternalError(`unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, err);
    if (!e) return (err as CommanderError).exitCode;
    printError(e, argv.includes('--json'));
    return e.exitCode;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`netctl: internal error: ${String(err)}\n`);
    process.exitCode = 70;
  },
);

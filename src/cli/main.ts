#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS NETCTL_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} node
/**
 * The entry point: the only place that prints errors and sets the exit code.
 *
 * The first line starts node without NODE_EXTRA_CA_CERTS: Node 20 reads and parses that
 * bundle before any code runs (nodejs/node#40524; ~40 ms of every command on a machine whose
 * environment names the system bundle), and netctl makes no TLS connection. The value rides
 * along in NETCTL_EXTRA_CA_CERTS and is put back below, so the programs netctl runs
 * (`sandbox -- CMD`, iptables, ufw) see the environment they were given.
 */
import { readFileSync } from 'node:fs';
import { installPath } from '../sys/install-root.js';
import { CommanderError } from 'commander';
import { buildProgram, treeFor } from './build.js';
import { TREE } from './tree.js';
import { applyConfigFile } from '../sys/config-file.js';
import { NetctlError, InternalError, UsageError } from '../errors.js';

const { version } = JSON.parse(readFileSync(installPath('package.json'), 'utf8')) as { version: string };

function printError(err: NetctlError, asJson: boolean): void {
  if (asJson) {
    process.stdout.write(`${JSON.stringify({ error: { code: err.code, message: err.message } })}\n`);
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

function restoreCaEnv(env: NodeJS.ProcessEnv): void {
  const saved = env.NETCTL_EXTRA_CA_CERTS;
  if (saved === undefined) return;
  delete env.NETCTL_EXTRA_CA_CERTS;
  if (saved !== '' && env.NODE_EXTRA_CA_CERTS === undefined) env.NODE_EXTRA_CA_CERTS = saved;
}

async function main(argv: string[]): Promise<number> {
  restoreCaEnv(process.env);
  try {
    applyConfigFile(process.env);
  } catch (err) {
    printError(err as NetctlError, argv.includes('--json'));
    return (err as NetctlError).exitCode;
  }
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
    else
      e = new InternalError(
        `unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        err,
      );
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

/**
 * Turns the declarative command tree into commander commands whose actions load their
 * implementation lazily.
 */
import { Command, Option } from 'commander';
import type { CommandSpec, OptionSpec } from './tree.js';
import type { CommandContext, CommandModule, GlobalOptions } from './context.js';
import { collect, intOption } from './spec-helpers.js';
import { NotImplementedError } from '../errors.js';
import { COMMANDS } from './commands/index.js';
import { openHost } from '../ops/host.js';
import { configureLog, logger, parseLogLevel } from '../sys/log.js';

/** Sets `process.exitCode` from a command's result; main.ts reads it. */
export type ExitSink = (code: number) => void;

function makeOption(spec: OptionSpec): Option {
  const opt = new Option(spec.flags, spec.description);
  if (spec.parse === 'collect') opt.argParser(collect);
  else if (spec.parse?.startsWith('int:')) {
    const [, min, max] = spec.parse.split(':');
    const flag = spec.flags.split(/[ ,]+/).find((f) => f.startsWith('--')) ?? spec.flags;
    opt.argParser(intOption(flag, Number(min), Number(max)));
  }
  if (spec.default !== undefined) opt.default(spec.default);
  return opt;
}

async function load(module: string, name: string): Promise<CommandModule> {
  const mod = COMMANDS[module];
  if (mod) return mod;
  if (module === 'tui') return (await import('./commands/tui.js')) as CommandModule;
  throw new NotImplementedError(name);
}

function addCommand(
  parent: Command,
  spec: CommandSpec,
  path: string[],
  globals: () => GlobalOptions,
  exit: ExitSink,
): void {
  const cmd = parent.command(spec.name).description(spec.description);
  for (const a of spec.aliases ?? []) cmd.alias(a);
  for (const a of spec.args ?? []) cmd.argument(a);
  for (const o of spec.options ?? []) cmd.addOption(makeOption(o));
  const full = [...path, spec.name];
  if (spec.subcommands) {
    for (const sub of spec.subcommands) addCommand(cmd, sub, full, globals, exit);
    return;
  }
  if (spec.passThrough) cmd.passThroughOptions();
  cmd.action(async (...params: unknown[]) => {
    // commander calls action(arg1, ..., argN, opts, command)
    const command = params[params.length - 1] as Command;
    const args = params.slice(0, -2);
    const name = full.join(' ');
    const mod = await load(spec.module ?? full.join('-'), name);
    const global = globals();
    configureLog({ level: global.logLevel });
    logger().debug('netctl command', { command: name });
    const host = await openHost(global);
    const ctx: CommandContext = {
      name,
      args,
      // A group's own options (compose -f FILE) come with its subcommands' options.
      opts: path.length > 0 ? { ...command.parent?.opts(), ...command.opts() } : command.opts(),
      global,
      host,
      stdout: process.stdout,
      stderr: process.stderr,
    };
    let code: number | void;
    try {
      code = await mod.default(ctx);
    } finally {
      host.close();
    }
    exit(typeof code === 'number' ? code : 0);
  });
}

/**
 * The part of the tree a command line needs: the top-level command it names (after the
 * global options), or the whole tree for help, a typo (suggestions) or no command at all.
 * Building only that one saves every command a few milliseconds of start.
 */
export function treeFor(tree: CommandSpec[], argv: readonly string[]): CommandSpec[] {
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--root' || a === '--run-root') {
      i++;
      continue;
    }
    if (a.startsWith('-')) {
      if (a.startsWith('--root=') || a.startsWith('--run-root=')) continue;
      return tree;
    }
    const spec = tree.find((c) => c.name === a || (c.aliases ?? []).includes(a));
    return spec ? [spec] : tree;
  }
  return tree;
}

/** Builds the `netctl` program from the command tree. */
export function buildProgram(version: string, tree: CommandSpec[], exit: ExitSink): Command {
  const program = new Command('netctl');
  program
    .description('firewall-aware container network manager: bridges, NAT and ufw integration for containers')
    .version(version, '-V, --version')
    .option('--root <dir>', 'state directory (env NETCTL_ROOT)', process.env.NETCTL_ROOT ?? '/var/lib/netctl')
    .option('--run-root <dir>', 'runtime directory (env NETCTL_RUN_ROOT)', process.env.NETCTL_RUN_ROOT ?? '/run/netctl')
    .addOption(
      new Option('--log-level <level>', 'error, warn, info or debug (env NETCTL_LOG_LEVEL; default info)').argParser(
        (v) => parseLogLevel(v),
      ),
    )
    .enablePositionalOptions()
    .showSuggestionAfterError(true);
  const globals = (): GlobalOptions => {
    const o = program.opts<{ root: string; runRoot: string; logLevel?: string }>();
    return { root: o.root, runRoot: o.runRoot, ...(o.logLevel ? { logLevel: o.logLevel } : {}) };
  };
  for (const spec of tree) addCommand(program, spec, [], globals, exit);
  applyExitOverride(program);
  return program;
}

/** Makes every subcommand exit through exceptions instead of process.exit. */
export function applyExitOverride(cmd: Command): void {
  cmd.exitOverride();
  cmd.configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  for (const sub of cmd.commands) applyExitOverride(sub);
}

/**
 * The interactive lifecycle verbs (create, attach, kill, pause, unpause, top, cp, export)
 * and the `netctl container ...` group that spells every container verb as Docker does.
 */
import type { CommandSpec, OptionSpec } from './tree.js';
import { dryRun, json } from './tree-options.js';

/** `--detach-keys`, as attach, start and run take it. */
export const detachKeys: OptionSpec = {
  flags: '--detach-keys <keys>',
  description: 'the keys that detach, e.g. ctrl-p,ctrl-q (the default), ctrl-a, a comma list of ctrl-X and letters',
};

/** `--net`, Docker's older spelling of `--network`. */
export const netAlias: OptionSpec = { flags: '--net <net>', description: 'same as --network' };

/** The lifecycle commands; `runOptions` are run's (create takes them all). */
export function lifecycleCommands(runOptions: readonly OptionSpec[]): CommandSpec[] {
  return [
    {
      name: 'create',
      args: ['<image>', '[command...]'],
      module: 'create',
      passThrough: true,
      description: 'create a container without starting it (start runs it)',
      options: runOptions.filter((o) => !o.flags.startsWith('-d,')),
    },
    {
      name: 'attach',
      args: ['<name>'],
      module: 'attach',
      description: "attach this terminal to a running container's input and output",
      options: [
        { flags: '--no-stdin', description: 'do not attach the input' },
        { flags: '--sig-proxy', description: 'accepted: the signals of a terminal go through it as keys' },
        detachKeys,
      ],
    },
    {
      name: 'kill',
      args: ['<name...>'],
      module: 'kill',
      description: "send a signal to containers' processes",
      options: [
        { flags: '-s, --signal <sig>', description: 'the signal (default SIGKILL): a name or a number' },
        dryRun,
      ],
    },
    {
      name: 'pause',
      args: ['<name...>'],
      module: 'pause',
      description: 'freeze every process of containers',
      options: [dryRun],
    },
    {
      name: 'unpause',
      args: ['<name...>'],
      module: 'unpause',
      description: 'thaw paused containers',
      options: [dryRun],
    },
    { name: 'top', args: ['<name>'], module: 'top', description: "a container's processes", options: [json] },
    {
      name: 'cp',
      args: ['<src>', '<dest>'],
      module: 'cp',
      description: 'copy files between a container and the host: CTR:PATH DEST, SRC CTR:PATH, - for a tar stream',
      options: [
        { flags: '-a, --archive', description: "keep the files' owners" },
        { flags: '-L, --follow-link', description: 'copy what a symbolic link at SRC points to' },
        dryRun,
      ],
    },
    {
      name: 'export',
      args: ['<name>'],
      module: 'export',
      description: "a container's filesystem as a tar archive",
      options: [{ flags: '-o, --output <file>', description: 'write to a file instead of stdout' }],
    },
  ];
}

const IN_GROUP: Record<string, string> = {
  ps: 'ls',
  run: 'run',
  create: 'create',
  start: 'start',
  stop: 'stop',
  restart: 'restart',
  rm: 'rm',
  inspect: 'inspect',
  logs: 'logs',
  exec: 'exec',
  kill: 'kill',
  pause: 'pause',
  unpause: 'unpause',
  cp: 'cp',
  export: 'export',
  attach: 'attach',
  top: 'top',
  port: 'port',
  stats: 'stats',
};

/** `netctl container VERB`: the same commands under Docker's management-command names. */
export function containerGroup(commands: readonly CommandSpec[]): CommandSpec {
  const subcommands = commands
    .filter((c) => c.name in IN_GROUP)
    .map((c) => (c.name === 'ps' ? { ...c, name: 'ls', aliases: ['ps', 'list'] } : c));
  subcommands.push({
    name: 'prune',
    module: 'container-prune',
    description: 'remove every stopped container',
    options: [{ flags: '-f, --force', description: 'do not ask (netctl never asks)' }, dryRun, json],
  });
  return { name: 'container', description: 'manage containers (the same verbs as at the top level)', subcommands };
}

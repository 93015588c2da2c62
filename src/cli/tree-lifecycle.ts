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
      options: runOptions.filter((o) => !o.flags.startsWith('-d,') && o !== detachKeys),
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

const index: OptionSpec = { flags: '--index <n>', description: 'which container of the service (default 1)' };

/** The compose verbs over these commands: exec, run, rm, kill, pause, unpause, port, images, top. */
export const composeLifecycleCommands: CommandSpec[] = [
  {
    name: 'exec',
    args: ['<service>', '<command...>'],
    module: 'compose-exec',
    passThrough: true,
    description: "run a command in a service's running container",
    options: [
      { flags: '-d, --detach', description: 'run it in the background' },
      { flags: '-T, --no-TTY', description: 'no pseudo-terminal (default: one when stdin is a terminal)' },
      { flags: '-e, --env <k=v>', description: 'set an environment variable', parse: 'collect' },
      { flags: '-u, --user <user>', description: 'USER[:GROUP]' },
      { flags: '-w, --workdir <dir>', description: 'working directory' },
      index,
    ],
  },
  {
    name: 'run',
    args: ['<service>', '[command...]'],
    module: 'compose-run',
    passThrough: true,
    description: 'run a one-off container of a service',
    options: [
      { flags: '-d, --detach', description: 'run it in the background and print its id' },
      { flags: '--rm', description: 'remove it when it exits' },
      { flags: '--name <name>', description: 'its name (default PROJECT-SERVICE-run-RANDOM)' },
      { flags: '-e, --env <k=v>', description: 'set an environment variable', parse: 'collect' },
      { flags: '--service-ports', description: "publish the service's ports (not published by default)" },
      { flags: '--no-deps', description: 'do not start the services it depends on' },
      { flags: '-T, --no-TTY', description: 'no pseudo-terminal' },
      { flags: '-u, --user <uid[:gid]>', description: 'run as this user' },
      { flags: '-w, --workdir <dir>', description: 'working directory' },
    ],
  },
  {
    name: 'rm',
    args: ['[service...]'],
    module: 'compose-control',
    description: "remove the services' stopped containers",
    options: [
      { flags: '-f, --force', description: 'do not ask (netctl never asks)' },
      { flags: '-s, --stop', description: 'stop them first' },
      { flags: '-v, --volumes', description: 'also their anonymous volumes' },
      dryRun,
    ],
  },
  {
    name: 'kill',
    args: ['[service...]'],
    module: 'compose-control',
    description: "send a signal to the services' containers",
    options: [{ flags: '-s, --signal <sig>', description: 'the signal (default SIGKILL)' }, dryRun],
  },
  {
    name: 'pause',
    args: ['[service...]'],
    module: 'compose-control',
    description: 'pause services',
    options: [dryRun],
  },
  {
    name: 'unpause',
    args: ['[service...]'],
    module: 'compose-control',
    description: 'unpause services',
    options: [dryRun],
  },
  { name: 'top', args: ['[service...]'], module: 'compose-control', description: "the services' processes" },
  {
    name: 'images',
    args: ['[service...]'],
    module: 'compose-control',
    description: "the images the services' containers use",
    options: [json],
  },
  {
    name: 'port',
    args: ['<service>', '<private_port>'],
    module: 'compose-control',
    description: 'the host address a service port is published on',
    options: [{ flags: '--protocol <p>', description: 'tcp, udp or sctp', default: 'tcp' }, index],
  },
];

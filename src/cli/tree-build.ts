/**
 * The image-making verbs of the command tree (issue 26): `build`, `commit` and `builder
 * prune`, kept apart from tree.ts so that file only splices them in.
 */
import type { CommandSpec } from './tree.js';
import { dryRun, json } from './tree-options.js';

/** `netctl commit` (and `netctl container commit`). */
export const commitSpec: CommandSpec = {
  name: 'commit',
  args: ['<container>', '[image]'],
  module: 'commit',
  description: "make an image of a container's changes, named IMAGE (NAME[:TAG]) if given",
  options: [
    { flags: '-m, --message <text>', description: 'commit message (the history entry and the config comment)' },
    { flags: '-a, --author <name>', description: 'author, e.g. "Jane Doe <jane@example.com>"' },
    {
      flags: '-c, --change <instruction>',
      description:
        'apply a Dockerfile instruction (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR...)',
      parse: 'collect',
    },
    { flags: '-p, --pause [bool]', description: 'pause the container while its files are read (default true)' },
    dryRun,
    json,
  ],
};

/** `netctl build` (and `netctl image build`). */
export const buildSpec: CommandSpec = {
  name: 'build',
  args: ['<context>'],
  module: 'build',
  description: 'build an image from a Dockerfile in the directory CONTEXT',
  options: [
    { flags: '-t, --tag <name>', description: 'name the image NAME[:TAG] (repeatable)', parse: 'collect' },
    { flags: '-f, --file <path>', description: 'the Dockerfile (default: CONTEXT/Dockerfile)' },
    { flags: '--build-arg <k=v>', description: 'set a build arg (K alone: from the environment)', parse: 'collect' },
    { flags: '--target <stage>', description: 'build up to this stage (name or index)' },
    { flags: '--no-cache', description: 'run every step, using no cached one' },
    { flags: '--pull', description: 'pull every FROM image, even one that is stored' },
    { flags: '--network <net>', description: 'network of the RUN steps: default (bridge), none, host or a network' },
    { flags: '--label <k=v>', description: 'set a label on the image (repeatable)', parse: 'collect' },
    { flags: '--platform <os/arch>', description: "the platform to build for: only this host's (no emulator)" },
    { flags: '--progress <mode>', description: 'auto (a live display on a terminal), plain or tty' },
    { flags: '-q, --quiet', description: 'print only the image id' },
    dryRun,
    json,
  ],
};

/** `netctl builder prune`. */
export const builderSpec: CommandSpec = {
  name: 'builder',
  description: 'the build cache',
  subcommands: [
    {
      name: 'prune',
      module: 'builder-prune',
      description: 'remove the build cache: its untagged step images no container uses (-a: every entry)',
      options: [
        { flags: '-a, --all', description: 'forget every cache entry, not only those of untagged images' },
        { flags: '-f, --force', description: 'do not ask' },
        dryRun,
        json,
      ],
    },
  ],
};

/** The verbs at the top level. */
export const buildTools: CommandSpec[] = [commitSpec, buildSpec, builderSpec];

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

/** The verbs at the top level. */
export const buildTools: CommandSpec[] = [commitSpec];

/**
 * The volume verbs of the command tree (issue 25): `volume create|ls|inspect|rm|prune`.
 * Kept apart from tree.ts so that file only splices them in.
 */
import type { CommandSpec } from './tree.js';
import { dryRun, json } from './tree-options.js';

export const volume: CommandSpec = {
  name: 'volume',
  description: 'manage volumes (local driver)',
  subcommands: [
    {
      name: 'create',
      args: ['[name]'],
      module: 'volume-create',
      description: 'create a volume (a random name when none is given)',
      options: [
        { flags: '-d, --driver <driver>', description: 'volume driver (only "local")', default: 'local' },
        {
          flags: '-o, --opt <key=value>',
          description: 'driver option: type=tmpfs[,o=size=64m] or type=none,o=bind,device=/path',
          parse: 'collect',
        },
        { flags: '--label <key=value>', description: 'metadata label', parse: 'collect' },
        dryRun,
        json,
      ],
    },
    {
      name: 'ls',
      aliases: ['list'],
      module: 'volume-ls',
      description: 'list volumes',
      options: [
        json,
        { flags: '-q, --quiet', description: 'only names' },
        { flags: '-f, --filter <filter>', description: 'dangling=true: only unused volumes', parse: 'collect' },
      ],
    },
    {
      name: 'inspect',
      args: ['<name...>'],
      module: 'volume-inspect',
      description: 'show volumes as JSON',
      options: [json],
    },
    {
      name: 'rm',
      aliases: ['remove'],
      args: ['<name...>'],
      module: 'volume-rm',
      description: 'remove volumes (refused while a container uses one)',
      options: [{ flags: '-f, --force', description: 'a missing volume is no error' }, dryRun, json],
    },
    {
      name: 'prune',
      module: 'volume-prune',
      description: 'remove unused anonymous volumes (all unused ones with -a)',
      options: [
        { flags: '-a, --all', description: 'also unused named volumes' },
        { flags: '-f, --force', description: 'accepted for compatibility: netctl does not ask' },
        dryRun,
        json,
      ],
    },
  ],
};

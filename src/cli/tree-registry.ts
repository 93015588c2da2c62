/**
 * The registry verbs of the command tree (issue 24): `pull`, `login`, `logout`, and the
 * image subcommands they bring (`image pull`, `image prune`, `image inspect`), plus
 * `system df`. Kept apart from tree.ts so that file only splices them in.
 */
import type { CommandSpec, OptionSpec } from './tree.js';
import { dryRun, json } from './tree-options.js';

/** How a registry is reached: credentials file, CA directories, insecure registries. */
export const registryOptions: OptionSpec[] = [
  {
    flags: '--authfile <file>',
    description: 'credentials file (default: NETCTL_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json)',
  },
  {
    flags: '--cert-dir <dir>',
    description: 'per-registry CA directories, HOST[:PORT]/ca.crt (default: NETCTL_CERTS_DIR or /etc/docker/certs.d)',
  },
  { flags: '--insecure', description: 'reach this registry over plain HTTP or unverified TLS' },
];

const pullOptions: OptionSpec[] = [
  { flags: '--platform <os/arch>', description: "platform to pick from a multi-platform image (default: this host's)" },
  { flags: '-q, --quiet', description: 'print only the image id' },
  ...registryOptions,
  dryRun,
  json,
];

/** `netctl pull` and `netctl image pull`. */
export const pullSpec: CommandSpec = {
  name: 'pull',
  args: ['<image>'],
  module: 'pull',
  description: 'pull an image from a registry: NAME[:TAG|@DIGEST]',
  options: pullOptions,
};

/** `netctl push` and `netctl image push`. */
export const pushSpec: CommandSpec = {
  name: 'push',
  args: ['<image>'],
  module: 'push',
  description: 'push an image to a registry: NAME[:TAG]',
  options: [
    { flags: '--format <docker|oci>', description: "manifest format: Docker's v2 schema 2 (default) or OCI" },
    { flags: '-q, --quiet', description: 'print only the manifest digest' },
    ...registryOptions,
    dryRun,
    json,
  ],
};

/** `netctl save` and `netctl image save`. */
export const saveSpec: CommandSpec = {
  name: 'save',
  args: ['<image...>'],
  module: 'save',
  description: 'write images to a `docker load` archive, or an OCI layout (--format oci)',
  options: [
    { flags: '-o, --output <file>', description: 'write to FILE (a directory for --format oci-dir) instead of stdout' },
    { flags: '--format <docker|oci|oci-dir>', description: 'docker (default): docker load; oci: OCI layout tar' },
    dryRun,
    json,
  ],
};

/** `netctl history` and `netctl image history`. */
export const historySpec: CommandSpec = {
  name: 'history',
  args: ['<image>'],
  module: 'history',
  description: "show the steps that made an image, newest first, from its config's history",
  options: [
    { flags: '--no-trunc', description: 'full image ids and CREATED BY commands' },
    { flags: '-q, --quiet', description: 'print only the image ids (<missing> for steps below the image)' },
    {
      flags: '--format <template>',
      description:
        'Go template: {{.ID}} {{.CreatedSince}} {{.CreatedAt}} {{.CreatedBy}} {{.Size}} {{.Comment}}; table TPL',
    },
    json,
  ],
};

/** The verbs at the top level. */
export const registryTools: CommandSpec[] = [
  pullSpec,
  pushSpec,
  saveSpec,
  historySpec,
  {
    name: 'tag',
    args: ['<source>', '<target>'],
    module: 'tag',
    description: 'give the image SOURCE names another name, TARGET (NAME[:TAG])',
    options: [dryRun, json],
  },
  {
    name: 'login',
    args: ['[server]'],
    module: 'login',
    description: 'check and store credentials for a registry (default docker.io)',
    options: [
      { flags: '-u, --username <user>', description: 'user name' },
      { flags: '-p, --password <password>', description: 'password (visible to other users: prefer --password-stdin)' },
      { flags: '--password-stdin', description: 'read the password from stdin' },
      ...registryOptions,
      dryRun,
    ],
  },
  {
    name: 'logout',
    args: ['[server]'],
    module: 'logout',
    description: 'remove the stored credentials of a registry (default docker.io)',
    options: [registryOptions[0]!],
  },
  {
    name: 'system',
    description: 'disk use and housekeeping',
    subcommands: [
      { name: 'df', module: 'system-df', description: 'disk used by images, layers and containers', options: [json] },
    ],
  },
];

/** Subcommands added to `netctl image`. */
export const imageSubcommands: CommandSpec[] = [
  pullSpec,
  pushSpec,
  saveSpec,
  historySpec,
  {
    name: 'inspect',
    args: ['<name>'],
    module: 'image-inspect',
    description: 'show an image: config, layers, sizes, digests',
    options: [json],
  },
  {
    name: 'prune',
    module: 'image-prune',
    description: 'remove images no name points at and no container uses, and unused layers',
    options: [{ flags: '-a, --all', description: 'also remove tagged images no container uses' }, dryRun, json],
  },
];

/** `netctl compose build`. */
export const composeBuildSpec: CommandSpec = {
  name: 'build',
  args: ['[service...]'],
  module: 'compose-build',
  description: "build the services' images (those with build:), through netctl build's layer cache",
  options: [
    { flags: '--no-cache', description: 'run every step again' },
    { flags: '--pull', description: 'pull the FROM images again' },
    { flags: '--progress <mode>', description: 'auto (a live display on a terminal), plain or tty' },
    { flags: '-q, --quiet', description: "print only each service's image id" },
  ],
};

/** `netctl compose pull`. */
export const composePullSpec: CommandSpec = {
  name: 'pull',
  args: ['[service...]'],
  module: 'compose-pull',
  description: "pull the services' images",
  options: [{ flags: '-q, --quiet', description: 'print nothing but errors' }, json],
};

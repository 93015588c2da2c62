/**
 * The full command tree of SPEC.md as data. Building it is cheap: implementations are
 * loaded only when a command runs, so `netctl --version` stays fast.
 */

/** One option: commander flags, description, optional value parser name and default. */
export interface OptionSpec {
  flags: string;
  description: string;
  /** `int:MIN:MAX` or `collect` (repeatable). */
  parse?: string;
  default?: unknown;
}

/** One command or command group. */
export interface CommandSpec {
  name: string;
  /** Positional arguments in commander syntax: `<name>`, `[port]`, `<cmd...>`. */
  args?: string[];
  description: string;
  options?: OptionSpec[];
  subcommands?: CommandSpec[];
  /** Module under src/cli/commands/ implementing it; absent for groups. */
  module?: string;
  /** Pass everything after the arguments through untouched (run/exec/sandbox). */
  passThrough?: boolean;
  aliases?: string[];
}

import { composeBuildSpec, composePullSpec, imageSubcommands, registryTools } from './tree-registry.js';
import { buildTools } from './tree-build.js';
import { limitOptions } from './tree-limits.js';
import { composeWaitOptions, healthCommand, healthOptions } from './tree-health.js';
import { volume } from './tree-volume.js';
import { dryRun, json } from './tree-options.js';
import { composeLifecycleCommands, containerGroup, detachKeys, lifecycleCommands, netAlias } from './tree-lifecycle.js';

const dockerHost: OptionSpec = {
  flags: '--docker-host <unix://path>',
  description: "Docker's socket for Docker containers (default: DOCKER_HOST or unix:///var/run/docker.sock)",
};

const network: CommandSpec = {
  name: 'network',
  description: 'manage networks',
  subcommands: [
    {
      name: 'create',
      args: ['<name>'],
      module: 'network-create',
      description: 'create a bridge network',
      options: [
        { flags: '-d, --driver <driver>', description: 'network driver (only "bridge")', default: 'bridge' },
        {
          flags: '--subnet <cidr>',
          description: 'subnet in CIDR form; repeat with --ipv6 for an IPv6 subnet',
          parse: 'collect',
        },
        {
          flags: '--gateway <ip>',
          description: 'gateway address (default: first address of the subnet)',
          parse: 'collect',
        },
        { flags: '--ip-range <cidr>', description: 'allocate container addresses from this sub-range' },
        { flags: '--ipv6', description: 'enable IPv6 (give the IPv6 subnet with --subnet)' },
        { flags: '--internal', description: 'no route out, nothing published' },
        { flags: '--mtu <n>', description: 'MTU of the bridge and veths (68-65535)', parse: 'int:68:65535' },
        { flags: '--bridge-name <if>', description: 'name of the bridge interface (max 15 bytes)' },
        { flags: '-o, --opt <key=value>', description: 'driver option, e.g. icc=false', parse: 'collect' },
        { flags: '--label <key=value>', description: 'metadata label', parse: 'collect' },
        dryRun,
        json,
      ],
    },
    {
      name: 'ls',
      aliases: ['list'],
      module: 'network-ls',
      description: 'list networks',
      options: [json, { flags: '-q, --quiet', description: 'only names' }],
    },
    {
      name: 'inspect',
      args: ['<name...>'],
      module: 'network-inspect',
      description: 'show networks as JSON',
      options: [json],
    },
    {
      name: 'rm',
      aliases: ['remove'],
      args: ['<name...>'],
      module: 'network-rm',
      description: 'remove networks',
      options: [dryRun, json],
    },
    {
      name: 'prune',
      module: 'network-prune',
      description: 'remove networks with no containers',
      options: [dryRun, json],
    },
    {
      name: 'connect',
      args: ['<network>', '<container>'],
      module: 'network-connect',
      description: 'connect a container to a network',
      options: [
        { flags: '--ip <ip>', description: 'IPv4 address for the container' },
        { flags: '--alias <name>', description: 'network-scoped alias', parse: 'collect' },
        dryRun,
        json,
      ],
    },
    {
      name: 'disconnect',
      args: ['<network>', '<container>'],
      module: 'network-disconnect',
      description: 'disconnect a container from a network',
      options: [dryRun, json],
    },
  ],
};

const image: CommandSpec = {
  name: 'image',
  description: 'manage images (root filesystems)',
  subcommands: [
    {
      name: 'import',
      args: ['<source>', '<name>'],
      module: 'image-import',
      description: 'import a rootfs from a tarball, a directory or - (stdin) as NAME[:TAG]',
      options: [dryRun, json],
    },
    {
      name: 'load',
      module: 'image-load',
      description: 'load a `docker save` or OCI archive from stdin',
      options: [{ flags: '-i, --input <file>', description: 'read from a file instead of stdin' }, dryRun, json],
    },
    { name: 'ls', aliases: ['list'], module: 'image-ls', description: 'list images', options: [json] },
    { name: 'rm', args: ['<name...>'], module: 'image-rm', description: 'remove images', options: [dryRun, json] },
    ...imageSubcommands,
  ],
};

const runOptions: OptionSpec[] = [
  { flags: '-d, --detach', description: 'run in the background and print the container id' },
  { flags: '--rm', description: 'remove the container when it exits' },
  { flags: '--name <name>', description: 'container name' },
  {
    flags: '-p, --publish <spec>',
    description: 'publish a port: C, H:C, IP:H:C, IP::C, ranges, /tcp|/udp|/sctp',
    parse: 'collect',
  },
  { flags: '-P, --publish-all', description: 'publish every exposed port to a free host port' },
  { flags: '--expose <port>', description: 'expose a port (PORT[/PROTO])', parse: 'collect' },
  { flags: '--network <net>', description: 'NET, bridge, host, none or container:NAME', default: 'bridge' },
  netAlias,
  { flags: '--ip <ip>', description: 'IPv4 address on the network' },
  { flags: '--link <name>', description: 'legacy link NAME[:ALIAS]', parse: 'collect' },
  { flags: '--alias <name>', description: 'network-scoped alias on a user-defined network', parse: 'collect' },
  { flags: '--network-alias <name>', description: 'same as --alias', parse: 'collect' },
  { flags: '--hostname <h>', description: 'container hostname' },
  {
    flags: '--dns <ip>',
    description: "DNS server (replaces the host's; upstream of 127.0.0.11 on user networks)",
    parse: 'collect',
  },
  { flags: '--dns-search <domain>', description: 'DNS search domain ("." for none)', parse: 'collect' },
  { flags: '--dns-option <opt>', description: 'resolver option (ndots:N, timeout:N, edns0...)', parse: 'collect' },
  { flags: '--dns-opt <opt>', description: 'same as --dns-option', parse: 'collect' },
  { flags: '--add-host <host:ip>', description: 'add an /etc/hosts entry', parse: 'collect' },
  { flags: '-e, --env <k=v>', description: 'set an environment variable', parse: 'collect' },
  {
    flags: '-v, --volume <spec>',
    description: 'mount [SOURCE:]TARGET[:ro,...]: SOURCE a host path or a volume name; none: an anonymous volume',
    parse: 'collect',
  },
  {
    flags: '--mount <spec>',
    description: 'mount type=bind|volume|tmpfs,source=...,target=...[,readonly]',
    parse: 'collect',
  },
  { flags: '--tmpfs <path[:opts]>', description: 'mount a tmpfs (options: size=, mode=, ro...)', parse: 'collect' },
  { flags: '--volumes-from <ctr[:ro|rw]>', description: "mount another container's volumes", parse: 'collect' },
  { flags: '-w, --workdir <dir>', description: 'working directory' },
  { flags: '-u, --user <user>', description: "USER[:GROUP], names or ids (default: the image's User)" },
  { flags: '--pull <policy>', description: 'pull the image: missing (default), always or never' },
  { flags: '-i, --interactive', description: 'keep stdin open' },
  { flags: '-t, --tty', description: 'allocate a pseudo-terminal' },
  detachKeys,
  { flags: '--restart <policy>', description: 'no, always, unless-stopped or on-failure[:N]' },
  ...limitOptions,
  ...healthOptions,
  dryRun,
  { flags: '--json', description: 'with --dry-run: print the plan (and the request) as JSON' },
];

const containers: CommandSpec[] = [
  {
    name: 'run',
    args: ['<image>', '[command...]'],
    module: 'run',
    passThrough: true,
    description: 'run a container',
    options: runOptions,
  },
  {
    name: 'ps',
    module: 'ps',
    description: 'list containers',
    options: [
      { flags: '-a, --all', description: 'include stopped containers' },
      { flags: '-q, --quiet', description: 'only ids' },
      { flags: '-l, --latest', description: 'only the newest container (any state)' },
      { flags: '-n, --last <n>', description: 'the N newest containers (any state)', parse: 'int:-1:1000000' },
      {
        flags: '-f, --filter <k=v>',
        description: 'id=, name=, status=, label=K[=V], network=, ancestor= (repeat; same key: any)',
        parse: 'collect',
      },
      {
        flags: '--format <tpl>',
        description: 'a Go template: {{.ID}} {{.Names}} {{.Status}}...; "table TPL" adds headers',
      },
      { flags: '--no-trunc', description: 'full ids' },
      json,
    ],
  },
  {
    name: 'stats',
    args: ['[name...]'],
    module: 'stats',
    description: 'live CPU, memory, network and block I/O of containers',
    options: [
      { flags: '-a, --all', description: 'stopped containers too' },
      { flags: '--no-stream', description: 'print one reading and exit' },
      { flags: '--format <tpl>', description: 'a {{.Name}} {{.CPUPerc}}... template; "table TPL" adds headers' },
      json,
    ],
  },
  {
    name: 'inspect',
    args: ['<name...>'],
    module: 'inspect',
    description: 'show containers as JSON',
    options: [{ flags: '-f, --format <tpl>', description: 'a Go template per container: {{.State.Status}}...' }, json],
  },
  { name: 'port', args: ['<name>', '[port]'], module: 'port', description: 'list port mappings', options: [json] },
  {
    name: 'logs',
    args: ['<name>'],
    module: 'logs',
    description: 'print container logs',
    options: [
      { flags: '-f, --follow', description: 'follow' },
      { flags: '--tail <n>', description: 'last N lines', parse: 'int:0:100000000' },
      { flags: '-t, --timestamps', description: 'each line with the time it was written' },
      { flags: '--since <time>', description: 'only lines since TIME (2024-05-01T10:00:00Z, Unix seconds, or 10m)' },
      { flags: '--until <time>', description: 'only lines before TIME' },
    ],
  },
  {
    name: 'exec',
    args: ['<name>', '<command...>'],
    module: 'exec',
    passThrough: true,
    description: 'run a command in a running container',
    options: [
      { flags: '-i, --interactive', description: 'keep stdin open' },
      { flags: '-t, --tty', description: 'allocate a pseudo-terminal' },
      { flags: '-e, --env <k=v>', description: 'set an environment variable', parse: 'collect' },
      { flags: '--env-file <file>', description: 'read KEY=VALUE lines from a file', parse: 'collect' },
      { flags: '-u, --user <user>', description: "USER[:GROUP], names or ids (default: the container's)" },
      { flags: '-w, --workdir <dir>', description: "working directory (default: the container's)" },
      { flags: '-d, --detach', description: 'run it in the background' },
    ],
  },
  {
    name: 'stop',
    args: ['<name...>'],
    module: 'stop',
    description: 'stop containers',
    options: [
      {
        flags: '-t, --time <s>',
        description: "seconds before SIGKILL (default: the container's --stop-timeout, else 10)",
        parse: 'int:0:3600',
      },
      dryRun,
    ],
  },
  {
    name: 'start',
    args: ['<name...>'],
    module: 'start',
    description: 'start stopped containers',
    options: [
      { flags: '-a, --attach', description: "attach to the container's output (and with -i its input)" },
      { flags: '-i, --interactive', description: "attach this terminal's input" },
      detachKeys,
      dryRun,
    ],
  },
  {
    name: 'restart',
    args: ['<name...>'],
    module: 'restart',
    description: 'restart containers',
    options: [
      { flags: '-t, --time <s>', description: 'seconds to wait for stop before killing', default: '10' },
      dryRun,
    ],
  },
  {
    name: 'rm',
    args: ['<name...>'],
    module: 'rm',
    description: 'remove containers',
    options: [
      { flags: '-f, --force', description: 'stop running containers first' },
      { flags: '-v, --volumes', description: 'also remove their anonymous volumes' },
      dryRun,
    ],
  },
];

const firewall: CommandSpec[] = [
  {
    name: 'allow',
    args: ['<name>', '[port...]'],
    module: 'allow',
    description:
      'open published container ports through ufw (PORT: the container port, or the host port when NAME has no such container port; :PORT always the host port)',
    options: [
      { flags: '--from <cidr>', description: 'only from these sources', parse: 'collect' },
      { flags: '--network <net>', description: 'only on this network' },
      { flags: '--delete', description: 'remove the rule instead (same as deny)' },
      dockerHost,
      dryRun,
      json,
    ],
  },
  {
    name: 'deny',
    args: ['<name>', '[port...]'],
    module: 'deny',
    description: 'remove what allow opened',
    options: [
      { flags: '--from <cidr>', description: 'the source the rule was for', parse: 'collect' },
      { flags: '--network <net>', description: 'only on this network' },
      dockerHost,
      dryRun,
      json,
    ],
  },
  {
    name: 'ufw',
    description: 'integrate with the host firewall (ufw)',
    subcommands: [
      {
        name: 'install',
        module: 'ufw-install',
        description: 'add the netctl block to /etc/ufw/after.rules and after6.rules',
        options: [dryRun],
      },
      { name: 'check', module: 'ufw-check', description: 'print the diff install would make; exit 1 if one is needed' },
      { name: 'uninstall', module: 'ufw-uninstall', description: 'remove the netctl block', options: [dryRun] },
      {
        name: 'status',
        module: 'ufw-status',
        description: 'ufw state, the block, and which published ports are open',
        options: [json],
      },
      {
        name: 'list',
        args: ['[name]'],
        module: 'ufw-list',
        description: 'the allow rules netctl manages',
        options: [dockerHost, json],
      },
      {
        name: 'sync',
        module: 'ufw-sync',
        description: 'rewrite every allow rule from the database',
        options: [dryRun],
      },
    ],
  },
  {
    name: 'docker',
    description: "guard Docker's own containers with ufw (the drop-in for ufw-docker)",
    subcommands: [
      {
        name: 'install',
        module: 'docker-install',
        description: 'add the netctl-docker block (DOCKER-USER through ufw) to after.rules and after6.rules',
        options: [dryRun],
      },
      {
        name: 'check',
        module: 'docker-check',
        description: 'print the diff install would make; exit 1 if one is needed',
      },
      {
        name: 'uninstall',
        module: 'docker-uninstall',
        description: 'remove the netctl-docker block',
        options: [dryRun],
      },
      {
        name: 'status',
        module: 'docker-status',
        description: 'the block, Docker, the watch loop, and which published Docker ports are open',
        options: [dockerHost, json],
      },
      {
        name: 'sync',
        module: 'docker-sync',
        description: "rewrite Docker containers' ufw route rules once",
        options: [
          dockerHost,
          dryRun,
          {
            flags: '--if-down',
            description: 'only while dockerd does not run: remove every Docker rule (the unit runs it before dockerd)',
          },
          { flags: '--pidfile <path>', description: "dockerd's pid file, for --if-down", default: '/run/docker.pid' },
        ],
      },
      {
        name: 'watch',
        module: 'docker-watch',
        description: "follow Docker's events and keep the rules on the containers' addresses",
        options: [dockerHost],
      },
    ],
  },
  {
    name: 'rules',
    module: 'rules',
    description: 'the rules netctl owns, parsed from the live ruleset, with counters',
    options: [
      { flags: '--table <t>', description: 'only this table (filter, nat, raw, mangle)' },
      { flags: '-6, --ipv6', description: 'ip6tables instead of iptables' },
      json,
    ],
  },
  {
    name: 'trace',
    args: ['<target>'],
    module: 'trace',
    description: 'which rule decides a packet to HOSTIP:PORT, and why',
    options: [
      { flags: '--from <ip>', description: 'source address', default: '198.51.100.1' },
      { flags: '--proto <p>', description: 'tcp, udp or sctp', default: 'tcp' },
      json,
    ],
  },
];

const tools: CommandSpec[] = [
  { name: 'tui', module: 'tui', description: 'live view of bridges, containers, ports and rules' },
  { name: 'doctor', module: 'doctor', description: 'find drift, leaks and orphans', options: [json] },
  {
    name: 'audit',
    module: 'audit',
    description: 'every listening socket, its owner and whether ufw lets new connections in from outside',
    options: [dockerHost, json],
  },
  { name: 'gc', module: 'gc', description: 'repair drift and remove leaks and orphans', options: [dryRun, json] },
  {
    name: 'boot',
    module: 'boot',
    description: 'after a reboot, start the containers with restart policy always or unless-stopped that were running',
    options: [
      dryRun,
      {
        flags: '--shutdown',
        description: 'instead stop every running container with its grace, keeping it to start at the next boot',
      },
    ],
  },
  {
    name: 'sandbox',
    args: ['[command...]'],
    module: 'sandbox',
    passThrough: true,
    description: 'run a command (default: a shell) in a throwaway host namespace with its own iptables and ufw',
    options: [
      {
        flags: '--wan',
        description: 'add the "wan" client host 198.51.100.1 (host .2, default route) and "wan2" 203.0.113.1 (host .2)',
      },
      { flags: '--lan', description: 'add the "lan" neighbour 192.168.77.2 (host 192.168.77.1)' },
    ],
  },
  { name: 'demo', module: 'demo', description: 'the guided walkthrough, inside a sandbox' },
  healthCommand,
  {
    name: 'completion',
    args: ['<shell>'],
    module: 'completion',
    description: 'print the completion script of a shell (bash, zsh or fish)',
  },
  {
    name: 'dns',
    description: 'the embedded DNS server: names of containers on user-defined networks at 127.0.0.11',
    subcommands: [
      {
        name: 'serve',
        module: 'dns-serve',
        description: 'run the server in the foreground (normally started on demand, or by the netctl-dns unit)',
      },
      {
        name: 'status',
        module: 'dns-status',
        description: 'whether it runs, what it serves, its counters',
        options: [json],
      },
    ],
  },
  {
    name: 'cni',
    description: 'netctl as a CNI plugin (Podman, containerd, CRI-O, Kubernetes)',
    subcommands: [
      {
        name: 'install',
        module: 'cni-install',
        description:
          'put the plugin (type "netctl") into the CNI bin dir, and a network configuration into the conf dir',
        options: [
          { flags: '--bin-dir <dir>', description: 'CNI plugin directory', default: '/opt/cni/bin' },
          { flags: '--conf-dir <dir>', description: 'also write <dir>/10-NAME.conflist (e.g. /etc/cni/net.d)' },
          { flags: '--name <name>', description: 'the CNI network name', default: 'netctl' },
          {
            flags: '--network <net>',
            description: 'the netctl network it attaches to (default: NAME; created on first use)',
          },
          { flags: '--subnet <cidr>', description: 'subnet of that network when it is created' },
          {
            flags: '--cluster-cidr <cidrs>',
            description:
              "the cluster's pod ranges, comma separated: not masqueraded towards, let in from other nodes (clusterCIDR)",
          },
          {
            flags: '--socket <path>',
            description: 'the socket of "netctl cni serve" the plugin forwards to (default RUN_ROOT/cni.sock)',
          },
          { flags: '--no-daemon', description: 'a plugin that always runs node itself, never the daemon' },
          { flags: '--force', description: 'replace files with other content' },
          dryRun,
        ],
      },
      {
        name: 'serve',
        module: 'cni-serve',
        description: "answer the plugin's calls from one long-lived process (no node start per ADD/DEL)",
        options: [
          { flags: '--socket <path>', description: 'unix socket to listen on (default RUN_ROOT/cni.sock)' },
          {
            flags: '--group <group>',
            description: 'group (name or gid) allowed to call besides root (default: netctl, when it exists)',
          },
        ],
      },
    ],
  },
  {
    name: 'podman',
    description: "netctl as Podman 5's network driver (a netavark plugin)",
    subcommands: [
      {
        name: 'install',
        module: 'podman-install',
        description: 'put the plugin (driver "netctl") into a netavark plugin dir',
        options: [
          { flags: '--dir <dir>', description: 'netavark plugin directory', default: '/usr/local/libexec/netavark' },
          {
            flags: '--socket <path>',
            description: 'the socket of "netctl cni serve" the plugin forwards to (default RUN_ROOT/cni.sock)',
          },
          { flags: '--no-daemon', description: 'a plugin that always runs node itself, never the daemon' },
          { flags: '--force', description: 'replace a file with other content' },
          dryRun,
        ],
      },
      {
        name: 'uninstall',
        module: 'podman-uninstall',
        description: 'remove the plugin from a netavark plugin dir',
        options: [
          { flags: '--dir <dir>', description: 'netavark plugin directory', default: '/usr/local/libexec/netavark' },
          { flags: '--force', description: 'remove a file netctl did not write' },
          dryRun,
        ],
      },
    ],
  },
];

const services: OptionSpec = {
  flags: '--remove-orphans',
  description: 'also remove containers of services no longer in the files',
};
const compose: CommandSpec = {
  name: 'compose',
  description: 'run multi-service apps from compose files, allow rules declared beside their ports',
  options: [
    {
      flags: '-f, --file <file>',
      description:
        'compose file (repeat to merge overrides; default compose.yaml, docker-compose.yml... and their .override)',
      parse: 'collect',
    },
    {
      flags: '-p, --project-name <name>',
      description: 'project name (default: COMPOSE_PROJECT_NAME, the name: key, or the directory)',
    },
    {
      flags: '--project-directory <dir>',
      description: "directory for relative paths and .env (default: the first file's)",
    },
    {
      flags: '--profile <name>',
      description: 'enable the services of a profile (repeat; default: COMPOSE_PROFILES)',
      parse: 'collect',
    },
  ],
  subcommands: [
    composePullSpec,
    composeBuildSpec,
    ...composeLifecycleCommands,
    {
      name: 'up',
      args: ['[service...]'],
      module: 'compose-up',
      description: 'create and start the services (only what changed)',
      options: [
        {
          flags: '-d, --detach',
          description: 'run in the background (without it, follow the logs; Ctrl-C stops the services)',
        },
        ...composeWaitOptions,
        {
          flags: '--scale <service=n>',
          description: "run N containers of a service (repeat; over the file's scale and deploy.replicas)",
          parse: 'collect',
        },
        services,
        {
          flags: '--force-recreate',
          description: 'recreate the containers even when their configuration is unchanged',
        },
        { flags: '--no-deps', description: 'do not start the services the named ones depend on' },
        {
          flags: '--build',
          description: 'build the images of the services with build: first (else only missing ones)',
        },
        dryRun,
      ],
    },
    {
      name: 'down',
      module: 'compose-down',
      description: 'stop and remove the containers and networks of the project',
      options: [
        { flags: '-v, --volumes', description: "also remove the project's named volumes and anonymous ones" },
        services,
        dryRun,
      ],
    },
    {
      name: 'ps',
      args: ['[service...]'],
      module: 'compose-ps',
      description: 'list the containers of the project',
      options: [
        { flags: '-a, --all', description: 'include stopped containers' },
        { flags: '-q, --quiet', description: 'only ids' },
        { flags: '--services', description: 'only the service names' },
        {
          flags: '--format <fmt>',
          description: "table (default), json (one object a line, Compose's fields) or a Go template",
        },
        { flags: '--no-trunc', description: 'do not cut the command and ids' },
        json,
      ],
    },
    {
      name: 'logs',
      args: ['[service...]'],
      module: 'compose-logs',
      description: "print the services' output",
      options: [
        { flags: '-f, --follow', description: 'follow' },
        { flags: '--tail <n>', description: 'last N lines of each', parse: 'int:0:100000000' },
      ],
    },
    {
      name: 'config',
      module: 'compose-config',
      description: 'check the files and print the project as netctl runs it',
      options: [
        { flags: '--services', description: 'only the service names' },
        { flags: '-q, --quiet', description: 'only check' },
        json,
      ],
    },
    {
      name: 'stop',
      args: ['[service...]'],
      module: 'compose-lifecycle',
      description: 'stop the services',
      options: [
        {
          flags: '-t, --timeout <s>',
          description: "seconds before SIGKILL (default: the service's stop_grace_period, else 10)",
          parse: 'int:0:3600',
        },
        dryRun,
      ],
    },
    {
      name: 'start',
      args: ['[service...]'],
      module: 'compose-lifecycle',
      description: 'start stopped services',
      options: [dryRun],
    },
    {
      name: 'restart',
      args: ['[service...]'],
      module: 'compose-lifecycle',
      description: 'restart the services',
      options: [
        {
          flags: '-t, --timeout <s>',
          description: "seconds before SIGKILL (default: the service's stop_grace_period, else 10)",
          parse: 'int:0:3600',
        },
        dryRun,
      ],
    },
  ],
};

const lifecycle = lifecycleCommands(runOptions);

/** The whole tree under `netctl`. */
export const TREE: CommandSpec[] = [
  network,
  image,
  volume,
  ...containers,
  ...lifecycle,
  containerGroup([...containers, ...lifecycle]),
  ...firewall,
  compose,
  ...tools,
  ...registryTools,
  ...buildTools,
];

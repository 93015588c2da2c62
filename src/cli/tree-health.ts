/**
 * The health-check options of `run` and the `health` verbs (cli/run-health.ts parses them).
 * Kept apart from tree.ts so that file only splices them in.
 */
import type { CommandSpec, OptionSpec } from './tree.js';

/** `--health-*` and `--no-healthcheck`, as Docker spells them. */
export const healthOptions: OptionSpec[] = [
  { flags: '--health-cmd <cmd>', description: 'command to run to check health (run by /bin/sh -c)' },
  { flags: '--health-interval <d>', description: 'time between checks (30s, 1m30s; default 30s)' },
  { flags: '--health-timeout <d>', description: 'longest a check may run (default 30s)' },
  { flags: '--health-retries <n>', description: 'consecutive failures that make it unhealthy (default 3)' },
  { flags: '--health-start-period <d>', description: 'time to start up in which failures do not count (default 0s)' },
  { flags: '--health-start-interval <d>', description: 'time between checks in the start period (default 5s)' },
  { flags: '--no-healthcheck', description: "disable any health check, the image's too" },
];

/** `compose up --wait` and its timeout. */
export const composeWaitOptions: OptionSpec[] = [
  {
    flags: '--wait',
    description: 'wait until the services are running, or healthy when they have a check (implies -d)',
  },
  {
    flags: '--wait-timeout <s>',
    description: 'seconds --wait and each depends_on condition wait (default 300)',
    parse: 'int:1:86400',
  },
];

/** `netctl health serve`. */
export const healthCommand: CommandSpec = {
  name: 'health',
  description: 'the health runner: probes the containers that have health checks',
  subcommands: [
    {
      name: 'serve',
      module: 'health-serve',
      description: 'run the health runner in the foreground (normally started on demand)',
    },
  ],
};

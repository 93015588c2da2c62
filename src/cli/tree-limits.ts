/**
 * The resource limits and process options of `run` (issue 25; parsed by cli/run-process.ts).
 * Kept apart from tree.ts so that file only splices them in.
 */
import type { OptionSpec } from './tree.js';

/** Resource limits and process options of run (cli/run-process.ts). */
export const limitOptions: OptionSpec[] = [
  { flags: '-m, --memory <bytes>', description: 'memory limit (512m, 1g)' },
  { flags: '--memory-swap <bytes>', description: 'memory plus swap limit; -1: unlimited swap' },
  { flags: '--memory-reservation <bytes>', description: 'soft memory limit' },
  { flags: '--oom-kill-disable', description: 'do not OOM-kill at the memory limit (cgroup v1)' },
  { flags: '--cpus <n>', description: 'CPU time limit in CPUs (0.5)' },
  { flags: '-c, --cpu-shares <n>', description: 'relative CPU weight (default 1024)' },
  { flags: '--cpuset-cpus <list>', description: 'CPUs it may run on (0-1,3)' },
  { flags: '--pids-limit <n>', description: 'at most N processes and threads (-1: no limit)' },
  { flags: '--shm-size <bytes>', description: 'size of /dev/shm (default 64m)' },
  { flags: '--ulimit <name=soft[:hard]>', description: 'a resource limit (nofile=1024:2048)', parse: 'collect' },
  { flags: '--cap-add <cap>', description: 'add a capability (NET_ADMIN, ALL)', parse: 'collect' },
  { flags: '--cap-drop <cap>', description: 'drop a capability (ALL)', parse: 'collect' },
  { flags: '--privileged', description: 'every capability (devices, /sys and /proc stay as without)' },
  { flags: '--security-opt <opt>', description: 'no-new-privileges', parse: 'collect' },
  { flags: '--sysctl <name=value>', description: 'a namespaced sysctl (net.*, kernel.shm*, ...)', parse: 'collect' },
  { flags: '--init', description: 'run a tiny init as pid 1 that reaps zombies and forwards signals' },
  { flags: '--entrypoint <cmd>', description: "replace the image's entrypoint" },
  { flags: '--env-file <file>', description: 'read KEY=VALUE lines', parse: 'collect' },
  { flags: '-l, --label <k=v>', description: 'set a label', parse: 'collect' },
  { flags: '--read-only', description: 'mount the root filesystem read-only' },
  { flags: '--stop-signal <sig>', description: 'signal stop sends (default SIGTERM)' },
  { flags: '--stop-timeout <s>', description: 'seconds stop waits before SIGKILL', parse: 'int:0:3600' },
  { flags: '--group-add <group>', description: 'a supplementary group', parse: 'collect' },
];

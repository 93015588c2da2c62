/** Options several parts of the command tree share (a module of its own: no import cycle). */
import type { OptionSpec } from './tree.js';

/** `--dry-run`, as every mutating verb takes it. */
export const dryRun: OptionSpec = {
  flags: '--dry-run',
  description: 'print the plan (netlink operations, iptables-restore text, after.rules diff) and change nothing',
};

/** `--json`, as every reading verb takes it. */
export const json: OptionSpec = { flags: '--json', description: 'print JSON' };

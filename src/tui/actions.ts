/**
 * What the TUI's keys do to the system: `a` and `d` run netctl's own allow and deny, the
 * same code path as the command line, one process per key press; `h` in the Images view
 * reads `netctl history --json`.
 */
import { CLI_PATH } from '../sys/install-root.js';
import { run } from '../sys/exec.js';
import type { HostPaths } from '../ops/host.js';
import type { HistoryRow } from '../ops/image-history.js';

/** The actions the TUI can take; tests pass a fake. Each resolves to a one-line outcome. */
export interface TuiActions {
  allow(name: string, port: string, from?: string): Promise<string>;
  deny(name: string, port: string): Promise<string>;
  /** The history of an image (its id or name), newest step first. */
  history(ref: string): Promise<HistoryRow[]>;
}

async function netctl(global: HostPaths, args: string[], all = false): Promise<string> {
  const r = await run([process.execPath, CLI_PATH, '--root', global.root, '--run-root', global.runRoot, ...args], {
    timeoutMs: 60_000,
  });
  const first = (text: string): string => text.trim().split('\n')[0] ?? '';
  if (r.code !== 0) throw new Error(first(r.stderr) || `netctl ${args[0]} exited ${r.code}`);
  return all ? r.stdout : first(r.stdout);
}

/** Actions through the netctl CLI. */
export function cliActions(global: HostPaths): TuiActions {
  return {
    allow: (name, port, from) => netctl(global, ['allow', name, port, ...(from ? ['--from', from] : [])]),
    deny: (name, port) => netctl(global, ['deny', name, port]),
    history: async (ref) => JSON.parse(await netctl(global, ['history', '--json', ref], true)) as HistoryRow[],
  };
}

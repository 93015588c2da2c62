/**
 * The text the ufw commands print for an install, uninstall or check result: what was
 * written where, what happened in the running firewall, and plain words when ufw is not
 * running. Pure: the CLI writes what these return.
 */
import { fileChanges } from './plan.js';
import { NETCTL_BLOCK, type BlockKind } from './block-kind.js';
import type { ChainResult, FileResult, UfwResult } from './apply.js';

/** File text (one character per byte) as the terminal should show it. */
export function displayText(binary: string): string {
  return Buffer.from(binary, 'latin1').toString('utf8');
}

/** Every file's diff, for --dry-run and check. */
export function renderDiffs(r: UfwResult): string {
  return r.files.map((f) => displayText(f.plan.diff)).join('');
}

function fileLine(f: FileResult, verb: 'install' | 'uninstall', kind: BlockKind): string {
  if (f.written) return `wrote ${f.plan.path} (previous version saved as ${f.backup})`;
  if (fileChanges(f.plan)) return `would change ${f.plan.path}`;
  return verb === 'install'
    ? `${f.plan.path}: the ${kind.label} block is already current`
    : `${f.plan.path}: no ${kind.label} block`;
}

function chainLine(c: ChainResult, kind: BlockKind): string | undefined {
  const chain = kind.chain(c.family);
  const refs = c.references ?? 0;
  switch (c.action) {
    case 'loaded':
      return `loaded ${chain} into the running firewall (no ufw reload needed)`;
    case 'would-load':
      return `would load ${chain} into the running firewall`;
    case 'removed':
      return `removed ${chain} from the running firewall`;
    case 'emptied':
      return (
        `emptied ${chain}: ${refs} netctl rule(s) still jump to it, so new connections to published ports ` +
        `go back to netctl's own accept; netctl deletes the chain when it next applies its rules`
      );
    case 'would-remove':
      return `would remove ${chain} from the running firewall`;
    default:
      return undefined;
  }
}

function notRunning(r: UfwResult, verb: 'install' | 'uninstall' | 'check'): string[] {
  const [v4, v6] = r.view.families;
  if (v4 && !v4.running) {
    if (verb === 'uninstall') return [];
    const boot = r.view.enabled ? 'ufw is enabled but its rules are not loaded' : 'ufw is not active';
    return [
      `${boot}: the block is ${verb === 'install' ? 'in' : 'checked in'} the files only and takes effect when ufw starts (ufw enable).`,
      'Until then ufw decides nothing: published ports stay open to every source, as without ufw.',
    ];
  }
  if (v6?.text !== undefined && !v6.running && verb === 'install') {
    return [`ufw is not running for IPv6 (IPV6=no in /etc/default/ufw?): ${v6.path} is written but not loaded.`];
  }
  return [];
}

/** The summary for install or uninstall (after the diffs, when --dry-run printed them). */
export function renderApply(
  r: UfwResult,
  verb: 'install' | 'uninstall',
  dryRun: boolean,
  kind: BlockKind = NETCTL_BLOCK,
): string {
  const lines = r.files.map((f) => fileLine(f, verb, kind));
  for (const f of r.files) if (f.note) lines.push(`note: ${f.note}`);
  for (const c of r.chains) {
    const line = chainLine(c, kind);
    if (line) lines.push(line);
  }
  for (const f of r.files) {
    if (f.backupsRemoved)
      lines.push(`${dryRun ? 'would remove' : 'removed'} netctl's backups: ${f.backupsRemoved.join(' ')}`);
  }
  lines.push(...notRunning(r, verb));
  if (dryRun) lines.push('dry run: nothing was written or loaded');
  return `${lines.join('\n')}\n`;
}

/** What check says after the diffs: only what the diffs do not show. */
export function renderCheck(r: UfwResult, kind: BlockKind = NETCTL_BLOCK): string {
  const lines: string[] = [];
  const install = kind === NETCTL_BLOCK ? 'netctl ufw install' : 'netctl docker install';
  for (const c of r.chains) {
    if (c.action === 'would-load') {
      lines.push(
        `${kind.chain(c.family)} is missing from the running firewall or differs from the block; ${install} loads it`,
      );
    }
  }
  lines.push(...notRunning(r, 'check'));
  if (!r.changed) lines.push(`the ${kind.label} block is installed and current`);
  return `${lines.join('\n')}\n`;
}

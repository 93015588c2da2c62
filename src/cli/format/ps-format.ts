/**
 * `ps` rows as Docker's `--format` templates name their fields (`{{.ID}}`, `{{.Names}}`,
 * `{{.Label "k"}}`...), and the `table` form with Docker's headers.
 */
import type { PsRow } from '../../ops/read.js';
import { compileTemplate } from '../../model/go-template.js';
import { healthSuffix } from '../../model/health-state.js';

/** How long ago ISO time `t` was, as Docker's units.HumanDuration says it ("5 seconds", "About a minute"). */
export function ago(t: string | null, now = Date.now()): string {
  if (!t) return '';
  const ms = Math.max(0, now - Date.parse(t));
  const s = Math.floor(ms / 1000);
  const m = Math.floor(s / 60);
  const h = Math.floor(ms / 3_600_000 + 0.5);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/**
 * Docker's STATUS, as its State.String() words it: "Up 5 seconds", "Up 3 minutes (healthy)",
 * "Up 1 minute (Paused)", "Exited (0) 2 hours ago", "Created".
 */
export function dockerStatus(r: PsRow, now = Date.now()): string {
  // A CNI runtime's attachment has no start time of netctl's: just "Up".
  if (r.status === 'running') return `Up${r.startedAt ? ` ${ago(r.startedAt, now)}` : ''}${healthSuffix(r.health)}`;
  if (r.status === 'paused') return `Up ${ago(r.startedAt, now)} (Paused)`;
  if (r.status === 'restarting') return `Restarting (${r.exitCode ?? 0}) ${ago(r.finishedAt, now)} ago`;
  if (r.status === 'dead') return 'Dead';
  if (r.status === 'created' || !r.startedAt) return 'Created';
  if (r.status === 'exited') return r.finishedAt ? `Exited (${r.exitCode ?? 0}) ${ago(r.finishedAt, now)} ago` : '';
  return r.status.charAt(0).toUpperCase() + r.status.slice(1);
}

/** `{{.Label "k"}}`: one label's value. */
function labelOf(r: PsRow): (k: string) => string {
  return (k) => r.labels[k] ?? '';
}

/** A row with Docker's field names, for templates. */
export function psFields(r: PsRow, noTrunc = false): Record<string, unknown> {
  const labels = Object.entries(r.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    ID: noTrunc ? r.id : r.id.slice(0, 12),
    Names: r.name,
    Image: r.image,
    Command: JSON.stringify(r.command),
    CreatedAt: r.createdAt,
    RunningFor: `${ago(r.createdAt)} ago`,
    Ports: r.ports.join(', '),
    State: r.status,
    Status: dockerStatus(r),
    Labels: labels,
    ['Label']: labelOf(r),
    Networks: r.networks.join(','),
    Addresses: r.addresses.join(','),
  };
}

const HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID',
  Names: 'NAMES',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Labels: 'LABELS',
  Networks: 'NETWORKS',
  Addresses: 'ADDRESS',
};

/**
 * Renders rows with a template; `table TPL` aligns the columns under headers, `\t`
 * separating them as in Docker.
 */
export function renderPs(rows: readonly PsRow[], format: string, noTrunc = false): string {
  const isTable = /^table(\s|$)/.test(format);
  const tpl = (isTable ? format.replace(/^table\s*/, '') : format).replace(/\\t/g, '\t');
  const t = compileTemplate(tpl);
  const lines = rows.map((r) => t.render(psFields(r, noTrunc)));
  if (!isTable) return lines.map((l) => `${l}\n`).join('');
  const header = tpl.replace(/\{\{\s*\.(\w+)[^}]*\}\}/g, (_m, f: string) => HEADERS[f] ?? f.toUpperCase());
  const cells = [header, ...lines].map((l) => l.split('\t'));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((c) => (c[i] ?? '').length)));
  return cells.map((c) => `${c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]!))).join('   ')}\n`).join('');
}

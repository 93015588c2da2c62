/**
 * `ps` rows as Docker's `--format` templates name their fields (`{{.ID}}`, `{{.Names}}`,
 * `{{.Label "k"}}`...), and the `table` form with Docker's headers.
 */
import type { PsRow } from '../../ops/read.js';
import { compileTemplate } from '../../model/go-template.js';

/** How long ago ISO time `t` was, as Docker says it ("5 seconds", "2 hours"). */
export function ago(t: string | null, now = Date.now()): string {
  if (!t) return '';
  const s = Math.max(0, Math.round((now - Date.parse(t)) / 1000));
  const unit = (n: number, u: string): string => `${n} ${u}${n === 1 ? '' : 's'}`;
  if (s < 60) return s < 1 ? 'Less than a second' : unit(s, 'second');
  if (s < 3600) return unit(Math.floor(s / 60), 'minute');
  if (s < 86400 * 2) return unit(Math.floor(s / 3600), 'hour');
  return unit(Math.floor(s / 86400), 'day');
}

/** Docker's STATUS column: "Up 5 seconds", "Up 1 minute (Paused)", "Exited (0) 2 hours ago", "Created". */
export function dockerStatus(r: PsRow, now = Date.now()): string {
  if (r.status === 'running') return `Up ${ago(r.startedAt, now)}`;
  if (r.status === 'paused') return `Up ${ago(r.startedAt, now)} (Paused)`;
  if (r.status === 'exited') return `Exited (${r.exitCode ?? '?'})${r.oomKilled ? ' OOMKilled' : ''}`;
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

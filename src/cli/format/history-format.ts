/**
 * `netctl history` output: Docker's table (IMAGE, CREATED, CREATED BY, SIZE, COMMENT), `-q`
 * ids, and `--format` templates with Docker's field names (`{{.ID}}`, `{{.CreatedSince}}`,
 * `{{.CreatedAt}}`, `{{.CreatedBy}}`, `{{.Size}}`, `{{.Comment}}`).
 */
import { compileTemplate } from '../../model/go-template.js';
import { ellipsis, type HistoryRow, humanDuration, humanSize } from '../../model/image-history.js';
import { table } from './table.js';

/** How the rows are shown. */
export interface HistoryView {
  noTrunc: boolean;
  /** Now, in ms since the epoch (CREATED is relative to it). */
  now: number;
}

/** A row with Docker's field names, for templates and the table. */
export function historyFields(r: HistoryRow, v: HistoryView): Record<string, string> {
  const createdBy = r.createdBy.replace(/\t/g, ' ');
  return {
    ID: r.id === null ? '<missing>' : v.noTrunc ? `sha256:${r.id}` : r.id.slice(0, 12),
    CreatedSince: r.created ? `${humanDuration(v.now - Date.parse(r.created))} ago` : 'N/A',
    CreatedAt: r.created ?? '',
    CreatedBy: v.noTrunc ? createdBy : ellipsis(createdBy, 45),
    Size: humanSize(r.size),
    Comment: r.comment,
  };
}

const HEADERS: Record<string, string> = {
  ID: 'IMAGE',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  CreatedBy: 'CREATED BY',
  Size: 'SIZE',
  Comment: 'COMMENT',
};

/** Docker's default table. */
export function historyTable(rows: readonly HistoryRow[], v: HistoryView): string {
  const f = rows.map((r) => historyFields(r, v));
  return table(
    ['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'],
    f.map((x) => [x.ID!, x.CreatedSince!, x.CreatedBy!, x.Size!, x.Comment!]),
  );
}

/** Renders rows with a template; `table TPL` aligns `\t`-separated columns under headers. */
export function renderHistory(rows: readonly HistoryRow[], format: string, v: HistoryView): string {
  const isTable = /^table(\s|$)/.test(format);
  const tpl = (isTable ? format.replace(/^table\s*/, '') : format).replace(/\\t/g, '\t');
  const t = compileTemplate(tpl);
  const lines = rows.map((r) => t.render(historyFields(r, v)));
  if (!isTable) return lines.map((l) => `${l}\n`).join('');
  const header = tpl.replace(/\{\{\s*\.(\w+)[^}]*\}\}/g, (_m, f: string) => HEADERS[f] ?? f.toUpperCase());
  const cells = [header, ...lines].map((l) => l.split('\t'));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((c) => (c[i] ?? '').length)));
  return cells.map((c) => `${c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]!))).join('   ')}\n`).join('');
}

/**
 * `compose ps` in Docker Compose v2's words: the table (NAME, IMAGE, COMMAND, SERVICE, CREATED,
 * STATUS, PORTS), `--format json` (one object a line, Compose's field names) and Go templates
 * over the same fields. Pure: the rows come in, text goes out.
 */
import type { PsRow } from '../../ops/read.js';
import { compileTemplate } from '../../model/go-template.js';
import { ago, dockerStatus, psFields } from './ps-format.js';
import { table } from './table.js';

const SERVICE = 'com.docker.compose.service';
const PROJECT = 'com.docker.compose.project';

/** Docker's formatter.Ellipsis: at most `width` characters, the last one `…` when cut. */
export function ellipsis(s: string, width: number): string {
  const chars = [...s];
  return chars.length <= width ? s : `${chars.slice(0, width - 1).join('')}…`;
}

/** COMMAND as Compose prints it: quoted, cut at 20 characters unless `noTrunc`. */
function command(r: PsRow, noTrunc: boolean): string {
  return JSON.stringify(noTrunc ? r.command : ellipsis(r.command, 20));
}

/** `hostIp:hostPort->port/proto` (or `port/proto` unpublished) as Compose's Publishers. */
function publishers(r: PsRow): { URL: string; TargetPort: number; PublishedPort: number; Protocol: string }[] {
  return r.ports.flatMap((p) => {
    const m = /^(.*):(\d+)->(\d+)\/(\w+)$/.exec(p);
    if (!m) return [];
    return [
      { URL: m[1]!.replace(/^\[|\]$/g, ''), TargetPort: Number(m[3]), PublishedPort: Number(m[2]), Protocol: m[4]! },
    ];
  });
}

/** One row with Compose's field names (`docker compose ps --format json`). */
export function composePsFields(r: PsRow, now = Date.now(), noTrunc = false): Record<string, unknown> {
  return {
    ...psFields(r, noTrunc),
    ID: noTrunc ? r.id : r.id.slice(0, 12),
    Name: r.name,
    Names: r.name,
    Command: command(r, noTrunc),
    Project: r.labels[PROJECT] ?? '',
    Service: r.labels[SERVICE] ?? '',
    Created: Math.floor(Date.parse(r.createdAt) / 1000),
    RunningFor: `${ago(r.createdAt, now)} ago`,
    State: r.status,
    Status: dockerStatus(r, now),
    Health: r.health ?? '',
    ExitCode: r.status === 'exited' ? (r.exitCode ?? 0) : 0,
    Publishers: publishers(r),
  };
}

/** The rows as `compose ps` prints them for `format` (table, json, or a Go template). */
export function renderComposePs(rows: readonly PsRow[], format = 'table', noTrunc = false, now = Date.now()): string {
  if (format === 'json') return rows.map((r) => `${JSON.stringify(composePsFields(r, now, noTrunc))}\n`).join('');
  if (format === 'table')
    return table(
      ['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS'],
      rows.map((r) => [
        r.name,
        r.image,
        command(r, noTrunc),
        r.labels[SERVICE] ?? '',
        `${ago(r.createdAt, now)} ago`,
        dockerStatus(r, now),
        r.ports.join(', '),
      ]),
    );
  const t = compileTemplate(format.replace(/\\t/g, '\t'));
  return rows.map((r) => `${t.render(composePsFields(r, now, noTrunc))}\n`).join('');
}

/**
 * The Containers pane: one row per published port (one for a container without), whose
 * container it is (netctl's own, or a CNI attachment), and what ufw does to new
 * connections to that port from outside.
 */
import type { PortRow, TuiPort } from '../snapshot.js';
import { Table } from './table.js';

/** Props of ContainersPane. */
export interface ContainersProps {
  rows: PortRow[];
  selected: number;
  height: number;
  focused: boolean;
  width: number;
  color?: boolean;
}

/** `0.0.0.0:8080->80/tcp`. */
export function portText(p: TuiPort): string {
  const host = p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp;
  return `${host}:${p.hostPort}->${p.containerPort}/${p.proto}`;
}

/** `open`, `closed`, `local only`, `from 203.0.113.1` (`limited`/`local` where there is no room). */
export function exposureText(p: TuiPort, wide = true): string {
  if (p.exposure === 'local') return wide ? 'local only' : 'local';
  if (p.exposure !== 'restricted') return p.exposure;
  return wide ? `from ${p.sources.join(',')}` : 'limited';
}

const COLORS: Record<TuiPort['exposure'], string | undefined> = {
  open: 'green',
  closed: 'red',
  restricted: 'yellow',
  local: 'cyan',
  unknown: undefined,
};

/** The port rows as a table. */
export function ContainersPane({ rows, selected, height, focused, width, color = true }: ContainersProps) {
  const wide = width >= 100;
  const columns = [
    // 80 and 100 columns exactly, with the single spaces between them.
    { title: 'NAME', width: wide ? 13 : 12 },
    { title: 'OWNER', width: 6 },
    { title: 'STATE', width: wide ? 8 : 7 },
    { title: 'ADDRESS', width: wide ? 15 : 13 },
    { title: 'NETWORK', width: wide ? 10 : 8 },
    { title: 'PORT', width: wide ? 22 : 21 },
    { title: 'UFW', width: wide ? 20 : 7 },
  ];
  const out = rows.map((r) => ({
    key: `${r.container.id}:${r.port ? portText(r.port) : ''}`,
    cells: [
      r.container.name,
      r.container.kind,
      r.container.state,
      r.container.address,
      r.container.network,
      r.port ? portText(r.port) : '-',
      r.port ? exposureText(r.port, wide) : '',
    ],
    color: r.port ? COLORS[r.port.exposure] : undefined,
  }));
  return (
    <Table
      columns={columns}
      rows={out}
      selected={selected}
      height={height}
      focused={focused}
      width={width}
      color={color}
    />
  );
}

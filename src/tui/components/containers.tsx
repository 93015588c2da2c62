/**
 * The Containers pane: one row per published port (one for a container without), with
 * what ufw does to new connections to that port from outside.
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
}

/** `0.0.0.0:8080->80/tcp`. */
export function portText(p: TuiPort): string {
  const host = p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp;
  return `${host}:${p.hostPort}->${p.containerPort}/${p.proto}`;
}

/** `open`, `closed`, `from 203.0.113.1`. */
export function exposureText(p: TuiPort): string {
  return p.exposure === 'restricted' ? `from ${p.sources.join(',')}` : p.exposure;
}

const COLORS: Record<TuiPort['exposure'], string | undefined> = { open: 'green', closed: 'red', restricted: 'yellow', unknown: undefined };

/** The port rows as a table. */
export function ContainersPane({ rows, selected, height, focused, width }: ContainersProps) {
  const wide = width >= 100;
  const columns = [
    { title: 'NAME', width: 12 }, { title: 'STATE', width: 9 }, { title: 'ADDRESS', width: 14 }, { title: 'NETWORK', width: 10 },
    { title: 'PORT', width: wide ? 30 : 22 }, { title: 'UFW', width: wide ? 22 : 8 },
  ];
  const out = rows.map((r) => ({
    key: `${r.container.id}:${r.port ? portText(r.port) : ''}`,
    cells: [r.container.name, r.container.state, r.container.address, r.container.network, r.port ? portText(r.port) : '-', r.port ? exposureText(r.port) : ''],
    color: r.port ? COLORS[r.port.exposure] : undefined,
  }));
  return <Table columns={columns} rows={out} selected={selected} height={height} focused={focused} width={width} />;
}

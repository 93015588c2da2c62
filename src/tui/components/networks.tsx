/**
 * The Networks pane: bridge, subnet, gateway, icc, internal, containers, up/down.
 */
import type { TuiNetwork } from '../snapshot.js';
import { Table } from './table.js';

/** Props of NetworksPane. */
export interface NetworksProps {
  networks: TuiNetwork[];
  selected: number;
  height: number;
  focused: boolean;
  width: number;
  color?: boolean;
}

/** The networks as a table. */
export function NetworksPane({ networks, selected, height, focused, width, color = true }: NetworksProps) {
  const wide = width >= 100;
  const columns = [
    { title: 'NETWORK', width: 12 },
    { title: 'BRIDGE', width: 15 },
    { title: 'SUBNET', width: wide ? 30 : 17 },
    { title: 'GATEWAY', width: 14 },
    { title: 'ICC', width: 3 },
    { title: 'INT', width: 3 },
    { title: 'CTRS', width: 4 },
    { title: 'STATE', width: 5 },
  ];
  const rows = networks.map((n) => ({
    key: n.name,
    cells: [
      n.name,
      n.bridge,
      n.subnet,
      n.gateway,
      n.icc ? 'on' : 'off',
      n.internal ? 'yes' : 'no',
      String(n.containers),
      n.up ? 'up' : 'down',
    ],
    color: n.up ? undefined : 'red',
  }));
  return (
    <Table
      columns={columns}
      rows={rows}
      selected={selected}
      height={height}
      focused={focused}
      width={width}
      color={color}
    />
  );
}

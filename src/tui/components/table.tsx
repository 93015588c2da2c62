/**
 * A plain text table: a header row and rows cut to the width, the selected row inverted.
 */
import { Box, Text } from 'ink';

/** One column: its title and width in characters. */
export interface Column {
  title: string;
  width: number;
}

function cell(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width);
}

/** Props of Table. */
export interface TableProps {
  columns: Column[];
  rows: { key: string; cells: string[]; color?: string }[];
  /** Index of the selected row, or -1. */
  selected: number;
  /** How many rows fit. */
  height: number;
  focused: boolean;
  /** Characters per line; longer lines are cut. */
  width: number;
}

/** Renders the rows around the selection that fit in `height`. */
export function Table({ columns, rows, selected, height, focused, width }: TableProps) {
  const first = Math.max(0, Math.min(selected - height + 1, rows.length - height));
  const visible = rows.slice(Math.max(0, first), Math.max(0, first) + height);
  return (
    <Box flexDirection="column">
      <Text bold>{columns.map((c) => cell(c.title, c.width)).join(' ').slice(0, width).trimEnd()}</Text>
      {visible.length === 0 ? <Text dimColor>(none)</Text> : null}
      {visible.map((r, i) => {
        const index = Math.max(0, first) + i;
        const line = r.cells.map((v, j) => cell(v, columns[j]?.width ?? 10)).join(' ').slice(0, width).trimEnd();
        return (
          <Text key={r.key} inverse={focused && index === selected} color={r.color}>
            {line}
          </Text>
        );
      })}
    </Box>
  );
}

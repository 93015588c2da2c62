/**
 * A plain text table: a header row and rows cut to the width, the selected row inverted
 * (marked with `>` where the terminal has no colours, since inverse video goes with them).
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
  /** The terminal shows colours and attributes (default true). */
  color?: boolean;
}

/** The two-character gutter of a colourless screen: `> ` on the selected line. */
export function gutter(color: boolean, selected: boolean, mark = false): string {
  if (color) return '';
  return `${selected ? '>' : ' '}${mark ? '*' : ' '}`;
}

/** Renders the rows around the selection that fit in `height`. */
export function Table({ columns: given, rows, selected, height, focused, width, color = true }: TableProps) {
  // The last column takes what a wider terminal has to spare.
  const fixed = given.slice(0, -1).reduce((n, c) => n + c.width + 1, gutter(color, false).length);
  const columns = given.map((c, i) => (i === given.length - 1 ? { ...c, width: Math.max(c.width, width - fixed) } : c));
  const first = Math.max(0, Math.min(selected - height + 1, rows.length - height));
  const visible = rows.slice(Math.max(0, first), Math.max(0, first) + height);
  return (
    <Box flexDirection="column">
      <Text bold>
        {(gutter(color, false) + columns.map((c) => cell(c.title, c.width)).join(' ')).slice(0, width).trimEnd()}
      </Text>
      {visible.length === 0 ? <Text dimColor>(none)</Text> : null}
      {visible.map((r, i) => {
        const index = Math.max(0, first) + i;
        const on = focused && index === selected;
        const line = (gutter(color, on) + r.cells.map((v, j) => cell(v, columns[j]?.width ?? 10)).join(' '))
          .slice(0, width)
          .trimEnd();
        return (
          <Text key={r.key} inverse={on} color={r.color}>
            {line}
          </Text>
        );
      })}
    </Box>
  );
}

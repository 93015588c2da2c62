/**
 * The Rules pane: netctl's own rules by table and chain with live counters, then the ufw
 * route rules netctl made. Rules of the highlighted container stand out.
 */
import { Box, Text } from 'ink';
import type { TuiContainer, TuiRule } from '../snapshot.js';
import { ruleOf } from '../snapshot.js';

/** Props of RulesPane. */
export interface RulesProps {
  rules: TuiRule[];
  routes: string[];
  selected: number;
  height: number;
  focused: boolean;
  width: number;
  highlight?: TuiContainer;
}

function counters(r: TuiRule): string {
  return `${String(r.packets).padStart(8)} ${String(r.bytes).padStart(10)}`;
}

/** The rule lines, cut to the width and the height around the selection. */
export function RulesPane({ rules, routes, selected, height, focused, width, highlight }: RulesProps) {
  const lines = [
    ...rules.map((r) => ({ text: `${counters(r)}  v${r.family} ${r.table.padEnd(6)} ${r.text}`, mark: highlight !== undefined && ruleOf(r, highlight) })),
    ...routes.map((r) => ({ text: `${'ufw'.padStart(19)}  ${r}`, mark: highlight !== undefined && r.includes(` ${highlight.address} `) })),
  ];
  const first = Math.max(0, Math.min(selected - height + 1, lines.length - height));
  return (
    <Box flexDirection="column">
      <Text bold>{`${'PACKETS'.padStart(8)} ${'BYTES'.padStart(10)}  RULE`}</Text>
      {lines.length === 0 ? <Text dimColor>(no rules owned by netctl)</Text> : null}
      {lines.slice(first, first + height).map((l, i) => (
        <Text key={first + i} inverse={focused && first + i === selected} color={l.mark ? 'cyan' : undefined} wrap="truncate-end">
          {l.text.slice(0, width)}
        </Text>
      ))}
    </Box>
  );
}

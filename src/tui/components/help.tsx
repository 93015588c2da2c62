/**
 * The key help overlay.
 */
import { Box, Text } from 'ink';

const KEYS: [string, string][] = [
  ['tab, left/right', 'next / previous pane'],
  ['up/down', 'move the selection'],
  ['enter', 'details of the selection (esc, enter or q closes them)'],
  ['/', 'filter the rows (enter keeps it, esc clears it)'],
  ['a', 'allow the selected port through ufw (asks for source CIDR)'],
  ['d', 'deny the selected port (remove what allow opened)'],
  ['i', 'images: sizes and shared layers as image ls; h or enter: history'],
  ['r', 'refresh now'],
  ['?', 'this help'],
  ['q', 'quit'],
];

/** The keys, one per line. */
export function Help() {
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={1}>
      <Text bold>keys</Text>
      {KEYS.map(([k, v]) => (
        <Text key={k}>{`${k.padEnd(16)} ${v}`}</Text>
      ))}
    </Box>
  );
}

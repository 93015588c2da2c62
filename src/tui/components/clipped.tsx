/**
 * Lines that wrap at the width, in a box of fixed height that cuts what does not fit.
 */
import { Box, Text } from 'ink';

/** One line and its colour. */
export interface ClippedLine {
  text: string;
  color?: string;
}

/** Props of Clipped. */
export interface ClippedProps {
  lines: ClippedLine[];
  height: number;
  width: number;
}

/** The lines from the top, as many as fit. */
export function Clipped({ lines, height, width }: ClippedProps) {
  // flexShrink 0: Yoga would otherwise squeeze the lines of an overfull box onto each other.
  return (
    <Box flexDirection="column" height={height} width={width} overflow="hidden">
      {lines.map((l, i) => (
        <Box key={i} flexShrink={0}>
          <Text color={l.color}>{l.text}</Text>
        </Box>
      ))}
    </Box>
  );
}

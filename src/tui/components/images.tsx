/**
 * The Images view (key `i`): stored images as `image ls` lists them, sizes with how many
 * layers another image shares, and an image's history (`h` or enter) as `netctl history`
 * prints it. Props only.
 */
import { Box, Text } from 'ink';
import { ellipsis, humanSize } from '../../model/image-history.js';
import type { TuiHistory, TuiImage } from '../snapshot.js';
import { Table } from './table.js';

/** Props of ImagesPane. */
export interface ImagesProps {
  images: TuiImage[];
  selected: number;
  height: number;
  width: number;
  color?: boolean;
}

/** The shared column of `image ls`: `2/4 layers`, or `-` when no layer is shared. */
export function sharedText(r: TuiImage): string {
  return r.sharedLayers ? `${r.sharedLayers}/${r.layers} layers` : '-';
}

/** The images as a table. */
export function ImagesPane({ images, selected, height, width, color = true }: ImagesProps) {
  const columns = [
    { title: 'REPOSITORY', width: Math.max(16, width - 70) },
    { title: 'TAG', width: 10 },
    { title: 'IMAGE ID', width: 12 },
    { title: 'CREATED', width: 16 },
    { title: 'SIZE', width: 8 },
    { title: 'SHARED', width: 14 },
  ];
  const rows = images.map((r) => ({
    key: `${r.repository}:${r.tag}:${r.id}`,
    cells: [
      r.repository,
      r.tag,
      r.id.slice(0, 12),
      r.created.replace('T', ' ').slice(0, 16),
      humanSize(r.size),
      sharedText(r),
    ],
  }));
  if (rows.length === 0) return <Text>(no images: netctl pull NAME stores one)</Text>;
  return (
    <Table columns={columns} rows={rows} selected={selected} height={height} focused width={width} color={color} />
  );
}

/** Props of HistoryPane. */
export interface HistoryProps {
  history: TuiHistory;
  height: number;
  width: number;
}

/** An image's history, newest step first. */
export function HistoryPane({ history, height, width }: HistoryProps) {
  const by = Math.max(20, width - 60);
  const line = (cells: string[]) =>
    [cells[0]!.padEnd(12), cells[1]!.padEnd(16), cells[2]!.padEnd(by), cells[3]!.padStart(8), cells[4]!]
      .join('  ')
      .slice(0, width);
  const rows = history.rows
    .slice(0, Math.max(1, height - 2))
    .map((r) =>
      line([
        r.id === null ? '<missing>' : r.id.slice(0, 12),
        r.created ? r.created.replace('T', ' ').slice(0, 16) : 'N/A',
        ellipsis(r.createdBy.replace(/\t/g, ' '), by),
        humanSize(r.size),
        r.comment,
      ]),
    );
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">{`history of ${history.name}`}</Text>
      <Text wrap="truncate-end">{line(['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'])}</Text>
      {rows.map((l, i) => (
        <Text key={String(i)} wrap="truncate-end">
          {l}
        </Text>
      ))}
      {history.rows.length > rows.length ? <Text dimColor>{`(${history.rows.length - rows.length} more)`}</Text> : null}
    </Box>
  );
}

/**
 * What the TUI shows, as plain data: components render a snapshot and nothing else, so
 * tests render them against a fixed one. The types are the read model's (ops/read-types.ts),
 * shared with the CLI's views; the live source (source.ts) takes the snapshots from ops.
 */
import type { HistoryRow } from '../ops/image-history.js';
import type { ImageRow } from '../ops/image.js';
import type {
  LiveSnapshot,
  ContainerView as TuiContainer,
  OwnedRule as TuiRule,
  PortView as TuiPort,
} from '../ops/read-types.js';
import { mentions } from '../ops/read-owners.js';

export type {
  NetworkView as TuiNetwork,
  PortView as TuiPort,
  VethView as TuiVeth,
  ContainerKind as TuiKind,
  OwnerKind as TuiOwner,
  CniView as TuiCni,
  ContainerView as TuiContainer,
  OwnedRule as TuiRule,
  RouteLine as TuiRoute,
} from '../ops/read-types.js';

/** One row of the Images view: `image ls`'s. */
export type TuiImage = ImageRow;

/** What the TUI shows: the read model's snapshot, and the stored images (`image ls`'s rows). */
export type TuiSnapshot = LiveSnapshot & { images?: TuiImage[] };

/** An image's history as the Images view shows it. */
export interface TuiHistory {
  /** What the image is called on its row. */
  name: string;
  rows: HistoryRow[];
}

/** The rows of the Containers pane: one per published port, one for a container without. */
export interface PortRow {
  container: TuiContainer;
  port?: TuiPort;
}

/** Flattens containers into port rows. */
export function portRows(containers: readonly TuiContainer[]): PortRow[] {
  return containers.flatMap((c) =>
    c.ports.length === 0 ? [{ container: c }] : c.ports.map((port) => ({ container: c, port })),
  );
}

/** Whether a rule concerns a container (its address appears in it). */
export function ruleOf(rule: TuiRule, c: TuiContainer): boolean {
  return mentions(rule.text, c.address);
}

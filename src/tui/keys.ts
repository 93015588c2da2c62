/**
 * The TUI's state and what each key does to it, as a pure reducer: the App component only
 * wires Ink's input to it and runs the effects it asks for.
 */
import { onImagesKey } from './image-keys.js';
import {
  portRows,
  type PortRow,
  type TuiHistory,
  type TuiNetwork,
  type TuiRoute,
  type TuiRule,
  type TuiSnapshot,
} from './snapshot.js';

/** The panes, in tab order. */
export const PANES = ['Networks', 'Containers', 'Rules'] as const;

/** What the screen is doing. */
export interface UiState {
  pane: number;
  selected: [number, number, number];
  mode: 'normal' | 'filter' | 'prompt' | 'help' | 'details' | 'images' | 'history';
  filter: string;
  /** Text being typed in filter or prompt mode. */
  input: string;
  status: string;
  /** The selected row of the Images view (key `i`). */
  image: number;
  /** The history the Images view showed last. */
  history?: TuiHistory;
}

/** What a key asks the App to do besides changing the state. */
export type Effect =
  | { kind: 'quit' }
  | { kind: 'refresh' }
  | { kind: 'allow'; name: string; port: string; from: string }
  | { kind: 'deny'; name: string; port: string }
  | { kind: 'history'; ref: string; name: string };

/** A key as Ink reports it. */
export interface Key {
  input: string;
  tab?: boolean;
  shift?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
}

/**
 * The keys in one chunk of plain input: a terminal multiplexer or a fast typist can deliver
 * `\t\r` or `a10.0.0.0/8\r` in one read, which Ink hands over as a single input.
 */
export function splitKeys(input: string): Key[] {
  return [...input].map((ch) => {
    if (ch === '\t') return { input: '', tab: true };
    if (ch === '\r' || ch === '\n') return { input: '', return: true };
    if (ch === '\x7f' || ch === '\b') return { input: '', backspace: true };
    return { input: ch };
  });
}

/**
 * The keys behind one Ink input event. Besides chunks of plain input, an escape that
 * arrives with the next key in one read is reported as that key with `meta` (Esc + Down),
 * or for Tab as a bare `\t`: no binding uses Alt, so it is Escape, then the key.
 */
export function keysOf(input: string, key: Omit<Key, 'input'>): Key[] {
  if (input.length > 1) return splitKeys(input);
  if (input === '\t' && !key.tab)
    return [
      { input: '', escape: true },
      { input: '', tab: true },
    ];
  if (key.meta && !key.escape)
    return [
      { input: '', escape: true },
      { ...key, input, meta: false },
    ];
  return [{ ...key, input }];
}

/** The start state. */
export function initialState(): UiState {
  return { pane: 1, selected: [0, 0, 0], mode: 'normal', filter: '', input: '', status: 'press ? for help', image: 0 };
}

const has = (filter: string, text: string): boolean => !filter || text.toLowerCase().includes(filter.toLowerCase());

/** The rows of the Networks pane after the filter. */
export function visibleNetworks(s: UiState, snap: TuiSnapshot): TuiNetwork[] {
  return snap.networks.filter((n) => has(s.filter, `${n.name} ${n.bridge} ${n.subnet}`));
}

/** The rows of the Containers pane after the filter. */
export function visiblePorts(s: UiState, snap: TuiSnapshot): PortRow[] {
  return portRows(snap.containers).filter((r) =>
    has(
      s.filter,
      `${r.container.name} ${r.container.kind} ${r.container.address} ${r.container.network} ${r.port?.containerPort ?? ''} ${r.port?.hostPort ?? ''}`,
    ),
  );
}

/** The rows of the Rules pane after the filter: owned rules, then ufw route rules (netctl's and CNI's, then Docker's). */
export function visibleRules(s: UiState, snap: TuiSnapshot): { rules: TuiRule[]; routes: TuiRoute[] } {
  return {
    rules: snap.rules.filter((r) => has(s.filter, `${r.table} ${r.owner} ${r.containers.join(' ')} ${r.text}`)),
    routes: snap.routes.filter((r) => has(s.filter, `${r.owner} ${r.container} ${r.allow} ${r.command}`)),
  };
}

/** How many rows the active pane has. */
export function rowCount(s: UiState, snap: TuiSnapshot): number {
  if (s.pane === 0) return visibleNetworks(s, snap).length;
  if (s.pane === 1) return visiblePorts(s, snap).length;
  const { rules, routes } = visibleRules(s, snap);
  return rules.length + routes.length;
}

/** The selected port row, when the Containers pane is active. */
export function selectedPort(s: UiState, snap: TuiSnapshot): PortRow | undefined {
  return s.pane === 1 ? visiblePorts(s, snap)[s.selected[1]] : undefined;
}

/** The selected row of the active pane, which Enter opens. */
export type Selection =
  | { kind: 'network'; network: TuiNetwork }
  | { kind: 'container'; row: PortRow }
  | { kind: 'rule'; rule: TuiRule }
  | { kind: 'route'; route: TuiRoute };

/** What is selected in the active pane, if anything. */
export function selection(s: UiState, snap: TuiSnapshot): Selection | undefined {
  const i = s.selected[s.pane as 0 | 1 | 2];
  if (s.pane === 0) {
    const network = visibleNetworks(s, snap)[i];
    return network && { kind: 'network', network };
  }
  if (s.pane === 1) {
    const row = visiblePorts(s, snap)[i];
    return row && { kind: 'container', row };
  }
  const { rules, routes } = visibleRules(s, snap);
  const rule = rules[i];
  if (rule) return { kind: 'rule', rule };
  const route = routes[i - rules.length];
  return route === undefined ? undefined : { kind: 'route', route };
}

function move(s: UiState, snap: TuiSnapshot, by: number): UiState {
  const n = rowCount(s, snap);
  const selected = [...s.selected] as UiState['selected'];
  selected[s.pane] = Math.max(0, Math.min(n - 1, selected[s.pane]! + by));
  return { ...s, selected };
}

function typing(s: UiState, key: Key): UiState {
  if (key.backspace || key.delete) return { ...s, input: s.input.slice(0, -1) };
  return key.input && !key.tab ? { ...s, input: s.input + key.input } : s;
}

function portArg(r: PortRow): string {
  return `${r.port!.containerPort}/${r.port!.proto}`;
}

/** Applies one key. */
export function onKey(s: UiState, key: Key, snap: TuiSnapshot): { state: UiState; effect?: Effect } {
  if (s.mode === 'filter') {
    if (key.return) return { state: { ...s, mode: 'normal', filter: s.input } };
    if (key.escape) return { state: { ...s, mode: 'normal', filter: '', input: '' } };
    const next = typing(s, key);
    // Another filter, other rows: the selection starts over at the first one.
    return { state: { ...next, filter: next.input, selected: next.input === s.filter ? s.selected : [0, 0, 0] } };
  }
  if (s.mode === 'prompt') {
    const row = selectedPort(s, snap);
    if (key.escape || !row?.port) return { state: { ...s, mode: 'normal', input: '', status: 'cancelled' } };
    if (key.return)
      return {
        state: { ...s, mode: 'normal', input: '', status: `allowing ${row.container.name} ${portArg(row)}...` },
        effect: { kind: 'allow', name: row.container.name, port: portArg(row), from: s.input.trim() },
      };
    return { state: typing(s, key) };
  }
  if (s.mode === 'images' || s.mode === 'history') return onImagesKey(s, key, snap);
  if (s.mode === 'help' || s.mode === 'details') {
    if (key.escape || key.return || key.input === 'q' || key.input === '?') return { state: { ...s, mode: 'normal' } };
    return { state: s };
  }
  if (key.input === 'q') return { state: s, effect: { kind: 'quit' } };
  if (key.tab || key.rightArrow)
    return { state: { ...s, pane: (s.pane + (key.shift ? PANES.length - 1 : 1)) % PANES.length } };
  if (key.leftArrow) return { state: { ...s, pane: (s.pane + PANES.length - 1) % PANES.length } };
  if (key.upArrow) return { state: move(s, snap, -1) };
  if (key.downArrow) return { state: move(s, snap, 1) };
  if (key.input === '?') return { state: { ...s, mode: 'help' } };
  if (key.input === 'i') return { state: { ...s, mode: 'images' } };
  if (key.input === '/') return { state: { ...s, mode: 'filter', input: s.filter } };
  if (key.input === 'r') return { state: { ...s, status: 'refreshing' }, effect: { kind: 'refresh' } };
  const row = selectedPort(s, snap);
  if (key.return)
    return selection(s, snap) ? { state: { ...s, mode: 'details' } } : { state: { ...s, status: 'nothing selected' } };
  if (key.input === 'a' || key.input === 'd') {
    if (!row?.port) return { state: { ...s, status: 'select a published port in the Containers pane first' } };
    if (key.input === 'd')
      return {
        state: { ...s, status: `denying ${row.container.name} ${portArg(row)}...` },
        effect: { kind: 'deny', name: row.container.name, port: portArg(row) },
      };
    return { state: { ...s, mode: 'prompt', input: '' } };
  }
  return { state: s };
}

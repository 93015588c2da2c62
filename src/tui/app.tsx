/**
 * The TUI screen: header, pane tabs, the active pane (all three stacked on tall terminals),
 * the detail view, help, the prompt and the status line. Props only: the snapshot, the
 * actions and the terminal size come from outside.
 */
import { useRef, useState } from 'react';
import { Box, Text, useApp, useInput } from 'ink';
import { portRows, type TuiSnapshot } from './snapshot.js';
import type { TuiActions } from './actions.js';
import {
  PANES,
  initialState,
  keysOf,
  onKey,
  selectedPort,
  selection,
  visibleNetworks,
  visiblePorts,
  visibleRules,
  type Effect,
  type Selection,
  type UiState,
} from './keys.js';
import { NetworksPane } from './components/networks.js';
import { ContainersPane } from './components/containers.js';
import { RulesPane } from './components/rules.js';
import { Details } from './components/details.js';
import { NetworkDetails } from './components/network-details.js';
import { RuleDetails } from './components/rule-details.js';
import { Help } from './components/help.js';
import { HistoryPane, ImagesPane } from './components/images.js';
import { visibleImages } from './image-keys.js';

/** Props of App. */
export interface AppProps {
  snapshot: TuiSnapshot;
  actions: TuiActions;
  width: number;
  height: number;
  /** Asks the data source for a new snapshot now. */
  onRefresh?: () => void;
  /** The terminal shows colours and attributes (default true); without, `>` marks the selection. */
  color?: boolean;
  /** Why the last refresh failed, shown in the status line while it lasts. */
  sourceError?: string;
}

// The key hint, whole in 80 columns.
const HINT = 'tab pane  ↑↓ move  enter details  / filter  a allow  d deny  r refresh  ? help  q quit';
const HINT_80 = 'tab:pane ↑↓:move enter:details /:filter a:allow d:deny r:refresh ?:help q:quit';
const IMAGES_HINT = 'images  ↑↓ move  h/enter history  r refresh  esc back';

function Tabs({ pane }: { pane: number }) {
  return <Text>{PANES.map((p, i) => (i === pane ? `[${i + 1} ${p}]` : ` ${i + 1} ${p} `)).join(' ')}</Text>;
}

function pane(i: number, s: UiState, snap: TuiSnapshot, height: number, width: number, color: boolean) {
  const focused = s.pane === i;
  if (i === 0)
    return (
      <NetworksPane
        networks={visibleNetworks(s, snap)}
        selected={s.selected[0]}
        height={height}
        focused={focused}
        width={width}
        color={color}
      />
    );
  if (i === 1)
    return (
      <ContainersPane
        rows={visiblePorts(s, snap)}
        selected={s.selected[1]}
        height={height}
        focused={focused}
        width={width}
        color={color}
      />
    );
  const { rules, routes } = visibleRules(s, snap);
  return (
    <RulesPane
      rules={rules}
      routes={routes}
      selected={s.selected[2]}
      height={height}
      focused={focused}
      width={width}
      highlight={selectedPort({ ...s, pane: 1 }, snap)?.container}
      color={color}
    />
  );
}

function details(sel: Selection | undefined, snap: TuiSnapshot, height: number, width: number, color: boolean) {
  if (!sel) return <Text>(the selection is gone; esc goes back)</Text>;
  if (sel.kind === 'network')
    return (
      <NetworkDetails
        network={sel.network}
        containers={snap.containers}
        rules={snap.rules}
        height={height}
        width={width}
        color={color}
      />
    );
  if (sel.kind === 'container')
    return <Details container={sel.row.container} rules={snap.rules} height={height} width={width} color={color} />;
  return sel.kind === 'rule' ? (
    <RuleDetails rule={sel.rule} height={height} width={width} />
  ) : (
    <RuleDetails route={sel.route} height={height} width={width} />
  );
}

/**
 * Rows for each pane when all three are shown: networks and containers as many as they
 * have (up to a quarter and a half of the room), the rules the rest.
 */
export function stackHeights(room: number, networks: number, ports: number): [number, number, number] {
  const nets = Math.max(1, Math.min(networks, Math.floor(room / 4)));
  const ctrs = Math.max(1, Math.min(ports, Math.floor((room - nets) / 2)));
  return [nets, ctrs, Math.max(1, room - nets - ctrs)];
}

/** The whole screen. */
export function App({ snapshot, actions, width, height, onRefresh, color = true, sourceError = '' }: AppProps) {
  const [s, setS] = useState<UiState>(initialState);
  // The state between renders: keys arriving in one tick must each see the previous one's
  // result, which the rendered `s` does not show yet.
  const current = useRef(s);
  const update = (f: (x: UiState) => UiState): void => {
    current.current = f(current.current);
    setS(current.current);
  };
  const { exit } = useApp();
  const fail = (err: unknown) =>
    update((x) => ({ ...x, status: `error: ${err instanceof Error ? err.message : String(err)}` }));
  const showHistory = (ref: string, name: string): void =>
    void actions
      .history(ref)
      .then(
        (rows) => update((x) => ({ ...x, mode: 'history', history: { name, rows }, status: `history of ${name}` })),
        fail,
      );
  const run = (e: Effect): void => {
    if (e.kind === 'quit') return exit();
    if (e.kind === 'refresh') return onRefresh?.();
    if (e.kind === 'history') return showHistory(e.ref, e.name);
    const done = e.kind === 'allow' ? actions.allow(e.name, e.port, e.from || undefined) : actions.deny(e.name, e.port);
    done
      .then((msg) => update((x) => ({ ...x, status: msg || `${e.kind} ${e.name} ${e.port}: done` })), fail)
      .finally(() => onRefresh?.());
  };
  useInput((input, key) => {
    const keys = keysOf(input, key);
    const effects: Effect[] = [];
    update((x) =>
      keys.reduce((state, k) => {
        const r = onKey(state, k, snapshot);
        if (r.effect) effects.push(r.effect);
        return r.state;
      }, x),
    );
    effects.forEach(run);
  });
  const body = Math.max(3, height - 6);
  // The Images view and a history take the whole body, as help and details do.
  const own = s.mode === 'help' || s.mode === 'details' || s.mode === 'images' || s.mode === 'history';
  const stacked = height >= 40 && !own;
  const heights = stackHeights(body - 9, snapshot.networks.length, portRows(snapshot.containers).length);
  const row = selectedPort(s, snapshot);
  const status = sourceError ? `error: refresh failed: ${sourceError}` : s.status;
  return (
    <Box flexDirection="column" width={width}>
      <Text
        bold
        wrap="truncate-end"
      >{`netctl  ${snapshot.ufw}  ${snapshot.dns ? `${snapshot.dns}  ` : ''}${snapshot.at.slice(11, 19)}`}</Text>
      <Tabs pane={s.pane} />
      {s.mode === 'help' ? <Help /> : null}
      {s.mode === 'details' ? details(selection(s, snapshot), snapshot, body, width, color) : null}
      {s.mode === 'images' ? (
        <ImagesPane images={visibleImages(snapshot)} selected={s.image} height={body - 1} width={width} color={color} />
      ) : null}
      {s.mode === 'history' && s.history ? <HistoryPane history={s.history} height={body} width={width} /> : null}
      {!own && stacked
        ? [0, 1, 2].map((i) => (
            <Box key={i} flexDirection="column" marginBottom={1}>
              <Text underline>{PANES[i]}</Text>
              {pane(i, s, snapshot, heights[i]!, width, color)}
            </Box>
          ))
        : null}
      {!own && !stacked ? pane(s.pane, s, snapshot, body - 1, width, color) : null}
      {s.mode === 'prompt' && row?.port ? (
        <Text>{`allow ${row.container.name} ${row.port.containerPort}/${row.port.proto} from (CIDR, empty: anywhere): ${s.input}_`}</Text>
      ) : null}
      {s.mode === 'filter' ? <Text>{`filter: ${s.input}_`}</Text> : null}
      <Text wrap="truncate-end" color={status.startsWith('error') ? 'red' : undefined}>
        {status}
      </Text>
      <Text dimColor wrap="truncate-end">
        {s.mode === 'images' || s.mode === 'history' ? IMAGES_HINT : width >= HINT.length ? HINT : HINT_80}
      </Text>
    </Box>
  );
}

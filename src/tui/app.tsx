/**
 * The TUI screen: header, pane tabs, the active pane (all three stacked on tall terminals),
 * the detail view, help, the prompt and the status line. Props only: the snapshot, the
 * actions and the terminal size come from outside.
 */
import { useState } from 'react';
import { Box, Text, useApp, useInput } from 'ink';
import type { TuiSnapshot } from './snapshot.js';
import type { TuiActions } from './actions.js';
import { PANES, initialState, onKey, selectedPort, visiblePorts, type Effect, type UiState } from './keys.js';
import { NetworksPane } from './components/networks.js';
import { ContainersPane } from './components/containers.js';
import { RulesPane } from './components/rules.js';
import { Details } from './components/details.js';
import { Help } from './components/help.js';

/** Props of App. */
export interface AppProps {
  snapshot: TuiSnapshot;
  actions: TuiActions;
  width: number;
  height: number;
  /** Asks the data source for a new snapshot now. */
  onRefresh?: () => void;
}

function Tabs({ pane }: { pane: number }) {
  return (
    <Text>
      {PANES.map((p, i) => (i === pane ? `[${i + 1} ${p}]` : ` ${i + 1} ${p} `)).join(' ')}
    </Text>
  );
}

function pane(i: number, s: UiState, snap: TuiSnapshot, height: number, width: number) {
  const focused = s.pane === i;
  const f = s.filter.toLowerCase();
  if (i === 0) return <NetworksPane networks={snap.networks.filter((n) => !f || `${n.name} ${n.bridge} ${n.subnet}`.toLowerCase().includes(f))} selected={s.selected[0]} height={height} focused={focused} width={width} />;
  if (i === 1) return <ContainersPane rows={visiblePorts(s, snap)} selected={s.selected[1]} height={height} focused={focused} width={width} />;
  const rules = snap.rules.filter((r) => !f || r.text.toLowerCase().includes(f));
  return <RulesPane rules={rules} routes={snap.routes} selected={s.selected[2]} height={height} focused={focused} width={width} highlight={selectedPort({ ...s, pane: 1 }, snap)?.container} />;
}

/** The whole screen. */
export function App({ snapshot, actions, width, height, onRefresh }: AppProps) {
  const [s, setS] = useState<UiState>(initialState);
  const { exit } = useApp();
  const run = (e: Effect): void => {
    if (e.kind === 'quit') return exit();
    if (e.kind === 'refresh') return onRefresh?.();
    const done = e.kind === 'allow' ? actions.allow(e.name, e.port, e.from || undefined) : actions.deny(e.name, e.port);
    done.then(
      (msg) => setS((x) => ({ ...x, status: msg || `${e.kind} ${e.name} ${e.port}: done` })),
      (err: unknown) => setS((x) => ({ ...x, status: `error: ${err instanceof Error ? err.message : String(err)}` })),
    ).finally(() => onRefresh?.());
  };
  useInput((input, key) => {
    const r = onKey(s, { ...key, input }, snapshot);
    setS(r.state);
    if (r.effect) run(r.effect);
  });
  const body = Math.max(3, height - 6);
  const stacked = height >= 40 && s.mode === 'normal';
  const row = selectedPort(s, snapshot);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">{`netctl tui  ${snapshot.ufw}  (as of ${snapshot.at.slice(11, 19)})`}</Text>
      <Tabs pane={s.pane} />
      {s.mode === 'help' ? <Help /> : null}
      {s.mode === 'details' && row ? <Details container={row.container} rules={snapshot.rules} height={body} width={width} /> : null}
      {s.mode !== 'help' && s.mode !== 'details' && stacked
        ? [0, 1, 2].map((i) => (
            <Box key={i} flexDirection="column" marginBottom={1}>
              <Text underline>{PANES[i]}</Text>
              {pane(i, s, snapshot, Math.floor((body - 9) / 3), width)}
            </Box>
          ))
        : null}
      {s.mode !== 'help' && s.mode !== 'details' && !stacked ? pane(s.pane, s, snapshot, body - 1, width) : null}
      {s.mode === 'prompt' && row?.port ? <Text>{`allow ${row.container.name} ${row.port.containerPort}/${row.port.proto} from (CIDR, empty: anywhere): ${s.input}_`}</Text> : null}
      {s.mode === 'filter' ? <Text>{`filter: ${s.input}_`}</Text> : null}
      <Text wrap="truncate-end" color={s.status.startsWith('error') ? 'red' : undefined}>{s.status}</Text>
      <Text dimColor wrap="truncate-end">tab pane  ↑↓ move  enter details  / filter  a allow  d deny  r refresh  ? help  q quit</Text>
    </Box>
  );
}

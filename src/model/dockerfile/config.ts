/** Image config changes of the metadata instructions, and Docker's history strings. Pure. */
import type { HistoryEntry, OciConfig, Step } from './types.js';

/**
 * Applies a resolved metadata step (ENV, LABEL, EXPOSE, USER, WORKDIR, CMD, ENTRYPOINT, VOLUME,
 * STOPSIGNAL, HEALTHCHECK, SHELL, ONBUILD, MAINTAINER, ARG) to CONFIG; returns a new config and
 * the history entry. RUN/COPY/ADD leave the config as is (their history comes from historyEntry).
 */
export function applyStep(_config: OciConfig, _step: Step): { config: OciConfig; history: HistoryEntry } {
  throw new Error('not yet');
}

/** Docker's `created_by` for STEP (`/bin/sh -c #(nop)  ENV X=y`); FILES is COPY/ADD's content checksum. */
export function historyEntry(_step: Step, _files?: string): HistoryEntry {
  throw new Error('not yet');
}

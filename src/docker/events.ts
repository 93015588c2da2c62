/**
 * The `/events` stream as events: newline-separated JSON documents, read chunk by chunk.
 * Pure. A line that is not JSON, or not an event of the shape netctl reads, is skipped: one
 * odd line from a daemon (or a proxy in front of it) must not end the watch.
 */
import type { DockerEvent } from './client.js';

/** The longest line kept while waiting for its end; a longer one is dropped whole. */
export const MAX_LINE = 1024 * 1024;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One line as an event, or undefined when it is not one. */
export function parseEvent(line: string): DockerEvent | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(v) || typeof v.Type !== 'string' || typeof v.Action !== 'string') return undefined;
  const actor = v.Actor;
  if (!isRecord(actor) || typeof actor.ID !== 'string') return undefined;
  const e: DockerEvent = { Type: v.Type, Action: v.Action, Actor: { ID: actor.ID } };
  if (isRecord(actor.Attributes)) {
    // Only string values: the watch reads `container` and names as strings.
    const attrs = Object.entries(actor.Attributes).filter((kv): kv is [string, string] => typeof kv[1] === 'string');
    e.Actor.Attributes = Object.fromEntries(attrs);
  }
  if (typeof v.time === 'number') e.time = v.time;
  if (typeof v.timeNano === 'number') e.timeNano = v.timeNano;
  return e;
}

/** The stream's state between chunks: the start of a line whose end has not come yet. */
export class EventLines {
  private rest = '';
  private dropping = false;

  /** The events completed by `chunk`. */
  push(chunk: string): DockerEvent[] {
    const out: DockerEvent[] = [];
    let text = this.rest + chunk;
    let nl: number;
    while ((nl = text.indexOf('\n')) >= 0) {
      const line = text.slice(0, nl).trim();
      text = text.slice(nl + 1);
      if (this.dropping) this.dropping = false;
      else if (line !== '') {
        const e = parseEvent(line);
        if (e) out.push(e);
      }
    }
    if (text.length > MAX_LINE) {
      this.dropping = true;
      text = '';
    }
    this.rest = text;
    return out;
  }
}

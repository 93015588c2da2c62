/**
 * The `netctl.allow=80/tcp,443` and `netctl.allow.from=203.0.113.0/24,...` labels, on a
 * Docker container or a compose service: the one parser, with one behaviour for a bad label,
 * refused as a whole in one line that names the label and the value (never half of it
 * opened, never an empty source list read as "anywhere"). Pure.
 */
import { NetctlError, UsageError } from '../errors.js';
import type { AllowRule } from './allow.js';
import { canonicalSource, EMPTY_SOURCES, parsePortArg, rulesOf } from './allow-policy.js';

/** The label listing the ports to open: `80/tcp,443`. */
export const ALLOW_LABEL = 'netctl.allow';
/** The label restricting them to sources: `203.0.113.0/24,198.51.100.7`. */
export const FROM_LABEL = 'netctl.allow.from';

/** The items of a comma-separated label, trimmed, empty ones left out. */
export function labelList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function each<T>(label: string, items: readonly string[], fn: (t: string) => T): T[] {
  return items.map((item) => {
    try {
      return fn(item);
    } catch (err) {
      if (err instanceof NetctlError) throw new UsageError(`label ${label}: ${err.message}`);
      throw err;
    }
  });
}

/**
 * The allow rules the labels declare on container `name` (none without `netctl.allow`).
 * @throws UsageError `label netctl.allow: invalid port "x": ...` and the like: the first bad
 *   value, in one line.
 */
export function labelRules(name: string, labels: Readonly<Record<string, string>>): AllowRule[] {
  const ports = labels[ALLOW_LABEL];
  const from = labels[FROM_LABEL];
  if (ports === undefined) {
    if (from !== undefined) throw new UsageError(`label ${FROM_LABEL} without ${ALLOW_LABEL}: nothing opened`);
    return [];
  }
  const sources = from === undefined ? [] : labelList(from);
  if (from !== undefined && sources.length === 0) throw new UsageError(`label ${FROM_LABEL} ${EMPTY_SOURCES}`);
  const pps = each(ALLOW_LABEL, labelList(ports), parsePortArg);
  const froms = each(FROM_LABEL, sources, canonicalSource);
  return rulesOf(name, pps, froms.length === 0 ? [null] : [...new Set(froms)]);
}

/**
 * Validation of names and small option values. Each check throws a UsageError that names
 * the bad value, before anything is changed.
 */
import { UsageError } from '../errors.js';

// Docker's rule for container and network names.
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** A network or container name. */
export function checkName(kind: string, name: string): string {
  if (!NAME.test(name) || name.length > 128) {
    throw new UsageError(
      `invalid ${kind} name "${name}": use letters, digits, "_", "." and "-", starting with a letter or digit`,
    );
  }
  return name;
}

/**
 * A Linux interface name: 1-15 bytes, no "/", ":", whitespace or control characters, not "." or "..".
 */
export function checkIfName(name: string): string {
  const bytes = Buffer.byteLength(name);
  if (bytes === 0 || bytes > 15)
    throw new UsageError(`invalid interface name "${name}": must be 1 to 15 bytes, has ${bytes}`);
  // eslint-disable-next-line no-control-regex
  // "+" is iptables' interface wildcard: a bridge named with it would make rules match others.
  if (/[/:+\s\x00-\x1f\x7f]/.test(name) || name === '.' || name === '..') {
    throw new UsageError(`invalid interface name "${name}": no "/", ":", "+", spaces or control characters`);
  }
  return name;
}

/** Parses `KEY=VALUE` pairs (labels, driver options) into a record. */
export function parseKeyValues(kind: string, items: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid ${kind} "${item}": expected KEY=VALUE`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** Parses a boolean option value the way Docker accepts them. */
export function parseBool(kind: string, value: string): boolean {
  if (['true', '1', 'yes', 'on'].includes(value.toLowerCase())) return true;
  if (['false', '0', 'no', 'off'].includes(value.toLowerCase())) return false;
  throw new UsageError(`invalid ${kind} "${value}": expected true or false`);
}

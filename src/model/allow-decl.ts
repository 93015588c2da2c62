/**
 * Allow rules declared beside a service's ports, compose's `x-netctl: { allow: ["80/tcp",
 * 443, { port: 443, from: CIDR }] }`, and the check that a declared rule opens a port the
 * service publishes. Pure: errors carry the path inside the `x-netctl` value, so that compose
 * can point at the file's line.
 */
import { NetctlError, UsageError } from '../errors.js';
import type { AllowRule } from './allow.js';
import {
  canonicalSource,
  EMPTY_SOURCES,
  parsePortArg,
  type PortTarget,
  portWhat,
  refuseUnpublished,
  rulesOf,
} from './allow-policy.js';

/** A key path inside a declaration: `['allow', 0, 'from']`. */
export type DeclPath = (string | number)[];

/** A refused declaration: the message, and where in the declaration the bad value is. */
export class AllowDeclError extends UsageError {
  constructor(
    readonly path: DeclPath,
    message: string,
  ) {
    super(message);
  }
}

function at<T>(path: DeclPath, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AllowDeclError) throw err;
    if (err instanceof NetctlError) throw new AllowDeclError(path, err.message);
    throw err;
  }
}

/**
 * Refuses a rule naming a port the service does not publish: `allow 81/tcp: the service
 * publishes no container port 81: published port "web port 81/tcp" not found`.
 */
export function checkDeclared(path: DeclPath, text: string, rule: AllowRule, published: readonly PortTarget[]): void {
  try {
    refuseUnpublished(rule, published, () => '');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new AllowDeclError(path, `allow ${text}: the service publishes no container ${portWhat(rule)}: ${why}`);
  }
}

/** The rules of one port written `text`, from `froms`, checked against what is published. */
export function declaredRules(
  path: DeclPath,
  container: string,
  text: string,
  froms: readonly string[],
  published: readonly PortTarget[],
): AllowRule[] {
  const pp = at(path, () => parsePortArg(text));
  checkDeclared(path, text, rulesOf(container, [pp], [null])[0]!, published);
  const sources = froms.length === 0 ? [null] : [...new Set(froms.map((f) => at(path, () => canonicalSource(f))))];
  return rulesOf(container, [pp], sources);
}

function fromList(path: DeclPath, v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') {
    if (v.trim() === '') throw new AllowDeclError(path, EMPTY_SOURCES);
    return [v];
  }
  if (!Array.isArray(v)) throw new AllowDeclError(path, 'must be a list');
  const list = v.map((x, i) => {
    if (typeof x !== 'string') throw new AllowDeclError([...path, i], 'must be an address or CIDR');
    return x;
  });
  if (list.length === 0) throw new AllowDeclError(path, EMPTY_SOURCES);
  return list;
}

function itemRules(path: DeclPath, container: string, item: unknown, published: readonly PortTarget[]): AllowRule[] {
  if (typeof item === 'string' || typeof item === 'number')
    return declaredRules(path, container, String(item), [], published);
  if (item === null || typeof item !== 'object' || Array.isArray(item))
    throw new AllowDeclError(path, 'must be "PORT[/PROTO]" or { port, from }');
  const m = item as Record<string, unknown>;
  if (m.port === undefined || m.port === null) throw new AllowDeclError(path, 'an allow rule needs a port');
  const proto = m.proto ?? m.protocol;
  const port = proto === undefined || proto === null ? String(m.port) : `${String(m.port)}/${String(proto)}`;
  return declaredRules(path, container, port, fromList([...path, 'from'], m.from), published);
}

/**
 * The rules of an `x-netctl` value on the service whose container is `container`.
 * @throws AllowDeclError at the first bad value.
 */
export function declRules(container: string, x: unknown, published: readonly PortTarget[]): AllowRule[] {
  if (x === undefined || x === null || typeof x !== 'object') return [];
  const allow = (x as Record<string, unknown>).allow ?? null;
  if (allow === null) return [];
  if (!Array.isArray(allow)) throw new AllowDeclError(['allow'], 'must be a list');
  return allow.flatMap((item, i) => itemRules(['allow', i], container, item, published));
}

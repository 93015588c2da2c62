/**
 * `WWW-Authenticate` challenges of the distribution spec: `Bearer realm="...",service="...",
 * scope="..."` (a token is fetched from the realm) or `Basic realm="..."`. Pure.
 */
import { SystemError } from '../errors.js';

/** One parsed challenge. */
export interface Challenge {
  scheme: 'bearer' | 'basic';
  params: Record<string, string>;
}

/** Parses a `WWW-Authenticate` header value; undefined for a scheme netctl does not speak. */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  const m = header ? /^\s*(\w+)\s*(.*)$/s.exec(header) : null;
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'basic') return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g))
    params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme, params };
}

/** The URL a bearer token is asked for: the realm with `service` and every `scope`. */
export function tokenUrl(c: Challenge, scopes: readonly string[]): string {
  let u: URL;
  try {
    u = new URL(c.params.realm ?? '');
  } catch {
    throw new SystemError(`the registry's auth challenge has no usable realm URL: "${c.params.realm ?? ''}"`);
  }
  if (c.params.service) u.searchParams.set('service', c.params.service);
  for (const s of scopes) u.searchParams.append('scope', s);
  return u.toString();
}

/** The token of a token endpoint's answer (`token`, or OAuth's `access_token`). */
export function tokenOf(body: Buffer, realm: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    throw new SystemError(`token request to ${realm} answered something that is not JSON`);
  }
  const d = (typeof doc === 'object' && doc !== null ? doc : {}) as { token?: unknown; access_token?: unknown };
  const token = d.token || d.access_token;
  if (typeof token !== 'string' || token === '') throw new SystemError(`token request to ${realm} returned no token`);
  return token;
}

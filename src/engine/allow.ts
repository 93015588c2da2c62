/**
 * `netctl allow` / `netctl deny`: record or remove allow rules (keyed by container name)
 * and bring ufw's route rules in line in the same command, under the database's lock.
 */
import type { UfwDeps } from '../firewall/ufw/observe.js';
import type { Store } from '../store/index.js';
import type { AllowRule } from '../model/allow.js';
import { describeAllow } from '../model/allow.js';
import { canonicalIp, formatCidr, parseCidr, bitsOf } from '../model/addr.js';
import { checkPort } from '../model/port.js';
import { NotFoundError, UsageError } from '../errors.js';
import { routeState, routesStep } from './ufw-routes.js';
import { containerMappings, routesOf, selects } from './allow-routes.js';
import type { RouteRule } from '../firewall/ufw/route-rules.js';
import { routesChanged, routesDiff } from '../firewall/ufw/routes-apply.js';
import { runSteps } from '../model/steps.js';

/** What the CLI (or the TUI) asks for. */
export interface AllowRequest {
  name: string;
  /** `80`, `80/tcp`, `53/udp`, one or several; absent or empty: every published port. */
  ports?: readonly string[];
  /** Sources; empty: anywhere. */
  from: readonly string[];
  network?: string;
}

/** What was done (or, with dryRun, would be). */
export interface AllowResult {
  container: string;
  rules: AllowRule[];
  /** The ufw route rules of those allow rules. */
  routes: RouteRule[];
  /** Whether ufw's files change. */
  changed: boolean;
  /** The user rules diff. */
  diff: string;
}

/** `80/tcp` → port and protocol; only tcp and udp, which ufw route rules can match. */
export function parsePortArg(text: string): { port: number; proto: 'tcp' | 'udp' | null } {
  const m = /^(\d{1,5})(?:\/([a-z]+))?$/.exec(text);
  if (!m) throw new UsageError(`invalid port "${text}": expected PORT or PORT/tcp or PORT/udp`);
  const proto = m[2] ?? null;
  if (proto !== null && proto !== 'tcp' && proto !== 'udp') {
    throw new UsageError(
      `invalid port "${text}": ufw route rules match tcp or udp${proto === 'sctp' ? ', not sctp' : ''}`,
    );
  }
  return { port: checkPort(Number(m[1]), 'port'), proto };
}

/** The ports of a request, parsed and without repeats; `[null]` (every port) when it names none. */
export function requestPorts(
  req: Pick<AllowRequest, 'ports'>,
): ({ port: number; proto: 'tcp' | 'udp' | null } | null)[] {
  if (!req.ports || req.ports.length === 0) return [null];
  const seen = new Set<string>();
  return req.ports
    .map(parsePortArg)
    .filter((p) => !seen.has(`${p.port}/${p.proto}`) && seen.add(`${p.port}/${p.proto}`));
}

/** The allow rules of a request on container `name`: one per port and source. */
export function rulesOfRequest(name: string, req: AllowRequest): AllowRule[] {
  const ports = requestPorts(req);
  const froms = req.from.length === 0 ? [null] : [...new Set(req.from.map(canonicalSource))];
  return ports.flatMap((pp) =>
    froms.map((from) => ({
      container: name,
      port: pp?.port ?? null,
      proto: pp?.proto ?? null,
      from,
      network: req.network ?? null,
    })),
  );
}

/**
 * What deny removes: the stored rules that some asked rule matches. Every port asked must
 * match one (all or nothing), else a NotFoundError naming the first that does not.
 */
export function denied(stored: readonly AllowRule[], asked: readonly AllowRule[], req: AllowRequest): AllowRule[] {
  const gone = stored.filter((s) => asked.some((a) => denyMatches(a, s, req)));
  for (const pp of requestPorts(req)) {
    const of = asked.filter((a) => a.port === (pp?.port ?? null) && a.proto === (pp?.proto ?? null));
    if (!of.some((a) => gone.some((s) => denyMatches(a, s, req)))) {
      throw new NotFoundError('allow rule', describeAllow(of[0]!), `see netctl ufw list ${of[0]!.container}`);
    }
  }
  return gone;
}

/** A source as ufw writes it: `203.0.113.1` for one address, `203.0.113.0/24` for a block. */
export function canonicalSource(text: string): string {
  if (!text.includes('/')) return canonicalIp(text, 'source address (--from)');
  const c = parseCidr(text, 'source (--from)');
  const s = formatCidr(c);
  return c.prefix === bitsOf(c.family) ? s.slice(0, s.indexOf('/')) : s;
}

/** The allow rules a request stands for (one per port and source), validated against the database. */
export function requestRules(store: Store, req: AllowRequest): AllowRule[] {
  const s = store;
  const c = s.containers.require(req.name);
  requestPorts(req); // a bad port is refused before the network is looked at
  if (req.network !== undefined) {
    const net = s.networks.require(req.network);
    if (!s.endpoints.forContainer(c.id).some((e) => e.networkId === net.id)) {
      throw new NotFoundError(
        'network of container',
        `${c.name} on ${net.name}`,
        `"${c.name}" is not connected to "${net.name}"`,
      );
    }
  }
  return rulesOfRequest(c.name, req);
}

function refuseEmpty(store: Store, rule: AllowRule): void {
  const state = routeState(store);
  if (routesOf(state, rule).length > 0) return;
  const c = store.containers.require(rule.container);
  const anyFamily = { ...rule, from: null };
  const names = new Map(state.networks.map((n) => [n.id, n.name]));
  const published = containerMappings(state, c.id).some((m) =>
    selects(anyFamily, m, names.get(m.network) ?? m.network),
  );
  const what = rule.port === null ? 'any tcp or udp port' : `port ${rule.port}${rule.proto ? `/${rule.proto}` : ''}`;
  if (!published) {
    throw new NotFoundError(
      'published port',
      `${c.name} ${what}`,
      `"${c.name}" does not publish ${what}${rule.network ? ` on network "${rule.network}"` : ''} (see netctl port ${c.name})`,
    );
  }
  throw new UsageError(
    `source "${rule.from}" is IPv${rule.from?.includes(':') ? 6 : 4}, but "${c.name}" publishes ${what} only over IPv${rule.from?.includes(':') ? 4 : 6}`,
  );
}

async function apply(store: Store, ufw: UfwDeps, rules: AllowRule[], dryRun: boolean): Promise<AllowResult> {
  const { step, plan } = await routesStep(store, ufw);
  const state = routeState(store);
  const result: AllowResult = {
    container: rules[0]?.container ?? '',
    rules,
    routes: rules.flatMap((r) => routesOf(state, r)),
    changed: routesChanged(plan),
    diff: routesDiff(plan),
  };
  if (!dryRun) await runSteps([step]);
  return result;
}

/** How allow and deny run: `ufw` is ufw's files and programs (the host's). */
export interface AllowOptions {
  dryRun?: boolean;
  ufw: UfwDeps;
}

/** Records the rules and opens their routes. */
export async function allow(store: Store, req: AllowRequest, opts: AllowOptions): Promise<AllowResult> {
  return store
    .locked(async () => {
      const rules = requestRules(store, req);
      for (const r of rules) refuseEmpty(store, r);
      for (const r of rules) store.allows.add(r);
      const result = await apply(store, opts.ufw, rules, opts.dryRun === true);
      if (opts.dryRun) throw new DryRunResult(result);
      return result;
    })
    .catch(unwrapDryRun);
}

/** Removes the matching rules (fields the request leaves out match anything) and closes their routes. */
export async function deny(store: Store, req: AllowRequest, opts: AllowOptions): Promise<AllowResult> {
  return store
    .locked(async () => {
      const asked = requestRules(store, req);
      const gone = denied(store.allows.list(asked[0]!.container), asked, req);
      const state = routeState(store);
      const routes = gone.flatMap((r) => routesOf(state, r));
      for (const r of gone) store.allows.remove(r);
      const result = { ...(await apply(store, opts.ufw, gone, opts.dryRun === true)), routes };
      if (opts.dryRun) throw new DryRunResult(result);
      return result;
    })
    .catch(unwrapDryRun);
}

/** Whether stored rule `s` is one that `deny` of asked rule `a` removes (left-out fields match anything). */
export function denyMatches(a: AllowRule, s: AllowRule, req: AllowRequest): boolean {
  if (a.port !== null && s.port !== a.port) return false;
  if (a.proto !== null && s.proto !== null && s.proto !== a.proto) return false;
  if (req.from.length > 0 && s.from !== a.from) return false;
  if (a.network !== null && s.network !== a.network) return false;
  return true;
}

/** A dry run plans inside the transaction, then throws this to roll the database back. */
export class DryRunResult extends Error {
  constructor(readonly result: AllowResult) {
    super('dry run');
  }
}

/** The planned result of a dry run; any other error is thrown on. */
export function unwrapDryRun(err: unknown): AllowResult {
  if (err instanceof DryRunResult) return err.result;
  throw err;
}

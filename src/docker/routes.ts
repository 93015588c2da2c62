/**
 * From allow rules (stored ones and those a container's labels declare) to ufw route rules
 * for Docker's containers: each rule opens, on every network address the container has now,
 * the container ports Docker publishes that it selects. Comments `netctl:docker:NAME
 * PORT/PROTO`. Pure.
 */
import type { AllowRule } from '../model/allow.js';
import { tupleLine, type RouteRule } from '../firewall/ufw/route-rules.js';
import { DOCKER_COMMENT_PREFIX } from '../firewall/ufw/user-rules.js';
import { canonicalSource, parsePortArg } from '../engine/allow.js';
import type { DockerContainer, DockerPort } from './model.js';

/** The label listing the ports to open: `80/tcp,443`. */
export const ALLOW_LABEL = 'netctl.allow';
/** The label restricting them to sources: `203.0.113.0/24,198.51.100.7`. */
export const FROM_LABEL = 'netctl.allow.from';

/** `netctl:docker:web 80/tcp`. */
export function dockerComment(name: string, port: number, proto: string): string {
  return `${DOCKER_COMMENT_PREFIX}${name} ${port}/${proto}`;
}

/** What a Docker rule's comment names, or null for any other comment. */
export function parseDockerComment(comment: string): { container: string; port: number; proto: string } | null {
  const m = /^netctl:docker:(\S+) (\d+)\/(tcp|udp)$/.exec(comment);
  return m ? { container: m[1]!, port: Number(m[2]), proto: m[3]! } : null;
}

function list(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * The allow rules a container's labels declare, and why a label was not understood. Any
 * error gives the container no label rules at all (nothing opened rather than too much).
 */
export function labelRules(c: Pick<DockerContainer, 'name' | 'labels'>): { rules: AllowRule[]; errors: string[] } {
  const ports = c.labels[ALLOW_LABEL];
  const sourcesLabel = c.labels[FROM_LABEL];
  if (ports === undefined) {
    return {
      rules: [],
      errors:
        sourcesLabel === undefined
          ? []
          : [`container "${c.name}": label ${FROM_LABEL} without ${ALLOW_LABEL}: nothing opened`],
    };
  }
  const errors: string[] = [];
  // An empty source list (an unset variable in a compose file) must not mean "anywhere".
  if (sourcesLabel !== undefined && list(sourcesLabel).length === 0)
    errors.push(
      `container "${c.name}": label ${FROM_LABEL} is empty: nothing opened (leave it out to open to anywhere)`,
    );
  const parse = <T>(what: string, text: string, fn: (t: string) => T): T[] => {
    try {
      return [fn(text)];
    } catch (err) {
      errors.push(`container "${c.name}": label ${what}: ${(err as Error).message}`);
      return [];
    }
  };
  const pps = list(ports).flatMap((p) => parse(ALLOW_LABEL, p, parsePortArg));
  const froms = list(sourcesLabel ?? '').flatMap((f) => parse(FROM_LABEL, f, canonicalSource));
  if (errors.length > 0) return { rules: [], errors };
  const sources = froms.length === 0 ? [null] : [...new Set(froms)];
  const rules = pps.flatMap((p) =>
    sources.map((from) => ({ container: c.name, port: p.port, proto: p.proto, from, network: null })),
  );
  return { rules, errors };
}

function selects(a: AllowRule, p: DockerPort): p is DockerPort & { proto: 'tcp' | 'udp' } {
  if (p.proto === 'sctp') return false;
  if (a.port !== null && p.port !== a.port) return false;
  return a.proto === null || p.proto === a.proto;
}

/** The route rules of one allow rule, on a container of that name. */
export function dockerRoutesOf(c: DockerContainer, a: AllowRule): RouteRule[] {
  if (!c.running || c.name !== a.container) return [];
  const v6from = a.from?.includes(':');
  const out: RouteRule[] = [];
  for (const p of c.ports.filter((x) => selects(a, x))) {
    for (const addr of c.addresses) {
      if (a.network !== null && addr.network !== a.network) continue;
      const comment = dockerComment(c.name, p.port, p.proto);
      if (addr.ipv4 && v6from !== true)
        out.push({ family: 4, proto: p.proto, to: addr.ipv4, port: p.port, from: a.from, comment });
      if (addr.ipv6 && v6from !== false)
        out.push({ family: 6, proto: p.proto, to: addr.ipv6, port: p.port, from: a.from, comment });
    }
  }
  return out;
}

/** Every container's allow rules: the stored ones of its name, then its labels'. */
export function rulesFor(stored: readonly AllowRule[], c: DockerContainer): AllowRule[] {
  return [...stored.filter((a) => a.container === c.name), ...labelRules(c).rules];
}

/** Every route rule wanted for Docker's containers, without duplicates. */
export function desiredDockerRoutes(stored: readonly AllowRule[], containers: readonly DockerContainer[]): RouteRule[] {
  const seen = new Set<string>();
  return containers
    .flatMap((c) => rulesFor(stored, c).flatMap((a) => dockerRoutesOf(c, a)))
    .filter((r) => !seen.has(tupleLine(r)) && seen.add(tupleLine(r)));
}

/**
 * From allow rules (stored ones and those a container's labels declare) to ufw route rules
 * for Docker's containers: each rule opens, on every network address the container has now,
 * the container ports Docker publishes that it selects. Comments `netctl:docker:NAME
 * PORT/PROTO`. Pure.
 */
import type { AllowRule } from '../model/allow.js';
import { tupleLine, type RouteRule } from '../firewall/ufw/route-rules.js';
import { DOCKER_COMMENT_PREFIX } from '../firewall/ufw/user-rules.js';
import { selects } from '../model/allow-policy.js';
import { labelRules as parseLabels } from '../model/allow-labels.js';
import { NetctlError, UsageError } from '../errors.js';
import type { DockerContainer, DockerPort } from './model.js';

export { ALLOW_LABEL, FROM_LABEL } from '../model/allow-labels.js';

/** `netctl:docker:web 80/tcp`. */
export function dockerComment(name: string, port: number, proto: string): string {
  return `${DOCKER_COMMENT_PREFIX}${name} ${port}/${proto}`;
}

/** What a Docker rule's comment names, or null for any other comment. */
export function parseDockerComment(comment: string): { container: string; port: number; proto: string } | null {
  const m = /^netctl:docker:(\S+) (\d+)\/(tcp|udp)$/.exec(comment);
  return m ? { container: m[1]!, port: Number(m[2]), proto: m[3]! } : null;
}

/**
 * The allow rules a container's labels declare, and why they were refused (model/allow-labels.ts,
 * the one label parser): a refused label set gives the container no label rules at all
 * (nothing opened rather than too much), with one line naming the container, label and value.
 */
export function labelRules(c: Pick<DockerContainer, 'name' | 'labels'>): { rules: AllowRule[]; errors: string[] } {
  try {
    return { rules: parseLabels(c.name, c.labels), errors: [] };
  } catch (err) {
    if (!(err instanceof NetctlError)) throw err;
    return { rules: [], errors: [`container "${c.name}": ${err.message}`] };
  }
}

/**
 * Refuses (for `docker sync`, which changes nothing then) the first container whose labels
 * the policy refuses; the watch, a long-lived process, logs them and opens nothing for them.
 */
export function refuseBadLabels(containers: readonly Pick<DockerContainer, 'name' | 'labels'>[]): void {
  const errors = containers.flatMap((c) => labelRules(c).errors);
  if (errors.length > 0)
    throw new UsageError(
      errors[0]!,
      errors.length > 1 ? `${errors.length - 1} more container label(s) refused too` : undefined,
    );
}

/** A published port a rule selects (a Docker port is on every network the container is on). */
function selected(a: AllowRule, p: DockerPort): p is DockerPort & { proto: 'tcp' | 'udp' } {
  return selects(a, p);
}

/** The route rules of one allow rule, on a container of that name. */
export function dockerRoutesOf(c: DockerContainer, a: AllowRule): RouteRule[] {
  if (!c.running || c.name !== a.container) return [];
  const v6from = a.from?.includes(':');
  const out: RouteRule[] = [];
  for (const p of c.ports.filter((x) => selected(a, x))) {
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

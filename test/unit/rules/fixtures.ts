/**
 * Networks and ports for the rules planner tests, and golden-file comparison.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { NetworkRules, PortMapping } from '../../../src/firewall/input.js';
import type { Ruleset } from '../../../src/firewall/iptables/ast.js';
import { render } from '../../../src/firewall/iptables/render.js';

const GOLDEN = fileURLToPath(new URL('../../golden/rules/', import.meta.url));

/** A bridge network `name` with id `id`, subnet 10.<n>.0.0/24. */
export function net(n: number, over: Partial<NetworkRules> = {}): NetworkRules {
  return {
    id: (0xa00 + n).toString(16),
    name: `net${n}`,
    bridge: `br-net${n}`,
    subnet: `10.${n}.0.0/24`,
    internal: false,
    icc: true,
    ...over,
  };
}

/** Ten networks, net1..net10. */
export function tenNetworks(): NetworkRules[] {
  return Array.from({ length: 10 }, (_, i) => net(i + 1));
}

/** A published tcp port of a container on network `n`. */
export function port(n: number, host: number, container: number, over: Partial<PortMapping> = {}): PortMapping {
  return {
    network: net(n).id,
    proto: 'tcp',
    hostPort: host,
    containerIp: `10.${n}.0.2`,
    containerPort: container,
    ...over,
  };
}

/** A ruleset as iptables-save prints it without counters. */
export function show(rs: Ruleset): string {
  return render(rs, { counters: false });
}

/**
 * Compares `text` with test/golden/rules/<name>; UPDATE_GOLDEN=1 rewrites the file instead.
 */
export function golden(name: string, text: string): void {
  const path = `${GOLDEN}${name}`;
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

/** A small deterministic generator (mulberry32): the same numbers for a seed on every run. */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

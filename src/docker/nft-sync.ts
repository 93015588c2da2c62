/**
 * Keeps `ufw-netctl-docker-bridges` (nft-bridges.ts) equal to the bridges Docker's nftables
 * table lists, in each family where the Docker block's chain is loaded. It runs with the
 * mirror of ufw's incoming rules (ops/ufw-input.ts): at install, `docker sync`, `ufw sync`,
 * from the Docker watch (a new network, a `ufw reload` that emptied the chain: both move the
 * nf_tables generation) and doctor's check. One `iptables-restore --noflush` per chain that
 * changed. Docker's tables absent (its iptables backend, or no Docker) mean an empty chain.
 */
import { readRuleset, restoreDocument } from '../firewall/iptables/apply.js';
import { mirrorCurrent, mirrorDoc } from '../firewall/ufw/input-mirror.js';
import { hasChain } from '../firewall/ufw/plan.js';
import type { UfwDeps } from '../firewall/ufw/observe.js';
import type { Family } from '../model/addr.js';
import { bridgesFromNftJson, bridgesLines, dockerBridgesChain, nftMapArgv } from './nft-bridges.js';

/** One bridges chain that was (or would be) rewritten. */
export interface BridgesChange {
  family: Family;
  chain: string;
  bridges: string[];
}

/** Docker's bridges in its nftables table of `family`; none when the table or map is absent. */
export async function dockerNftBridges(deps: Pick<UfwDeps, 'runner'>, family: Family): Promise<string[]> {
  const r = await deps.runner.run(nftMapArgv(family), { timeoutMs: 20_000 }).catch(() => undefined);
  // No nft tool, no table, no map: Docker's nftables backend is not in use here.
  if (r?.code !== 0) return [];
  return bridgesFromNftJson(r.stdout);
}

/** Brings the chains in line (`check`: only says which are behind); errors per family. */
export async function syncDockerBridges(
  deps: Pick<UfwDeps, 'runner'>,
  opts: { check?: boolean } = {},
): Promise<{ changes: BridgesChange[]; errors: string[] }> {
  const changes: BridgesChange[] = [];
  const errors: string[] = [];
  for (const family of [4, 6] as const) {
    const chain = dockerBridgesChain(family);
    try {
      const live = await readRuleset(deps.runner, family, 'filter');
      if (!hasChain(live, chain)) continue;
      const bridges = await dockerNftBridges(deps, family);
      const lines = bridgesLines(family, bridges);
      if (mirrorCurrent(live, family, chain, lines)) continue;
      if (!opts.check) await restoreDocument(deps.runner, family, mirrorDoc(chain, lines));
      changes.push({ family, chain, bridges });
    } catch (err) {
      errors.push(`IPv${family}: ${(err as Error).message}`);
    }
  }
  return { changes, errors };
}

/** `let Docker's bridges br-1,docker0 through ufw-netctl-docker-bridges to Docker's nftables rules (IPv4)`. */
export function bridgesMessage(c: BridgesChange, check = false): string {
  const verb = check ? 'would let' : 'let';
  return c.bridges.length === 0
    ? `${check ? 'would empty' : 'emptied'} ${c.chain} (IPv${c.family}): Docker's nftables table lists no bridge`
    : `${verb} Docker's bridges ${c.bridges.join(',')} through ${c.chain} to Docker's nftables rules (IPv${c.family})`;
}

/**
 * The network verbs: create, rm, prune, connect and disconnect. Each plans under the write
 * lock through `transact` and applies, or with `dryRun` returns the plan unapplied.
 */
import type { Endpoint } from '../model/container.js';
import type { Network, NetworkSpec } from '../model/network.js';
import { type ConnectRequest, planConnect, planDisconnect } from '../engine/connect.js';
import {
  DEFAULT_NETWORK,
  planCreateNetwork,
  planDefaultNetwork,
  planRemoveNetwork,
  unusedNetworks,
} from '../engine/networks.js';
import { ErrorList } from '../errors.js';
import type { Host } from './host.js';
import { type Outcome, transact } from './tx.js';

export type { ConnectRequest } from '../engine/connect.js';
export type { Endpoint } from '../model/container.js';
export type { Network, NetworkSpec } from '../model/network.js';
export { DEFAULT_NETWORK } from '../engine/networks.js';

/** Whether to apply, or only plan. */
export interface DryRunOption {
  dryRun?: boolean;
}

/** Creates the default network when it is missing, in its own transaction. */
export async function ensureDefaultNetwork(host: Host): Promise<void> {
  if ((await host.engine()).store.networks.get(DEFAULT_NETWORK.name)) return;
  // Planned under the lock: a command that created it meanwhile leaves nothing to do.
  await transact(host, {}, (engine) => planDefaultNetwork(engine));
}

/**
 * Creates a network. Unless a dry run, the default network is made first, so that it takes
 * the first free pool before this one could.
 */
export async function createNetwork(host: Host, spec: NetworkSpec, o: DryRunOption = {}): Promise<Outcome<Network>> {
  if (!o.dryRun) await ensureDefaultNetwork(host);
  return transact(host, o, (engine) => planCreateNetwork(engine, spec));
}

/** Removes a network (refused while containers are attached, and for the default one). */
export async function removeNetwork(host: Host, ref: string, o: DryRunOption = {}): Promise<Outcome<Network>> {
  return transact(host, o, (engine) => planRemoveNetwork(engine, ref));
}

/** What `network prune` removed (or would), and what it could not. */
export interface PruneResult {
  names: string[];
  errors: ErrorList;
}

/** Removes every network no container uses (not the default one); goes on after a failure. */
export async function pruneNetworks(
  host: Host,
  o: DryRunOption = {},
  onRemoved?: (name: string) => void,
): Promise<PruneResult> {
  const unused = unusedNetworks((await host.engine()).store);
  const out: PruneResult = { names: [], errors: new ErrorList() };
  for (const n of unused) {
    if (o.dryRun) {
      out.names.push(n.name);
      continue;
    }
    await out.errors.attempt('remove network', n.name, async () => {
      await removeNetwork(host, n.id);
      out.names.push(n.name);
      onRemoved?.(n.name);
    });
  }
  return out;
}

/** Connects a running container to a network: one more interface in its namespace. */
export async function connectNetwork(
  host: Host,
  req: ConnectRequest,
  o: DryRunOption = {},
): Promise<Outcome<Endpoint>> {
  return transact(host, o, (engine) => planConnect(engine, req));
}

/** Disconnects a container from a network. */
export async function disconnectNetwork(
  host: Host,
  network: string,
  container: string,
  o: DryRunOption = {},
): Promise<Outcome<void>> {
  return transact(host, o, (engine) => planDisconnect(engine, network, container));
}

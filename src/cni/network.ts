/**
 * The netctl network a CNI configuration names: found, or created with the configuration's
 * addressing (inside the caller's lock, so concurrent ADDs create it once). A network that
 * exists with other addressing than the configuration asks for is refused (code 7) rather
 * than silently used.
 */
import type { Engine } from '../engine/context.js';
import { planCreateNetwork } from '../engine/networks.js';
import type { Step } from '../model/steps.js';
import type { Network } from '../model/network.js';
import { natOptions, natSettings } from '../model/network-nat.js';
import { CniError } from './error.js';
import type { NetConf } from './request.js';
import { CNI_CODES } from './types.js';

function mismatch(n: Network, conf: NetConf): string | undefined {
  const c = conf.create;
  if (c.subnet !== undefined && c.subnet !== n.subnet) return `subnet ${n.subnet}, the configuration says ${c.subnet}`;
  if (c.gateway !== undefined && c.gateway !== n.gateway)
    return `gateway ${n.gateway}, the configuration says ${c.gateway}`;
  if (c.bridge !== undefined && c.bridge !== n.bridge) return `bridge ${n.bridge}, the configuration says ${c.bridge}`;
  const nat = natSettings(n.options);
  if (c.ipMasq !== undefined && c.ipMasq !== nat.ipMasq)
    return `ipMasq ${nat.ipMasq}, the configuration says ${c.ipMasq}`;
  const had = nat.clusterCidrs.join(',');
  if (c.clusterCidrs !== undefined && c.clusterCidrs.join(',') !== had)
    return `clusterCIDR "${had}", the configuration says "${c.clusterCidrs.join(',')}"`;
  return undefined;
}

/**
 * The network, recorded when absent, with the steps that put its bridge and rules in place
 * (none for one that exists). The caller runs them first among its own, so that a failing
 * ADD undoes them too and a killed one leaves them to the journal's repair.
 */
export async function ensureNetwork(engine: Engine, conf: NetConf): Promise<{ network: Network; steps: Step[] }> {
  const existing = engine.store.networks.get(conf.network);
  if (existing && existing.name === conf.network) {
    const diff = mismatch(existing, conf);
    if (diff) throw new CniError(CNI_CODES.invalidConfig, `network "${conf.network}" exists with ${diff}`);
    return { network: existing, steps: [] };
  }
  const { ipMasq, clusterCidrs, ...create } = conf.create;
  // Inside the ADD's transaction (ops/cni.ts): recorded with it; the attachment's steps are
  // planned once these have run (cni/add.ts).
  const created = await planCreateNetwork(engine, {
    name: conf.network,
    ...create,
    options: natOptions({ ipMasq, clusterCidrs }),
  });
  return { network: created.result, steps: created.steps };
}

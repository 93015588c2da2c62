/**
 * The real engine: netlink in the host namespace, the native addon, /proc/sys, and the
 * firewall backend: the iptables driver with its rules cache under the run root, or none
 * (`NETCTL_FIREWALL=none`, read here once per engine). Built by ops/host.ts.
 */
import { readFileSync } from 'node:fs';
import type { Store } from '../store/index.js';
import type { ApplyDeps } from '../netlink/apply.js';
import { IptablesDriver } from '../firewall/iptables/driver.js';
import { noneDriver, type FirewallDriver } from '../firewall/driver.js';
import { UsageError } from '../errors.js';
import { RulesCache } from '../firewall/iptables/rules-cache.js';
import { blockInstalled } from '../firewall/ufw/block.js';
import type { UfwDeps } from '../firewall/ufw/observe.js';
import type { RuntimeRoots } from '../runtime/paths.js';
import { nativeRunner } from '../sys/exec-native.js';
import { procSysctl } from '../sys/sysctl.js';
import { native, nftDeleteRules } from '../sys/native.js';
import { netnsInode, nftGeneration } from '../sys/nft-gen.js';
import type { Engine } from './context.js';

/** Whether netctl's block is in ufw's after.rules (after6.rules for IPv6) under `etc`. */
export function ufwBlockInstalled(etc: string, family: 4 | 6): boolean {
  try {
    return blockInstalled(readFileSync(`${etc}/${family === 4 ? 'after' : 'after6'}.rules`, 'utf8'));
  } catch {
    return false;
  }
}

/** The firewall backends `NETCTL_FIREWALL` may name; unset means iptables. */
export const FIREWALL_BACKENDS = ['iptables', 'none'] as const;

/** The backend `NETCTL_FIREWALL`'s value names; throws a UsageError naming a bad one. */
export function firewallBackend(value: string | undefined): (typeof FIREWALL_BACKENDS)[number] {
  if (value === undefined || value === '') return 'iptables';
  const known = FIREWALL_BACKENDS.find((b) => b === value);
  if (!known) throw new UsageError(`invalid NETCTL_FIREWALL "${value}"`, `use one of: ${FIREWALL_BACKENDS.join(', ')}`);
  return known;
}

/** The firewall backend named by `backend`: iptables over the real runner and its rules cache, or none. */
function openFirewall(backend: (typeof FIREWALL_BACKENDS)[number], roots: RuntimeRoots, ufw: UfwDeps): FirewallDriver {
  if (backend === 'none') return noneDriver;
  const cache = new RulesCache(
    { generation: nftGeneration, namespace: netnsInode },
    `${roots.runRoot}/firewall-rules.json`,
  );
  return new IptablesDriver(nativeRunner, (f) => ufwBlockInstalled(ufw.etc, f), cache, nftDeleteRules);
}

/** Opens the engine over an opened store; closing the engine leaves the store to its opener. */
export async function openEngine(roots: RuntimeRoots, store: Store, ufw: UfwDeps): Promise<Engine> {
  const backend = firewallBackend(process.env.NETCTL_FIREWALL);
  const { openNetlink } = await import('../netlink/client.js');
  const client = openNetlink();
  const kernel: ApplyDeps = {
    client,
    open: (path) => openNetlink(path),
    // Loaded on first use: only container commands need namespaces.
    get native() {
      return native();
    },
    sysctl: procSysctl(),
  };
  return {
    store,
    kernel,
    firewall: openFirewall(backend, roots, ufw),
    ufw,
    roots,
    // The store is the host's: it closes it (ops/host.ts).
    close() {
      client.close();
    },
  };
}

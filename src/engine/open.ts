/**
 * The real engine: netlink in the host namespace, the native addon, /proc/sys, and the
 * iptables driver with its rules cache under the run root. Built by ops/host.ts.
 */
import { readFileSync } from 'node:fs';
import type { Store } from '../store/index.js';
import type { ApplyDeps } from '../netlink/apply.js';
import { IptablesDriver } from '../firewall/iptables/driver.js';
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

/** Opens the engine over an opened store; closing the engine leaves the store to its opener. */
export async function openEngine(roots: RuntimeRoots, store: Store, ufw: UfwDeps): Promise<Engine> {
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
  const cache = new RulesCache(
    { generation: nftGeneration, namespace: netnsInode },
    `${roots.runRoot}/firewall-rules.json`,
  );
  return {
    store,
    kernel,
    firewall: new IptablesDriver(nativeRunner, (f) => ufwBlockInstalled(ufw.etc, f), cache, nftDeleteRules),
    ufw,
    roots,
    // The store is the host's: it closes it (ops/host.ts).
    close() {
      client.close();
    },
  };
}

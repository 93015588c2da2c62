/**
 * The effect adapters a command works with, opened once per command: the state database,
 * netlink (a socket in the host namespace, more opened per namespace on demand), the native
 * addon, sysctls and the firewall driver.
 */
import type { GlobalOptions } from '../cli/context.js';
import { Store } from '../store/index.js';
import type { ApplyDeps } from '../netlink/apply.js';
import { IptablesDriver } from '../firewall/iptables/driver.js';
import { nativeRunner } from '../sys/exec-native.js';
import { procSysctl } from '../sys/sysctl.js';
import { native, nftDeleteRules } from '../sys/native.js';
import { blockInstalled } from '../firewall/ufw/block.js';
import { readFileSync } from 'node:fs';
import { RulesCache } from '../firewall/iptables/rules-cache.js';
import { netnsInode, nftGeneration } from '../sys/nft-gen.js';

/** Everything the engine touches. */
export interface Engine {
  store: Store;
  /** Netlink clients, the native addon and sysctls, as the netlink apply layer takes them. */
  kernel: ApplyDeps;
  firewall: IptablesDriver;
  close(): void;
}

/** Whether netctl's block is in /etc/ufw/after.rules (after6.rules for IPv6). */
export function ufwBlockInstalled(family: 4 | 6): boolean {
  try {
    return blockInstalled(readFileSync(`/etc/ufw/${family === 4 ? 'after' : 'after6'}.rules`, 'utf8'));
  } catch {
    return false;
  }
}

/** Opens the engine for a command. */
export async function openEngine(global: GlobalOptions): Promise<Engine> {
  const store = Store.open({ root: global.root });
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
    firewall: new IptablesDriver(
      nativeRunner,
      ufwBlockInstalled,
      new RulesCache({ generation: nftGeneration, namespace: netnsInode }, `${global.runRoot}/firewall-rules.json`),
      nftDeleteRules,
    ),
    close() {
      client.close();
      store.close();
    },
  };
}

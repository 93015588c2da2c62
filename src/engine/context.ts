/**
 * The effect adapters a command's engine works with, opened once per command (see
 * engine/open.ts for the real ones, ops/host.ts for where they are built): the state
 * database, netlink (a socket in the host namespace, more opened per namespace on demand),
 * the native addon, sysctls, the firewall driver, ufw's files and the runtime directories.
 */
import type { Store } from '../store/index.js';
import type { ApplyDeps } from '../netlink/apply.js';
import type { FirewallDriver } from '../firewall/driver.js';
import type { UfwDeps } from '../firewall/ufw/observe.js';
import type { RuntimeRoots } from '../runtime/paths.js';
import type { DnsHook } from './dns-hook.js';

/** Everything the engine touches. */
export interface Engine {
  store: Store;
  /** Netlink clients, the native addon and sysctls, as the netlink apply layer takes them. */
  kernel: ApplyDeps;
  /** The firewall backend (iptables, or none with NETCTL_FIREWALL=none); the engine uses its interface alone. */
  firewall: FirewallDriver;
  /** ufw's files and programs (its directory is `ufw.etc`, normally /etc/ufw). */
  ufw: UfwDeps;
  /** The state and runtime directories. */
  roots: RuntimeRoots;
  /** The embedded DNS server (ops/dns.ts); absent where none is wanted (tests, the CNI plugin). */
  dns?: DnsHook;
  close(): void;
}

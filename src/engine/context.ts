/**
 * The effect adapters a command works with, opened once per command: the state database,
 * a netlink socket in the host namespace, the firewall driver and the sysctl writer.
 */
import type { GlobalOptions } from '../cli/context.js';
import { Store } from '../store/index.js';
import type { NetlinkClient } from '../netlink/types.js';
import { IptablesDriver } from '../firewall/iptables/driver.js';
import { realRunner } from '../sys/exec.js';
import { writeFile } from 'node:fs/promises';
import { SystemError } from '../errors.js';

/** Writes a sysctl under /proc/sys (`net/ipv4/ip_forward`). */
export type SysctlWriter = (path: string, value: string) => Promise<void>;

/** Everything the engine touches. */
export interface Engine {
  store: Store;
  netlink: NetlinkClient;
  firewall: IptablesDriver;
  sysctl: SysctlWriter;
  close(): void;
}

const procSysctl: SysctlWriter = async (path, value) => {
  try {
    await writeFile(`/proc/sys/${path}`, value);
  } catch (err) {
    const hint = path.startsWith('net/bridge/') ? 'br_netfilter is not available: load it with "modprobe br_netfilter"' : undefined;
    throw new SystemError(`write sysctl "${path.replaceAll('/', '.')}": ${(err as Error).message}`, { hint, cause: err });
  }
};

/** Opens the engine for a command. */
export async function openEngine(global: GlobalOptions): Promise<Engine> {
  const store = Store.open({ root: global.root });
  const { openNetlink } = await import('../netlink/client.js');
  const netlink = openNetlink();
  return {
    store,
    netlink,
    firewall: new IptablesDriver(realRunner),
    sysctl: procSysctl,
    close() {
      netlink.close();
      store.close();
    },
  };
}

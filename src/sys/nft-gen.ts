/**
 * The nf_tables generation id of this process's network namespace (the native addon asks
 * the kernel over a netlink socket it keeps open: ~5 µs a call). The kernel bumps it on
 * every committed nf_tables transaction, whoever makes it, so an equal id means an equal
 * ruleset. Only meaningful where iptables is the nf_tables flavour: the legacy x_tables
 * backend changes rules without touching it, and then this returns null.
 */
import { realpathSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { nftGenId } from './native.js';

let nft: boolean | undefined;

/** Whether `iptables-save` on PATH is the nf_tables flavour (xtables-nft-multi). */
export function iptablesIsNft(): boolean {
  nft ??= toolIsNft('iptables-save');
  return nft;
}

/**
 * Whether `tool` on PATH is the nf_tables flavour: `ip6tables-save` has an alternative of its
 * own (update-alternatives --config ip6tables), which may differ from iptables'.
 */
export function toolIsNft(tool: string): boolean {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)) {
    try {
      return realpathSync(join(dir, tool)).includes('nft');
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** The network namespace of this thread, as an inode number (0 when unreadable). */
export function netnsInode(): number {
  try {
    return statSync('/proc/thread-self/ns/net').ino;
  } catch {
    return 0;
  }
}

/** The current generation id, or null where it cannot say whether the ruleset changed. */
export function nftGeneration(): number | null {
  if (!iptablesIsNft()) return null;
  try {
    return nftGenId();
  } catch {
    return null;
  }
}

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
  if (nft !== undefined) return nft;
  nft = false;
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)) {
    try {
      nft = realpathSync(join(dir, 'iptables-save')).includes('nft');
      break;
    } catch {
      // not in this directory
    }
  }
  return nft;
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

/**
 * The names the ufw integration is built from: the block markers, netctl's chain in ufw's
 * namespace, and ufw's own files and chain prefix per address family.
 */
import type { Family } from '../../model/addr.js';

/** The line that opens netctl's block in after.rules / after6.rules. */
export const BLOCK_BEGIN = '# BEGIN netctl';
/** The line that closes it. */
export const BLOCK_END = '# END netctl';

/** What differs between ufw's IPv4 and IPv6 halves. */
export interface UfwFamily {
  family: Family;
  /** ufw's chain prefix: `ufw` for iptables, `ufw6` for ip6tables. */
  prefix: 'ufw' | 'ufw6';
  /** The file netctl's block goes into, relative to /etc/ufw. */
  after: string;
  /** The file ufw loads before it, relative to /etc/ufw. */
  before: string;
  /** The block template, relative to rules/ufw/. */
  template: string;
  save: string;
  restore: string;
}

/** ufw's IPv4 and IPv6 halves, in the order ufw loads them. */
export const UFW_FAMILIES: readonly UfwFamily[] = [
  {
    family: 4,
    prefix: 'ufw',
    after: 'after.rules',
    before: 'before.rules',
    template: 'after.rules.block',
    save: 'iptables-save',
    restore: 'iptables-restore',
  },
  {
    family: 6,
    prefix: 'ufw6',
    after: 'after6.rules',
    before: 'before6.rules',
    template: 'after6.rules.block',
    save: 'ip6tables-save',
    restore: 'ip6tables-restore',
  },
];

/** The half of ufw for `family`. */
export function ufwFamily(family: Family): UfwFamily {
  return family === 4 ? UFW_FAMILIES[0]! : UFW_FAMILIES[1]!;
}

/**
 * The chain the block defines and netctl's port rules jump to: `ufw-netctl-forward`
 * (`ufw6-netctl-forward` in ip6tables, following ufw's own naming).
 */
export function ufwForwardChain(family: Family): string {
  return `${ufwFamily(family).prefix}-netctl-forward`;
}

/** The chain whose presence tells that ufw is running (ufw-init's own test). */
export function ufwRunningChain(family: Family): string {
  return `${ufwFamily(family).prefix}-user-input`;
}

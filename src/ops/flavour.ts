/**
 * What `doctor` reports and `ufw install` / `docker install` refuse about the iptables
 * underneath: both flavours holding rules (firewall/iptables/flavour.ts), and kernel support
 * a rule needs that is missing (the raw table, conntrack). Each is one line naming what is
 * missing or which is which. Reads only.
 */
import { ConflictError } from '../errors.js';
import { mixedFlavours } from '../firewall/iptables/flavour.js';
import { iptablesIsNft } from '../sys/nft-gen.js';
import type { Host } from './host.js';

async function save(host: Host, argv: string[]): Promise<string> {
  const r = await host.ufw.runner.run(argv, { timeoutMs: 20_000 }).catch(() => undefined);
  return r?.code === 0 ? r.stdout : '';
}

/** The problems found, one line each (none on a sound host). */
export async function iptablesProblems(host: Host): Promise<string[]> {
  const out: string[] = [];
  const nft = iptablesIsNft();
  const [legacy, nf] = await Promise.all([save(host, ['iptables-legacy-save']), save(host, ['iptables-nft-save'])]);
  const mixed = mixedFlavours(legacy, nf, nft ? 'nft' : 'legacy');
  if (mixed) out.push(mixed);
  const raw = await host.ufw.runner
    .run(['iptables', '-w', '5', '-t', 'raw', '-S'], { timeoutMs: 20_000 })
    .catch(() => undefined);
  if (raw && raw.code !== 0)
    out.push(
      `kernel: the raw table is missing (${nft ? 'nf_tables raw chains' : 'module iptable_raw'}): ${raw.stderr.trim().split('\n')[0] ?? ''}; modprobe ${nft ? 'nf_tables' : 'iptable_raw'}`,
    );
  if ((await host.ufw.files.read('/proc/sys/net/netfilter/nf_conntrack_max')) === undefined)
    out.push('kernel: conntrack is not loaded (module nf_conntrack): modprobe nf_conntrack');
  return out;
}

/** Refuses an install on a host with mixed flavours: its block would never meet Docker's or netctl's rules. */
export async function refuseMixedFlavours(host: Host): Promise<void> {
  const mixed = (await iptablesProblems(host)).find((p) => p.startsWith('iptables flavours mixed'));
  if (mixed) throw new ConflictError(mixed);
}

/**
 * What `doctor` reports and `ufw install` / `docker install` refuse about the iptables
 * underneath: both flavours holding rules, for IPv4 and for IPv6 apart (firewall/iptables/flavour.ts), and kernel support
 * a rule needs that is missing (the raw table, conntrack). Each is one line naming what is
 * missing or which is which. Reads only.
 */
import { ConflictError } from '../errors.js';
import { mixedFlavours } from '../firewall/iptables/flavour.js';
import { iptablesIsNft, toolIsNft } from '../sys/nft-gen.js';
import type { Host } from './host.js';

async function save(host: Host, argv: string[]): Promise<string> {
  const r = await host.ufw.runner.run(argv, { timeoutMs: 20_000 }).catch(() => undefined);
  return r?.code === 0 ? r.stdout : '';
}

/** The problems found, one line each (none on a sound host). */
export async function iptablesProblems(host: Host): Promise<string[]> {
  const out: string[] = [];
  const nft = iptablesIsNft();
  const [legacy, nf, legacy6, nf6] = await Promise.all(
    ['iptables-legacy-save', 'iptables-nft-save', 'ip6tables-legacy-save', 'ip6tables-nft-save'].map((t) =>
      save(host, [t]),
    ),
  );
  const mixed = mixedFlavours(legacy!, nf!, nft ? 'nft' : 'legacy');
  if (mixed) out.push(mixed);
  const mixed6 = mixedFlavours(legacy6!, nf6!, toolIsNft('ip6tables-save') ? 'nft' : 'legacy', 6);
  if (mixed6) out.push(mixed6);
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
  const mixed = (await iptablesProblems(host)).find((p) => /^ip6?tables flavours mixed/.test(p));
  if (mixed) throw new ConflictError(mixed);
}

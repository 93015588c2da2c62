/**
 * Which iptables flavour holds whose rules. Legacy iptables (x_tables) and iptables-nft
 * (nf_tables) are two rulesets the kernel runs one after the other: a Docker or ufw that
 * writes into one and netctl into the other do not see each other's chains, so ufw's
 * block would jump to nothing and Docker's DOCKER-USER would never meet it. This reads
 * both `iptables-save` outputs and names who is where. Pure.
 */

/** Whose rules a save holds: Docker's, ufw's, netctl's, and anyone else's. */
export function ownersIn(save: string): string[] {
  const chains = save
    .split('\n')
    .filter((l) => l.startsWith(':'))
    .map((l) => l.slice(1).split(' ')[0]!);
  const rules = save.split('\n').filter((l) => l.startsWith('-A ')).length;
  const out: string[] = [];
  if (chains.some((c) => c.startsWith('DOCKER'))) out.push('Docker');
  if (chains.some((c) => c.startsWith('ufw-') || c.startsWith('ufw6-'))) out.push('ufw');
  if (chains.some((c) => c.startsWith('NETCTL-'))) out.push('netctl');
  if (out.length === 0 && rules > 0) out.push('other rules');
  return out;
}

const words = (who: string[]): string =>
  (who.length === 1 ? `${who[0]}'s` : `${who.slice(0, -1).join(', ')} and ${who.at(-1)}'s`).replace(
    "other rules's",
    'other rules',
  );

/**
 * One line when both flavours hold rules (undefined otherwise): which is where, and which
 * one netctl uses (`nft` or `legacy`, as `iptables` on PATH is).
 */
export function mixedFlavours(
  legacySave: string,
  nftSave: string,
  netctl: 'nft' | 'legacy',
  family: 4 | 6 = 4,
): string | undefined {
  const legacy = ownersIn(legacySave);
  const nft = ownersIn(nftSave);
  if (legacy.length === 0 || nft.length === 0) return undefined;
  // IPv6 has its own tools and its own alternative, which can point the other way.
  const tool = family === 4 ? 'iptables' : 'ip6tables';
  const uses = netctl === 'nft' ? `nf_tables (${tool}-nft)` : `legacy ${tool}`;
  return (
    `${tool} flavours mixed: legacy ${tool} holds ${words(legacy)} rules, nf_tables holds ${words(nft)}; ` +
    `netctl uses ${uses}, and rules in one do not see chains in the other ` +
    `(use one flavour for all: update-alternatives --config ${tool}, then restart Docker and ufw)`
  );
}

/** Whose rules each iptables flavour holds, and the one line when both hold some. Pure. */
import { describe, expect, it } from 'vitest';
import { mixedFlavours, ownersIn } from '../../src/firewall/iptables/flavour.js';

const EMPTY = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n';
const DOCKER =
  '*filter\n:FORWARD DROP [0:0]\n:DOCKER - [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\nCOMMIT\n';
const UFW_NETCTL = '*filter\n:ufw-user-input - [0:0]\n:NETCTL-FORWARD - [0:0]\n-A FORWARD -j NETCTL-FORWARD\nCOMMIT\n';

describe('iptables flavours', () => {
  it("name Docker's, ufw's, netctl's and anyone else's rules, and nothing in an empty table", () => {
    expect(ownersIn(EMPTY)).toEqual([]);
    expect(ownersIn('')).toEqual([]);
    expect(ownersIn(DOCKER)).toEqual(['Docker']);
    expect(ownersIn(UFW_NETCTL)).toEqual(['ufw', 'netctl']);
    expect(ownersIn('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.1/32 -j DROP\nCOMMIT\n')).toEqual([
      'other rules',
    ]);
  });

  it('are reported mixed, in one line saying which is which, only when both hold rules', () => {
    expect(mixedFlavours(DOCKER, UFW_NETCTL, 'nft')).toBe(
      "iptables flavours mixed: legacy iptables holds Docker's rules, nf_tables holds ufw and netctl's; netctl uses nf_tables (iptables-nft), and rules in one do not see chains in the other (use one flavour for all: update-alternatives --config iptables, then restart Docker and ufw)",
    );
    expect(mixedFlavours(EMPTY, UFW_NETCTL, 'nft')).toBeUndefined();
    expect(mixedFlavours(DOCKER, '', 'legacy')).toBeUndefined();
  });

  it('are told apart for IPv6, whose tools and alternative are its own', () => {
    const ufw6 = '*filter\n:ufw6-user-input - [0:0]\nCOMMIT\n';
    expect(mixedFlavours(DOCKER, ufw6, 'legacy', 6)).toBe(
      "ip6tables flavours mixed: legacy ip6tables holds Docker's rules, nf_tables holds ufw's; netctl uses legacy ip6tables, and rules in one do not see chains in the other (use one flavour for all: update-alternatives --config ip6tables, then restart Docker and ufw)",
    );
    expect(mixedFlavours(EMPTY, ufw6, 'nft', 6)).toBeUndefined();
  });
});

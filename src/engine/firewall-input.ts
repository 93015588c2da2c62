/**
 * The firewall's input computed from recorded state: a pure function of the networks (and,
 * once containers publish ports, of their mappings), in creation order so that the planner
 * only appends for a new network.
 */
import type { FirewallInput, NetworkRules } from '../firewall/input.js';
import type { Network } from '../model/network.js';

/** What one network contributes to the rules. */
export function networkRules(n: Network): NetworkRules {
  const rules: NetworkRules = { id: n.id, name: n.name, bridge: n.bridge, subnet: n.subnet, internal: n.internal, icc: n.icc };
  if (n.subnet6 !== undefined) rules.subnet6 = n.subnet6;
  return rules;
}

/** The whole firewall input for these networks. */
export function firewallInput(networks: readonly Network[]): FirewallInput {
  return { networks: networks.map(networkRules), ports: [] };
}

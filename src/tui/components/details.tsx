/**
 * The detail view of a container: veth pairs, namespace, links, ports with the reason ufw
 * decides them as it does, and its rules highlighted.
 */
import { Box, Text } from 'ink';
import type { TuiContainer, TuiRule } from '../snapshot.js';
import { ruleOf } from '../snapshot.js';
import { exposureText, portText } from './containers.js';

/** Props of Details. */
export interface DetailsProps {
  container: TuiContainer;
  rules: TuiRule[];
  height: number;
  width: number;
}

/** The container's facts, then its rules. */
export function Details({ container: c, rules, height, width }: DetailsProps) {
  const mine = rules.filter((r) => ruleOf(r, c));
  const facts = [
    `container ${c.name} (${c.id.slice(0, 12)})  state ${c.state}`,
    `address ${c.address || '-'} on ${c.network || '-'}`,
    `veth ${c.veths.join(', ') || '-'} <-> eth0 in namespace ${c.netns}`,
    `links ${c.links.join(', ') || '-'}`,
    ...c.ports.map((p) => `port ${portText(p)}  ufw: ${exposureText(p)} (${p.reason})`),
    'rules:',
  ];
  const room = Math.max(0, height - facts.length);
  return (
    <Box flexDirection="column">
      {facts.map((f) => (
        <Text key={f} wrap="truncate-end">{f.slice(0, width)}</Text>
      ))}
      {mine.slice(0, room).map((r, i) => (
        <Text key={i} color="cyan" wrap="truncate-end">{`  ${r.packets} pkts  ${r.text}`.slice(0, width)}</Text>
      ))}
    </Box>
  );
}

/**
 * The detail view of a network: its bridge and addressing, the containers on it, and the
 * rules that name its bridge or subnet.
 */
import type { TuiContainer, TuiNetwork, TuiRule } from '../snapshot.js';
import { count, ruleBody } from './rules.js';
import { Clipped } from './clipped.js';

/** Props of NetworkDetails. */
export interface NetworkDetailsProps {
  network: TuiNetwork;
  containers: TuiContainer[];
  rules: TuiRule[];
  height: number;
  width: number;
  color?: boolean;
}

/** Whether a rule concerns a network: it names its bridge (as a whole word) or its subnet. */
export function ruleOfNetwork(rule: TuiRule, n: TuiNetwork): boolean {
  const bridge = new RegExp(`(^|\\s)${n.bridge.replace(/[.+]/g, '\\$&')}(\\s|$)`);
  return bridge.test(rule.text) || n.subnet.split(' ').some((s) => s !== '' && rule.text.includes(s));
}

/** The network's facts, its containers, then its rules. */
export function NetworkDetails({ network: n, containers, rules, height, width, color = true }: NetworkDetailsProps) {
  const members = containers.flatMap((c) =>
    c.veths.filter((v) => v.network === n.name).map((v) => `${c.name} ${v.address || '-'} (${c.state}, ${v.host})`),
  );
  const mine = rules.filter((r) => ruleOfNetwork(r, n));
  const facts = [
    `network ${n.name}  bridge ${n.bridge} ${n.up ? 'up' : 'down'}`,
    `subnet ${n.subnet}  gateway ${n.gateway}  icc ${n.icc ? 'on' : 'off'}  ${n.internal ? 'internal (no way out)' : 'external'}`,
    `containers (${n.containers}): ${members.join(', ') || '-'}`,
    `rules (${mine.length}):`,
  ];
  const lines = [
    ...facts.map((text) => ({ text })),
    ...mine.map((r) => ({
      text: `${color ? '  ' : ' *'}${count(r.packets).padStart(6)} pkts  IPv${r.family} ${r.table} ${r.chain}: ${ruleBody(r)}`,
      color: 'cyan',
    })),
  ];
  return <Clipped lines={lines} height={height} width={width} />;
}

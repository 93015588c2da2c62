/**
 * The detail view of one rule: all of it, wrapped, with its exact counters — the Rules
 * pane cuts long rules at the terminal's width.
 */
import { Clipped } from './clipped.js';
import type { TuiRule } from '../snapshot.js';

/** Props of RuleDetails. */
export interface RuleDetailsProps {
  /** An owned iptables rule, or else a ufw route rule's command. */
  rule?: TuiRule;
  route?: string;
  height: number;
  width: number;
}

/** The whole rule. */
export function RuleDetails({ rule, route, height, width }: RuleDetailsProps) {
  const lines = rule
    ? [`IPv${rule.family} table ${rule.table}, chain ${rule.chain}`, `${rule.packets} packets, ${rule.bytes} bytes`, ' ', rule.text]
    : ['a ufw route rule made by netctl allow (netctl deny removes it)', ' ', route ?? ''];
  return <Clipped lines={lines.map((text) => ({ text }))} height={height} width={width} />;
}

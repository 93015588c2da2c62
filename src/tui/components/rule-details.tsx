/**
 * The detail view of one rule: all of it, wrapped, with its exact counters and whose
 * container it is about — the Rules pane cuts long rules at the terminal's width.
 */
import { Clipped } from './clipped.js';
import type { TuiRoute, TuiRule } from '../snapshot.js';

/** Props of RuleDetails. */
export interface RuleDetailsProps {
  /** An owned iptables rule, or else a ufw route rule. */
  rule?: TuiRule;
  route?: TuiRoute;
  height: number;
  width: number;
}

const WHOSE: Record<TuiRoute['owner'], string> = {
  netctl: 'container',
  cni: 'CNI attachment',
  podman: 'Podman container',
  docker: 'Docker container',
};

function routeLines(r: TuiRoute): string[] {
  const made =
    r.source === 'label'
      ? `from the container's netctl.allow label (${r.allow})`
      : `by netctl allow ${r.allow} (netctl deny removes it)`;
  const live = r.live
    ? `live in ufw's forward chain: ${r.live.packets} packets, ${r.live.bytes} bytes`
    : "not in ufw's live forward chain (ufw not running, or not loaded yet)";
  if (r.command === '')
    return [
      `a Docker allow rule stored by netctl allow: ${r.allow}`,
      `owner docker, container ${r.container}`,
      'no ufw route rule now: the container is not running, or Docker was not synced (netctl docker sync)',
    ];
  return [
    `a ufw route rule for ${WHOSE[r.owner]} ${r.container}, ${made}`,
    `owner ${r.owner}, ${live}`,
    ' ',
    r.command,
  ];
}

/** The whole rule. */
export function RuleDetails({ rule, route, height, width }: RuleDetailsProps) {
  const lines = rule
    ? [
        `IPv${rule.family} table ${rule.table}, chain ${rule.chain}`,
        `${rule.packets} packets, ${rule.bytes} bytes`,
        `owner ${rule.owner}${rule.containers.length ? `, about ${rule.containers.join(', ')}` : ''}`,
        ' ',
        rule.text,
      ]
    : route
      ? routeLines(route)
      : [];
  return <Clipped lines={lines.map((text) => ({ text }))} height={height} width={width} />;
}

/**
 * The detail view of a container: veth pairs, namespace, links, mounts, ports with the reason ufw
 * decides them as it does, and its rules highlighted.
 */
import type { TuiContainer, TuiRule } from '../snapshot.js';
import { ruleOf } from '../snapshot.js';
import { exposureText, portText } from './containers.js';
import { count, ruleBody } from './rules.js';
import { Clipped } from './clipped.js';

/** Props of Details. */
export interface DetailsProps {
  container: TuiContainer;
  rules: TuiRule[];
  height: number;
  width: number;
  color?: boolean;
}

/** Whose container: Podman 5's (netctl's netavark plugin), a CNI runtime's, or netctl's own. */
function ownerText(c: DetailsProps['container']): string {
  if (c.kind === 'netctl') return 'netctl';
  if (c.kind === 'podman') return "podman (a container attached through netctl's netavark plugin)";
  return "cni (an attachment made through netctl's CNI plugin)";
}

/** The container's facts, then its rules. */
export function Details({ container: c, rules, height, width, color = true }: DetailsProps) {
  const mine = rules.filter((r) => ruleOf(r, c));
  const facts = [
    `container ${c.name} (${c.id.slice(0, 12)})  state ${c.state}${c.health ? ` (${c.health})` : ''}  owner ${ownerText(c)}`,
    ...(c.cni
      ? [
          `cni network ${c.cni.config}, runtime container ${c.cni.containerId}, ifname ${c.cni.ifname}, args ${c.cni.args.join(' ') || '-'}`,
        ]
      : []),
    `address ${c.address || '-'} on ${c.network || '-'}, namespace ${c.netns}${c.kind !== 'netctl' && c.state === 'stale' ? ' (gone: the runtime removed it without CNI DEL; its GC or DEL frees the address and rules)' : ''}`,
    ...(c.veths.length === 0
      ? ['veth -']
      : c.veths.map((v) => `veth ${v.host} <-> ${v.peer} ${v.address || '-'} on ${v.network} (bridge port)`)),
    ...(c.image ? [`image ${c.image}`] : []),
    `links ${c.links.join(', ') || '-'}`,
    ...(c.mounts ?? []).map((m) => `mount ${m}`),
    ...c.ports.map((p) => `port ${portText(p)}  ufw: ${exposureText(p)} (${p.reason})`),
    `rules (${mine.length}):`,
  ];
  // Lines wrap here (the reason ufw decides, the whole rule); what does not fit is cut.
  const lines = [
    ...facts.map((text) => ({ text })),
    ...mine.map((r) => ({
      text: `${color ? '  ' : ' *'}${count(r.packets).padStart(6)} pkts  ${r.table} ${r.chain}: ${ruleBody(r)}`,
      color: 'cyan',
    })),
  ];
  return <Clipped lines={lines} height={height} width={width} />;
}

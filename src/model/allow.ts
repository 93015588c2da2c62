/**
 * Allow rules: what `netctl allow` recorded. They belong to a container's name, not to its
 * address, so the ufw route rules made from them follow the container.
 */
import type { PortProto } from './port.js';

/** One `netctl allow` as stored. Null fields mean "every": every port, protocol, source, network. */
export interface AllowRule {
  container: string;
  /** Container port; null: every published port. */
  port: number | null;
  proto: PortProto | null;
  /** Canonical source (`203.0.113.1` or `203.0.113.0/24`); null: anywhere. */
  from: string | null;
  /** Network name; null: every network the port is published on. */
  network: string | null;
}

/** Whether two rules are the same record (the store's uniqueness). */
export function sameAllow(a: AllowRule, b: AllowRule): boolean {
  return (
    a.container === b.container &&
    a.port === b.port &&
    a.proto === b.proto &&
    a.from === b.from &&
    a.network === b.network
  );
}

/** `web 80/tcp from 203.0.113.1 on net1`, for messages. */
export function describeAllow(r: AllowRule): string {
  const port = r.port === null ? 'every published port' : `${r.port}/${r.proto ?? 'tcp'}`;
  const from = r.from === null ? '' : ` from ${r.from}`;
  const net = r.network === null ? '' : ` on ${r.network}`;
  return `${r.container} ${port}${from}${net}`;
}

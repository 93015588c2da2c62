/**
 * Published host ports: their records and the rule for when two of them claim the same
 * host address, port and protocol. Pure.
 */
import { UsageError } from '../errors.js';
import { canonicalIp } from './addr.js';

/** Transport protocols a port can be published for. */
export type PortProto = 'tcp' | 'udp' | 'sctp';

/** The protocols, in the order they are listed. */
export const PORT_PROTOS: readonly PortProto[] = ['tcp', 'udp', 'sctp'];

/** The host address meaning "every address of the family". */
export const ANY_ADDRESS = { 4: '0.0.0.0', 6: '::' } as const;

/** One published port: a single host port to a single container port. */
export interface PublishedPort {
  containerId: string;
  /** Canonical host address; `0.0.0.0` or `::` means every address of that family. */
  hostIp: string;
  hostPort: number;
  containerPort: number;
  proto: PortProto;
}

/** The host side of a published port, which must be unique. */
export type HostBinding = Pick<PublishedPort, 'hostIp' | 'hostPort' | 'proto'>;

/** True for `0.0.0.0` and `::`. */
export function isAnyAddress(hostIp: string): boolean {
  return hostIp === ANY_ADDRESS[4] || hostIp === ANY_ADDRESS[6];
}

/**
 * True if two bindings claim the same packets: same protocol and port, and the same host
 * address or one of them every address of the other's family (0.0.0.0 takes 10.1.2.3).
 */
export function bindingsClash(a: HostBinding, b: HostBinding): boolean {
  if (a.proto !== b.proto || a.hostPort !== b.hostPort) return false;
  if (a.hostIp === b.hostIp) return true;
  const v6 = (ip: string) => ip.includes(':');
  if (v6(a.hostIp) !== v6(b.hostIp)) return false;
  return isAnyAddress(a.hostIp) || isAnyAddress(b.hostIp);
}

/** Checks a port number (1-65535); `what` names it in the error. */
export function checkPort(port: number, what = 'port'): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`invalid ${what} "${port}": must be 1 to 65535`);
  return port;
}

/** Checks a protocol name. */
export function checkProto(proto: string): PortProto {
  if (!(PORT_PROTOS as readonly string[]).includes(proto))
    throw new UsageError(`invalid protocol "${proto}": use tcp, udp or sctp`);
  return proto as PortProto;
}

/** A host address in canonical form; absent means `0.0.0.0`. */
export function canonicalHostIp(hostIp: string | undefined): string {
  return hostIp === undefined || hostIp === '' ? ANY_ADDRESS[4] : canonicalIp(hostIp, 'host IP');
}

/** `0.0.0.0:8080/tcp`, `[::1]:53/udp`: for messages. */
export function formatBinding(b: HostBinding): string {
  const ip = b.hostIp.includes(':') ? `[${b.hostIp}]` : b.hostIp;
  return `${ip}:${b.hostPort}/${b.proto}`;
}

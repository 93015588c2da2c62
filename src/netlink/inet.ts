/**
 * Addresses between netctl's text form and the raw bytes netlink carries. Pure.
 */
import { UsageError } from '../errors.js';
import { broadcastAddress, formatIp, parseCidr, parseIp, type Family, type Ip } from '../model/addr.js';

/** An interface address in netlink form. */
export interface IfAddr {
  family: Family;
  /** AF_INET (2) or AF_INET6 (10). */
  af: number;
  bytes: Buffer;
  prefixlen: number;
  /** IPv4 broadcast address, as `ip addr add ... brd +` computes it (prefixes up to /30). */
  broadcast?: Buffer;
}

/** Linux address family numbers. */
export const AF_INET = 2;
export const AF_INET6 = 10;

/** The AF_* number of a family. */
export function afOf(family: Family): number {
  return family === 4 ? AF_INET : AF_INET6;
}

/** Network-order bytes of an address. */
export function ipToBytes(ip: Ip): Buffer {
  const len = ip.family === 4 ? 4 : 16;
  const out = Buffer.alloc(len);
  let v = ip.value;
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Text of network-order address bytes (4 or 16 of them). */
export function bytesToIp(bytes: Uint8Array): string {
  if (bytes.length !== 4 && bytes.length !== 16) throw new RangeError(`not an address: ${bytes.length} bytes`);
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return formatIp({ family: bytes.length === 4 ? 4 : 6, value });
}

/** Family and bytes of an address in text. */
export function addressBytes(text: string, what = 'IP address'): { family: Family; bytes: Buffer } {
  const ip = parseIp(text, what);
  return { family: ip.family, bytes: ipToBytes(ip) };
}

/** Parses an interface address `ADDR/LEN` (host bits kept: `10.99.0.2/24`). */
export function ifAddr(cidr: string): IfAddr {
  const slash = cidr.indexOf('/');
  if (slash < 0) throw new UsageError(`invalid address "${cidr}": expected ADDRESS/PREFIX-LENGTH`);
  const block = parseCidr(cidr, 'address');
  const ip = parseIp(cidr.slice(0, slash), 'address');
  const out: IfAddr = { family: ip.family, af: afOf(ip.family), bytes: ipToBytes(ip), prefixlen: block.prefix };
  if (ip.family === 4 && block.prefix <= 30) out.broadcast = ipToBytes(broadcastAddress(block));
  return out;
}

/** Destination of a route: `default` (prefix 0) or a block, host bits cleared. */
export function routeDst(
  dst: string | undefined,
  family: Family,
): { family: Family; bytes?: Buffer; prefixlen: number } {
  if (dst === undefined || dst === 'default') return { family, prefixlen: 0 };
  const block = parseCidr(dst, 'route destination');
  return {
    family: block.family,
    bytes: ipToBytes({ family: block.family, value: block.base }),
    prefixlen: block.prefix,
  };
}

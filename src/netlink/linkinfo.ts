/**
 * Hand-encoded rtnetlink attributes the `netlink` package has no encoder for: the
 * IFLA_LINKINFO payload that creates a bridge or a veth pair, and the AF_BRIDGE
 * RTM_SETLINK message that turns hairpin mode on a bridge port on or off. Plus the small
 * attribute decoder needed to read a link's kind back. Pure: bytes in, bytes out.
 *
 * Netlink attributes are `{u16 len, u16 type}` headers in host byte order followed by the
 * payload, each padded to 4 bytes; `len` counts header and payload but not the padding.
 */

/** Attribute types and constants from linux/if_link.h, linux/veth.h and linux/netlink.h. */
export const IFLA = {
  IFNAME: 3,
  MTU: 4,
  PROTINFO: 12,
  LINKINFO: 18,
  NET_NS_FD: 28,
  INFO_KIND: 1,
  INFO_DATA: 2,
  VETH_INFO_PEER: 1,
  // linux/if_link.h calls the hairpin switch IFLA_BRPORT_MODE ("mode: hairpin").
  BRPORT_MODE: 4,
} as const;

/** Marks an attribute whose payload is itself a list of attributes. */
export const NLA_F_NESTED = 0x8000;
const NLA_TYPE_MASK = 0x3fff;

/** Address family of bridge-port messages. */
export const AF_BRIDGE = 7;
/** Size of struct ifinfomsg. */
export const IFINFOMSG_LEN = 16;

const hostLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** One attribute: header, payload and the zero padding up to the next 4-byte boundary. */
export function nlattr(type: number, payload: Uint8Array): Buffer {
  const len = 4 + payload.length;
  if (len > 0xffff) throw new RangeError(`netlink attribute ${type} too long (${len} bytes)`);
  const out = Buffer.alloc(align4(len));
  const view = new DataView(out.buffer, out.byteOffset, out.length);
  view.setUint16(0, len, hostLE);
  view.setUint16(2, type, hostLE);
  out.set(payload, 4);
  return out;
}

/** A nested attribute holding `children` (each already padded), with NLA_F_NESTED set. */
export function nested(type: number, children: readonly Uint8Array[]): Buffer {
  return nlattr(type | NLA_F_NESTED, Buffer.concat(children));
}

/** A NUL-terminated string payload, as IFLA_IFNAME and IFLA_INFO_KIND want it. */
export function cstring(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.alloc(1)]);
}

/** A u32 payload in host byte order. */
export function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  new DataView(out.buffer, out.byteOffset, 4).setUint32(0, value, hostLE);
  return out;
}

/** Fields of struct ifinfomsg; everything defaults to 0. */
export interface IfInfoMsg {
  family?: number;
  type?: number;
  index?: number;
  flags?: number;
  change?: number;
}

/** struct ifinfomsg: u8 family, u8 pad, u16 type, s32 index, u32 flags, u32 change. */
export function ifinfomsg(m: IfInfoMsg = {}): Buffer {
  const out = Buffer.alloc(IFINFOMSG_LEN);
  const view = new DataView(out.buffer, out.byteOffset, out.length);
  view.setUint8(0, m.family ?? 0);
  view.setUint16(2, m.type ?? 0, hostLE);
  view.setInt32(4, m.index ?? 0, hostLE);
  view.setUint32(8, m.flags ?? 0, hostLE);
  view.setUint32(12, m.change ?? 0, hostLE);
  return out;
}

/** The IFLA_LINKINFO payload creating a bridge. */
export function bridgeLinkInfo(): Buffer {
  return nlattr(IFLA.INFO_KIND, cstring('bridge'));
}

/** The peer end of a veth pair. */
export interface VethPeer {
  name: string;
  mtu?: number;
  /** An fd of the network namespace to create the peer in (IFLA_NET_NS_FD). */
  netnsFd?: number;
}

/**
 * The IFLA_LINKINFO payload creating a veth pair: kind "veth" and, in IFLA_INFO_DATA,
 * VETH_INFO_PEER = an ifinfomsg followed by the peer's own link attributes.
 */
export function vethLinkInfo(peer: VethPeer): Buffer {
  const peerAttrs = [ifinfomsg(), nlattr(IFLA.IFNAME, cstring(peer.name))];
  if (peer.mtu !== undefined) peerAttrs.push(nlattr(IFLA.MTU, u32(peer.mtu)));
  if (peer.netnsFd !== undefined) peerAttrs.push(nlattr(IFLA.NET_NS_FD, u32(peer.netnsFd)));
  const data = nested(IFLA.INFO_DATA, [nested(IFLA.VETH_INFO_PEER, peerAttrs)]);
  return Buffer.concat([nlattr(IFLA.INFO_KIND, cstring('veth')), data]);
}

/**
 * The RTM_SETLINK payload switching hairpin mode of bridge port `index`. The kernel's
 * bridge code reads IFLA_PROTINFO as a list of IFLA_BRPORT_* attributes only when
 * NLA_F_NESTED is set; without it, it takes the first byte as a port STP state.
 */
export function hairpinMessage(index: number, on: boolean): Buffer {
  const mode = nlattr(IFLA.BRPORT_MODE, Uint8Array.of(on ? 1 : 0));
  return Buffer.concat([ifinfomsg({ family: AF_BRIDGE, index }), nested(IFLA.PROTINFO, [mode])]);
}

/** A decoded attribute. */
export interface RawAttr {
  type: number;
  nested: boolean;
  payload: Buffer;
}

/** Splits a run of attributes; throws on a truncated or malformed one. */
export function parseAttrs(buf: Uint8Array): RawAttr[] {
  const data = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  const out: RawAttr[] = [];
  let off = 0;
  while (off + 4 <= data.length) {
    const len = view.getUint16(off, hostLE);
    const type = view.getUint16(off + 2, hostLE);
    if (len < 4 || off + len > data.length) throw new RangeError(`malformed netlink attribute at offset ${off}`);
    out.push({
      type: type & NLA_TYPE_MASK,
      nested: (type & NLA_F_NESTED) !== 0,
      payload: data.subarray(off + 4, off + len),
    });
    off += align4(len);
  }
  return out;
}

/** The kind ("bridge", "veth", ...) in an IFLA_LINKINFO payload, if there is one. */
export function linkKind(linkinfo: Uint8Array | undefined): string | undefined {
  if (!linkinfo) return undefined;
  const kind = parseAttrs(linkinfo).find((a) => a.type === IFLA.INFO_KIND);
  if (!kind) return undefined;
  const end = kind.payload.indexOf(0);
  return kind.payload.subarray(0, end < 0 ? kind.payload.length : end).toString('utf8');
}

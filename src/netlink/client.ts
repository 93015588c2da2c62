/**
 * The NetlinkClient over the `netlink` package's rtnetlink socket: the only file that
 * imports `netlink`. Links are addressed by name where the kernel allows it (one request
 * per change); addresses, routes, renames and bridge-port settings need the index first.
 */
import { createRequire } from 'node:module';
import type { createRtNetlink as CreateRtNetlink, FlagsNew as FlagsNewT, ifla, rt, RtNetlinkSocket } from 'netlink';
import { UsageError, wrap } from '../errors.js';
import { native, type NetnsOps } from '../sys/native.js';
import { addressBytes, bytesToIp, ifAddr, routeDst, afOf } from './inet.js';
import { isErrno, KernelError, kernelError } from './kernel-error.js';
import { bridgeLinkInfo, hairpinMessage, linkKind, vethLinkInfo } from './linkinfo.js';
import type { AddressInfo, AddressOptions, LinkInfo, NetlinkClient, RouteInfo, RouteSpec } from './types.js';

// The package's index also loads its nl80211, WireGuard and generic-netlink parts; requiring
// the three files used here directly, as CommonJS, costs a command ~13 ms instead of ~33 ms.
// They (and the package's native addon) are loaded on first use: `ps`, `ufw status` and
// the other verbs that never open a socket import this file through ops/ without paying.
const require = createRequire(import.meta.url);
interface NetlinkParts {
  createRtNetlink: typeof CreateRtNetlink;
  FlagsNew: typeof FlagsNewT;
  rtValues: Pick<typeof rt, 'MessageType' | 'RouteProtocol' | 'RouteScope'>;
}
let parts: NetlinkParts | undefined;
function nl(): NetlinkParts {
  parts ??= {
    createRtNetlink: (require('netlink/dist/rt/rt.js') as { createRtNetlink: typeof CreateRtNetlink }).createRtNetlink,
    FlagsNew: (require('netlink/dist/constants.js') as { FlagsNew: typeof FlagsNewT }).FlagsNew,
    rtValues: require('netlink/dist/rt/structs.js') as NetlinkParts['rtValues'],
  };
  return parts;
}
const createRtNetlink = (): RtNetlinkSocket => nl().createRtNetlink();
const createExcl = (): number => nl().FlagsNew.CREATE | nl().FlagsNew.EXCL;

// No request should take long; a stuck one must not hang a command forever.
const TIMEOUT_MS = 10_000;
const MAIN_TABLE = 254;

function toLinkInfo(msg: rt.LinkMessage): LinkInfo {
  const { data, attrs } = msg;
  const link: LinkInfo = { index: data.index ?? 0, name: attrs.ifname ?? '', up: data.flags?.up === true };
  const kind = linkKind(attrs.linkinfo);
  if (kind !== undefined) link.kind = kind;
  if (attrs.mtu !== undefined) link.mtu = attrs.mtu;
  if (attrs.master) link.master = attrs.master;
  if (attrs.address?.length === 6) link.mac = [...attrs.address].map((b) => b.toString(16).padStart(2, '0')).join(':');
  return link;
}

function enumNumber(mapping: Record<string, string | number>, value: unknown): number {
  if (typeof value === 'number') return value;
  const n = typeof value === 'string' ? mapping[value] : undefined;
  return typeof n === 'number' ? n : 0;
}

function toRouteInfo(msg: rt.RouteMessage): RouteInfo {
  const { data, attrs } = msg;
  const family = data.family === afOf(6) ? 6 : 4;
  const route: RouteInfo = {
    family,
    dst: data.dstLen && attrs.dst ? `${bytesToIp(attrs.dst)}/${data.dstLen}` : 'default',
    protocol: enumNumber(nl().rtValues.RouteProtocol, data.protocol),
    scope: enumNumber(nl().rtValues.RouteScope, data.scope),
  };
  if (attrs.gateway) route.gateway = bytesToIp(attrs.gateway);
  if (attrs.oif !== undefined) route.oif = attrs.oif;
  return route;
}

function sameRoute(a: RouteInfo, b: RouteInfo): boolean {
  return (
    a.family === b.family && a.dst === b.dst && a.gateway === b.gateway && (b.oif === undefined || a.oif === b.oif)
  );
}

class RtNetlinkClient implements NetlinkClient {
  constructor(private readonly sock: RtNetlinkSocket) {}

  /** Runs one kernel conversation, turning its failure into `action "object": cause`. */
  private async guard<T>(action: string, object: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw wrap(action, object, kernelError(err));
    }
  }

  private async find(name: string): Promise<LinkInfo | undefined> {
    try {
      const [msg] = await this.sock.getLink({}, { ifname: name }, { timeout: TIMEOUT_MS });
      return msg ? toLinkInfo(msg) : undefined;
    } catch (err) {
      if (isErrno(kernelError(err), 'ENODEV')) return undefined;
      throw err;
    }
  }

  private async indexOf(name: string): Promise<number> {
    const link = await this.find(name);
    if (!link) throw new KernelError('ENODEV', `No such device "${name}"`);
    return link.index;
  }

  private async setLink(action: string, name: string, data: rt.Link, attrs: ifla.LinkAttrs = {}): Promise<void> {
    await this.guard(action, name, () => this.sock.setLink(data, { ifname: name, ...attrs }, { timeout: TIMEOUT_MS }));
  }

  async listLinks(): Promise<LinkInfo[]> {
    const msgs = await this.guard('list', 'links', () =>
      this.sock.getLinks(undefined, undefined, { timeout: TIMEOUT_MS }),
    );
    return msgs.map(toLinkInfo);
  }

  getLink(name: string): Promise<LinkInfo | undefined> {
    return this.guard('get link', name, () => this.find(name));
  }

  getLinkByIndex(index: number): Promise<LinkInfo | undefined> {
    return this.guard('get link', `#${index}`, async () => {
      try {
        const [msg] = await this.sock.getLink({ index }, {}, { timeout: TIMEOUT_MS });
        return msg ? toLinkInfo(msg) : undefined;
      } catch (err) {
        if (isErrno(kernelError(err), 'ENODEV')) return undefined;
        throw err;
      }
    });
  }

  createBridge(name: string, opts: { mtu?: number } = {}): Promise<boolean> {
    return this.guard('create bridge', name, async () => {
      const attrs: ifla.LinkAttrs = { ifname: name, linkinfo: bridgeLinkInfo() };
      if (opts.mtu !== undefined) attrs.mtu = opts.mtu;
      try {
        await this.sock.newLink({}, attrs, { flags: createExcl(), timeout: TIMEOUT_MS });
        return true;
      } catch (err) {
        if (!isErrno(kernelError(err), 'EEXIST')) throw err;
        const existing = await this.find(name);
        if (existing?.kind === 'bridge') return false;
        throw new KernelError('EEXIST', `File exists (a link of kind ${existing?.kind ?? 'unknown'} has that name)`);
      }
    });
  }

  async createVeth(name: string, peerName: string, opts: { peerNetnsFd?: number; mtu?: number } = {}): Promise<void> {
    const linkinfo = vethLinkInfo({ name: peerName, mtu: opts.mtu, netnsFd: opts.peerNetnsFd });
    const attrs: ifla.LinkAttrs = { ifname: name, linkinfo };
    if (opts.mtu !== undefined) attrs.mtu = opts.mtu;
    await this.guard('create veth', name, () =>
      this.sock.newLink({}, attrs, { flags: createExcl(), timeout: TIMEOUT_MS }),
    );
  }

  deleteLink(name: string): Promise<boolean> {
    return this.guard('delete link', name, async () => {
      try {
        await this.sock.delLink({}, { ifname: name }, { timeout: TIMEOUT_MS });
        return true;
      } catch (err) {
        if (isErrno(kernelError(err), 'ENODEV')) return false;
        throw err;
      }
    });
  }

  setUp(name: string): Promise<void> {
    return this.setLink('set up', name, { change: { up: true }, flags: { up: true } });
  }

  setDown(name: string): Promise<void> {
    return this.setLink('set down', name, { change: { up: true }, flags: {} });
  }

  setMtu(name: string, mtu: number): Promise<void> {
    return this.setLink('set mtu of', name, {}, { mtu });
  }

  setMaster(name: string, master: string | null): Promise<void> {
    return this.guard('set master of', name, async () => {
      const index = master === null ? 0 : await this.indexOf(master);
      await this.sock.setLink({}, { ifname: name, master: index }, { timeout: TIMEOUT_MS });
    });
  }

  setHairpin(name: string, on: boolean): Promise<void> {
    return this.guard('set hairpin of', name, async () => {
      const index = await this.indexOf(name);
      await this.sock.request(nl().rtValues.MessageType.SETLINK, hairpinMessage(index, on), { timeout: TIMEOUT_MS });
    });
  }

  setMac(name: string, mac: string): Promise<void> {
    if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac)) throw new UsageError(`invalid MAC address "${mac}"`);
    return this.setLink('set address of', name, {}, { address: Buffer.from(mac.replace(/:/g, ''), 'hex') });
  }

  rename(name: string, newName: string): Promise<void> {
    return this.guard('rename', name, async () => {
      const index = await this.indexOf(name);
      await this.sock.setLink({ index }, { ifname: newName }, { timeout: TIMEOUT_MS });
    });
  }

  moveToNetns(name: string, netnsFd: number): Promise<void> {
    return this.setLink('move to netns', name, {}, { netNsFd: netnsFd });
  }

  addAddress(name: string, cidr: string, opts: AddressOptions = {}): Promise<boolean> {
    return this.guard('add address', `${cidr} dev ${name}`, async () => {
      const a = ifAddr(cidr);
      const index = await this.indexOf(name);
      const data: rt.Address = { family: a.af, prefixlen: a.prefixlen, index };
      if (opts.nodad && a.family === 6) data.flags = { nodad: true };
      const attrs: rt.AddressAttrs = { local: a.bytes, address: a.bytes };
      if (a.broadcast) attrs.broadcast = a.broadcast;
      try {
        await this.sock.newAddress(data, attrs, { flags: createExcl(), timeout: TIMEOUT_MS });
        return true;
      } catch (err) {
        if (isErrno(kernelError(err), 'EEXIST')) return false;
        throw err;
      }
    });
  }

  deleteAddress(name: string, cidr: string): Promise<boolean> {
    return this.guard('delete address', `${cidr} dev ${name}`, async () => {
      const a = ifAddr(cidr);
      const index = await this.indexOf(name);
      try {
        await this.sock.delAddress(
          { family: a.af, prefixlen: a.prefixlen, index },
          { local: a.bytes, address: a.bytes },
          { timeout: TIMEOUT_MS },
        );
        return true;
      } catch (err) {
        if (isErrno(kernelError(err), 'EADDRNOTAVAIL')) return false;
        throw err;
      }
    });
  }

  listAddresses(name?: string): Promise<AddressInfo[]> {
    return this.guard('list addresses of', name ?? 'all links', async () => {
      const index = name === undefined ? undefined : await this.indexOf(name);
      const msgs = await this.sock.getAddresses(undefined, undefined, { timeout: TIMEOUT_MS });
      const out: AddressInfo[] = [];
      for (const { data, attrs } of msgs) {
        const bytes = attrs.local ?? attrs.address;
        if (!bytes || (index !== undefined && data.index !== index)) continue;
        if (data.family !== afOf(4) && data.family !== afOf(6)) continue;
        out.push({
          index: data.index ?? 0,
          family: data.family === afOf(4) ? 4 : 6,
          cidr: `${bytesToIp(bytes)}/${data.prefixlen ?? 0}`,
        });
      }
      return out;
    });
  }

  private async routeMessage(r: RouteSpec): Promise<{ data: rt.Route; attrs: rt.RouteAttrs; want: RouteInfo }> {
    const gw = r.gateway === undefined ? undefined : addressBytes(r.gateway, 'gateway');
    if (!gw && (r.dst === undefined || r.ifname === undefined))
      throw new KernelError('EINVAL', 'a route needs a gateway, or a destination and a device');
    const dst = routeDst(r.dst, gw?.family ?? (r.dst?.includes(':') ? 6 : 4));
    const data: rt.Route = {
      family: afOf(dst.family),
      dstLen: dst.prefixlen,
      table: MAIN_TABLE,
      protocol: 'BOOT',
      scope: gw ? 'UNIVERSE' : 'LINK',
      type: 'UNICAST',
    };
    const attrs: rt.RouteAttrs = {};
    if (dst.bytes) attrs.dst = dst.bytes;
    if (gw) attrs.gateway = gw.bytes;
    if (r.ifname !== undefined) attrs.oif = await this.indexOf(r.ifname);
    const want: RouteInfo = {
      family: dst.family,
      dst: dst.bytes ? `${bytesToIp(dst.bytes)}/${dst.prefixlen}` : 'default',
      protocol: 3,
      scope: 0,
    };
    if (gw) want.gateway = bytesToIp(gw.bytes);
    if (attrs.oif !== undefined) want.oif = attrs.oif;
    return { data, attrs, want };
  }

  addRoute(route: RouteSpec): Promise<boolean> {
    return this.guard('add route', route.dst ?? 'default', async () => {
      const { data, attrs, want } = await this.routeMessage(route);
      try {
        await this.sock.newRoute(data, attrs, { flags: createExcl(), timeout: TIMEOUT_MS });
        return true;
      } catch (err) {
        if (!isErrno(kernelError(err), 'EEXIST')) throw err;
        // EEXIST only says the destination is taken; it is harmless only if by this very route.
        if ((await this.listRoutes(want.family)).some((r) => sameRoute(r, want))) return false;
        throw err;
      }
    });
  }

  deleteRoute(route: RouteSpec): Promise<boolean> {
    return this.guard('delete route', route.dst ?? 'default', async () => {
      const { data, attrs } = await this.routeMessage(route);
      try {
        await this.sock.delRoute({ ...data, protocol: undefined, scope: 'NOWHERE' }, attrs, { timeout: TIMEOUT_MS });
        return true;
      } catch (err) {
        if (isErrno(kernelError(err), 'ESRCH')) return false;
        throw err;
      }
    });
  }

  listRoutes(family?: 4 | 6): Promise<RouteInfo[]> {
    return this.guard('list', 'routes', async () => {
      const msgs = await this.sock.getRoutes({ family: family === undefined ? 0 : afOf(family) }, undefined, {
        timeout: TIMEOUT_MS,
      });
      return msgs.filter((m) => (m.attrs.table ?? m.data.table) === MAIN_TABLE).map(toRouteInfo);
    });
  }

  close(): void {
    this.sock.socket.close();
  }
}

/**
 * Opens an rtnetlink client. With `netnsPath`, its socket is created inside that network
 * namespace (the calling thread enters it just for the socket's constructor), so every
 * request on it acts there.
 */
export function openNetlink(netnsPath?: string, ops: Pick<NetnsOps, 'withNetns'> = lazyNative): NetlinkClient {
  if (netnsPath === undefined) return new RtNetlinkClient(createRtNetlink());
  const sock = (() => {
    try {
      return ops.withNetns(netnsPath, () => createRtNetlink());
    } catch (err) {
      throw wrap('open netlink socket in', netnsPath, err);
    }
  })();
  return new RtNetlinkClient(sock);
}

const lazyNative: Pick<NetnsOps, 'withNetns'> = {
  withNetns: (path, fn) => native().withNetns(path, fn),
};

/** A subscription to the kernel's link and address notifications. */
export interface LinkWatch {
  close(): void;
}

/**
 * Calls `onChange` whenever a link or an IPv4/IPv6 address appears, changes or goes
 * (multicast groups RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR). No polling:
 * the kernel pushes the messages to the socket.
 */
export function watchLinks(onChange: () => void): LinkWatch {
  const sock = createRtNetlink();
  for (const group of ['LINK', 'IPV4_IFADDR', 'IPV6_IFADDR'] as const) sock.addMembership(group);
  sock.on('message', () => onChange());
  sock.socket.unref();
  return { close: () => sock.socket.close() };
}

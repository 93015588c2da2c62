/**
 * Kernel network changes as data: the operations netctl plans, the planners for a bridge
 * network and for one container's plumbing, and the one-line text of each operation that
 * `--dry-run` prints (the equivalent `ip`/`bridge`/`sysctl` command). Pure.
 *
 * `netns` on an operation is the path of the network namespace it acts in; absent means
 * netctl's own (the host's).
 */

/** One kernel change. */
export type NetlinkOp =
  | { op: 'create-netns'; path: string }
  | { op: 'delete-netns'; path: string }
  | { op: 'create-bridge'; name: string; mtu?: number; netns?: string }
  | { op: 'create-veth'; name: string; peer: string; mtu?: number; peerNetns?: string; netns?: string }
  | { op: 'delete-link'; name: string; netns?: string }
  | { op: 'set-up'; name: string; netns?: string }
  | { op: 'set-down'; name: string; netns?: string }
  | { op: 'set-master'; name: string; master: string | null; netns?: string }
  | { op: 'set-hairpin'; name: string; on: boolean; netns?: string }
  | { op: 'set-mac'; name: string; mac: string; netns?: string }
  | { op: 'rename'; name: string; newName: string; netns?: string }
  | { op: 'move-netns'; name: string; to: string; netns?: string }
  | { op: 'add-address'; name: string; cidr: string; nodad?: boolean; netns?: string }
  | { op: 'delete-address'; name: string; cidr: string; netns?: string }
  | { op: 'add-route'; dst?: string; gateway?: string; ifname?: string; netns?: string }
  | { op: 'delete-route'; dst?: string; gateway?: string; ifname?: string; netns?: string }
  | { op: 'sysctl'; path: string; value: string; netns?: string };

/** The operation names. */
export type NetlinkOpName = NetlinkOp['op'];

/** Where a link moved back "home" lives: the namespace of netctl's own process. */
export const HOST_NETNS = '/proc/self/ns/net';

/** A bridge network as the kernel should have it. */
export interface BridgeSpec {
  name: string;
  mtu?: number;
  /** Gateway addresses with prefix, e.g. `172.18.0.1/16`, `fd00:1::1/64`. */
  addresses: readonly string[];
}

/** Creates the bridge, gives it its gateway addresses and brings it up. */
export function planBridge(spec: BridgeSpec): NetlinkOp[] {
  const ops: NetlinkOp[] = [
    { op: 'create-bridge', name: spec.name, ...(spec.mtu === undefined ? {} : { mtu: spec.mtu }) },
  ];
  for (const cidr of spec.addresses) ops.push({ op: 'add-address', name: spec.name, cidr });
  ops.push({ op: 'set-up', name: spec.name });
  return ops;
}

/** One container's attachment to a bridge network. */
export interface EndpointSpec {
  /** The container's namespace file. */
  netns: string;
  /** Host end of the veth pair (on the bridge). */
  hostIf: string;
  /** Name of the container end; `eth0` for the first network. */
  ifname: string;
  bridge: string;
  mtu?: number;
  /** The container's addresses with prefix, e.g. `172.18.0.2/16`. */
  addresses: readonly string[];
  /** Gateways for default routes, one per family at most; none for an internal network. */
  gateways: readonly string[];
  /** Hairpin on the bridge port, so the container reaches itself through published ports. */
  hairpin?: boolean;
  /** Also bring up `lo` in the namespace (the first network of a container). */
  loopback?: boolean;
  /** Hardware address of the container end. */
  mac?: string;
}

/**
 * The plumbing of one container: a veth pair created with its peer already inside the
 * container's namespace (no temporary name on the host), the host end on the bridge, the
 * container end addressed and up, and default routes once the link is up.
 */
export function planEndpoint(s: EndpointSpec): NetlinkOp[] {
  const mtu = s.mtu === undefined ? {} : { mtu: s.mtu };
  const ops: NetlinkOp[] = [
    { op: 'create-veth', name: s.hostIf, peer: s.ifname, peerNetns: s.netns, ...mtu },
    { op: 'set-master', name: s.hostIf, master: s.bridge },
  ];
  if (s.hairpin) ops.push({ op: 'set-hairpin', name: s.hostIf, on: true });
  ops.push({ op: 'set-up', name: s.hostIf });
  if (s.loopback) ops.push({ op: 'set-up', name: 'lo', netns: s.netns });
  if (s.mac !== undefined) ops.push({ op: 'set-mac', name: s.ifname, mac: s.mac, netns: s.netns });
  for (const cidr of s.addresses) {
    ops.push({
      op: 'add-address',
      name: s.ifname,
      cidr,
      netns: s.netns,
      ...(cidr.includes(':') ? { nodad: true } : {}),
    });
  }
  ops.push({ op: 'set-up', name: s.ifname, netns: s.netns });
  for (const gateway of s.gateways) ops.push({ op: 'add-route', gateway, netns: s.netns });
  return ops;
}

function routeText(op: { dst?: string; gateway?: string; ifname?: string }): string {
  const v6 = (op.gateway ?? op.dst ?? '').includes(':');
  const via = op.gateway === undefined ? '' : ` via ${op.gateway}`;
  const dev = op.ifname === undefined ? '' : ` dev ${op.ifname}`;
  return `ip${v6 ? ' -6' : ''} route %s ${op.dst ?? 'default'}${via}${dev}`;
}

function addrText(cidr: string): string {
  const slash = cidr.indexOf('/');
  const v4Broadcast = !cidr.includes(':') && Number(cidr.slice(slash + 1)) <= 30;
  return `${cidr}${v4Broadcast ? ' brd +' : ''}`;
}

function opText(op: NetlinkOp): string {
  const mtu = 'mtu' in op && op.mtu !== undefined ? ` mtu ${op.mtu}` : '';
  switch (op.op) {
    case 'create-netns':
      return `touch ${op.path} && unshare --net=${op.path} true`;
    case 'delete-netns':
      return `umount --lazy ${op.path}; rm -f ${op.path}`;
    case 'create-bridge':
      return `ip link add ${op.name}${mtu} type bridge`;
    case 'create-veth': {
      const where = op.peerNetns === undefined ? '' : ` netns ${op.peerNetns}`;
      return `ip link add ${op.name}${mtu} type veth peer name ${op.peer}${mtu}${where}`;
    }
    case 'delete-link':
      return `ip link del ${op.name}`;
    case 'set-up':
      return `ip link set ${op.name} up`;
    case 'set-down':
      return `ip link set ${op.name} down`;
    case 'set-master':
      return op.master === null ? `ip link set ${op.name} nomaster` : `ip link set ${op.name} master ${op.master}`;
    case 'set-hairpin':
      return `bridge link set dev ${op.name} hairpin ${op.on ? 'on' : 'off'}`;
    case 'set-mac':
      return `ip link set ${op.name} address ${op.mac}`;
    case 'rename':
      return `ip link set ${op.name} name ${op.newName}`;
    case 'move-netns':
      return `ip link set ${op.name} netns ${op.to}`;
    case 'add-address':
      return `ip addr add ${addrText(op.cidr)} dev ${op.name}${op.nodad ? ' nodad' : ''}`;
    case 'delete-address':
      return `ip addr del ${op.cidr} dev ${op.name}`;
    case 'add-route':
      return routeText(op).replace('%s', 'add');
    case 'delete-route':
      return routeText(op).replace('%s', 'del');
    case 'sysctl':
      return `sysctl -w ${op.path}=${op.value}`;
  }
}

/** The operation as one command line; operations inside a namespace go through nsenter. */
export function describeOp(op: NetlinkOp): string {
  const text = opText(op);
  const netns = 'netns' in op ? op.netns : undefined;
  return netns === undefined ? text : `nsenter --net=${netns} ${text}`;
}

/**
 * Undoing applied operations: for each operation and what applying it changed, the
 * operation that puts things back. Things created by the same apply are undone by deleting
 * them, so changes to them (addresses, masters, state, anything inside a namespace created
 * here) need no undo of their own. Pure.
 *
 * Not undone: deletions of links and namespaces (they cannot be re-created as they were),
 * and hairpin mode or a MAC address set on a link netctl did not create.
 */
import { HOST_NETNS, type NetlinkOp } from './plan.js';

/** What applying one operation found and changed. */
export interface Outcome {
  /** False when it was already so: an existing bridge, address or route, an equal sysctl. */
  changed: boolean;
  /** State before the change, when the apply layer read it (links it did not create). */
  before?: { up?: boolean; master?: string | null; value?: string };
}

const key = (netns: string | undefined, name: string): string => `${netns ?? ''}\0${name}`;

/** Follows what one apply created and answers with each operation's undo. */
export class InverseTracker {
  private readonly links = new Set<string>();
  private readonly namespaces = new Set<string>();

  /** True when `op` acts on something this apply created (so it needs no undo or prior state). */
  owns(op: NetlinkOp): boolean {
    if (op.op === 'create-netns' || op.op === 'delete-netns') return false;
    if (op.netns !== undefined && this.namespaces.has(op.netns)) return true;
    if (op.op === 'sysctl') return false;
    if (op.op === 'add-route' || op.op === 'delete-route') {
      return op.ifname !== undefined && this.links.has(key(op.netns, op.ifname));
    }
    return this.links.has(key(op.netns, op.name));
  }

  /** Records that `op` was applied with `outcome`; returns the operation undoing it, if any. */
  record(op: NetlinkOp, outcome: Outcome): NetlinkOp | undefined {
    const owned = this.owns(op);
    this.follow(op, outcome, owned);
    if (owned || !outcome.changed) return undefined;
    return inverseOf(op, outcome);
  }

  private follow(op: NetlinkOp, outcome: Outcome, owned: boolean): void {
    if (op.op === 'create-netns' && outcome.changed) this.namespaces.add(op.path);
    if (op.op === 'create-bridge' && outcome.changed) this.links.add(key(op.netns, op.name));
    if (op.op === 'create-veth') {
      this.links.add(key(op.netns, op.name));
      this.links.add(key(op.peerNetns ?? op.netns, op.peer));
    }
    if (!owned) return;
    if (op.op === 'rename') this.move(key(op.netns, op.name), key(op.netns, op.newName));
    if (op.op === 'move-netns') this.move(key(op.netns, op.name), key(op.to, op.name));
    if (op.op === 'delete-link') this.links.delete(key(op.netns, op.name));
  }

  private move(from: string, to: string): void {
    this.links.delete(from);
    this.links.add(to);
  }
}

function routeOf(op: { dst?: string; gateway?: string; ifname?: string; netns?: string }) {
  const out: { dst?: string; gateway?: string; ifname?: string; netns?: string } = {};
  if (op.dst !== undefined) out.dst = op.dst;
  if (op.gateway !== undefined) out.gateway = op.gateway;
  if (op.ifname !== undefined) out.ifname = op.ifname;
  if (op.netns !== undefined) out.netns = op.netns;
  return out;
}

const where = (netns: string | undefined) => (netns === undefined ? {} : { netns });

/** The undo of one applied, changed operation on something that existed before. */
export function inverseOf(op: NetlinkOp, outcome: Outcome): NetlinkOp | undefined {
  const before = outcome.before ?? {};
  switch (op.op) {
    case 'create-netns':
      return { op: 'delete-netns', path: op.path };
    case 'create-bridge':
      return { op: 'delete-link', name: op.name, ...where(op.netns) };
    case 'create-veth':
      return { op: 'delete-link', name: op.name, ...where(op.netns) };
    case 'set-up':
      return before.up === false ? { op: 'set-down', name: op.name, ...where(op.netns) } : undefined;
    case 'set-down':
      return before.up === true ? { op: 'set-up', name: op.name, ...where(op.netns) } : undefined;
    case 'set-master':
      if (before.master === undefined || before.master === op.master) return undefined;
      return { op: 'set-master', name: op.name, master: before.master, ...where(op.netns) };
    case 'rename':
      return { op: 'rename', name: op.newName, newName: op.name, ...where(op.netns) };
    case 'move-netns':
      return { op: 'move-netns', name: op.name, netns: op.to, to: op.netns ?? HOST_NETNS };
    case 'add-address':
      return { op: 'delete-address', name: op.name, cidr: op.cidr, ...where(op.netns) };
    case 'delete-address':
      return { op: 'add-address', name: op.name, cidr: op.cidr, ...where(op.netns) };
    case 'add-route':
      return { op: 'delete-route', ...routeOf(op) };
    case 'delete-route':
      return { op: 'add-route', ...routeOf(op) };
    case 'sysctl':
      return before.value === undefined
        ? undefined
        : { op: 'sysctl', path: op.path, value: before.value, ...where(op.netns) };
    case 'delete-netns':
    case 'delete-link':
    case 'set-hairpin':
    case 'set-mac':
      return undefined;
  }
}

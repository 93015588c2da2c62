/**
 * Applying planned netlink operations in order. Each applied operation yields its undo
 * (see inverse.ts); when one fails, the undos of those before it run in reverse and the
 * error is rethrown. On success the undos come back, in the order to run them, so a caller
 * can still roll back when a later step (the firewall, say) fails.
 */
import { ErrorList, wrap } from '../errors.js';
import { runSteps, type Step } from '../model/steps.js';
import { withNetnsFd, type NetnsOps } from '../sys/native.js';
import type { SysctlOps } from '../sys/sysctl.js';
import { InverseTracker, type Outcome } from './inverse.js';
import { isErrno } from './kernel-error.js';
import { describeOp, type NetlinkOp } from './plan.js';
import type { NetlinkClient, RouteSpec } from './types.js';

/** What applying needs: clients for each namespace, the native addon, sysctl access. */
export interface ApplyDeps {
  /** Client for netctl's own namespace. */
  client: NetlinkClient;
  /** Opens a client inside the namespace at `path` (the real one: `openNetlink`). */
  open(path: string): NetlinkClient;
  native: NetnsOps;
  sysctl: SysctlOps;
}

/** Clients per namespace, opened on first use and closed at the end. */
class Session {
  private readonly clients = new Map<string, NetlinkClient>();

  constructor(readonly deps: ApplyDeps) {}

  client(netns: string | undefined): NetlinkClient {
    if (netns === undefined) return this.deps.client;
    let c = this.clients.get(netns);
    if (!c) {
      c = this.deps.open(netns);
      this.clients.set(netns, c);
    }
    return c;
  }

  /** Closes the client of `netns`: an open socket would keep a deleted namespace alive. */
  drop(netns: string): void {
    this.clients.get(netns)?.close();
    this.clients.delete(netns);
  }

  closeAll(): void {
    for (const netns of [...this.clients.keys()]) this.drop(netns);
  }
}

function createNetns(native: NetnsOps, path: string): Outcome {
  try {
    native.createNetns(path);
    return { changed: true };
  } catch (err) {
    if (!isErrno(err, 'EEXIST')) throw wrap('create netns', path, err);
  }
  // Already there: fine if it is a live namespace, not the empty file of a failed attempt.
  try {
    native.closeFd(native.netnsFd(path));
  } catch (err) {
    throw wrap('create netns', path, err);
  }
  return { changed: false };
}

function deleteNetns(s: Session, path: string): Outcome {
  s.drop(path);
  try {
    s.deps.native.deleteNetns(path);
  } catch (err) {
    throw wrap('delete netns', path, err);
  }
  return { changed: true };
}

function sysctl(s: Session, op: Extract<NetlinkOp, { op: 'sysctl' }>): Outcome {
  const change = (): Outcome => {
    const value = s.deps.sysctl.read(op.path);
    if (value === op.value) return { changed: false };
    s.deps.sysctl.write(op.path, op.value);
    return { changed: true, before: { value } };
  };
  return op.netns === undefined ? change() : s.deps.native.withNetns(op.netns, change);
}

// The prior state of a link netctl did not create, for undoing up/down and master changes.
async function linkBefore(c: NetlinkClient, name: string, wantMaster: boolean): Promise<Outcome['before']> {
  const link = await c.getLink(name);
  if (!link) return {};
  if (!wantMaster) return { up: link.up };
  // By index: a dump of every link grew with the containers on the host.
  const master = link.master === undefined ? null : (await c.getLinkByIndex(link.master))?.name;
  return master === undefined ? { up: link.up } : { up: link.up, master };
}

function routeSpec(op: { dst?: string; gateway?: string; ifname?: string }): RouteSpec {
  const spec: RouteSpec = {};
  if (op.dst !== undefined) spec.dst = op.dst;
  if (op.gateway !== undefined) spec.gateway = op.gateway;
  if (op.ifname !== undefined) spec.ifname = op.ifname;
  return spec;
}

const did = async (p: Promise<unknown>): Promise<boolean> => {
  await p;
  return true;
};

/**
 * Deletes a link of the host namespace with the kernel's wait on a worker thread: done once
 * the link has left the namespace (a few ms; the kernel's release of it, RCU grace periods
 * of 15-40 ms, goes on behind, and the process does not exit before it ends).
 */
async function deleteLinkOffThread(
  c: NetlinkClient,
  del: (name: string) => Promise<void>,
  name: string,
): Promise<boolean> {
  if ((await c.getLink(name)) === undefined) return false;
  let settled = false;
  let failure: unknown;
  void del(name).then(
    () => void (settled = true),
    (err: unknown) => {
      settled = true;
      failure = err;
    },
  );
  for (let i = 0; ; i++) {
    if (failure !== undefined) throw failure;
    if (settled || (await c.getLink(name)) === undefined) return true;
    // Most links are gone at the first or second look; after that, every 1, 2, then 4 ms: on a
    // bridge with a thousand ports leaving takes tens of ms, and a look each millisecond (a
    // netlink request and its parse) made `rm`'s CPU grow with the containers.
    if (i > 1) await new Promise((r) => setTimeout(r, Math.min(2 ** (i - 2), 4)));
  }
}

// Runs a link, address or route operation; true when it changed something.
function changeLink(s: Session, op: NetlinkOp): Promise<boolean> {
  const native = s.deps.native;
  const c = s.client('netns' in op ? op.netns : undefined);
  switch (op.op) {
    case 'create-bridge':
      return c.createBridge(op.name, op.mtu === undefined ? {} : { mtu: op.mtu });
    case 'create-veth': {
      const peerNetns = op.peerNetns;
      if (peerNetns === undefined) return did(c.createVeth(op.name, op.peer, { mtu: op.mtu }));
      return did(
        withNetnsFd(native, peerNetns, (fd) => c.createVeth(op.name, op.peer, { mtu: op.mtu, peerNetnsFd: fd })),
      );
    }
    case 'delete-link': {
      const del = 'netns' in op && op.netns !== undefined ? undefined : native.deleteLinkAsync?.bind(native);
      return del ? deleteLinkOffThread(c, del, op.name) : c.deleteLink(op.name);
    }
    case 'set-up':
      return did(c.setUp(op.name));
    case 'set-down':
      return did(c.setDown(op.name));
    case 'set-master':
      return did(c.setMaster(op.name, op.master));
    case 'set-hairpin':
      return did(c.setHairpin(op.name, op.on));
    case 'set-mac':
      return did(c.setMac(op.name, op.mac));
    case 'rename':
      return did(c.rename(op.name, op.newName));
    case 'move-netns':
      return did(withNetnsFd(native, op.to, (fd) => c.moveToNetns(op.name, fd)));
    case 'add-address':
      return c.addAddress(op.name, op.cidr, { nodad: op.nodad });
    case 'delete-address':
      return c.deleteAddress(op.name, op.cidr);
    case 'add-route':
      return c.addRoute(routeSpec(op));
    case 'delete-route':
      return c.deleteRoute(routeSpec(op));
    default:
      throw new Error(`not a link operation: ${op.op}`);
  }
}

async function applyOne(s: Session, op: NetlinkOp, owned: boolean): Promise<Outcome> {
  switch (op.op) {
    case 'create-netns':
      return createNetns(s.deps.native, op.path);
    case 'delete-netns':
      return deleteNetns(s, op.path);
    case 'sysctl':
      return sysctl(s, op);
    case 'set-up':
    case 'set-down':
    case 'set-master': {
      if (owned) return { changed: await changeLink(s, op) };
      const before = await linkBefore(s.client(op.netns), op.name, op.op === 'set-master');
      return { changed: await changeLink(s, op), before };
    }
    default:
      return { changed: await changeLink(s, op) };
  }
}

/**
 * Applies `ops` in order. Returns the operations undoing them, in the order to run them
 * (hand them to {@link rollback}). On failure, undoes what was applied and throws.
 */
export async function applyOps(ops: readonly NetlinkOp[], deps: ApplyDeps): Promise<NetlinkOp[]> {
  const session = new Session(deps);
  const tracker = new InverseTracker();
  const undos: NetlinkOp[] = [];
  const steps: Step[] = ops.map((op) => {
    let undo: NetlinkOp | undefined;
    return {
      describe: describeOp(op),
      apply: async () => {
        undo = tracker.record(op, await applyOne(session, op, tracker.owns(op)));
        if (undo) undos.push(undo);
      },
      undo: async () => {
        if (undo) await applyOne(session, undo, true);
      },
    };
  });
  try {
    await runSteps(steps);
  } finally {
    session.closeAll();
  }
  return undos.reverse();
}

/**
 * Runs every operation in order, going on past failures, then throws one error naming all
 * of them: for the undos from {@link applyOps}, and for teardowns that must finish what they can.
 */
export async function rollback(ops: readonly NetlinkOp[], deps: ApplyDeps, action = 'undo'): Promise<void> {
  const session = new Session(deps);
  const errors = new ErrorList();
  try {
    for (const op of ops) await errors.attempt(action, describeOp(op), () => applyOne(session, op, true));
  } finally {
    session.closeAll();
  }
  errors.throwIfAny();
}

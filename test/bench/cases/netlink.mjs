// The netlink layer against the kernel: a bridge made and removed, one container's
// plumbing (named netns, veth with its peer inside, port, address, up, default route),
// its teardown, and opening a socket inside a namespace. Changes links, so it refuses to
// run outside the sandbox (`npm run bench` runs it there).
const dist = new URL('../../../dist/', import.meta.url);
const { openNetlink } = await import(new URL('netlink/client.js', dist));
const { applyOps, rollback } = await import(new URL('netlink/apply.js', dist));
const { planBridge, planEndpoint } = await import(new URL('netlink/plan.js', dist));
const { native } = await import(new URL('sys/native.js', dist));
const { procSysctl } = await import(new URL('sys/sysctl.js', dist));

const runRoot = process.env.NETCTL_RUN_ROOT ?? '/run/netctl';
const BRIDGE = 'bnch-br';

function sandboxOnly() {
  if (process.env.NETCTL_SANDBOX !== '1') throw new Error('changes links: run inside the sandbox (npm run bench)');
}

function deps(client) {
  return { client, open: (p) => openNetlink(p), native: native(), sysctl: procSysctl() };
}

// A bridge network for the container cases, and a counter for fresh names per iteration.
async function withBridge() {
  sandboxOnly();
  const client = openNetlink();
  const d = deps(client);
  const bridgeUndo = await applyOps(planBridge({ name: BRIDGE, mtu: 1500, addresses: ['10.77.0.1/16'] }), d);
  return { client, d, bridgeUndo, n: 0, containers: [] };
}

async function plumb(ctx) {
  const i = ctx.n++;
  const netns = `${runRoot}/netns/bench-${process.pid}-${i}`;
  const ops = [
    { op: 'create-netns', path: netns },
    ...planEndpoint({
      netns,
      hostIf: `bv${i}`,
      ifname: 'eth0',
      bridge: BRIDGE,
      mtu: 1500,
      addresses: [`10.77.${i >> 8}.${(i & 0xff) + 2}/16`],
      gateways: ['10.77.0.1'],
      hairpin: true,
      loopback: true,
    }),
  ];
  ctx.containers.push(await applyOps(ops, ctx.d));
}

async function dropAll(ctx) {
  for (const undo of ctx.containers.splice(0)) await rollback(undo, ctx.d);
  await rollback(ctx.bridgeUndo, ctx.d);
  ctx.client.close();
}

export const cases = [
  {
    name: 'netlink: create+delete bridge',
    iterations: 100,
    setup: async () => {
      sandboxOnly();
      return { client: openNetlink() };
    },
    run: async ({ client }) => {
      await client.createBridge('bnch-tmp', { mtu: 1500 });
      await client.deleteLink('bnch-tmp');
    },
    teardown: async ({ client }) => {
      await client.deleteLink('bnch-tmp');
      client.close();
    },
  },
  {
    name: "netlink: veth pair into netns + address + route (one container's plumbing)",
    iterations: 50,
    setup: withBridge,
    run: plumb,
    teardown: dropAll,
  },
  {
    name: 'netlink: tear one container down (delete veth + netns)',
    iterations: 50,
    setup: async () => {
      const ctx = await withBridge();
      for (let i = 0; i < 51; i++) await plumb(ctx);
      return ctx;
    },
    run: async (ctx) => {
      const undo = ctx.containers.pop();
      if (!undo) throw new Error('no container left to tear down');
      await rollback(undo, ctx.d);
    },
    teardown: dropAll,
  },
  {
    name: 'netlink: open a socket inside a netns (withNetns) + list links + close',
    iterations: 200,
    setup: async () => {
      sandboxOnly();
      const path = `${runRoot}/netns/bench-open-${process.pid}`;
      native().createNetns(path);
      return { path };
    },
    run: async ({ path }) => {
      const c = openNetlink(path);
      await c.listLinks();
      c.close();
    },
    teardown: async ({ path }) => native().deleteNetns(path),
  },
];

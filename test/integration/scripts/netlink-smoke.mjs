// Runs inside a fresh network + mount namespace (started by netlink.test.ts): drives the
// compiled netlink client, native addon and apply layer against the real kernel, looks at
// the result with `ip`, sysfs and ping, tears everything down, and prints one JSON object.
// Usage: node netlink-smoke.mjs RUN_DIR
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';

const dist = new URL('../../../dist/', import.meta.url);
const { openNetlink } = await import(new URL('netlink/client.js', dist));
const { native } = await import(new URL('sys/native.js', dist));
const { procSysctl } = await import(new URL('sys/sysctl.js', dist));
const { applyOps, rollback } = await import(new URL('netlink/apply.js', dist));
const { planBridge, planEndpoint } = await import(new URL('netlink/plan.js', dist));

const runDir = process.argv[2];
const out = {};

function sh(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 10_000 });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}
const inNs = (ns, argv) => sh(['nsenter', `--net=${ns}`, ...argv]);
const threadNetns = () => statSync('/proc/thread-self/ns/net').ino;
const errorOf = async (p) =>
  p.then(
    () => 'no error',
    (e) => e.message,
  );
const sysfs = (dev, attr) => readFileSync(`/sys/class/net/${dev}/brport/${attr}`, 'utf8').trim();
const names = (links) => links.map((l) => l.name).sort();

// A sysfs of our own, so /sys/class/net shows this namespace's devices.
const mounted = sh(['mount', '-t', 'sysfs', 'sysfs', '/sys']);
if (mounted.code !== 0) throw new Error(`mount sysfs: ${mounted.out}`);

const nl = native();
const host = openNetlink();
const ns = `${runDir}/netns/c1`;
const startIno = threadNetns();

// Part 1: the bridge and one container, step by step with the client.
out.bridgeCreated = [await host.createBridge('br-smoke', { mtu: 1400 }), await host.createBridge('br-smoke')];
out.bridgeAddr = [await host.addAddress('br-smoke', '10.99.0.1/24'), await host.addAddress('br-smoke', '10.99.0.1/24')];
await host.addAddress('br-smoke', 'fd00:99::1/64', { nodad: true });
await host.setUp('br-smoke');

nl.createNetns(ns);
out.createTwice = await errorOf((async () => nl.createNetns(ns))());
await host.createVeth('vh-smoke', 'vp-smoke', { mtu: 1400 });
const fd = nl.netnsFd(ns);
await host.moveToNetns('vp-smoke', fd);
nl.closeFd(fd);

const inside = openNetlink(ns);
out.sameThreadNetns = threadNetns() === startIno;
await inside.rename('vp-smoke', 'eth0');
await inside.addAddress('eth0', '10.99.0.2/24');
await inside.addAddress('eth0', 'fd00:99::2/64', { nodad: true });
await inside.setUp('eth0');
await inside.setUp('lo');
out.routeAdded = [await inside.addRoute({ gateway: '10.99.0.1' }), await inside.addRoute({ gateway: '10.99.0.1' })];
await inside.addRoute({ gateway: 'fd00:99::1' });
out.conflictingRoute = await errorOf(inside.addRoute({ gateway: '10.99.0.3' }));

await host.setMaster('vh-smoke', 'br-smoke');
await host.setHairpin('vh-smoke', true);
await host.setUp('vh-smoke');

out.errors = {
  vethTwice: await errorOf(host.createVeth('vh-smoke', 'x-smoke')),
  bridgeOverVeth: await errorOf(host.createBridge('vh-smoke')),
  upMissing: await errorOf(host.setUp('nope0')),
  masterMissing: await errorOf(host.setMaster('vh-smoke', 'nope0')),
  hairpinNotPort: await errorOf(host.setHairpin('br-smoke', true)),
};

out.hostLinks = await host.listLinks();
out.nsLinks = await inside.listLinks();
out.nsAddrs = (await inside.listAddresses('eth0')).map((a) => a.cidr);
out.nsRoutes4 = await inside.listRoutes(4);
out.nsRoutes6 = (await inside.listRoutes(6)).filter((r) => r.dst === 'default');
out.hairpin = {
  sysfs: sysfs('vh-smoke', 'hairpin_mode'),
  state: sysfs('vh-smoke', 'state'),
  ip: sh(['ip', '-d', 'link', 'show', 'vh-smoke']).out,
};
out.ip = {
  bridgeAddr: sh(['ip', '-o', '-4', 'addr', 'show', 'dev', 'br-smoke']).out,
  nsAddr: inNs(ns, ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0']).out,
  nsRoute: inNs(ns, ['ip', 'route', 'show']).out,
  nsRoute6: inNs(ns, ['ip', '-6', 'route', 'show', 'default']).out,
  nsLinks: inNs(ns, ['ip', '-o', 'link', 'show']).out,
};
out.ping = sh(['ping', '-c1', '-W1', '10.99.0.2']).code;
out.pingBack = inNs(ns, ['ping', '-c1', '-W1', '10.99.0.1']).code;
await host.setHairpin('vh-smoke', false);
out.hairpinOff = sysfs('vh-smoke', 'hairpin_mode');

// The removing and resetting calls, each twice where a re-run must be harmless.
out.undoCalls = {
  delRoute: [await inside.deleteRoute({ gateway: 'fd00:99::1' }), await inside.deleteRoute({ gateway: 'fd00:99::1' })],
  routes6: (await inside.listRoutes(6)).filter((r) => r.dst === 'default').length,
  delAddr: [await inside.deleteAddress('eth0', 'fd00:99::2/64'), await inside.deleteAddress('eth0', 'fd00:99::2/64')],
  addrs: (await inside.listAddresses('eth0')).map((a) => a.cidr).filter((c) => !c.startsWith('fe80:')),
};
await host.setMtu('vh-smoke', 1300);
await host.setMaster('vh-smoke', null);
await host.setDown('vh-smoke');
out.undoCalls.link = await host.getLink('vh-smoke');
out.undoCalls.missing = await host.getLink('nope0');

// sysctls are per namespace: a write here does not show inside the container.
const sysctl = procSysctl();
sysctl.write('net.ipv4.ip_forward', '1');
out.forward = {
  host: sysctl.read('net.ipv4.ip_forward'),
  inside: nl.withNetns(ns, () => sysctl.read('net.ipv4.ip_forward')),
};

// Teardown: deleting the host end takes the peer with it.
inside.close();
out.deleted = [await host.deleteLink('vh-smoke'), await host.deleteLink('vh-smoke'), await host.deleteLink('br-smoke')];
nl.deleteNetns(ns);
nl.deleteNetns(ns);
out.afterPart1 = { links: names(await host.listLinks()), nsFile: existsSync(ns) };

// Part 2: the same plumbing as a plan, applied and rolled back; then a failing plan.
const deps = { client: host, open: (p) => openNetlink(p), native: nl, sysctl };
const ns2 = `${runDir}/netns/c2`;
const plan = [
  ...planBridge({ name: 'br-plan', mtu: 1400, addresses: ['10.98.0.1/24'] }),
  { op: 'create-netns', path: ns2 },
  ...planEndpoint({
    netns: ns2,
    hostIf: 'vh-plan',
    ifname: 'eth0',
    bridge: 'br-plan',
    mtu: 1400,
    addresses: ['10.98.0.2/24'],
    gateways: ['10.98.0.1'],
    hairpin: true,
    loopback: true,
  }),
];
const undos = await applyOps(plan, deps);
out.plan = {
  undos,
  ping: sh(['ping', '-c1', '-W1', '10.98.0.2']).code,
  hairpin: sysfs('vh-plan', 'hairpin_mode'),
  route: inNs(ns2, ['ip', 'route', 'show', 'default']).out,
  again: await applyOps(planBridge({ name: 'br-plan', mtu: 1400, addresses: ['10.98.0.1/24'] }), deps),
};
await rollback(undos, deps);
out.plan.after = { links: names(await host.listLinks()), nsFile: existsSync(ns2) };

const ns3 = `${runDir}/netns/c3`;
const bad = [
  ...planBridge({ name: 'br-bad', addresses: ['10.97.0.1/24'] }),
  { op: 'create-netns', path: ns3 },
  ...planEndpoint({
    netns: ns3,
    hostIf: 'vh-bad',
    ifname: 'eth0',
    bridge: 'br-bad',
    addresses: ['10.97.0.2/24'],
    gateways: ['10.50.0.1'],
  }),
];
out.bad = { error: await errorOf(applyOps(bad, deps)) };
out.bad.after = { links: names(await host.listLinks()), nsFile: existsSync(ns3) };

host.close();
out.sameThreadNetnsAtEnd = threadNetns() === startIno;
out.mounts = readFileSync('/proc/self/mountinfo', 'utf8')
  .split('\n')
  .filter((l) => l.includes(`${runDir}/netns/`));
process.stdout.write(`${JSON.stringify(out)}\n`);

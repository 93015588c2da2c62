/**
 * Engine steps that follow a container's networks, shared by run, rm, network connect and
 * disconnect: route_localnet on the bridges whose published ports changed; and for gc, the
 * /etc/hosts files of every container brought in line with the database (run, start and
 * connect write only the files of the container at hand: see etc-files.ts).
 */
import { open } from 'node:fs/promises';
import type { Engine } from './context.js';
import type { Store } from '../store/index.js';
import { containerPaths } from '../runtime/paths.js';
import { hostsText } from './hosts.js';
import { opsStep } from './kernel-steps.js';
import { localnetNetworks, planLocalnet } from './localnet.js';
import type { NetView } from './links.js';
import type { Network } from '../model/network.js';
import type { Endpoint } from '../model/container.js';
import type { PublishedPort } from '../model/port.js';
import type { Step } from '../model/steps.js';

/** The database's view that links, hosts files and link rules are planned from. */
export function netView(s: Store): NetView {
  return {
    containers: s.containers.list({ all: true }),
    networks: s.networks.list(),
    endpoints: s.endpoints.all(),
    links: s.links.list(),
    ports: s.ports.list(),
  };
}

/** The records that published ports are planned from. */
export interface PortsView {
  networks: readonly Network[];
  ports: readonly PublishedPort[];
  endpoints: readonly Endpoint[];
}

/**
 * Sets route_localnet on the bridges of `networkIds` to what the recorded ports want;
 * planned from `view` (what the firewall step just read), else from the database as it is
 * when called. A `partial` view holds only a just-added container's rows: they can only
 * turn route_localnet on (whether it stays on the other rows decided when they came).
 * Undone like any kernel step.
 */
export function localnetStep(
  engine: Engine,
  networkIds: Iterable<string>,
  view?: PortsView & { partial?: boolean },
): Step {
  const s = engine.store;
  const v = view ?? { networks: s.networks.list(), ports: s.ports.list(), endpoints: s.endpoints.all() };
  const ops = planLocalnet(v.networks, v.ports, v.endpoints, networkIds);
  return opsStep(view?.partial ? ops.filter((op) => op.op === 'sysctl' && op.value === '1') : ops, engine.kernel);
}

/**
 * The records route_localnet is planned from once container `containerId` left the networks
 * `networkIds`: per network, the rows of one other container whose ports still want it, if
 * any (localnetNetworks of the whole database would say the same for these networks). Reading
 * every port and endpoint made each `rm` cost more with every container on the host.
 */
export function localnetViewAfter(s: Store, containerId: string, networkIds: Iterable<string>): PortsView {
  const networks = s.networks.list();
  const ports: PublishedPort[] = [];
  const endpoints: Endpoint[] = [];
  for (const id of new Set(networkIds)) {
    for (const other of s.ports.loopbackCandidates(id, containerId)) {
      const [p, e] = [s.ports.list(other), s.endpoints.forContainer(other)];
      // Its ports go to its first network that has an address: not always this one.
      if (!localnetNetworks(networks, p, e).has(id)) continue;
      ports.push(...p);
      endpoints.push(...e);
      break;
    }
  }
  return { networks, ports, endpoints };
}

/**
 * Replaces a file's content keeping its inode: a bind-mounted /etc/hosts is the host file's
 * inode, so a rename over it would never be seen inside the container. Returns the old
 * content, or null when there is no file (nothing is created).
 */
export async function rewriteInPlace(path: string, text: string): Promise<string | null> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const before = await fh.readFile('utf8');
    if (before === text) return before;
    const buf = Buffer.from(text);
    await fh.write(buf, 0, buf.length, 0);
    await fh.truncate(buf.length);
    return before;
  } finally {
    await fh.close();
  }
}

/**
 * Brings every container's hosts file in line with the database as it is when the step
 * runs (gc: after a crash, or files from before peers were left to the DNS server); undo
 * writes back what was there.
 */
export function hostsStep(engine: Engine): Step {
  const { roots } = engine;
  const old: [string, string][] = [];
  return {
    describe: "rewrite containers' /etc/hosts",
    apply: async () => {
      const v = netView(engine.store);
      for (const c of v.containers) {
        const path = containerPaths(roots, c.id).hosts;
        const before = await rewriteInPlace(path, hostsText(v, c));
        if (before !== null) old.push([path, before]);
      }
    },
    undo: async () => {
      for (const [path, text] of old.reverse()) await rewriteInPlace(path, text);
    },
  };
}

/**
 * The host context: every effect a command may reach (state database, kernel, firewall,
 * ufw's files and programs, runtime directories), built once per process by the adapter
 * (cli/main, the TUI, the CNI plugin and daemon, the docker watch) and handed to ops/.
 * Each part opens on first use, so a command pays only for what it touches. Tests build a
 * Host with fakes (`openHost(paths, { ufw: fakeUfw, ... })`), never the machine's files.
 */
import type { RuntimeRoots } from '../runtime/paths.js';
import type { UfwDeps } from '../firewall/ufw/observe.js';
import type { Engine } from '../engine/context.js';
import type { Store } from '../store/index.js';
import { keepLayoutIn } from '../runtime/cgroup.js';

/** Where state lives: `--root` (database, images) and `--run-root` (netns, pid files, logs). */
export type HostPaths = RuntimeRoots;

/** The parts a Host is made of; each may be replaced (tests pass fakes). */
export interface HostParts {
  /** ufw's files, paths and programs (the real ones: /etc/ufw, /etc/default/ufw, rules/ufw). */
  ufw: UfwDeps;
  /** Opens the state database. */
  store: (paths: HostPaths) => Store;
  /** Opens the engine (kernel, firewall) over an opened store. */
  engine: (paths: HostPaths, store: Store, ufw: UfwDeps) => Promise<Engine>;
}

/** One process's view of the machine. */
export interface Host {
  readonly paths: HostPaths;
  readonly ufw: UfwDeps;
  /** The state database, opened on first call, then the same one. */
  store(): Store;
  /** The engine (store, kernel, firewall), opened on first call, then the same one. */
  engine(): Promise<Engine>;
  /** Closes whatever was opened; the Host may open again afterwards. */
  close(): void;
}

async function realParts(): Promise<HostParts> {
  const [{ defaultUfwDeps }, { Store }, { openEngine }] = await Promise.all([
    import('../firewall/ufw/ufw-deps.js'),
    import('../store/index.js'),
    import('../engine/open.js'),
  ]);
  // The embedded DNS server comes with the engine unless NETCTL_EMBEDDED_DNS=0 (ops/dns.ts).
  const dns = process.env.NETCTL_EMBEDDED_DNS === '0' ? undefined : (await import('./dns.js')).dnsHook;
  const engine: HostParts['engine'] = async (p, s, u) => {
    const e = await openEngine(p, s, u);
    if (dns) e.dns = dns(p);
    return e;
  };
  return { ufw: defaultUfwDeps(), store: (p) => Store.open({ root: p.root }), engine };
}

/** Builds a Host from parts. */
export function makeHost(paths: HostPaths, parts: HostParts): Host {
  let store: Store | undefined;
  let closeStore: (() => void) | undefined;
  let engine: Promise<Engine> | undefined;
  let opened: Engine | undefined;
  const host: Host = {
    paths,
    ufw: parts.ufw,
    store() {
      if (store) return store;
      const s = parts.store(paths);
      closeStore = s.close.bind(s);
      // A command may close it early: the next call opens it again. While an engine works
      // over it, it stays open until the engine is closed.
      s.close = () => {
        if (engine || store !== s) return;
        store = undefined;
        closeStore?.();
      };
      store = s;
      return s;
    },
    engine() {
      engine ??= parts.engine(paths, host.store(), parts.ufw).then((e) => {
        const close = e.close.bind(e);
        let closed = false;
        // Closing the engine (a command may, early) closes its kernel handles and the store;
        // the next call opens both again.
        e.close = () => {
          if (closed) return;
          closed = true;
          close();
          if (opened === e) {
            opened = undefined;
            engine = undefined;
            store?.close();
          }
        };
        opened = e;
        return e;
      });
      return engine;
    },
    close() {
      opened?.close();
      engine = undefined;
      store?.close();
    },
  };
  return host;
}

/** The Host of the machine this process runs on, with any part replaced by `over`. */
export async function openHost(paths: HostPaths, over: Partial<HostParts> = {}): Promise<Host> {
  const fake = Boolean(over.ufw && over.store && over.engine);
  const real = fake ? (over as HostParts) : { ...(await realParts()), ...over };
  // The machine's cgroup layout is kept for the boot beside the state it serves (runtime/cgroup-cache.ts).
  if (!fake) keepLayoutIn(`${paths.runRoot}/cgroup-layout.json`);
  return makeHost(paths, real);
}

/** Runs `fn` with a Host opened for it, closing it afterwards. */
export async function withHost<T>(paths: HostPaths, fn: (host: Host) => Promise<T>): Promise<T> {
  const host = await openHost(paths);
  try {
    return await fn(host);
  } finally {
    host.close();
  }
}

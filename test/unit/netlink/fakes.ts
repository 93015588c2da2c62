// Recording fakes for the netlink apply layer: every call lands in one shared log as text,
// prefixed with the namespace the client was opened in.
import { SystemError } from '../../../src/errors.js';
import type { ApplyDeps } from '../../../src/netlink/apply.js';
import type { LinkInfo, NetlinkClient } from '../../../src/netlink/types.js';
import type { NetnsOps } from '../../../src/sys/native.js';

export interface Fakes {
  log: string[];
  deps: ApplyDeps;
  /** Method names (optionally `netns:method`) that throw. */
  failing: Set<string>;
  /** Links the fake kernel "has" for getLink/listLinks, per namespace ('' = host). */
  links: Map<string, LinkInfo[]>;
  sysctls: Map<string, string>;
  /** Results for methods returning "changed" (default true). */
  results: Map<string, boolean>;
  openCount: () => number;
}

export function fakes(): Fakes {
  const log: string[] = [];
  const failing = new Set<string>();
  const links = new Map<string, LinkInfo[]>();
  const results = new Map<string, boolean>();
  const sysctls = new Map<string, string>();
  let open = 0;

  const client = (ns: string): NetlinkClient => {
    const rec = (method: string, ...args: unknown[]) => {
      log.push(
        `${ns ? `[${ns}] ` : ''}${method} ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`.trim(),
      );
      if (failing.has(method) || failing.has(`${ns}:${method}`))
        throw new SystemError(`${method}: Operation not permitted`);
      return results.get(method) ?? true;
    };
    const known = () => links.get(ns) ?? [];
    return {
      listLinks: async () => (rec('listLinks'), known()),
      getLink: async (name) => (rec('getLink', name), known().find((l) => l.name === name)),
      getLinkByIndex: async (index) => (rec('getLinkByIndex', index), known().find((l) => l.index === index)),
      createBridge: async (name, opts) => rec('createBridge', name, opts ?? {}),
      createVeth: async (name, peer, opts) => void rec('createVeth', name, peer, opts ?? {}),
      deleteLink: async (name) => rec('deleteLink', name),
      setUp: async (name) => void rec('setUp', name),
      setDown: async (name) => void rec('setDown', name),
      setMtu: async (name, mtu) => void rec('setMtu', name, mtu),
      setMaster: async (name, master) => void rec('setMaster', name, master),
      setHairpin: async (name, on) => void rec('setHairpin', name, on),
      setMac: async (name, mac) => void rec('setMac', name, mac),
      rename: async (name, to) => void rec('rename', name, to),
      moveToNetns: async (name, fd) => void rec('moveToNetns', name, fd),
      addAddress: async (name, cidr) => rec('addAddress', name, cidr),
      deleteAddress: async (name, cidr) => rec('deleteAddress', name, cidr),
      listAddresses: async () => (rec('listAddresses'), []),
      addRoute: async (r) => rec('addRoute', r),
      deleteRoute: async (r) => rec('deleteRoute', r),
      listRoutes: async () => (rec('listRoutes'), []),
      close: () => {
        open--;
        log.push(`${ns ? `[${ns}] ` : ''}close`);
      },
    };
  };

  let nextFd = 100;
  const native: NetnsOps = {
    createNetns: (path) => {
      log.push(`createNetns ${path}`);
      if (failing.has('createNetns')) throw Object.assign(new Error(`open "${path}": File exists`), { code: 'EEXIST' });
    },
    deleteNetns: (path) => void log.push(`deleteNetns ${path}`),
    withNetns: (path, fn) => {
      log.push(`enter ${path}`);
      try {
        return fn();
      } finally {
        log.push(`leave ${path}`);
      }
    },
    netnsFd: (path) => {
      const fd = nextFd++;
      log.push(`netnsFd ${path} = ${fd}`);
      return fd;
    },
    closeFd: (fd) => void log.push(`closeFd ${fd}`),
  };

  const deps: ApplyDeps = {
    client: client(''),
    open: (path) => {
      open++;
      log.push(`open ${path}`);
      return client(path);
    },
    native,
    sysctl: {
      read: (name) => sysctls.get(name) ?? '0',
      write: (name, value) => {
        log.push(`sysctl ${name}=${value}`);
        sysctls.set(name, value);
      },
    },
  };
  return { log, deps, failing, links, sysctls, results, openCount: () => open };
}

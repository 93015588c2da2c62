/**
 * The sandbox: a throwaway "host" made of new network, mount and PID namespaces, with its own
 * iptables, tmpfs over /run and /var/lib/netctl, private copies of /etc/ufw and
 * /etc/default/ufw, and optional client hosts. Nothing started inside outlives it: when its
 * init (PID 1 of the new PID namespace) exits, the kernel kills everything else in there.
 *
 * This file only plans; sandbox-init.ts does the work from inside.
 */
import { installPath } from './install-root.js';

/** Which client hosts to add. */
export interface SandboxOptions {
  /** "wan" 198.51.100.1 (host .2, the host's default route) and "wan2" 203.0.113.1 (host .2). */
  wan?: boolean;
  /** "lan" neighbour 192.168.77.2 (host 192.168.77.1). */
  lan?: boolean;
}

/** A client host: a named network namespace joined to the sandbox host by a veth pair. */
export interface ClientHost {
  /** Namespace name (also usable with `ip netns exec NAME`). */
  name: string;
  /** The host-side interface. */
  hostIf: string;
  /** Address of the client, and of the host on that link, both with prefix length. */
  clientCidr: string;
  hostCidr: string;
  /** Whether the sandbox host's default route goes through this client. */
  defaultRoute: boolean;
}

/** The client hosts a sandbox with these options has. */
export function clientHosts(opts: SandboxOptions): ClientHost[] {
  const hosts: ClientHost[] = [];
  if (opts.wan) {
    hosts.push({
      name: 'wan',
      hostIf: 'wan0',
      clientCidr: '198.51.100.1/24',
      hostCidr: '198.51.100.2/24',
      defaultRoute: true,
    });
    hosts.push({
      name: 'wan2',
      hostIf: 'wan1',
      clientCidr: '203.0.113.1/24',
      hostCidr: '203.0.113.2/24',
      defaultRoute: false,
    });
  }
  if (opts.lan) {
    hosts.push({
      name: 'lan',
      hostIf: 'lan0',
      clientCidr: '192.168.77.2/24',
      hostCidr: '192.168.77.1/24',
      defaultRoute: false,
    });
  }
  return hosts;
}

/** Path of the built init script that runs inside the namespaces (bundled beside the CLI). */
export function initScript(): string {
  return installPath('dist', 'bin', 'sandbox-init.js');
}

/**
 * The argv that starts a sandbox running `command` (or, with `['--agent']`, the JSON-lines
 * agent used by the test harness).
 */
export function sandboxArgv(opts: SandboxOptions, command: readonly string[]): string[] {
  return [
    'unshare',
    '--net',
    '--mount',
    '--pid',
    '--fork',
    '--mount-proc',
    '--propagation',
    'private',
    '--',
    process.execPath,
    initScript(),
    JSON.stringify(opts),
    ...command,
  ];
}

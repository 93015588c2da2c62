/**
 * A second "node" inside a sandbox, for multi-node tests: its own network namespace (own
 * links, routes, iptables, sysctls) joined to the sandbox host by a veth, its own client
 * host on the far side, and its own mount namespace in which /etc/ufw, /etc/default/ufw,
 * /var/lib/netctl, /run/netctl and /sys are its own. Commands run in both namespaces
 * through nsenter; /run/netns is shared, so namespaces made with `ip netns add` anywhere
 * are seen by both nodes. Everything lives under /run (the sandbox's tmpfs) and dies with it.
 */
import type { Sandbox, SbExecOptions } from '../../harness/sandbox.js';
import type { ExecResult } from '../../../src/sys/exec.js';
import { NETCTL } from '../../harness/sandbox.js';

/** A host netctl runs on: the sandbox host itself, or a Node. */
export interface Host {
  name: string;
  exec(argv: string[], opts?: SbExecOptions): Promise<ExecResult>;
}

/** The sandbox host as a Host. */
export function sandboxHost(sb: Sandbox, name: string): Host {
  return { name, exec: (argv, opts) => sb.exec(argv, opts) };
}

/** Runs argv on `h`; throws with its stderr on a non-zero exit. */
export async function hostSh(h: Host, argv: string[], opts: SbExecOptions = {}): Promise<string> {
  const r = await h.exec(argv, opts);
  if (r.code !== 0) throw new Error(`${h.name}: ${argv.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Runs netctl on `h` and returns its stdout; throws on a non-zero exit. */
export function hostNetctl(h: Host, args: string[]): Promise<string> {
  return hostSh(h, [process.execPath, NETCTL, ...args], { timeoutMs: 60_000 });
}

/** Where a node is joined: its link to the sandbox host and its own client host. */
export interface NodeSpec {
  /** Namespace name; also names /run/<name>. */
  name: string;
  /** The link to the sandbox host: interface name (both ends), the host's and the node's CIDR. */
  link: { ifname: string; hostCidr: string; nodeCidr: string };
  /** The node's client host (a netns), its CIDR and the node's; the node's default route goes there. */
  client: { name: string; clientCidr: string; nodeCidr: string };
}

/** A second node. */
export class Node implements Host {
  private constructor(
    private readonly sb: Sandbox,
    readonly name: string,
    /** The node's mount namespace (a /proc/PID/ns/mnt path). */
    readonly mountNs: string,
  ) {}

  /** Makes the node. Call it before ufw or netctl change the sandbox host's /etc/ufw. */
  static async create(sb: Sandbox, spec: NodeSpec): Promise<Node> {
    const { name, link, client } = spec;
    const dir = `/run/${name}`;
    const nodeIp = (c: string): string => c.split('/')[0]!;
    const steps: string[][] = [
      ['ip', 'netns', 'add', name],
      ['ip', '-n', name, 'link', 'set', 'lo', 'up'],
      ['ip', 'link', 'add', link.ifname, 'type', 'veth', 'peer', 'name', link.ifname, 'netns', name],
      ['ip', 'addr', 'add', link.hostCidr, 'dev', link.ifname],
      ['ip', 'link', 'set', link.ifname, 'up'],
      ['ip', '-n', name, 'addr', 'add', link.nodeCidr, 'dev', link.ifname],
      ['ip', '-n', name, 'link', 'set', link.ifname, 'up'],
      ['ip', 'netns', 'add', client.name],
      ['ip', '-n', client.name, 'link', 'set', 'lo', 'up'],
      ['ip', '-n', name, 'link', 'add', 'wan0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', client.name],
      ['ip', '-n', name, 'addr', 'add', client.nodeCidr, 'dev', 'wan0'],
      ['ip', '-n', name, 'link', 'set', 'wan0', 'up'],
      ['ip', '-n', client.name, 'addr', 'add', client.clientCidr, 'dev', 'eth0'],
      ['ip', '-n', client.name, 'link', 'set', 'eth0', 'up'],
      ['ip', '-n', name, 'route', 'add', 'default', 'via', nodeIp(client.clientCidr)],
      // Private copies of what is per host, taken from the sandbox's pristine ones.
      ['mkdir', '-p', `${dir}/etc-ufw`, `${dir}/lib`, `${dir}/run`, '/run/netctl'],
      ['cp', '-a', '/etc/ufw/.', `${dir}/etc-ufw/`],
      ['cp', '-a', '/etc/default/ufw', `${dir}/default-ufw`],
    ];
    for (const argv of steps) {
      const r = await sb.exec(argv, { timeoutMs: 15_000 });
      if (r.code !== 0) throw new Error(`node ${name}: ${argv.join(' ')}: ${r.stderr.trim()}`);
    }
    // The node's mount namespace, held by a process that sleeps until the sandbox ends
    // ("unchanged" keeps /run/netns shared with the sandbox host).
    const holder = await sb.background(['unshare', '--mount', '--propagation', 'unchanged', '--', 'sleep', 'infinity']);
    const node = new Node(sb, name, `/proc/${holder}/ns/mnt`);
    const self = (await sb.sh(['readlink', '/proc/self/ns/mnt'])).trim();
    for (let i = 0; i < 50 && (await sb.exec(['readlink', node.mountNs])).stdout.trim() === self; i++)
      await new Promise((r) => setTimeout(r, 50));
    if ((await sb.sh(['readlink', node.mountNs])).trim() === self)
      throw new Error(`node ${name}: no mount namespace of its own`);
    for (const [from, to] of [
      [`${dir}/etc-ufw`, '/etc/ufw'],
      [`${dir}/default-ufw`, '/etc/default/ufw'],
      [`${dir}/lib`, '/var/lib/netctl'],
      [`${dir}/run`, '/run/netctl'],
    ] as const) {
      await hostSh(node, ['mount', '--bind', from, to]);
    }
    // sysfs shows the links of the namespace that mounts it.
    await hostSh(node, ['mount', '-t', 'sysfs', 'sysfs', '/sys']);
    return node;
  }

  /** Runs argv on the node (its network and mount namespaces). */
  exec(argv: string[], opts: SbExecOptions = {}): Promise<ExecResult> {
    return this.sb.exec(['nsenter', `--mount=${this.mountNs}`, `--net=/run/netns/${this.name}`, '--', ...argv], opts);
  }
}

/**
 * Helpers for network tests inside a sandbox: fake containers (a namespace with a veth on a
 * bridge, made with `ip`, which tests may use) and state snapshots to compare.
 */
import type { Sandbox } from '../../harness/sandbox.js';

/** Creates namespace `name` with eth0 at `cidr` on `bridge`, default route via `gateway`. */
export async function fakeContainer(
  sb: Sandbox,
  name: string,
  bridge: string,
  cidr: string,
  gateway: string,
): Promise<void> {
  const host = `v-${name}`.slice(0, 15);
  for (const argv of [
    ['ip', 'netns', 'add', name],
    ['ip', 'link', 'add', host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name],
    ['ip', 'link', 'set', host, 'master', bridge, 'up'],
    ['ip', '-n', name, 'link', 'set', 'lo', 'up'],
    ['ip', '-n', name, 'addr', 'add', cidr, 'dev', 'eth0'],
    ['ip', '-n', name, 'link', 'set', 'eth0', 'up'],
    ['ip', '-n', name, 'route', 'add', 'default', 'via', gateway],
  ]) {
    await sb.sh(argv);
  }
}

/** Removes a fake container. */
export async function removeFake(sb: Sandbox, name: string): Promise<void> {
  await sb.exec(['ip', 'link', 'del', `v-${name}`.slice(0, 15)]);
  await sb.exec(['ip', 'netns', 'del', name]);
}

/** Starts a TCP server in namespace `ns` on `port` answering with the client's address. */
export async function echoPeer(sb: Sandbox, ns: string, port: number): Promise<void> {
  await sb.background([
    'ip',
    'netns',
    'exec',
    ns,
    'socat',
    `TCP-LISTEN:${port},reuseaddr,fork`,
    'SYSTEM:echo $SOCAT_PEERADDR',
  ]);
  await sb.sh([
    'ip',
    'netns',
    'exec',
    ns,
    'sh',
    '-c',
    `for i in $(seq 50); do ss -ltn | grep -q ":${port} " && exit 0; sleep 0.1; done; exit 1`,
  ]);
}

/** Connects from namespace `ns` to ip:port; resolves to the answer, or '' when it failed. */
export async function connect(sb: Sandbox, ns: string, ip: string, port: number): Promise<string> {
  const r = await sb.exec(['ip', 'netns', 'exec', ns, 'socat', '-T2', 'STDIO', `TCP:${ip}:${port},connect-timeout=2`], {
    timeoutMs: 6000,
  });
  return r.code === 0 ? r.stdout.trim() : '';
}

/** The state a refused or reverted command must leave unchanged. */
export async function kernelState(sb: Sandbox): Promise<string> {
  const strip = (t: string): string =>
    t
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .map((l) => l.replace(/\[\d+:\d+\]/g, '[0:0]'))
      .join('\n');
  const v4 = strip(await sb.sh(['iptables-save']));
  const v6 = strip(await sb.sh(['ip6tables-save']));
  // Names, MTUs, masters and global addresses; carrier state settles asynchronously.
  const links = (await sb.sh(['ip', '-o', 'link', 'show']))
    .split('\n')
    .map((l) => {
      const name = /^\d+: ([^:@]+)/.exec(l)?.[1] ?? '';
      const mtu = /mtu (\d+)/.exec(l)?.[1] ?? '';
      const master = /master (\S+)/.exec(l)?.[1] ?? '';
      return `${name} mtu=${mtu} master=${master}`;
    })
    .join('\n');
  const addrs = (await sb.sh(['ip', '-o', 'addr', 'show', 'scope', 'global']))
    .split('\n')
    .map((l) => l.split(/\s+/).slice(1, 4).join(' '))
    .join('\n');
  return `${v4}\n--\n${v6}\n--\n${links}\n--\n${addrs}`;
}

/** Runs a netctl command in the sandbox and returns its stdout; throws (with its stderr) on a non-zero exit. */
export async function netctlOk(sb: Sandbox, args: string[]): Promise<string> {
  const r = await sb.netctl(args);
  if (r.code !== 0) throw new Error(`netctl ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** The page body client namespace `client` gets over HTTP from host:port, or '' when the request failed. */
export async function pageFrom(sb: Sandbox, client: string, host: string, port: number): Promise<string> {
  const url = host.includes(':') ? `http://[${host}]:${port}/` : `http://${host}:${port}/`;
  const r = await sb.execIn(client, ['curl', '-s', '-m', '2', url], { timeoutMs: 6_000 });
  return r.code === 0 ? r.stdout.trim() : '';
}

/**
 * The tail of a `run` argv serving DIR read-only with busybox httpd on port 80 in the
 * foreground: `-v DIR:/www:ro IMAGE httpd -f -p 80 -h /www` (netctl's and Docker's spelling).
 */
export function httpdServing(dir: string, image = 'busybox'): string[] {
  return ['-v', `${dir}:/www:ro`, image, 'httpd', '-f', '-p', '80', '-h', '/www'];
}

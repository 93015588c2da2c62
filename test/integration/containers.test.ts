import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Sandbox } from '../harness/sandbox.js';
import { httpdServing, kernelState, netctlOk } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
// Per run: test files run in parallel, and so may the suites of other checkouts.
const IMG = `/tmp/netctl-test-${process.pid}-img`;
const WWW = `/tmp/netctl-test-${process.pid}-www`;

interface PsRow {
  id: string;
  name: string;
  status: string;
  addresses: string[];
}

describe('containers launched into prepared namespaces, with published ports', () => {
  let sb: Sandbox;
  let start = '';
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  const ps = async (): Promise<PsRow[]> => JSON.parse(await netctl('ps', '-a', '--json')) as PsRow[];
  const curl = async (host: string, url: string): Promise<string> => {
    const r = await sb.execIn(host, ['curl', '-s', '-m', '3', url], { timeoutMs: 6000 });
    // busybox httpd listens on IPv6 and reports IPv4 clients as v4-mapped addresses.
    return r.code === 0 ? r.stdout.trim().replace(/^\[::ffff:(.*)\]$/, '$1') : `curl failed (${r.code})`;
  };
  // busybox wget (static) crashes on name resolution here; nc speaks HTTP well enough.
  const GET = (ip: string, port: number): string[] => [
    'sh',
    '-c',
    `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} ${port} | tail -1`,
  ];

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true, lan: true });
    await sb.sh(['sh', makeImages, IMG]);
    // A web root whose CGI prints the client address the container sees.
    await sb.sh([
      'sh',
      '-c',
      `mkdir -p ${WWW}/cgi-bin && echo page > ${WWW}/index.html && printf "#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho \\$REMOTE_ADDR\\n" > ${WWW}/cgi-bin/ip && chmod +x ${WWW}/cgi-bin/ip`,
    ]);
    await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
    await netctl('network', 'ls');
    start = await kernelState(sb);
  });
  afterAll(async () => {
    await sb?.exec(['rm', '-rf', IMG, WWW]);
    await sb?.close();
  });

  it('runs a command in its own namespaces and returns its output and exit code', async () => {
    const r = await sb.netctl([
      'run',
      '--rm',
      '--name',
      'once',
      'busybox',
      'sh',
      '-c',
      'hostname; ip -o -4 addr show eth0; exit 3',
    ]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^once\n/);
    expect(r.stdout).toMatch(/eth0\s+inet 172\.17\.0\.\d+\/16/);
    expect((await ps()).map((c) => c.name)).not.toContain('once');
  });

  it('publishes a port reachable from the wan, and the container sees the real client address', async () => {
    await netctl('run', '-d', '--name', 'web', '-p', '8080:80', ...httpdServing(WWW));
    expect(await curl('wan', 'http://198.51.100.2:8080/')).toBe('page');
    expect(await curl('wan', 'http://198.51.100.2:8080/cgi-bin/ip')).toBe('198.51.100.1');
    expect(await curl('wan2', 'http://203.0.113.2:8080/cgi-bin/ip')).toBe('203.0.113.1');
    expect((await netctl('port', 'web')).trim()).toBe('80/tcp -> 0.0.0.0:8080');
    const [view] = JSON.parse(await netctl('inspect', 'web')) as {
      State: { Status: string };
      NetworkSettings: { Networks: { bridge: { IPAddress: string } }; Ports: object };
    }[];
    expect(view!.State.Status).toBe('running');
    expect(view!.NetworkSettings.Networks.bridge.IPAddress).toMatch(/^172\.17\.0\.\d+$/);
    expect(view!.NetworkSettings.Ports).toEqual({ '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] });
  });

  it('binds a port to one host address only', async () => {
    await netctl('run', '-d', '--name', 'only2', '-p', '203.0.113.2:8081:80', ...httpdServing(WWW));
    expect(await curl('wan2', 'http://203.0.113.2:8081/')).toBe('page');
    expect(await curl('wan', 'http://198.51.100.2:8081/')).toMatch(/curl failed/);
  });

  it('lets containers reach published ports through the host address (hairpin), their own included', async () => {
    const sibling = await sb.netctl(['run', '--rm', '--name', 'sib', 'busybox', ...GET('198.51.100.2', 8080)]);
    expect(sibling.stdout.trim(), sibling.stderr).toBe('page');
    const own = await sb.netctl(['exec', 'web', ...GET('198.51.100.2', 8080)]);
    expect(own.stdout.trim(), own.stderr).toBe('page');
    expect((await ps()).map((c) => c.name)).not.toContain('sib');
  });

  it('lets another network reach a published port through the host address, never the container directly', async () => {
    await netctl('network', 'create', '--subnet', '10.66.0.0/24', 'other');
    const web = (await ps()).find((c) => c.name === 'web')!;
    const via = await sb.netctl(['run', '--rm', '--network', 'other', 'busybox', ...GET('198.51.100.2', 8080)]);
    expect(via.stdout.trim(), via.stderr).toBe('page');
    const direct = await sb.netctl(['run', '--rm', '--network', 'other', 'busybox', ...GET(web.addresses[0]!, 80)]);
    expect(direct.stdout.trim()).toBe('');
    await netctl('network', 'rm', 'other');
  });

  it('keeps a LAN neighbour routing to the container subnet away from the container', async () => {
    const web = (await ps()).find((c) => c.name === 'web')!;
    await sb.sh(['ip', 'netns', 'exec', 'lan', 'ip', 'route', 'add', '172.17.0.0/16', 'via', '192.168.77.1']);
    expect(await curl('lan', `http://${web.addresses[0]}:80/`)).toMatch(/curl failed/);
    // ...while the published path works for it.
    expect(await curl('lan', 'http://192.168.77.1:8080/cgi-bin/ip')).toBe('192.168.77.2');
  });

  it('refuses a host port that is taken before anything changes', async () => {
    const before = await kernelState(sb);
    const containers = JSON.stringify(await ps());
    const r = await sb.netctl(['run', '-d', '--name', 'clash', '-p', '8080:80', 'busybox', 'sleep', '100']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/8080.*"web"/);
    expect(await kernelState(sb)).toBe(before);
    expect(JSON.stringify(await ps())).toBe(containers);
  });

  it('refuses bad port specs naming them', async () => {
    const r = await sb.netctl(['run', '-d', '-p', '80/icmp', 'busybox', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"80/icmp"');
  });

  it('run --dry-run prints the plan (netlink operations, rules, the launcher) and changes nothing', async () => {
    const before = await kernelState(sb);
    const containers = JSON.stringify(await ps());
    const networks = await netctl('network', 'ls', '--json');
    const out = await netctl('run', '--dry-run', '-d', '--name', 'dry', '-p', '8181:80', 'busybox', 'httpd', '-f');
    expect(out).toMatch(/ip link add vn\S+ .*type veth peer name eth0/);
    expect(out).toContain('iptables-restore');
    expect(out).toContain('--dport 8181');
    expect(out).toMatch(/processes:\n {2}\S*netctl-launcher run \S+\/launcher\.conf\n/);
    const json = JSON.parse(await netctl('run', '--dry-run', '--json', '--name', 'dry', 'busybox', 'true')) as {
      plan: { operations: string[]; rules: string; processes: string[][] };
      request: { name: string; launch: { argv: string[] } };
    };
    expect(json.plan.processes[0]![1]).toBe('run');
    expect(json.plan.operations.join('\n')).toContain('eth0');
    expect(json.request.name).toBe('dry');
    expect(json.request.launch.argv).toEqual(['true']);
    expect(await kernelState(sb)).toBe(before);
    expect(JSON.stringify(await ps())).toBe(containers);
    expect(await netctl('network', 'ls', '--json')).toBe(networks);
  });

  it('removing every container restores the starting ruleset and link list', async () => {
    await netctl('rm', '-f', 'web', 'only2');
    expect(await ps()).toEqual([]);
    expect(await kernelState(sb)).toBe(start);
  });
});

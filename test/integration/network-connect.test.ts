import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Sandbox } from '../harness/sandbox.js';
import { httpdServing, kernelState, netctlOk } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));

interface View {
  Id: string;
  NetworkSettings: { Networks: Record<string, { IPAddress: string; Aliases: string[]; HostInterface: string }> };
}

describe('network connect and disconnect', () => {
  let sb: Sandbox;
  let tmp = '';
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  const inspect = async (name: string): Promise<View> => (JSON.parse(await netctl('inspect', name)) as View[])[0]!;
  const curl = async (host: string, url: string): Promise<string> => {
    const r = await sb.execIn(host, ['curl', '-s', '-m', '2', url], { timeoutMs: 6000 });
    return r.code === 0 ? r.stdout.trim() : `curl failed (${r.code})`;
  };
  // nc speaks HTTP well enough, and resolves names through /etc/hosts.
  const get = async (from: string, host: string, port = 80): Promise<string> => {
    const r = await sb.netctl(
      ['exec', from, 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${host} ${port} | tail -1`],
      { timeoutMs: 10_000 },
    );
    return r.stdout.trim();
  };
  const httpd = (name: string, ...opts: string[]): Promise<string> =>
    netctl('run', '-d', '--name', name, ...opts, ...httpdServing(`${tmp}/www`));

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true });
    tmp = (await sb.sh(['mktemp', '-d', '/tmp/netctl-it-XXXXXX'])).trim();
    await sb.sh(['sh', makeImages, `${tmp}/img`]);
    await sb.sh(['sh', '-c', `mkdir -p ${tmp}/www && echo page > ${tmp}/www/index.html`]);
    await netctl('image', 'import', `${tmp}/img/busybox.tar`, 'busybox');
    await netctl('network', 'create', '--subnet', '10.61.0.0/24', 'front');
    await netctl('network', 'create', '--subnet', '10.62.0.0/24', 'back');
    await httpd('web', '--network', 'front', '-p', '8080:80');
    await httpd('db', '--network', 'back');
  });
  afterAll(async () => {
    if (tmp) await sb?.exec(['rm', '-rf', tmp]);
    await sb?.close();
  });

  it('adds eth1 with an address from the network, reachable by address and by name and alias, keeping the default route', async () => {
    const db = (await inspect('db')).NetworkSettings.Networks.back!.IPAddress;
    expect(await get('web', db)).toBe('');
    await netctl('network', 'connect', '--alias', 'www', 'back', 'web');
    const nets = (await inspect('web')).NetworkSettings.Networks;
    expect(nets.back!.IPAddress).toMatch(/^10\.62\.0\.\d+$/);
    expect(nets.back!.Aliases).toEqual(['www']);
    expect(await sb.netctl(['exec', 'web', 'ip', '-o', '-4', 'addr', 'show', 'eth1']).then((r) => r.stdout)).toContain(
      `${nets.back!.IPAddress}/24`,
    );
    expect(await get('web', db)).toBe('page');
    expect(await get('db', 'web')).toBe('page');
    expect(await get('db', 'www')).toBe('page');
    expect((await sb.netctl(['exec', 'web', 'ip', 'route', 'show', 'default'])).stdout).toContain(
      'via 10.61.0.1 dev eth0',
    );
    expect(await curl('wan', 'http://198.51.100.2:8080/')).toBe('page');
  });

  it('refuses a second connect, an unknown disconnect, host/none networks and host-mode containers, changing nothing', async () => {
    await netctl('run', '-d', '--name', 'hosty', '--network', 'host', 'busybox', 'sleep', '1000');
    const before = await kernelState(sb);
    const cases: [string[], RegExp][] = [
      [['network', 'connect', 'back', 'web'], /already connected to network "back"/],
      [['network', 'disconnect', 'front', 'db'], /not connected to network "front"/],
      [['network', 'connect', 'host', 'db'], /network "host"/],
      [['network', 'connect', 'none', 'db'], /network "none"/],
      [['network', 'connect', 'front', 'hosty'], /network mode "host"/],
      [
        ['network', 'connect', '--ip', (await inspect('web')).NetworkSettings.Networks.front!.IPAddress, 'front', 'db'],
        /already in use/,
      ],
      [['network', 'connect', 'nosuch', 'db'], /nosuch/],
    ];
    for (const [args, message] of cases) {
      const r = await sb.netctl(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n')[0], args.join(' ')).toMatch(message);
    }
    expect(await kernelState(sb)).toBe(before);
    expect(Object.keys((await inspect('db')).NetworkSettings.Networks)).toEqual(['back']);
    await netctl('rm', '-f', 'hosty');
  });

  it('rolls back the interface, the rules and the records when a later step fails', async () => {
    await netctl('network', 'create', '--subnet', '10.64.0.0/24', 'third');
    const before = await kernelState(sb);
    // web's own hosts file cannot be rewritten: the last step of connect fails.
    const hosts = `/run/netctl/containers/${(await inspect('web')).Id}/hosts`;
    await sb.sh(['sh', '-c', `mv ${hosts} ${hosts}.keep && mkdir ${hosts}`]);
    const r = await sb.netctl(['network', 'connect', 'third', 'web']);
    await sb.sh(['sh', '-c', `rmdir ${hosts} && mv ${hosts}.keep ${hosts}`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/hosts/);
    expect(await kernelState(sb)).toBe(before);
    expect(Object.keys((await inspect('web')).NetworkSettings.Networks)).toEqual(['front', 'back']);
    await netctl('network', 'rm', 'third');
  });

  it('--dry-run prints the veth and the rules and changes nothing', async () => {
    const before = await kernelState(sb);
    const out = await netctl('network', 'connect', '--dry-run', 'front', 'db');
    expect(out).toMatch(/ip link add vn\S+ .*type veth peer name eth1/);
    expect(out).toContain('iptables-restore');
    expect(await kernelState(sb)).toBe(before);
    expect(Object.keys((await inspect('db')).NetworkSettings.Networks)).toEqual(['back']);
  });

  it('disconnecting the first network moves the default route and the published port to the next', async () => {
    const back = (await inspect('web')).NetworkSettings.Networks.back!.IPAddress;
    await netctl('network', 'disconnect', 'front', 'web');
    expect(Object.keys((await inspect('web')).NetworkSettings.Networks)).toEqual(['back']);
    const links = (await sb.netctl(['exec', 'web', 'ip', '-o', 'link', 'show'])).stdout;
    expect(links).not.toMatch(/\beth0\b/);
    expect((await sb.netctl(['exec', 'web', 'ip', 'route', 'show', 'default'])).stdout).toContain(
      'via 10.62.0.1 dev eth1',
    );
    expect(await sb.sh(['iptables-save', '-t', 'nat'])).toContain(`--to-destination ${back}:80`);
    expect(await curl('wan', 'http://198.51.100.2:8080/')).toBe('page');
    expect((await netctl('port', 'web')).trim()).toBe('80/tcp -> 0.0.0.0:8080');
  });

  it('reconnecting reuses eth0; removing the container removes every interface and rule', async () => {
    await netctl('network', 'connect', 'front', 'web');
    expect((await sb.netctl(['exec', 'web', 'ip', '-o', '-4', 'addr', 'show', 'eth0'])).stdout).toMatch(
      /10\.61\.0\.\d+\/24/,
    );
    await netctl('rm', '-f', 'web');
    expect(await sb.sh(['iptables-save'])).not.toMatch(/10\.61\.0\.\d+\/32/);
    expect((await sb.sh(['ip', '-o', 'link', 'show'])).match(/vn[0-9a-f]{10}/g) ?? []).toHaveLength(1);
  });
});

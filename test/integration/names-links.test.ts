import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Sandbox } from '../harness/sandbox.js';
import { kernelState, netctlOk } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));

interface View {
  Id: string;
  NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
}

describe('names, links and shared namespaces', () => {
  let sb: Sandbox;
  let tmp = '';
  let start = '';
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  const ip = async (name: string, net: string): Promise<string> =>
    (JSON.parse(await netctl('inspect', name)) as View[])[0]!.NetworkSettings.Networks[net]!.IPAddress;
  const exec = async (name: string, ...argv: string[]): Promise<{ code: number; out: string }> => {
    const r = await sb.netctl(['exec', name, ...argv], { timeoutMs: 10_000 });
    return { code: r.code, out: r.stdout.trim() };
  };
  const ping = async (from: string, host: string): Promise<number> =>
    (await exec(from, 'busybox', 'ping', '-c1', '-W1', host)).code;
  // nc speaks HTTP well enough; names resolve through /etc/hosts (links) or the embedded DNS server.
  const get = async (from: string, host: string, port = 80): Promise<string> =>
    (
      await exec(
        from,
        'sh',
        '-c',
        `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${host} ${port} 2>/dev/null | tail -1`,
      )
    ).out;
  const httpd = (name: string, ...opts: string[]): Promise<string> =>
    netctl(
      'run',
      '-d',
      '--name',
      name,
      ...opts,
      '-v',
      `${tmp}/www:/www:ro`,
      'busybox',
      'sh',
      '-c',
      'httpd -p 5000 -h /www; httpd -p 6000 -h /www; httpd -f -p 80 -h /www',
    );

  beforeAll(async () => {
    sb = await Sandbox.start({});
    tmp = (await sb.sh(['mktemp', '-d', '/tmp/netctl-it-XXXXXX'])).trim();
    await sb.sh(['sh', makeImages, `${tmp}/img`]);
    await sb.sh(['sh', '-c', `mkdir -p ${tmp}/www && echo page > ${tmp}/www/index.html`]);
    await netctl('image', 'import', `${tmp}/img/busybox.tar`, 'busybox');
    await netctl('network', 'ls');
    start = await kernelState(sb);
    await netctl('network', 'create', '--subnet', '10.71.0.0/24', 'app');
    await netctl('network', 'create', '--subnet', '10.72.0.0/24', 'side');
    await netctl('network', 'create', '--subnet', '10.73.0.0/24', '-o', 'icc=false', 'locked');
  });
  afterAll(async () => {
    if (tmp) await sb?.exec(['rm', '-rf', tmp]);
    await sb?.close();
  });

  describe('on a user-defined network', () => {
    it('containers resolve each other by name and alias', async () => {
      await httpd('a', '--network', 'app');
      await httpd('b', '--network', 'app', '--alias', 'bee');
      expect(await ping('a', 'b')).toBe(0);
      expect(await ping('a', 'bee')).toBe(0);
      expect(await get('a', 'bee')).toBe('page');
      expect(await get('b', 'a')).toBe('page');
    });

    it("a newcomer is found by name (the embedded DNS server) while the others' hosts files stay as they are", async () => {
      const id = (JSON.parse(await netctl('inspect', 'a')) as View[])[0]!.Id;
      const stamp = async (): Promise<string> => sb.sh(['stat', '-c', '%i %y', `/run/netctl/containers/${id}/hosts`]);
      const before = await stamp();
      await httpd('c', '--network', 'app');
      expect(await stamp()).toBe(before);
      expect(await get('a', 'c')).toBe('page');
      await netctl('rm', '-f', 'b');
      expect(await stamp()).toBe(before);
      expect(await ping('a', 'bee')).not.toBe(0);
      expect(await get('a', 'c')).toBe('page');
    });

    it('follows network connect and disconnect, with the connect alias', async () => {
      await httpd('d', '--network', 'side');
      expect(await ping('a', 'd')).not.toBe(0);
      await netctl('network', 'connect', '--alias', 'dee', 'app', 'd');
      expect(await get('a', 'dee')).toBe('page');
      expect(await get('d', 'a')).toBe('page');
      await netctl('network', 'disconnect', 'app', 'd');
      expect((await exec('a', 'cat', '/etc/hosts')).out).not.toContain('dee');
      expect((await exec('d', 'cat', '/etc/hosts')).out).not.toMatch(/\ba$/m);
    });

    it('does not resolve names on the default network, and refuses --alias there', async () => {
      await netctl('run', '-d', '--name', 'x', 'busybox', 'sleep', '1000');
      await netctl('run', '-d', '--name', 'y', 'busybox', 'sleep', '1000');
      expect(await ping('x', 'y')).not.toBe(0);
      const r = await sb.netctl(['run', '-d', '--name', 'z', '--alias', 'zed', 'busybox', 'true']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/user-defined networks/);
      await netctl('rm', '-f', 'x', 'y', 'a', 'c', 'd');
    });
  });

  describe('--link', () => {
    it("on an icc=false network opens only the linked container's exposed ports, from the linking container only", async () => {
      await httpd('db', '--network', 'locked', '--expose', '5000', '-e', 'SECRET=s3', '-e', 'PATH=/bin');
      await httpd('peer', '--network', 'locked', '--expose', '5000');
      await netctl(
        'run',
        '-d',
        '--name',
        'web',
        '--network',
        'locked',
        '--link',
        'db:mydb',
        'busybox',
        'sleep',
        '1000',
      );
      await netctl('run', '-d', '--name', 'lone', '--network', 'locked', 'busybox', 'sleep', '1000');
      expect(await get('web', 'mydb', 5000)).toBe('page');
      expect(await get('web', 'db', 5000)).toBe('page');
      expect(await get('web', 'mydb', 6000)).toBe('');
      expect(await get('web', await ip('peer', 'locked'), 5000)).toBe('');
      expect(await get('lone', await ip('db', 'locked'), 5000)).toBe('');
      expect(await sb.sh(['iptables-save', '-t', 'filter'])).toContain(
        '-m comment --comment "netctl:link=web:mydb" -j ACCEPT',
      );
    });

    it('injects the link variables and a hosts entry', async () => {
      const dbIp = await ip('db', 'locked');
      const env = (await exec('web', 'env')).out
        .split('\n')
        .filter((l) => l.startsWith('MYDB_'))
        .sort();
      expect(env).toEqual([
        'MYDB_ENV_SECRET=s3',
        'MYDB_NAME=/web/mydb',
        `MYDB_PORT=tcp://${dbIp}:5000`,
        `MYDB_PORT_5000_TCP=tcp://${dbIp}:5000`,
        `MYDB_PORT_5000_TCP_ADDR=${dbIp}`,
        'MYDB_PORT_5000_TCP_PORT=5000',
        'MYDB_PORT_5000_TCP_PROTO=tcp',
      ]);
      expect((await exec('web', 'cat', '/etc/hosts')).out).toContain(`${dbIp}\tmydb db`);
    });

    it('works on the default network too, and refuses a missing or stopped target', async () => {
      await httpd('cache', '-p', '8090:6000');
      await netctl('run', '-d', '--name', 'app1', '--link', 'cache', 'busybox', 'sleep', '1000');
      expect((await exec('app1', 'env')).out).toContain('CACHE_PORT_6000_TCP_PORT=6000');
      expect(await get('app1', 'cache', 6000)).toBe('page');
      const missing = await sb.netctl(['run', '-d', '--name', 'app2', '--link', 'nosuch:x', 'busybox', 'true']);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/nosuch/);
      await netctl('run', '--name', 'done', 'busybox', 'true');
      const stopped = await sb.netctl(['run', '-d', '--name', 'app3', '--link', 'done', 'busybox', 'true']);
      expect(stopped.stderr).toMatch(/"done": it is not running/);
      await netctl('rm', '-f', 'app1', 'cache', 'done');
    });

    it('its rules go with either container', async () => {
      await netctl('rm', '-f', 'db');
      expect(await sb.sh(['iptables-save'])).not.toContain('netctl:link=');
      await httpd('db', '--network', 'locked', '--expose', '5000');
      expect(await sb.sh(['iptables-save'])).toContain('netctl:link=web:mydb');
      await netctl('rm', '-f', 'web');
      expect(await sb.sh(['iptables-save'])).not.toContain('netctl:link=');
      await netctl('rm', '-f', 'db', 'peer', 'lone');
    });
  });

  describe('--network container:NAME', () => {
    it("joins the running container's namespace and shares its hosts and resolv.conf files", async () => {
      await httpd('host1', '--network', 'app');
      await netctl('run', '-d', '--name', 'peer1', '--network', 'app', 'busybox', 'sleep', '1000');
      await netctl(
        'run',
        '-d',
        '--name',
        'joiner',
        '--network',
        'container:host1',
        '-v',
        `${tmp}/www:/www:ro`,
        'busybox',
        'httpd',
        '-f',
        '-p',
        '7000',
        '-h',
        '/www',
      );
      const addr = await ip('host1', 'app');
      expect((await exec('joiner', 'ip', '-o', '-4', 'addr', 'show', 'eth0')).out).toContain(`${addr}/24`);
      expect((await exec('joiner', 'cat', '/etc/hosts')).out).toBe((await exec('host1', 'cat', '/etc/hosts')).out);
      expect((await exec('joiner', 'cat', '/etc/hosts')).out).toContain(`${addr}\thost1`);
      expect((await exec('joiner', 'cat', '/etc/resolv.conf')).out).toMatch(/^nameserver 127\.0\.0\.11$/m);
      expect(await get('peer1', 'host1', 7000)).toBe('page');
    });

    it('refuses ports, a stopped or missing container, and leaves the namespace to its owner on rm', async () => {
      const ports = await sb.netctl([
        'run',
        '-d',
        '--name',
        'j2',
        '-p',
        '9000:80',
        '--network',
        'container:host1',
        'busybox',
        'true',
      ]);
      expect(ports.code).toBe(2);
      const missing = await sb.netctl([
        'run',
        '-d',
        '--name',
        'j3',
        '--network',
        'container:nosuch',
        'busybox',
        'true',
      ]);
      expect(missing.stderr).toMatch(/nosuch/);
      await netctl('run', '--name', 'gone', 'busybox', 'true');
      const stopped = await sb.netctl(['run', '-d', '--name', 'j4', '--network', 'container:gone', 'busybox', 'true']);
      expect(stopped.stderr).toMatch(/"gone": it is not running/);
      await netctl('rm', '-f', 'joiner', 'gone');
      expect(await get('peer1', 'host1')).toBe('page');
      await netctl('rm', '-f', 'host1', 'peer1');
    });
  });

  it('leaves the starting state once everything is removed', async () => {
    await netctl('network', 'rm', 'app', 'side', 'locked');
    expect(await kernelState(sb)).toBe(start);
  });
});

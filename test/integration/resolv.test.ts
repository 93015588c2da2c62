/**
 * Containers' /etc/resolv.conf and /etc/hosts with real containers, under host resolver
 * layouts bind-mounted inside the sandbox (a plain resolv.conf, systemd-resolved's stub and
 * upstream files, loopback-only): the default network, user-defined networks, `--network
 * host`, `container:NAME`, the flags and compose keys, bad input, links, and that another
 * container joining a network rewrites no existing container's files. A dnsmasq on the
 * sandbox's wan host answers a test zone, so the default network's resolution is real.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETCTL, Sandbox } from '../harness/sandbox.js';
import { kernelState, netctlOk } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const BASE = `/tmp/netctl-test-${process.pid}-resolv`;
const RESOLV = `${BASE}/resolv.conf`;
const WAN = '198.51.100.1';

interface View {
  Id: string;
  Config: { dnsUpstreams?: { address: string; hostLoopback: boolean }[] };
  HostConfig: { Dns: string[]; DnsSearch: string[]; DnsOptions: string[] };
  ResolvConfPath: string;
  NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
}

describe("containers' resolv.conf and hosts files", () => {
  let sb: Sandbox;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  const inspect = async (name: string): Promise<View> => (JSON.parse(await netctl('inspect', name)) as View[])[0]!;
  const cat = async (name: string, file: string): Promise<string> =>
    sb.sh([process.execPath, NETCTL, 'exec', name, 'cat', file]);
  /** The host's /etc/resolv.conf (a file bind-mounted over it in the sandbox; same inode each time). */
  const hostResolv = (text: string): void => writeFileSync(RESOLV, text);
  const resolvOf = async (...opts: string[]): Promise<{ text: string; stderr: string }> => {
    const r = await sb.netctl(['run', '--rm', ...opts, 'busybox', 'cat', '/etc/resolv.conf'], { timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`run exited ${r.code}: ${r.stderr}`);
    return { text: r.stdout, stderr: r.stderr };
  };
  const sleeper = (name: string, ...opts: string[]): Promise<string> =>
    netctl('run', '-d', '--name', name, ...opts, 'busybox', 'sleep', '1000');

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true });
    mkdirSync(BASE, { recursive: true });
    await sb.sh(['sh', makeImages, `${BASE}/img`]);
    await netctl('image', 'import', `${BASE}/img/busybox.tar`, 'busybox');
    hostResolv(`nameserver ${WAN}\n`);
    await sb.sh(['mount', '--bind', RESOLV, '/etc/resolv.conf']);
    await sb.background([
      'ip',
      'netns',
      'exec',
      'wan',
      'dnsmasq',
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      '--user=root',
      `--listen-address=${WAN}`,
      '--bind-interfaces',
      `--pid-file=${BASE}/dnsmasq.pid`,
      '--address=/www.corp.test/203.0.113.80',
    ]);
    await netctl('network', 'create', '--subnet', '10.74.0.0/24', 'app');
  });
  afterAll(async () => {
    await sb?.close();
    rmSync(BASE, { recursive: true, force: true });
  });

  describe('a plain host resolv.conf', () => {
    it("the default network gets the host's nameservers, search and options, loopback ones left out, and resolves", async () => {
      hostResolv(`nameserver 127.0.0.1\nnameserver ${WAN}\nsearch corp.test\noptions edns0 timeout:2\n`);
      expect((await resolvOf()).text).toBe(`nameserver ${WAN}\nsearch corp.test\noptions edns0 timeout:2\n`);
      const r = await sb.netctl(['run', '--rm', 'busybox', 'busybox', 'nslookup', 'www.corp.test'], {
        timeoutMs: 30_000,
      });
      expect(r.stdout).toContain('203.0.113.80');
      // The search domain applies: a short name is completed by the resolver.
      const short = await sb.netctl(['run', '--rm', 'busybox', 'busybox', 'nslookup', 'www'], { timeoutMs: 30_000 });
      expect(short.stdout).toContain('203.0.113.80');
    });

    it('a user-defined network names the embedded server, keeps search and options, and records the upstreams', async () => {
      hostResolv(`nameserver ${WAN}\nnameserver 127.0.0.1\nsearch corp.test\noptions edns0\n`);
      await sleeper('u1', '--network', 'app');
      expect(await cat('u1', '/etc/resolv.conf')).toBe(
        'nameserver 127.0.0.11\nsearch corp.test\noptions edns0 ndots:0\n',
      );
      expect((await inspect('u1')).Config.dnsUpstreams).toEqual([
        { address: WAN, hostLoopback: false },
        { address: '127.0.0.1', hostLoopback: true },
      ]);
    });

    it("--network host gets the host's resolv.conf as it is, and its hosts file with --add-host", async () => {
      expect((await resolvOf('--network', 'host')).text).toBe(
        `nameserver ${WAN}\nnameserver 127.0.0.1\nsearch corp.test\noptions edns0\n`,
      );
      const r = await sb.netctl(
        ['run', '--rm', '--network', 'host', '--add-host', 'x.example:192.0.2.5', 'busybox', 'cat', '/etc/hosts'],
        { timeoutMs: 30_000 },
      );
      const own = await sb.sh(['cat', '/etc/hosts']);
      expect(r.stdout).toBe(`${own}${own.endsWith('\n') || own === '' ? '' : '\n'}192.0.2.5\tx.example\n`);
    });

    it("container:NAME shares the other container's files", async () => {
      await sleeper('j1', '--network', 'container:u1');
      expect(await cat('j1', '/etc/resolv.conf')).toBe(await cat('u1', '/etc/resolv.conf'));
      expect(await cat('j1', '/etc/hosts')).toBe(await cat('u1', '/etc/hosts'));
      await netctl('rm', '-f', 'j1');
    });
  });

  describe('systemd-resolved', () => {
    it('reads the upstreams behind the stub; the host network keeps the stub', async () => {
      hostResolv('nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch stub.test\n');
      await sb.sh(['mkdir', '-p', '/run/systemd/resolve']);
      await sb.sh(['sh', '-c', `printf 'nameserver ${WAN}\\nsearch corp.test\\n' >/run/systemd/resolve/resolv.conf`]);
      expect((await resolvOf()).text).toBe(`nameserver ${WAN}\nsearch corp.test\n`);
      expect((await resolvOf('--network', 'host')).text).toBe(
        'nameserver 127.0.0.53\nsearch stub.test\noptions edns0 trust-ad\n',
      );
      await sleeper('u2', '--network', 'app');
      expect((await inspect('u2')).Config.dnsUpstreams).toEqual([{ address: WAN, hostLoopback: false }]);
      await netctl('rm', '-f', 'u2');
      await sb.sh(['rm', '-rf', '/run/systemd']);
    });

    it("without resolved's file, the stub alone leaves nothing: Docker's fallback, said in one warning", async () => {
      const r = await resolvOf();
      expect(r.text).toBe('nameserver 8.8.8.8\nnameserver 8.8.4.4\nsearch stub.test\noptions edns0 trust-ad\n');
      expect(r.stderr).toBe(
        'warning: no usable nameserver in /etc/resolv.conf (loopback ones do not work in a container): using 8.8.8.8, 8.8.4.4\n',
      );
    });
  });

  describe('flags and compose keys', () => {
    it('--dns, --dns-search and --dns-option replace the host values', async () => {
      hostResolv(`nameserver ${WAN}\nsearch corp.test\n`);
      const flags = [
        '--dns',
        '192.0.2.53',
        '--dns-search',
        'a.test',
        '--dns-search',
        'b.test',
        '--dns-option',
        'ndots:2',
      ];
      expect((await resolvOf(...flags)).text).toBe('nameserver 192.0.2.53\nsearch a.test b.test\noptions ndots:2\n');
      await sleeper('u3', '--network', 'app', ...flags);
      expect(await cat('u3', '/etc/resolv.conf')).toBe(
        'nameserver 127.0.0.11\nsearch a.test b.test\noptions ndots:2\n',
      );
      expect((await inspect('u3')).Config.dnsUpstreams).toEqual([{ address: '192.0.2.53', hostLoopback: false }]);
      const view = await inspect('u3');
      expect(view.HostConfig).toMatchObject({
        Dns: ['192.0.2.53'],
        DnsSearch: ['a.test', 'b.test'],
        DnsOptions: ['ndots:2'],
      });
      expect(await sb.sh(['cat', view.ResolvConfPath])).toBe(await cat('u3', '/etc/resolv.conf'));
      // A restart writes the same file again from the record.
      await netctl('restart', '-t', '0', 'u3');
      expect(await cat('u3', '/etc/resolv.conf')).toBe(
        'nameserver 127.0.0.11\nsearch a.test b.test\noptions ndots:2\n',
      );
      await netctl('rm', '-f', 'u3');
    });

    it('compose dns, dns_search and dns_opt', async () => {
      const dir = `${BASE}/proj`;
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        `${dir}/compose.yaml`,
        'services:\n  a:\n    image: busybox\n    command: sleep 1000\n    dns: 192.0.2.7\n    dns_search: [svc.test]\n    dns_opt: [ndots:3, edns0]\n  b:\n    image: busybox\n    command: sleep 1000\n    network_mode: bridge\n    dns: [192.0.2.8]\n    dns_search: .\n',
      );
      const compose = (...args: string[]) =>
        sb.sh(['sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh', dir, process.execPath, NETCTL, 'compose', ...args], {
          timeoutMs: 60_000,
        });
      await compose('up', '-d');
      expect(await cat('proj-a-1', '/etc/resolv.conf')).toBe(
        'nameserver 127.0.0.11\nsearch svc.test\noptions ndots:3 edns0\n',
      );
      expect(await cat('proj-b-1', '/etc/resolv.conf')).toBe('nameserver 192.0.2.8\n');
      await compose('down');
    });
  });

  describe('bad input', () => {
    it.each([
      [['--dns', '8.8.8'], 'invalid --dns "8.8.8": not an IP address'],
      [['--dns-search', 'corp test'], 'invalid --dns-search "corp test": not a domain name'],
      [['--dns-option', 'ndots:x'], 'invalid --dns-option "ndots:x": ndots takes a number (ndots:N)'],
      [['--network', 'app', '--name', 'a..b'], 'invalid container name "a..b": not a DNS name'],
      [['--network', 'app', '--alias', 'web-'], 'invalid alias "web-": not a DNS name'],
      [['--hostname', 'web_.-x'], 'invalid hostname "web_.-x": not a DNS name'],
    ])('%j is refused with one line, nothing changed', async (opts, message) => {
      const before = [
        await kernelState(sb),
        await netctl('ps', '-a', '--format', '{{.ID}} {{.Names}} {{.State}} {{.Addresses}} {{.Ports}}'),
      ];
      const name = opts.includes('--name') ? [] : ['--name', 'bad'];
      const r = await sb.netctl(['run', '-d', ...name, ...opts, 'busybox', 'true']);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(message);
      expect([
        await kernelState(sb),
        await netctl('ps', '-a', '--format', '{{.ID}} {{.Names}} {{.State}} {{.Addresses}} {{.Ports}}'),
      ]).toEqual(before);
    });
  });

  describe('/etc/hosts', () => {
    it("holds the container's own entries and --add-host, and is not rewritten when another joins the network", async () => {
      await sleeper('h1', '--network', 'app', '--add-host', 'db.example:192.0.2.9');
      const ip = (await inspect('h1')).NetworkSettings.Networks.app!.IPAddress;
      const path = `/run/netctl/containers/${(await inspect('h1')).Id}/hosts`;
      const hosts = await cat('h1', '/etc/hosts');
      expect(hosts).toBe(
        `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${ip}\th1\n192.0.2.9\tdb.example\n`,
      );
      const stamp = await sb.sh(['stat', '-c', '%i %y', path]);
      await sleeper('h2', '--network', 'app');
      await netctl('rm', '-f', 'h2');
      expect(await sb.sh(['stat', '-c', '%i %y', path])).toBe(stamp);
      expect(await cat('h1', '/etc/hosts')).toBe(hosts);
      await netctl('rm', '-f', 'h1');
    });

    it("network connect and disconnect rewrite the container's own files only", async () => {
      hostResolv(`nameserver ${WAN}\n`);
      await sleeper('c1');
      await sleeper('c2', '--network', 'app');
      const other = await cat('c2', '/etc/hosts');
      expect(await cat('c1', '/etc/resolv.conf')).toBe(`nameserver ${WAN}\n`);
      const bad = await sb.netctl(['network', 'connect', '--alias', 'web-', 'app', 'c1']);
      expect([bad.code, bad.stderr.trim()]).toEqual([2, expect.stringMatching(/^netctl: invalid alias "web-"/)]);
      expect(await cat('c1', '/etc/resolv.conf')).toBe(`nameserver ${WAN}\n`);
      await netctl('network', 'connect', 'app', 'c1');
      const ip = (await inspect('c1')).NetworkSettings.Networks.app!.IPAddress;
      expect(await cat('c1', '/etc/resolv.conf')).toBe('nameserver 127.0.0.11\noptions ndots:0\n');
      expect(await cat('c1', '/etc/hosts')).toContain(`${ip}\tc1\n`);
      await netctl('network', 'disconnect', 'app', 'c1');
      expect(await cat('c1', '/etc/resolv.conf')).toBe(`nameserver ${WAN}\n`);
      expect(await cat('c1', '/etc/hosts')).not.toContain(ip);
      expect(await cat('c2', '/etc/hosts')).toBe(other);
      await netctl('rm', '-f', 'c1', 'c2');
    });

    it('a link is an entry written at start, and follows its target when it comes back with another address', async () => {
      await sleeper('db', '--network', 'app', '--ip', '10.74.0.50');
      await sleeper('web', '--network', 'app', '--link', 'db:mydb');
      expect(await cat('web', '/etc/hosts')).toContain('10.74.0.50\tmydb db\n');
      const ping = async (): Promise<number> =>
        (await sb.netctl(['exec', 'web', 'busybox', 'ping', '-c1', '-W1', 'mydb'], { timeoutMs: 10_000 })).code;
      expect(await ping()).toBe(0);
      await netctl('rm', '-f', 'db');
      await sleeper('db', '--network', 'app', '--ip', '10.74.0.51');
      expect(await cat('web', '/etc/hosts')).toContain('10.74.0.51\tmydb db\n');
      expect(await ping()).toBe(0);
      await netctl('rm', '-f', 'web', 'db');
    });
  });
});

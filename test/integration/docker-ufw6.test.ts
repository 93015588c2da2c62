/**
 * netctl docker over IPv6, with the real Docker (a private dockerd inside the sandbox with
 * `--ipv6 --ip6tables`, a `docker network create --ipv6` network; once per flavour of
 * docker-flavours.ts: Debian 12's 20.10, Debian 13's 26.1, Debian unstable's 28.5),
 * the real ufw (enabled, routed policy deny, IPV6=yes) and real requests from the wan and
 * wan2 hosts over IPv6 (documentation addresses 2001:db8:1::1 and 2001:db8:2::1 added by
 * the test). Docker 20.10 publishes IPv6 ports with DNAT in ip6tables (docker-proxy only
 * serves the host's own connections), and creates DOCKER-USER for IPv4 only: the published
 * IPv6 port is open despite ufw, closed by the netctl-docker block, opened by `netctl allow`
 * (from one IPv6 source with --from), and kept on the container's IPv6 address by
 * `netctl docker watch`, also across a new network and a dockerd restart. Docker 26 and 28
 * make DOCKER-USER in ip6tables too and keep FORWARD's jump to it first (28 also drops a
 * packet routed straight to a container in the raw table).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { httpdServing, netctlOk, pageFrom } from './helpers/net.js';
import { BUSYBOX, SandboxDocker, startDockerWatch, until } from './helpers/docker.js';
import { USERLAND_HOOK_MS, dockerFlavours, userlandOf } from './helpers/docker-flavours.js';

/** The host's IPv6 address on each client's link, and the client's own. */
const HOST6 = { wan: '2001:db8:1::2', wan2: '2001:db8:2::2' } as const;
const CLIENT6 = { wan: '2001:db8:1::1', wan2: '2001:db8:2::1' } as const;
type Client = keyof typeof HOST6;
const ALL = Object.keys(HOST6) as Client[];
const WWW = '/run/netctl-test-www';
const NET6 = 'fd00:d0c::/64';

describe.each(dockerFlavours())(
  "netctl docker on Docker $name: ufw decides Docker's published ports over IPv6",
  (flavour) => {
    let sb: Sandbox;
    let dk: SandboxDocker;
    const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
    /** A netctl command that talks to Docker. */
    const withDocker = (...args: string[]): Promise<string> => netctlOk(sb, [...args, '--docker-host', dk.host]);
    const ufw = async (...args: string[]): Promise<string> => sb.sh(['ufw', ...args], { timeoutMs: 60_000 });
    /** The clients that get `page` from the published port over IPv6. */
    const openTo = async (port: number, page: string): Promise<Client[]> => {
      const got = await Promise.all(ALL.map((c) => pageFrom(sb, c, HOST6[c], port)));
      return ALL.filter((_, i) => got[i] === page);
    };
    const openTo4 = async (port: number, page: string): Promise<boolean> =>
      (await pageFrom(sb, 'wan', '198.51.100.2', port)) === page;
    const httpd = (name: string, hostPort: number, page: string, net = 'v6net'): Promise<string> =>
      dk.docker(
        'run',
        '-d',
        '--name',
        name,
        '--network',
        net,
        '-p',
        `${hostPort}:80`,
        ...httpdServing(`${WWW}/${page}`, BUSYBOX),
      );
    /** netctl's rules in the live IPv6 forward chain. */
    const liveRules6 = async (): Promise<string[]> =>
      (await sb.sh(['ip6tables', '-S', 'ufw6-user-forward'])).split('\n').filter((l) => l.startsWith('-A'));
    const tuples6 = async (): Promise<string[]> =>
      (await sb.sh(['cat', '/etc/ufw/user6.rules'])).split('\n').filter((l) => l.startsWith('### tuple ###'));
    const ruleFor = (ip6: string): Promise<void> =>
      until(async () => (await liveRules6()).some((l) => l.includes(`-d ${ip6}/128`)), `a rule for ${ip6}`);
    const startWatch = async (): Promise<void> => {
      await startDockerWatch(sb, dk);
    };
    let afterRules = '';

    beforeAll(async () => {
      const userland = await userlandOf(flavour);
      sb = await Sandbox.start({ wan: true });
      for (const [c, dev] of [
        ['wan', 'wan0'],
        ['wan2', 'wan1'],
      ] as const) {
        await sb.sh(['ip', '-6', 'addr', 'add', `${HOST6[c]}/64`, 'dev', dev, 'nodad']);
        await sb.sh(['ip', '-n', c, '-6', 'addr', 'add', `${CLIENT6[c]}/64`, 'dev', 'eth0', 'nodad']);
      }
      dk = await SandboxDocker.start(sb, undefined, [], { ipv6: 'fd00:d0c:1::/64', userland });
      await dk.docker('network', 'create', '--ipv6', '--subnet', NET6, 'v6net');
      await sb.sh([
        'sh',
        '-c',
        `mkdir -p ${WWW}/one ${WWW}/two && echo one > ${WWW}/one/index.html && echo two > ${WWW}/two/index.html`,
      ]);
      await httpd('web', 8080, 'one');
      await httpd('other', 8081, 'two');
      // The sandbox's /etc/default/ufw is a file mount: rewritten in place, not renamed over.
      await sb.sh([
        'sh',
        '-c',
        't=$(sed "s/^IPV6=.*/IPV6=yes/" /etc/default/ufw) && printf "%s\\n" "$t" >/etc/default/ufw && grep -qx IPV6=yes /etc/default/ufw',
      ]);
      await ufw('--force', 'enable');
      await ufw('default', 'deny', 'routed');
      afterRules = await sb.sh(['cat', '/etc/ufw/after.rules', '/etc/ufw/after6.rules']);
    }, USERLAND_HOOK_MS);
    afterAll(async () => {
      await sb?.close();
    });

    it("Docker publishes the IPv6 port with DNAT to the container's fd00:d0c:: address, open despite ufw", async () => {
      const ip6 = await dk.ip6('web');
      expect(ip6).toMatch(/^fd00:d0c::[0-9a-f]+$/);
      expect(await sb.sh(['ip6tables', '-t', 'nat', '-S', 'DOCKER'])).toContain(
        `--dport 8080 -j DNAT --to-destination [${ip6}]:80`,
      );
      // Docker 20.10 makes no DOCKER-USER in ip6tables (moby/moby#42477); 23.0 and later do, first in FORWARD.
      expect((await sb.exec(['ip6tables', '-S', 'DOCKER-USER'])).code === 0).toBe(flavour.ipv6JumpFirst);
      if (flavour.ipv6JumpFirst) {
        expect((await sb.sh(['ip6tables', '-S', 'FORWARD'])).split('\n')[1]).toBe('-A FORWARD -j DOCKER-USER');
      }
      expect(await openTo(8080, 'one')).toEqual(ALL);
    });

    it('docker install closes the IPv6 published ports, and a packet routed straight to the container', async () => {
      await netctl('docker', 'install');
      expect((await sb.netctl(['docker', 'check'])).code).toBe(0);
      expect(await openTo(8080, 'one')).toEqual([]);
      expect(await openTo(8081, 'two')).toEqual([]);
      expect(await openTo4(8080, 'one')).toBe(false);
      // FORWARD jumps to DOCKER-USER once, in front of Docker's own rules.
      const forward = (await sb.sh(['ip6tables', '-S', 'FORWARD'])).split('\n');
      expect(forward.filter((l) => l === '-A FORWARD -j DOCKER-USER')).toHaveLength(1);
      expect(forward[1]).toBe('-A FORWARD -j DOCKER-USER');
      expect(await withDocker('docker', 'status')).toMatch(
        /IPv6 \/etc\/ufw\/after6\.rules: netctl-docker block current, chains current/,
      );
      await sb.sh(['ip', '-n', 'wan', '-6', 'route', 'add', NET6, 'via', HOST6.wan]);
      expect(await pageFrom(sb, 'wan', await dk.ip6('web'), 80)).toBe('');
      // Installing again changes nothing (no second jump).
      expect(await netctl('docker', 'install')).toContain(
        '/etc/ufw/after6.rules: the netctl-docker block is already current',
      );
      expect(
        (await sb.sh(['ip6tables', '-S', 'FORWARD'])).split('\n').filter((l) => l === '-A FORWARD -j DOCKER-USER'),
      ).toHaveLength(1);
    });

    it('allow on the Docker name opens the IPv6 port, with the IPv6 rule in ufw status', async () => {
      const ip6 = await dk.ip6('web');
      const out = await withDocker('allow', 'web', '80');
      expect(out).toContain(
        `IPv6 Docker: ufw route allow proto tcp to ${ip6} port 80 comment 'netctl:docker:web 80/tcp'`,
      );
      expect(await openTo(8080, 'one')).toEqual(ALL);
      expect(await openTo4(8080, 'one')).toBe(true);
      expect(await openTo(8081, 'two')).toEqual([]);
      expect(await ufw('status')).toMatch(
        new RegExp(`${ip6} 80/tcp\\s+ALLOW FWD\\s+Anywhere \\(v6\\)\\s+# netctl:docker:web 80/tcp`),
      );
      expect(await liveRules6()).toEqual([`-A ufw6-user-forward -d ${ip6}/128 -p tcp -m tcp --dport 80 -j ACCEPT`]);
      // Still not routed straight to the container.
      expect(await pageFrom(sb, 'wan', ip6, 80)).toBe('');
    });

    it('--from an IPv6 CIDR opens it for that source only, and only over IPv6', async () => {
      await withDocker('deny', 'web', '80');
      expect(await openTo(8080, 'one')).toEqual([]);
      await withDocker('allow', 'web', '80', '--from', '2001:db8:2::/64');
      expect(await openTo(8080, 'one')).toEqual(['wan2']);
      expect(await openTo4(8080, 'one')).toBe(false);
      expect(await ufw('status')).toMatch(
        new RegExp(`${await dk.ip6('web')} 80/tcp\\s+ALLOW FWD\\s+2001:db8:2::/64\\s+# netctl:docker:web 80/tcp`),
      );
      expect(await tuples6()).toHaveLength(1);
    });

    it.runIf(!flavour.ipv6JumpFirst)(
      'a network Docker creates puts its rules in front: check says so, docker sync moves the jump back',
      async () => {
        await dk.docker('network', 'create', '--ipv6', '--subnet', 'fd00:d0e::/64', 'early');
        expect((await sb.sh(['ip6tables', '-S', 'FORWARD'])).split('\n')[1]).toBe(
          '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
        );
        expect((await sb.netctl(['docker', 'check'])).code).toBe(1);
        expect(await withDocker('docker', 'sync')).toContain(
          "moved FORWARD's jump to DOCKER-USER in front of Docker's rules (IPv6)",
        );
        expect((await sb.sh(['ip6tables', '-S', 'FORWARD'])).split('\n')[1]).toBe('-A FORWARD -j DOCKER-USER');
        expect((await sb.netctl(['docker', 'check'])).code).toBe(0);
        expect(await withDocker('docker', 'sync')).toBe('in sync: nothing to change\n');
      },
    );

    it.runIf(flavour.ipv6JumpFirst)(
      'a network Docker creates keeps the jump to DOCKER-USER first: check passes, docker sync changes nothing',
      async () => {
        await dk.docker('network', 'create', '--ipv6', '--subnet', 'fd00:d0e::/64', 'early');
        expect((await sb.sh(['ip6tables', '-S', 'FORWARD'])).split('\n')[1]).toBe('-A FORWARD -j DOCKER-USER');
        expect((await sb.netctl(['docker', 'check'])).code).toBe(0);
        expect(await withDocker('docker', 'sync')).toBe('in sync: nothing to change\n');
      },
    );

    it('a network Docker creates while the watch runs stays behind ufw', async () => {
      await startWatch();
      await dk.docker('network', 'create', '--ipv6', '--subnet', 'fd00:d0d::/64', 'late');
      // Docker inserted the new network's rules at the top of FORWARD; the watch moves the jump back.
      await until(
        async () => (await sb.sh(['ip6tables', '-S', 'FORWARD'])).split('\n')[1] === '-A FORWARD -j DOCKER-USER',
        'the jump in front again',
      );
      await httpd('late', 8082, 'two', 'late');
      expect(await dk.ip6('late')).toMatch(/^fd00:d0d::/);
      expect(await openTo(8082, 'two')).toEqual([]);
      expect(await openTo(8080, 'one')).toEqual(['wan2']);
      // 20.10 makes no IPv6 jump of its own: the watch must have moved it. Newer daemons put
      // theirs first again themselves, but a watch that reads FORWARD between Docker's two
      // inserts may move it too (seen under load), so only 20.10's line is asserted.
      if (!flavour.ipv6JumpFirst)
        expect(await sb.sh(['cat', '/run/watch.log'])).toContain("moved FORWARD's jump to DOCKER-USER");
    });

    it('the watch moves the rule to the new IPv6 address of a new container under the same name', async () => {
      const old = await dk.ip6('web');
      await dk.docker('rm', '-f', 'web');
      await until(
        async () => !(await liveRules6()).some((l) => l.includes(`-d ${old}/128`)),
        'the rule to go with the container',
      );
      await dk.docker('run', '-d', '--name', 'filler', '--network', 'v6net', BUSYBOX, 'sleep', '1000');
      await httpd('web', 8080, 'one');
      const ip6 = await dk.ip6('web');
      expect(ip6).not.toBe(old);
      await ruleFor(ip6);
      expect(await liveRules6()).toEqual([
        `-A ufw6-user-forward -s 2001:db8:2::/64 -d ${ip6}/128 -p tcp -m tcp --dport 80 -j ACCEPT`,
      ]);
      expect(await tuples6()).toHaveLength(1);
      expect(await openTo(8080, 'one')).toEqual(['wan2']);
      expect(await ufw('status')).toContain(`${ip6} 80/tcp`);
    });

    it('stays through ufw reload, disable/enable and a dockerd restart', async () => {
      await ufw('reload');
      expect(await openTo(8080, 'one')).toEqual(['wan2']);
      expect(await openTo(8081, 'two')).toEqual([]);
      await ufw('disable');
      await ufw('--force', 'enable');
      expect(await openTo(8080, 'one')).toEqual(['wan2']);
      expect(await openTo(8081, 'two')).toEqual([]);
      await dk.stopDaemon();
      await dk.startDaemon();
      await dk.docker('start', 'filler', 'other', 'web', 'late');
      await ruleFor(await dk.ip6('web'));
      await until(
        async () => (await sb.sh(['ip6tables', '-S', 'FORWARD'])).split('\n')[1] === '-A FORWARD -j DOCKER-USER',
        'the jump in front after the restart',
      );
      expect(await openTo(8080, 'one')).toEqual(['wan2']);
      expect(await openTo(8081, 'two')).toEqual([]);
      expect(await openTo(8082, 'two')).toEqual([]);
      expect(
        (await sb.sh(['ip6tables', '-S', 'FORWARD'])).split('\n').filter((l) => l === '-A FORWARD -j DOCKER-USER'),
      ).toHaveLength(1);
      expect(await tuples6()).toHaveLength(1);
    });

    it('the IPv6 rule goes when the container goes; uninstall gives the files back byte for byte', async () => {
      await dk.docker('rm', '-f', 'web');
      await until(async () => !(await ufw('status')).includes('netctl:docker:web'), 'the rule to go');
      expect(await liveRules6()).toEqual([]);
      expect(await tuples6()).toEqual([]);
      await netctl('docker', 'uninstall');
      expect(await sb.sh(['cat', '/etc/ufw/after.rules', '/etc/ufw/after6.rules'])).toBe(afterRules);
      expect((await sb.exec(['ip6tables', '-S', 'ufw6-netctl-docker'])).code).not.toBe(0);
    });
  },
);

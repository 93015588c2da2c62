/**
 * Real Podman 5 with netctl as its network driver (a netavark plugin installed by `netctl
 * podman install`): Podman 5.4 / netavark 1.14 (Debian 13) and 5.8 / netavark 1.17 (Debian
 * unstable), each run chrooted in its Debian userland (test/platforms/userland.sh) inside one
 * sandbox per flavour (scripts/podman-userland.sh prepares it). `podman network create -d
 * netctl` makes a netctl network; `podman run -p 8080:80` on it answers from the wan host only
 * after `netctl allow NAME 80`, resolves through netctl's DNS server, is masqueraded to the wan
 * and isolated from another netctl network, shows in `ps`, `rules`, `audit` and `doctor`;
 * `podman rm` and `podman network rm` leave nothing. A container on
 * Podman's own bridge network (netavark's nftables rules) serves beside it.
 * The plugin dir Podman reads is in the userland; the file there crosses back to the
 * sandbox's root (`chroot /proc/1/root`), where the installed wrapper, node and netctl are.
 * NETCTL_PODMAN_FLAVOURS=5.4,5.8 picks some (default both).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { run } from '../../src/sys/exec.js';
import { echoPeer, netctlOk } from './helpers/net.js';
import { startDaemon, stopDaemon } from './helpers/cni.js';
import { USERLAND_HOOK_MS } from './helpers/docker-flavours.js';

const SCRIPTS = fileURLToPath(new URL('./scripts/', import.meta.url));
const USERLAND_SH = fileURLToPath(new URL('../platforms/userland.sh', import.meta.url));
const FLAVOURS = [
  { name: '5.4', suite: 'trixie' },
  { name: '5.8', suite: 'sid' },
].filter((f) => !process.env.NETCTL_PODMAN_FLAVOURS || process.env.NETCTL_PODMAN_FLAVOURS.split(',').includes(f.name));

/** Inside the userland: Podman's configuration, network configs and plugin dir (its /tmp is the sandbox's tmpfs). */
const CONF = `[containers]
pids_limit = 0
[network]
network_config_dir = "/tmp/pm/networks"
netavark_plugin_dirs = ["/tmp/pm/plugins"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "/tmp/pm/events.log"
`;
/** Where `netctl podman install` puts the wrapper, on the sandbox's own root. */
const PLUGIN_DIR = '/run/netctl-test-netavark';

for (const flavour of FLAVOURS)
  describe(`Podman ${flavour.name} with netctl as its netavark plugin`, () => {
    let sb: Sandbox;
    let U: string;
    const podman = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      sb.exec(['chroot', U, 'podman', '--storage-driver', 'vfs', ...args], {
        env: { CONTAINERS_CONF: '/tmp/pm/containers.conf', HOME: '/tmp', PODMAN_IGNORE_CGROUPSV1_WARNING: '1' },
        timeoutMs: 60_000,
      });
    const podmanOk = async (...args: string[]): Promise<string> => {
      const r = await podman(...args);
      expect(r.code, `podman ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    const fromWan = async (port: number): Promise<string> => {
      const r = await sb.execIn('wan', ['curl', '-s', '-m', '2', `http://198.51.100.2:${port}/`], { timeoutMs: 6_000 });
      return r.code === 0 ? r.stdout.trim() : '';
    };
    const ufw = (...args: string[]): Promise<string> => sb.sh(['ufw', ...args], { timeoutMs: 60_000 });
    const httpd = ['localhost/netctl-bb:latest', 'httpd', '-f', '-p', '80', '-h', '/www'];

    beforeAll(async () => {
      const built = await run(['sh', USERLAND_SH, flavour.suite], { timeoutMs: USERLAND_HOOK_MS });
      if (built.code !== 0) throw new Error(`cannot build the ${flavour.suite} userland: ${built.stderr.trim()}`);
      U = built.stdout.trim().split('\n').pop()!;
      sb = await Sandbox.start({ wan: true });
      await sb.sh(['sh', `${SCRIPTS}podman-userland.sh`, U]);
      await sb.sh(
        ['sh', '-c', `mkdir -p ${U}/tmp/pm/networks ${U}/tmp/pm/plugins && cat >${U}/tmp/pm/containers.conf`],
        {
          input: CONF,
        },
      );
      // The plugin Podman finds in the userland runs the installed one on the sandbox's root.
      await sb.sh(['sh', '-c', `cat >${U}/tmp/pm/plugins/netctl && chmod 755 ${U}/tmp/pm/plugins/netctl`], {
        input: `#!/bin/sh\nexec chroot /proc/1/root ${PLUGIN_DIR}/netctl "$@"\n`,
      });
      expect(await netctlOk(sb, ['podman', 'install', '--dir', PLUGIN_DIR])).toBe(`${PLUGIN_DIR}/netctl: written\n`);
      await sb.sh(['sh', `${SCRIPTS}make-podman-image.sh`, `${U}/tmp/img`], { timeoutMs: 30_000 });
      await podmanOk('load', '-i', '/tmp/img/podman-bb.tar');
      await ufw('--force', 'enable');
      await ufw('default', 'deny', 'routed');
      await netctlOk(sb, ['ufw', 'install']);
      await ufw('reload');
    }, USERLAND_HOOK_MS);
    afterAll(async () => {
      await podman('rm', '-f', '-t', '0', '-a').catch(() => undefined);
      await sb?.close();
    });

    it('a netctl network: bridge, address, ports under ufw, DNS, listings, and nothing left after rm', async () => {
      expect((await podmanOk('network', 'create', '-d', 'netctl', '--subnet', '10.98.0.0/24', 'pnet')).trim()).toBe(
        'pnet',
      );
      const inspect = JSON.parse(await podmanOk('network', 'inspect', 'pnet'))[0];
      expect(inspect).toMatchObject({ driver: 'netctl', subnets: [{ subnet: '10.98.0.0/24', gateway: '10.98.0.1' }] });
      expect(await netctlOk(sb, ['network', 'ls'])).toMatch(/pnet\s/);
      await podmanOk('run', '-d', '--name', 'web', '--network', 'pnet', '-p', '8080:80', ...httpd);
      const ps = await netctlOk(sb, ['ps']);
      expect(ps).toMatch(/web\s+\(podman\)\s+Up\b.*?\s+10\.98\.0\.\d+\s+0\.0\.0\.0:8080->80\/tcp/);
      const ip = /(10\.98\.0\.\d+)/.exec(ps)![1]!;
      // Its kind is Podman's, not a bare CNI attachment's, wherever netctl says whose it is.
      const rows = JSON.parse(await netctlOk(sb, ['ps', '--json'])) as { name: string; kind: string }[];
      expect(rows.find((r) => r.name === 'web')?.kind).toBe('podman');
      expect(JSON.parse(await netctlOk(sb, ['inspect', 'web']))[0].Kind).toBe('podman');
      const podmanIp = (await podmanOk('inspect', '-f', '{{.NetworkSettings.Networks.pnet.IPAddress}}', 'web')).trim();
      expect(podmanIp).toBe(ip);
      // Closed from wan until allowed: ufw decides, then it answers.
      expect(await fromWan(8080)).toBe('');
      expect(await netctlOk(sb, ['allow', 'web', '80'])).toContain(`ufw route allow proto tcp to ${ip} port 80`);
      expect(await fromWan(8080)).toBe('podman-page');
      // netctl's DNS server is the container's resolver (the file Podman mounts there), and answers its name
      // in its namespace (`podman exec` under a chroot would show the userland's files: the host's tools instead).
      const resolv = (await podmanOk('inspect', '-f', '{{.ResolvConfPath}}', 'web')).trim();
      expect(await sb.sh(['chroot', U, 'cat', resolv])).toMatch(/^nameserver 127\.0\.0\.11$/m);
      const pid = (await podmanOk('inspect', '-f', '{{.State.Pid}}', 'web')).trim();
      expect(await sb.sh(['nsenter', '-t', pid, '-n', 'busybox', 'nslookup', 'web', '127.0.0.11'])).toContain(ip);
      expect(await netctlOk(sb, ['rules'])).toContain('web');
      expect(await netctlOk(sb, ['audit'])).toMatch(/web/);
      // doctor reads Podman's plugin dirs from containers.conf: the wrapper's dir unlisted is a finding.
      const unlisted = await sb.netctl(['doctor']);
      expect(unlisted.stdout).toContain(
        'podman: Podman uses netctl (networks: pnet; containers: web) but no netctl plugin',
      );
      await sb.sh(['sh', '-c', 'cat >/run/netctl-test-containers.conf'], {
        input: `[network]\nnetavark_plugin_dirs = ["${PLUGIN_DIR}"]\n`,
      });
      const doctor = await sb.netctl(['doctor'], { env: { CONTAINERS_CONF: '/run/netctl-test-containers.conf' } });
      expect(doctor.stdout + doctor.stderr).not.toContain('podman:');

      await podmanOk('rm', '-f', '-t', '0', 'web');
      expect(await netctlOk(sb, ['ps', '-a'])).not.toContain('web');
      expect(await netctlOk(sb, ['network', 'ls'])).not.toMatch(/pnet\s/);
      const rules = (await sb.sh(['iptables-save'])) + (await sb.sh(['iptables-save', '-t', 'nat']));
      expect(rules).not.toContain(ip);
      expect(await ufw('status')).not.toContain('netctl:web');
      expect(await fromWan(8080)).toBe('');
      await podmanOk('network', 'rm', 'pnet');
    }, 180_000);

    it("Podman's own bridge network serves beside a netctl one, and a bad subnet is refused", async () => {
      await podmanOk('network', 'create', '--subnet', '10.99.0.0/24', 'own');
      await podmanOk('network', 'create', '-d', 'netctl', 'pnet2');
      await podmanOk('run', '-d', '--name', 'theirs', '--network', 'own', '-p', '8081:80', ...httpd);
      await podmanOk('run', '-d', '--name', 'ours', '--network', 'pnet2', '-p', '8082:80', ...httpd);
      await netctlOk(sb, ['allow', 'ours', '80']);
      expect(await fromWan(8082)).toBe('podman-page');
      // netavark's nftables DNAT, from the sandbox host (ufw's routed policy is about forwarded traffic).
      const own = await sb.exec(['curl', '-s', '-m', '2', 'http://198.51.100.2:8081/']);
      expect(own.stdout.trim()).toBe('podman-page');
      expect(await sb.sh(['nft', 'list', 'table', 'inet', 'netavark'])).toContain('10.99.0.0/24');
      await podmanOk('rm', '-f', '-t', '0', 'theirs', 'ours');
      await podmanOk('network', 'rm', 'own', 'pnet2');
      const bad = await podman('network', 'create', '-d', 'netctl', '--subnet', '198.51.100.0/24', 'clash');
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/netctl: .*198\.51\.100\.0\/24/);
      // IPv6 is refused in one line, and nothing is made.
      const v6 = await podman('network', 'create', '-d', 'netctl', '--ipv6', '--subnet', 'fd00:98::/64', 'six');
      expect(v6.code).not.toBe(0);
      expect(v6.stderr).toMatch(/netctl: network "six": the netctl driver does not take IPv6/);
      expect(await netctlOk(sb, ['network', 'ls'])).not.toMatch(/\bsix\s/);
    }, 180_000);

    it('egress masqueraded to the wan, icc on a network, isolation between two netctl networks', async () => {
      await podmanOk('network', 'create', '-d', 'netctl', '--subnet', '10.94.0.0/24', 'pa');
      await podmanOk('network', 'create', '-d', 'netctl', '--subnet', '10.95.0.0/24', 'pb');
      for (const [name, net] of [
        ['a1', 'pa'],
        ['a2', 'pa'],
        ['b1', 'pb'],
      ])
        await podmanOk('run', '-d', '--name', name!, '--network', net!, ...httpd);
      const pidOf = async (name: string): Promise<string> =>
        (await podmanOk('inspect', '-f', '{{.State.Pid}}', name)).trim();
      const ipOf = async (name: string, net: string): Promise<string> =>
        (await podmanOk('inspect', '-f', `{{.NetworkSettings.Networks.${net}.IPAddress}}`, name)).trim();
      const page = async (pid: string, ip: string): Promise<string> => {
        const r = await sb.exec(['nsenter', '-t', pid, '-n', 'curl', '-s', '-m', '2', `http://${ip}/`], {
          timeoutMs: 6_000,
        });
        return r.code === 0 ? r.stdout.trim() : '';
      };
      const a1 = await pidOf('a1');
      // Out to the wan host through netctl's masquerade: it sees the sandbox host's address.
      await echoPeer(sb, 'wan', 9000);
      const seen = await sb.exec(
        ['nsenter', '-t', a1, '-n', 'socat', '-T2', 'STDIO', 'TCP:198.51.100.1:9000,connect-timeout=2'],
        { timeoutMs: 6_000 },
      );
      expect(seen.stdout.trim(), seen.stderr).toBe('198.51.100.2');
      // Containers of one network reach each other; another netctl network is out of reach.
      expect(await page(a1, await ipOf('a2', 'pa'))).toBe('podman-page');
      expect(await page(a1, await ipOf('b1', 'pb'))).toBe('');
      expect(await page(await pidOf('b1'), await ipOf('a1', 'pa'))).toBe('');
      await podmanOk('rm', '-f', '-t', '0', 'a1', 'a2', 'b1');
      await podmanOk('network', 'rm', 'pa', 'pb');
    }, 180_000);

    it("with 'netctl cni serve' running the plugin's calls go to it, not to a node per call", async () => {
      const pid = await startDaemon(sb);
      try {
        await podmanOk('network', 'create', '-d', 'netctl', '--subnet', '10.96.0.0/24', 'served');
        await podmanOk('run', '-d', '--name', 'served', '--network', 'served', '-p', '8083:80', ...httpd);
        await netctlOk(sb, ['allow', 'served', '80']);
        expect(await fromWan(8083)).toBe('podman-page');
        await podmanOk('rm', '-f', '-t', '0', 'served');
        expect(await netctlOk(sb, ['ps', '-a'])).not.toContain('served');
        const log = await sb.sh(['cat', '/run/cni-serve.log']);
        expect(log).toMatch(/podman create: exit 0/);
        expect(log).toMatch(/podman setup \/run\/netns\/\S+: exit 0/);
        expect(log).toMatch(/podman teardown \/run\/netns\/\S+: exit 0/);
        await podmanOk('network', 'rm', 'served');
      } finally {
        await stopDaemon(sb, pid);
      }
    }, 180_000);
  });

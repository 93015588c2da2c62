/**
 * Real Podman (4.3, CNI backend) attaching its containers with netctl's plugin, installed
 * by `netctl cni install`: `podman run -p 8080:80 --network pods` answers from the wan
 * host only after `netctl allow NAME 80`, and `podman rm -f` removes the attachment, its
 * rules and the ufw rule. Podman's storage, runroot, tmp dir, event log, libcni cache and
 * blob cache all live inside the sandbox (tmpfs mounts in its private mount namespace);
 * the image is a busybox tarball made on the spot (`podman load`, nothing downloaded).
 * (The tmpfs mount points /var/lib/cni and /var/lib/containers are created if missing.)
 * Twice: with no daemon (the installed shim runs the plugin with node), and with `netctl
 * cni serve` running (it answers Podman's ADD and DEL, as its log shows).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';
import { startDaemon } from './helpers/cni.js';

const IMG = fileURLToPath(new URL('./scripts/make-podman-image.sh', import.meta.url));
const conf = (T: string): string => `[containers]
pids_limit = 0
[network]
network_backend = "cni"
cni_plugin_dirs = ["${T}/bin", "/usr/lib/cni"]
network_config_dir = "${T}/net.d"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "${T}/events.log"
tmp_dir = "${T}/tmp"
`;

for (const mode of ['exec', 'daemon'] as const)
  describe(`Podman with netctl as its CNI plugin (${mode})`, () => {
    const T = `/tmp/netctl-test-${process.pid}-podman-${mode}`;
    let sb: Sandbox;
    const podman = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      sb.exec(
        [
          'podman',
          '--root',
          `${T}/root`,
          '--runroot',
          `${T}/run`,
          '--storage-driver',
          'vfs',
          '--tmpdir',
          `${T}/tmp`,
          ...args,
        ],
        { env: { CONTAINERS_CONF: `${T}/containers.conf` }, timeoutMs: 60_000 },
      );
    const get = async (): Promise<string> => {
      const r = await sb.execIn('wan', ['curl', '-s', '-m', '2', 'http://198.51.100.2:8080/'], { timeoutMs: 6_000 });
      return r.code === 0 ? r.stdout.trim() : '';
    };
    const ufw = (...args: string[]): Promise<string> => sb.sh(['ufw', ...args], { timeoutMs: 60_000 });

    beforeAll(async () => {
      sb = await Sandbox.start({ wan: true });
      // The sandbox's /sys has no usable cgroup v1 tree: a cgroup2 mount (private to it) serves runc.
      await sb.sh(['mount', '-t', 'cgroup2', 'none', '/sys/fs/cgroup']);
      for (const d of ['/var/lib/cni', '/var/lib/containers'])
        await sb.sh(['sh', '-c', `mkdir -p ${d} && mount -t tmpfs tmpfs ${d}`]);
      await sb.sh(['sh', '-c', `mkdir -p ${T}/bin ${T}/net.d ${T}/tmp && cat > ${T}/containers.conf`], {
        input: conf(T),
      });
      await netctlOk(sb, [
        'cni',
        'install',
        '--bin-dir',
        `${T}/bin`,
        '--conf-dir',
        `${T}/net.d`,
        '--name',
        'pods',
        '--subnet',
        '10.97.0.0/24',
      ]);
      if (mode === 'daemon') await startDaemon(sb);
      await sb.sh(['sh', IMG, `${T}/img`], { timeoutMs: 30_000 });
      const load = await podman('load', '-i', `${T}/img/podman-bb.tar`);
      expect(load.code, load.stderr).toBe(0);
      await ufw('--force', 'enable');
      await ufw('default', 'deny', 'routed');
      await netctlOk(sb, ['ufw', 'install']);
      await ufw('reload');
    }, 120_000);
    afterAll(async () => {
      await podman('rm', '-f', '-t', '0', '-a').catch(() => undefined);
      await sb?.exec(['rm', '-rf', T]);
      await sb?.close();
    });

    it('podman run -p is reachable from wan only after netctl allow, and podman rm -f removes it', async () => {
      expect((await podman('network', 'ls')).stdout).toMatch(/pods\s+netctl/);
      const run = await podman(
        'run',
        '-d',
        '--name',
        'web',
        '-p',
        '8080:80',
        '--network',
        'pods',
        'localhost/netctl-bb:latest',
        'httpd',
        '-f',
        '-p',
        '80',
        '-h',
        '/www',
      );
      expect(run.code, run.stderr).toBe(0);
      const ps = await netctlOk(sb, ['ps']);
      expect(ps).toMatch(/web\s+\(cni\)\s+Up\b.*?\s+10\.97\.0\.\d+\s+0\.0\.0\.0:8080->80\/tcp/);
      const ip = /(10\.97\.0\.\d+)/.exec(ps)![1]!;
      // The server answers from the host itself, so only ufw stands between it and wan.
      let up = false;
      for (let i = 0; i < 50 && !up; i++) {
        up = (await sb.exec(['curl', '-s', '-m', '1', `http://${ip}/`])).stdout.includes('podman-page');
        if (!up) await new Promise((r) => setTimeout(r, 100));
      }
      expect(up).toBe(true);
      expect(await get()).toBe('');
      expect(await netctlOk(sb, ['allow', 'web', '80'])).toContain(`ufw route allow proto tcp to ${ip} port 80`);
      expect(await get()).toBe('podman-page');
      expect(await ufw('status')).toContain('# netctl:web 80/tcp net=pods');
      // gc keeps a live attachment (no netctl process behind it), and doctor finds nothing wrong.
      await netctlOk(sb, ['gc']);
      expect(await netctlOk(sb, ['ps'])).toMatch(/web\s+\(cni\)\s+Up\b/);
      await netctlOk(sb, ['doctor']);
      expect(await get()).toBe('podman-page');
      const rm = await podman('rm', '-f', '-t', '0', 'web');
      expect(rm.code, rm.stderr).toBe(0);
      expect(await netctlOk(sb, ['ps', '-a'])).not.toContain('web');
      const rules = (await sb.sh(['iptables-save'])) + (await sb.sh(['iptables-save', '-t', 'nat']));
      expect(rules).not.toContain(`${ip}:80`);
      expect(rules).not.toContain(`${ip}/32`);
      expect(await ufw('status')).not.toContain('netctl:web');
      expect(await sb.sh(['ip', '-o', 'link'])).not.toMatch(/\bvn/);
      expect(await get()).toBe('');
      const log = (await sb.exec(['cat', '/run/cni-serve.log'])).stdout;
      if (mode === 'daemon') expect(log).toMatch(/ADD \S+ eth0: exit 0[\s\S]*DEL \S+ eth0: exit 0/);
      else expect(log).toBe('');
    }, 120_000);
  });

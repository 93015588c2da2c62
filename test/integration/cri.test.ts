/**
 * containerd's CRI with netctl as the node's CNI configuration, driven as kubelet drives it
 * (RunPodSandbox, PodSandboxStatus, StopPodSandbox, RemovePodSandbox over containerd's socket:
 * helpers/cri.ts), for Debian 13's containerd 1.7 and Debian unstable's 2.1, each from its own
 * userland (helpers/containerd.ts), one sandbox per flavour. `netctl cni install` writes the
 * plugin and the configuration list containerd loads; `netctl cni serve` answers the calls
 * (containerd runs chrooted in its userland, where node and netctl's state are not). The pause
 * image serves a page on port 80, so real packets from the wan host reach a pod's hostPort,
 * only after `netctl allow NAMESPACE.POD 80`, which outlives the pod's sandbox (a new sandbox of
 * the pod is open again) until `netctl deny`. The cases share one pod, `shop.web`, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';
import { cni, SHIM, startDaemon, viaShim } from './helpers/cni.js';
import { containerdFlavours, SandboxContainerd } from './helpers/containerd.js';
import type { PodPort } from './helpers/cri.js';
import { ALL_FLAVOURS, USERLAND_HOOK_MS, userlandOf } from './helpers/docker-flavours.js';

const BIN = '/run/netctl-cri/bin';
const CONF = '/run/netctl-cri/net.d';
const SUBNET = /^10\.97\.0\.\d+$/;

for (const flavour of containerdFlavours())
  describe(`containerd ${flavour.name} (CRI) with netctl as the node's CNI`, () => {
    const T = `/tmp/netctl-test-${process.pid}-cri-${flavour.name}`;
    let sb: Sandbox;
    let ctd: SandboxContainerd;
    let cgroup = '';
    let web = '';
    let webIp = '';
    const get = async (port = 8080): Promise<string> => {
      const r = await sb.execIn('wan', ['curl', '-s', '-m', '2', `http://198.51.100.2:${port}/`], { timeoutMs: 6_000 });
      return r.code === 0 ? r.stdout.trim() : '';
    };
    const ufw = (...args: string[]): Promise<string> => sb.sh(['ufw', ...args], { timeoutMs: 60_000 });
    const run = async (name: string, namespace: string, ports: PodPort[] = []): Promise<string> => {
      const uid = `${namespace.slice(0, 8)}-${name.slice(0, 8)}-${Math.random().toString(16).slice(2, 10)}`;
      return ctd.cri.runPod({ name, namespace, uid }, ports, cgroup).catch(async (e) => {
        throw new Error(`${e}\n${await ctd.log(30)}`);
      });
    };
    const remove = async (id: string): Promise<void> => {
      await ctd.cri.stop(id);
      await ctd.cri.remove(id);
    };
    /** CNI CHECK of sandbox `id` with what libcni cached at ADD (as a runtime checks an attachment). */
    const check = async (id: string): Promise<{ code: number; raw: string }> => {
      const cache = JSON.parse(await sb.sh(['cat', `${T}/root/var/lib/cni/results/pods-${id}-eth0`])) as {
        result: object;
        cniArgs?: [string, string][];
        capabilityArgs?: Record<string, unknown>;
      };
      const list = JSON.parse(await sb.sh(['cat', `${CONF}/10-pods.conflist`])) as {
        cniVersion: string;
        name: string;
        plugins: Record<string, unknown>[];
      };
      const conf = {
        cniVersion: list.cniVersion,
        name: list.name,
        ...list.plugins[0],
        runtimeConfig: cache.capabilityArgs ?? {},
        prevResult: cache.result,
      };
      const args = (cache.cniArgs ?? []).map(([k, v]) => `${k}=${v}`).join(';');
      const netns = (await ctd.cri.status(id)).netns;
      const env = { CNI_COMMAND: 'CHECK', CNI_CONTAINERID: id, CNI_NETNS: netns, CNI_IFNAME: 'eth0', CNI_ARGS: args };
      return cni(viaShim(sb), env, conf);
    };

    beforeAll(async () => {
      const userland = (await userlandOf(ALL_FLAVOURS.find((f) => f.suite === flavour.suite)!))!;
      sb = await Sandbox.start({ wan: true });
      cgroup = `/${(await sb.sh(['sh', '-c', 'echo $NETCTL_CGROUP_PARENT'])).trim()}/cri`;
      const install = ['cni', 'install', '--bin-dir', BIN, '--conf-dir', CONF, '--name', 'pods'];
      await netctlOk(sb, [...install, '--subnet', '10.97.0.0/24']);
      await startDaemon(sb);
      await ufw('--force', 'enable');
      await ufw('default', 'deny', 'routed');
      await netctlOk(sb, ['ufw', 'install']);
      await ufw('reload');
      ctd = await SandboxContainerd.start(sb, flavour, userland, T, { binDir: BIN, confDir: CONF }, [SHIM]);
      // The CRI sets up each pod's lo with the reference loopback plugin, from the same bin dir.
      await sb.sh(['cp', `${T}/root/usr/lib/cni/loopback`, BIN]);
    }, USERLAND_HOOK_MS);
    afterAll(async () => {
      ctd?.close();
      await sb?.close();
      await sb?.exec(['rm', '-rf', T]).catch(() => undefined);
    });

    it('a pod gets an address; its hostPort is closed until netctl allow; ps, rules and audit show it', async () => {
      web = await run('web', 'shop', [{ hostPort: 8080, containerPort: 80 }]);
      const st = await ctd.cri.status(web);
      expect(st.state).toBe('SANDBOX_READY');
      expect(st.ip).toMatch(SUBNET);
      webIp = st.ip;
      const ps = await netctlOk(sb, ['ps']);
      expect(ps).toMatch(
        new RegExp(
          `shop\\.web\\s+\\(cni\\)\\s+Up\\b.*?\\s+${webIp.replace(/\./g, '\\.')}\\s+0\\.0\\.0\\.0:8080->80/tcp`,
        ),
      );
      expect(await get()).toBe('');
      expect(await netctlOk(sb, ['allow', 'shop.web', '80'])).toContain(
        `ufw route allow proto tcp to ${webIp} port 80`,
      );
      expect(await get()).toBe('pod-page');
      expect(await netctlOk(sb, ['rules'])).toContain(`${webIp}:80`);
      expect(await netctlOk(sb, ['audit'])).toContain('shop.web');
    }, 120_000);

    it('20 pod sandboxes created in parallel get unique addresses, and all go', async () => {
      const names = Array.from({ length: 20 }, (_, i) => `p${i}`);
      const ids = await Promise.all(names.map((n) => run(n, 'load')));
      const ips = (await Promise.all(ids.map((id) => ctd.cri.status(id)))).map((s) => s.ip);
      for (const ip of ips) expect(ip).toMatch(SUBNET);
      expect(new Set([...ips, webIp]).size).toBe(21);
      expect((await netctlOk(sb, ['ps'])).match(/load\.p\d+/g)).toHaveLength(20);
      await Promise.all(ids.map(remove));
      expect(await netctlOk(sb, ['ps', '-a'])).not.toContain('load.');
    }, 300_000);

    it("Kubernetes' longest names attach under their documented short name; allow takes the full one", async () => {
      const ns = `ns-${'a'.repeat(60)}`;
      const pod = `pod.${'b'.repeat(240)}-${'c'.repeat(8)}`;
      expect([ns.length, pod.length]).toStrictEqual([63, 253]);
      const id = await run(pod, ns, [{ hostPort: 8081, containerPort: 80 }]);
      const full = `${ns}.${pod}`;
      const rows = JSON.parse(await netctlOk(sb, ['ps', '--json'])) as { name?: string; Names?: string }[];
      const short = rows.map((r) => r.name ?? r.Names ?? '').find((n) => n.startsWith(full.slice(0, 115))) ?? '';
      expect(short).toMatch(/^.{115}-[0-9a-f]{12}$/);
      expect(await netctlOk(sb, ['allow', full, '80'])).toContain('port 80');
      expect(await get(8081)).toBe('pod-page');
      expect(await ufw('status')).toContain(`# netctl:${short} 80/tcp`);
      await remove(id);
      expect(await ufw('status')).not.toContain(short);
      expect(await get(8081)).toBe('');
    }, 120_000);

    it('a containerd restart keeps every attachment: the pod stays ready, CHECK passes, the port answers', async () => {
      await ctd.stopDaemon();
      expect(await get()).toBe('pod-page');
      await ctd.startDaemon();
      const st = await ctd.cri.status(web);
      expect([st.state, st.ip]).toStrictEqual(['SANDBOX_READY', webIp]);
      const r = await check(web);
      expect(r.code, r.raw).toBe(0);
      expect(await get()).toBe('pod-page');
    }, 120_000);

    it("a node 'reboot' (netfilter and links flushed) is rebuilt by netctl's boot replay", async () => {
      const bridge = (await sb.sh(['ip', '-o', 'route', 'show', '10.97.0.0/24'])).split(/\s+/)[2]!;
      const host = (await sb.sh(['ip', '-o', 'link', 'show', 'master', bridge])).split(': ')[1]!.split('@')[0]!;
      for (const t of ['nat', 'filter', 'mangle', 'raw']) await sb.sh(['iptables', '-t', t, '-F']);
      await sb.sh(['ip', 'link', 'del', host]);
      await sb.sh(['ip', 'link', 'del', bridge]);
      expect(await get()).toBe('');
      expect((await check(web)).code).not.toBe(0);
      // What boot runs: ufw's own rules, then netctl.service (`netctl ufw sync`).
      await ufw('reload');
      await netctlOk(sb, ['ufw', 'sync']);
      const r = await check(web);
      expect(r.code, r.raw).toBe(0);
      expect(await get()).toBe('pod-page');
      expect((await ctd.cri.status(web)).ip).toBe(webIp);
    }, 120_000);

    it("a pod's new sandbox keeps the pod's allow: the old sandbox's DEL leaves it, its ADD opens it again", async () => {
      await remove(web);
      expect(await ufw('status')).not.toContain('netctl:shop.web');
      expect(await get()).toBe('');
      // What kubelet does after a reboot or a dead sandbox: a new sandbox, same namespace and name.
      web = await run('web', 'shop', [{ hostPort: 8080, containerPort: 80 }]);
      webIp = (await ctd.cri.status(web)).ip;
      expect(await ufw('status')).toContain('# netctl:shop.web 80/tcp');
      expect(await get()).toBe('pod-page');
    }, 120_000);

    it('StopPodSandbox + RemovePodSandbox leave nothing: records, rules, ufw rules, links, conntrack', async () => {
      await remove(web);
      // The pods' kept allow rules go with deny, by the names kubectl shows; then none is left.
      const long = `ns-${'a'.repeat(60)}.pod.${'b'.repeat(240)}-${'c'.repeat(8)}`;
      expect(await netctlOk(sb, ['deny', 'shop.web', '80'])).toContain('80');
      await netctlOk(sb, ['deny', long]);
      for (const name of ['shop.web', long]) expect((await sb.netctl(['deny', name])).code).not.toBe(0);
      expect(await ctd.cri.list()).toStrictEqual([]);
      expect(await netctlOk(sb, ['ps', '-a'])).not.toContain('shop.web');
      const rules = (await sb.sh(['iptables-save'])) + (await sb.sh(['iptables-save', '-t', 'nat']));
      expect(rules).not.toContain(webIp);
      expect(await ufw('status')).not.toContain('netctl:shop.web');
      expect(await sb.sh(['ip', '-o', 'link'])).not.toMatch(/\bvn/);
      expect((await sb.exec(['conntrack', '-L', '-d', webIp])).stdout).toBe('');
      expect(await get()).toBe('');
      await netctlOk(sb, ['doctor']);
    }, 120_000);
  });

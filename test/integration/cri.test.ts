/**
 * containerd's CRI with netctl as the node's CNI configuration, driven as kubelet drives it
 * (RunPodSandbox, PodSandboxStatus, StopPodSandbox, RemovePodSandbox over containerd's socket:
 * helpers/cri.ts), for Debian 13's containerd 1.7 and Debian unstable's 2.1, each from its own
 * userland (helpers/containerd.ts), one sandbox per flavour. `netctl cni install` writes the
 * plugin and the configuration list containerd loads; `netctl cni serve` answers the calls
 * (containerd runs chrooted in its userland, where node and netctl's state are not).
 * Real packets: a pod's hostPort answers from the wan host only after `netctl allow NS.POD 80`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';
import { SHIM, startDaemon } from './helpers/cni.js';
import { containerdFlavours, SandboxContainerd } from './helpers/containerd.js';
import { ALL_FLAVOURS, USERLAND_HOOK_MS, userlandOf } from './helpers/docker-flavours.js';

const BIN = '/run/netctl-cri/bin';
const CONF = '/run/netctl-cri/net.d';

for (const flavour of containerdFlavours())
  describe(`containerd ${flavour.name} (CRI) with netctl as the node's CNI`, () => {
    const T = `/tmp/netctl-test-${process.pid}-cri-${flavour.name}`;
    let sb: Sandbox;
    let ctd: SandboxContainerd;
    let cgroup = '';
    const get = async (port = 8080): Promise<string> => {
      const r = await sb.execIn('wan', ['curl', '-s', '-m', '2', `http://198.51.100.2:${port}/`], { timeoutMs: 6_000 });
      return r.code === 0 ? r.stdout.trim() : '';
    };
    const ufw = (...args: string[]): Promise<string> => sb.sh(['ufw', ...args], { timeoutMs: 60_000 });
    const pod = (name: string, namespace = 'default') => ({
      name,
      namespace,
      uid: `uid-${namespace}-${name}`.slice(0, 36),
    });

    beforeAll(async () => {
      const userland = (await userlandOf(ALL_FLAVOURS.find((f) => f.suite === flavour.suite)!))!;
      sb = await Sandbox.start({ wan: true });
      cgroup = `/${(await sb.sh(['sh', '-c', 'echo $NETCTL_CGROUP_PARENT'])).trim()}/cri`;
      await netctlOk(sb, [
        'cni',
        'install',
        '--bin-dir',
        BIN,
        '--conf-dir',
        CONF,
        '--name',
        'pods',
        '--subnet',
        '10.97.0.0/24',
      ]);
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

    it('RunPodSandbox gives a pod an address and a hostPort closed until netctl allow; removal leaves nothing', async () => {
      const id = await ctd.cri.runPod(pod('web'), [{ hostPort: 8080, containerPort: 80 }], cgroup).catch(async (e) => {
        throw new Error(`${e}\n${await ctd.log(60)}`);
      });
      const st = await ctd.cri.status(id);
      expect(st.state).toBe('SANDBOX_READY');
      expect(st.ip).toMatch(/^10\.97\.0\.\d+$/);
      const ps = await netctlOk(sb, ['ps']);
      expect(ps).toMatch(
        new RegExp(
          `default\\.web\\s+\\(cni\\)\\s+running\\s+${st.ip.replace(/\./g, '\\.')}\\s+0\\.0\\.0\\.0:8080->80/tcp`,
        ),
      );
      expect(await get()).toBe('');
      expect(await netctlOk(sb, ['allow', 'default.web', '80'])).toContain(
        `ufw route allow proto tcp to ${st.ip} port 80`,
      );
      expect(await get()).toBe('pod-page');
      await ctd.cri.stop(id);
      await ctd.cri.remove(id);
      expect(await netctlOk(sb, ['ps', '-a'])).not.toContain('default.web');
      expect(await get()).toBe('');
    }, 120_000);
  });

/**
 * netctl's CNI plugin through the shim and `netctl cni serve`, against the exec'd plugin
 * (node per call): the same answers byte for byte, for the lifecycle and the error cases;
 * state shared with exec'd calls both ways (the daemon caches nothing stale); the shim
 * running the plugin itself when the daemon is stopped or dead (its socket left behind);
 * and a daemon killed mid-call: CNI error 11, and a later DEL (plus netctl gc for what a
 * killed ADD leaves unrecorded, as a killed exec'd plugin would) leaves the kernel as before.
 * cni-conformance.test.ts runs its whole suite through the daemon too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { kernelState, netctlOk } from './helpers/net.js';
import { attachEnv, cni, SOCKET, startDaemon, stopDaemon, viaShim, type CniCall, type Runner } from './helpers/cni.js';

const conf = (v: string, extra: object = {}): Record<string, unknown> => ({
  cniVersion: v,
  name: 'pods',
  type: 'netctl',
  subnet: '10.93.0.0/24',
  ...extra,
});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** A call with the kernel's random MACs (bridge, host veth) blanked: the bridge is made anew on each first ADD. */
const sameBut = (r: CniCall): CniCall => {
  const raw = r.raw.replace(/"mac":"(?!02:42:)[0-9a-f:]{17}"/g, '"mac":"-"');
  return { ...r, raw, out: raw ? (JSON.parse(raw) as Record<string, unknown>) : null };
};

describe('CNI plugin through netctl cni serve', () => {
  let sb: Sandbox;
  let pid: number;
  let daemon: Runner;
  beforeAll(async () => {
    sb = await Sandbox.start();
    for (const ns of ['a', 'b']) await sb.sh(['ip', 'netns', 'add', ns]);
    pid = await startDaemon(sb);
    daemon = viaShim(sb);
  });
  afterAll(async () => sb?.close());

  it("answers every call exactly as the exec'd plugin", async () => {
    const cases: [Record<string, string>, object | string][] = [
      [{ CNI_COMMAND: 'VERSION' }, { cniVersion: '1.0.0' }],
      [{ CNI_COMMAND: 'VERSION' }, { cniVersion: '1.1.0' }],
      [{ CNI_COMMAND: 'STATUS' }, conf('1.1.0')],
      [{ CNI_COMMAND: 'STATUS' }, conf('1.0.0')],
      [attachEnv('ADD', 'x1', '/run/netns/a'), '{"cniVersion": "1.0.0", "name": '],
      [attachEnv('ADD', 'x1', '/run/netns/a'), conf('0.9.9')],
      [attachEnv('ADD', 'x1', '/run/netns/nope'), conf('1.0.0')],
      [{ CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'x1', CNI_IFNAME: 'eth0' }, conf('1.0.0')],
      [attachEnv('FROB', 'x1', '/run/netns/a'), conf('1.0.0')],
      [{}, conf('1.0.0')],
      [
        attachEnv('ADD', 'x1', '/run/netns/a'),
        conf('1.0.0', { runtimeConfig: { portMappings: [{ hostPort: 70000, containerPort: 80 }] } }),
      ],
    ];
    for (const [env, c] of cases) {
      const exec = await cni(sb, env, c);
      expect(await cni(daemon, env, c), JSON.stringify([env, c])).toEqual(exec);
    }
    // The lifecycle: ADD, CHECK, DEL, DEL again, CHECK of a gone attachment; same bytes each way.
    const lifecycle = async (via: Runner): Promise<unknown[]> => {
      const add = await cni(
        via,
        attachEnv('ADD', 'same', '/run/netns/a'),
        conf('1.1.0', { runtimeConfig: { portMappings: [{ hostPort: 9090, containerPort: 80, protocol: 'tcp' }] } }),
      );
      expect(add.code, add.raw).toBe(0);
      const rules = await sb.sh(['iptables-save', '-t', 'nat']);
      const steps = [
        sameBut(add),
        rules.includes('--dport 9090'),
        await cni(via, attachEnv('CHECK', 'same', '/run/netns/a'), conf('1.1.0', { prevResult: add.out })),
      ];
      for (let i = 0; i < 2; i++)
        steps.push(await cni(via, attachEnv('DEL', 'same', '/run/netns/a'), conf('1.1.0', { prevResult: add.out })));
      steps.push(await cni(via, attachEnv('CHECK', 'same', '/run/netns/a'), conf('1.1.0')));
      return steps;
    };
    const viaExec = await lifecycle(sb);
    expect(viaExec[1]).toBe(true);
    const after = await kernelState(sb);
    expect(await lifecycle(daemon)).toEqual(viaExec);
    expect(await kernelState(sb)).toBe(after);
    // Every daemon call was logged by it (not run by a fallback), after startDaemon's probe.
    expect((await sb.sh(['cat', '/run/cni-serve.log'])).match(/: exit \d/g)?.length).toBe(1 + cases.length + 5);
  });

  it("sees what exec'd plugins and netctl did in between, both ways", async () => {
    const a = await cni(sb, attachEnv('ADD', 'by-exec', '/run/netns/a'), conf('1.0.0'));
    const b = await cni(daemon, attachEnv('ADD', 'by-daemon', '/run/netns/b'), conf('1.0.0'));
    expect([a.code, b.code], a.raw + b.raw).toEqual([0, 0]);
    const ip = (r: typeof a): string => (r.out as { ips: { address: string }[] }).ips[0]!.address;
    expect(ip(b)).not.toBe(ip(a));
    expect(
      (await cni(daemon, attachEnv('CHECK', 'by-exec', '/run/netns/a'), conf('1.0.0', { prevResult: a.out }))).code,
    ).toBe(0);
    expect(
      (await cni(sb, attachEnv('CHECK', 'by-daemon', '/run/netns/b'), conf('1.0.0', { prevResult: b.out }))).code,
    ).toBe(0);
    expect((await cni(daemon, attachEnv('DEL', 'by-exec', '/run/netns/a'), conf('1.0.0'))).code).toBe(0);
    expect((await cni(sb, attachEnv('CHECK', 'by-exec', '/run/netns/a'), conf('1.0.0'))).out?.code).toBe(3);
    // A rule removed behind the daemon's back between two of its calls is noticed.
    const add = await cni(
      daemon,
      attachEnv('ADD', 'ported', '/run/netns/a'),
      conf('1.0.0', { runtimeConfig: { portMappings: [{ hostPort: 9091, containerPort: 80, protocol: 'tcp' }] } }),
    );
    expect(add.code, add.raw).toBe(0);
    const dnat = (await sb.sh(['iptables-save', '-t', 'nat']))
      .split('\n')
      .find((l) => l.startsWith('-A') && l.includes('--dport 9091'))!;
    await sb.sh([
      'iptables',
      '-t',
      'nat',
      ...dnat
        .replace(/^-A /, '-D ')
        .split(' ')
        .filter(Boolean)
        .map((t) => t.replace(/^"|"$/g, '')),
    ]);
    expect((await cni(daemon, attachEnv('CHECK', 'ported', '/run/netns/a'), conf('1.0.0'))).out?.msg).toContain(
      'rule missing',
    );
    expect((await cni(sb, attachEnv('DEL', 'by-daemon', '/run/netns/b'), conf('1.0.0'))).code).toBe(0);
    expect((await cni(daemon, attachEnv('DEL', 'ported', '/run/netns/a'), conf('1.0.0'))).code).toBe(0);
    expect(await netctlOk(sb, ['ps', '-a'])).not.toMatch(/by-|ported/);
  });

  it('runs the plugin itself when no daemon listens, stopped or dead', async () => {
    const fallback = viaShim(sb, SOCKET, false);
    const roundTrip = async (id: string): Promise<void> => {
      const add = await cni(fallback, attachEnv('ADD', id, '/run/netns/a'), conf('1.0.0'));
      expect(add.code, add.raw).toBe(0);
      expect((await cni(fallback, attachEnv('DEL', id, '/run/netns/a'), conf('1.0.0'))).code).toBe(0);
    };
    const logged = async (): Promise<number> =>
      (await sb.sh(['cat', '/run/cni-serve.log'])).match(/: exit \d/g)?.length ?? 0;
    await stopDaemon(sb, pid);
    expect((await sb.exec(['test', '-e', SOCKET])).code).not.toBe(0);
    let n = await logged();
    await roundTrip('fb-stopped');
    expect(await logged()).toBe(n);
    // SIGKILL leaves the socket file: connect is refused, and the shim runs node.
    pid = await startDaemon(sb);
    await stopDaemon(sb, pid, 'KILL');
    expect((await sb.exec(['test', '-S', SOCKET])).code).toBe(0);
    n = await logged();
    await roundTrip('fb-dead');
    expect(await logged()).toBe(n);
    // The strict shim (no fallback) fails instead.
    expect((await cni(daemon, { CNI_COMMAND: 'VERSION' }, { cniVersion: '1.0.0' })).code).not.toBe(0);
    // A new daemon replaces the dead one's socket; a second one is refused.
    pid = await startDaemon(sb);
    expect((await cni(daemon, { CNI_COMMAND: 'VERSION' }, { cniVersion: '1.0.0' })).code).toBe(0);
    const second = await sb.netctl(['cni', 'serve', '--socket', SOCKET], { timeoutMs: 10_000 });
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(SOCKET);
    expect((await sb.sh(['stat', '-c', '%a %U', SOCKET])).trim()).toBe('600 root');
  });

  it('a daemon killed mid-call answers error 11, and the state stays whole', async () => {
    // A first ADD and DEL load the iptables tables, which stay: the state to come back to.
    for (const cmd of ['ADD', 'DEL'])
      expect((await cni(sb, attachEnv(cmd, 'warm', '/run/netns/a'), conf('1.0.0'))).code).toBe(0);
    await netctlOk(sb, ['network', 'rm', 'pods']);
    const before = await kernelState(sb);
    const db = await netctlOk(sb, ['ps', '-a', '--json']);
    // Stopped, the daemon takes the call but never answers; killed, the shim reports code 11.
    await sb.exec(['kill', '-STOP', String(pid)]);
    const pending = cni(daemon, attachEnv('ADD', 'k0', '/run/netns/a'), conf('1.0.0'));
    await sleep(300);
    await stopDaemon(sb, pid, 'KILL');
    const lost = await pending;
    expect(lost.code).toBe(1);
    expect(lost.out).toMatchObject({
      cniVersion: '1.0.0',
      code: 11,
      msg: expect.stringContaining('netctl cni daemon'),
    });
    // Killed at some point of an ADD: whatever it left, a DEL through a new daemon clears it.
    // Killed while it made the network, the bridge and its rules can be there with no
    // network in the database yet (as for a killed exec'd plugin): netctl gc removes them.
    const removeNetwork = async (): Promise<void> => {
      const rm = await sb.netctl(['network', 'rm', 'pods']);
      if (rm.code === 0) return;
      expect(rm.stderr).toContain('"pods" not found');
      await netctlOk(sb, ['gc']);
    };
    pid = await startDaemon(sb);
    for (const [i, delay] of [2, 5, 8, 12, 20].entries()) {
      const add = cni(
        daemon,
        attachEnv('ADD', `k${i}`, '/run/netns/a'),
        conf('1.0.0', {
          runtimeConfig: { portMappings: [{ hostPort: 9100 + i, containerPort: 80, protocol: 'tcp' }] },
        }),
      );
      await sleep(delay);
      await stopDaemon(sb, pid, 'KILL');
      const r = await add;
      if (r.code !== 0) expect(r.out?.code, r.raw).toBe(11);
      pid = await startDaemon(sb);
      const del = await cni(daemon, attachEnv('DEL', `k${i}`, '/run/netns/a'), conf('1.0.0'));
      expect(del.code, del.raw).toBe(0);
      await removeNetwork();
      expect(await kernelState(sb), `killed after ${delay} ms`).toBe(before);
      expect(await netctlOk(sb, ['ps', '-a', '--json'])).toBe(db);
    }
    // With the network in place, killed while attaching: the DEL alone clears what is left.
    for (const cmd of ['ADD', 'DEL'])
      expect((await cni(sb, attachEnv(cmd, 'warm', '/run/netns/a'), conf('1.0.0'))).code).toBe(0);
    const withNet = await kernelState(sb);
    const dbNet = await netctlOk(sb, ['ps', '-a', '--json']);
    for (const [i, delay] of [2, 5, 8, 12, 16, 25].entries()) {
      const add = cni(
        daemon,
        attachEnv('ADD', `n${i}`, '/run/netns/a'),
        conf('1.0.0', {
          runtimeConfig: { portMappings: [{ hostPort: 9150 + i, containerPort: 80, protocol: 'tcp' }] },
        }),
      );
      await sleep(delay);
      await stopDaemon(sb, pid, 'KILL');
      const r = await add;
      if (r.code !== 0) expect(r.out?.code, r.raw).toBe(11);
      pid = await startDaemon(sb);
      const del = await cni(daemon, attachEnv('DEL', `n${i}`, '/run/netns/a'), conf('1.0.0'));
      expect(del.code, del.raw).toBe(0);
      // Its iptables-restore, a child the kill does not reach, may finish after the daemon died
      // and the attachment was never recorded: rules DEL does not know of (as for a killed
      // exec'd plugin). netctl doctor names them, netctl gc removes them.
      if ((await kernelState(sb)) !== withNet) {
        const doctor = await sb.netctl(['doctor']);
        expect(doctor.code, doctor.stdout).not.toBe(0);
        await netctlOk(sb, ['gc']);
        console.log(`killed after ${delay} ms: rules left, removed by netctl gc`);
      }
      expect(await kernelState(sb), `attaching, killed after ${delay} ms`).toBe(withNet);
      expect(await netctlOk(sb, ['ps', '-a', '--json'])).toBe(dbNet);
    }
    await netctlOk(sb, ['network', 'rm', 'pods']);
    expect(await kernelState(sb)).toBe(before);
    // Killed for sure mid-ADD: while it makes the network (bridge up), in its iptables-restore
    // (a stand-in that never applies). The call is lost (11); DEL and gc clear the rest.
    await sb.sh([
      'sh',
      '-c',
      "mkdir -p /run/slowbin && printf '#!/bin/sh\\necho $$ >/run/slow.pid\\nexec sleep 60\\n' >/run/slowbin/iptables-restore && chmod +x /run/slowbin/iptables-restore",
    ]);
    await stopDaemon(sb, pid);
    pid = await startDaemon(sb, SOCKET, {
      PATH: `/run/slowbin:${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`,
    });
    const slow = cni(
      daemon,
      attachEnv('ADD', 'mid', '/run/netns/a'),
      conf('1.0.0', { runtimeConfig: { portMappings: [{ hostPort: 9200, containerPort: 80, protocol: 'tcp' }] } }),
    );
    let hit = false;
    for (let i = 0; i < 100 && !hit; i++) {
      hit = (await sb.exec(['test', '-s', '/run/slow.pid'])).code === 0;
      if (!hit) await sleep(100);
    }
    expect(hit).toBe(true);
    // Halfway: the network's bridge is up, its rules not applied, the attachment not recorded.
    expect(await sb.sh(['ip', '-o', 'link'])).toMatch(/: nc-[0-9a-f]+:/);
    await stopDaemon(sb, pid, 'KILL');
    await sb.sh(['sh', '-c', 'kill -9 "$(cat /run/slow.pid)"; rm -rf /run/slowbin /run/slow.pid']);
    expect((await slow).out).toMatchObject({ code: 11 });
    pid = await startDaemon(sb);
    const del = await cni(daemon, attachEnv('DEL', 'mid', '/run/netns/a'), conf('1.0.0'));
    expect(del.code, del.raw).toBe(0);
    await removeNetwork();
    expect(await kernelState(sb)).toBe(before);
    expect(await netctlOk(sb, ['ps', '-a', '--json'])).toBe(db);
    // And the daemon works on.
    const add = await cni(daemon, attachEnv('ADD', 'after', '/run/netns/a'), conf('1.0.0'));
    expect(add.code, add.raw).toBe(0);
    expect((await cni(daemon, attachEnv('DEL', 'after', '/run/netns/a'), conf('1.0.0'))).code).toBe(0);
  });
});

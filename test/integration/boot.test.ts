/**
 * Issue 23: a real boot. A Debian 13 machine (the cached trixie-pkg userland, in an overlay:
 * the cache never changes) boots with its own systemd under systemd-nspawn, in a network
 * namespace joined by a veth to a `wan` namespace where a probe tries the machine's two
 * published ports every 100 ms from before its first boot to after its last. In it: the
 * previous release installed with apt, ufw enabled (so at every boot), `netctl ufw install`,
 * netctl.service and netctl-containers.service enabled, two containers with `--restart
 * always` publishing 8080 (allowed) and 8081 (no allow rule). Then the upgrade to this
 * version under the running systemd (its units restarted, the containers untouched), and a
 * reboot (poweroff, boot again). Proven: 8081 never completes a handshake, from the first
 * probe to the last, across the upgrade and the reboot; 8080 serves before and after; after
 * the reboot the containers run again with the same addresses, ufw started before netctl's
 * units and netctl's before the containers, the journal has the boot unit's line with its
 * priority and its fields as journal fields (CONTAINER=, NETWORK=), the poweroff took the
 * containers' grace (netctl-containers' ExecStop), not systemd's 90 s last kill, and `netctl
 * doctor` finds nothing. The same machine then boots with ufw disabled (netctl's units and
 * containers come up, ufw decides nothing: the ports are open, as `man netctl-ufw` says), and
 * with netctl's state directory on a fresh, empty disk (a tmpfs mounted from fstab: nothing
 * fails, nothing is published, and netctl works on it from scratch).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { buildDeb, PREVIOUS, userland, VERSION } from './helpers/package.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MACHINE = join(ROOT, 'test/integration/scripts/boot-machine.sh');
const PROBE = join(ROOT, 'test/integration/scripts/port-probe.mjs');
const DIR = '/run/boot-test';

interface Try {
  ms: number;
  port: string;
  result: string;
}

describe('a real boot of Debian 13 with the package', () => {
  let out: string;
  let sb: Sandbox;
  // Set by the first case, used by the boots after it (same machine, one boot after another).
  let before: { web: string; shut: string } | undefined;

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'netctl-boot-'));
  });
  afterAll(async () => {
    if (sb) await sb.exec(['sh', MACHINE, 'poweroff', DIR], { timeoutMs: 180_000 }).catch(() => undefined);
    await sb?.close();
    rmSync(out, { recursive: true, force: true });
  });

  const step = async (args: string[], timeoutMs = 180_000): Promise<string> => {
    const r = await sb.exec(['sh', MACHINE, args[0]!, DIR, ...args.slice(1)], { timeoutMs });
    expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
    return r.stdout.trim();
  };
  const inside = (...argv: string[]): Promise<string> => step(['in', ...argv]);
  // The probe's log is in the sandbox's private /run.
  const tries = async (): Promise<Try[]> =>
    (await sb.sh(['cat', `${DIR}/probe.log`]))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [ms, port, result] = l.split(' ') as [string, string, string];
        return { ms: Number(ms), port, result };
      });
  const opened = async (t0: number, port = '8080'): Promise<number> =>
    (await tries()).filter((t) => t.ms > t0 && t.port === port && t.result === 'open').length;
  const servesAfter = async (t0: number, port = '8080'): Promise<void> => {
    for (let i = 0; i < 300 && (await opened(t0, port)) === 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await opened(t0, port), `${port} open after ${t0}`).toBeGreaterThan(0);
  };
  const addr = (name: string): Promise<string> =>
    inside('netctl', 'inspect', '-f', '{{.NetworkSettings.Networks.front.IPAddress}}', name);
  /** Powers off (within a minute: the containers' grace, not systemd's last kill) and boots again. */
  const reboot = async (): Promise<number> => {
    const off = await step(['poweroff']);
    const secs = Number(/powered off in (\d+) s/.exec(off)?.[1]);
    console.log(`poweroff: ${secs} s`);
    expect(secs).toBeLessThan(60);
    const t = Date.now();
    expect(await step(['boot'])).toMatch(/^(running|degraded)$/);
    return t;
  };
  const doctorClean = async (): Promise<void> => {
    const doctor = await sb.exec(['sh', MACHINE, 'in', DIR, 'netctl', 'doctor']);
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
  };
  const active = async (...units: string[]): Promise<void> => {
    for (const u of units) expect(await inside('systemctl', 'is-active', u), u).toBe('active');
  };

  it('keeps a port without allow rule closed from the first packet across an upgrade and a reboot', async () => {
    const [deb, old, ul] = [await buildDeb(out), await buildDeb(out, PREVIOUS), await userland('trixie-pkg')];
    sb = await Sandbox.start({});

    await step(['setup', ul]);
    await sb.sh(['cp', deb, old, `${DIR}/root/opt/boot-test/`]);
    await sb.sh(['touch', `${DIR}/probe.log`]);
    await sb.background([
      'ip',
      'netns',
      'exec',
      'wan',
      process.execPath,
      PROBE,
      `${DIR}/probe.log`,
      `${DIR}/probe.stop`,
      '100',
      '203.0.113.2',
      '8080',
      '8081',
    ]);
    for (let i = 0; i < 50 && (await tries()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    const firstProbe = Date.now();

    // The first boot: the previous release, ufw, the units, two published containers.
    expect(await step(['boot'])).toMatch(/^(running|degraded)$/);
    const pkgs = '/opt/boot-test';
    await inside('apt-get', 'install', '-y', '--no-install-recommends', `${pkgs}/${old.split('/').pop()}`);
    await inside('ufw', '--force', 'enable');
    await inside('netctl', 'ufw', 'install');
    await inside('systemctl', 'enable', '--now', 'netctl.service', 'netctl-containers.service');
    await inside('netctl', 'image', 'import', `${pkgs}/busybox.tar`, 'busybox');
    await inside('netctl', 'network', 'create', 'front');
    for (const [name, port] of [
      ['web', '8080'],
      ['shut', '8081'],
    ] as const)
      await inside(
        ...`netctl run -d --name ${name} --network front -p ${port}:80 --restart always busybox httpd -f -p 80 -h /www`.split(
          ' ',
        ),
      );
    await inside('netctl', 'allow', 'web', '80');
    await servesAfter(firstProbe);
    before = { web: await addr('web'), shut: await addr('shut') };
    const pid = await inside('netctl', 'inspect', '-f', '{{.State.Pid}}', 'web');
    const started = await inside('systemctl', 'show', '-P', 'ExecMainStartTimestampMonotonic', 'netctl.service');

    // The upgrade under systemd: netctl.service runs again with the new code, the containers stay.
    const tUp = Date.now();
    await inside('apt-get', 'install', '-y', '--no-install-recommends', `${pkgs}/${deb.split('/').pop()}`);
    expect(await inside('netctl', '--version')).toBe(VERSION);
    expect(await inside('systemctl', 'show', '-P', 'ExecMainStartTimestampMonotonic', 'netctl.service')).not.toBe(
      started,
    );
    expect(await inside('systemctl', 'is-active', 'netctl.service')).toBe('active');
    expect(await inside('netctl', 'inspect', '-f', '{{.State.Pid}}', 'web')).toBe(pid);
    await servesAfter(tUp);

    // The reboot.
    const tBoot = await reboot();
    await servesAfter(tBoot);
    expect(await inside('ufw', 'status')).toMatch(/^Status: active/);
    expect(await addr('web')).toBe(before.web);
    expect(await addr('shut')).toBe(before.shut);
    expect(await inside('netctl', 'ps', '--format', '{{.Names}} {{.Status}}')).toMatch(/running/);
    // Order: ufw, then netctl's replay, then the containers.
    const at = async (u: string): Promise<number> =>
      Number(await inside('systemctl', 'show', '-P', 'ActiveEnterTimestampMonotonic', u));
    const [ufw, replay, ctrs] = [
      await at('ufw.service'),
      await at('netctl.service'),
      await at('netctl-containers.service'),
    ];
    expect(ufw).toBeGreaterThan(0);
    expect(replay).toBeGreaterThan(ufw);
    expect(ctrs).toBeGreaterThan(replay);
    const journal = (await inside('journalctl', '-b', '-u', 'netctl-containers', '-o', 'json', '--no-pager'))
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    // Its fields as journal fields (the entry went to journald's socket, sys/journal.ts).
    expect(journal).toContainEqual(
      expect.objectContaining({
        MESSAGE: 'started at boot container=web image=busybox network=front',
        PRIORITY: '6',
        CONTAINER: 'web',
        NETWORK: 'front',
        IMAGE: 'busybox',
        SYSLOG_IDENTIFIER: 'netctl',
        _SYSTEMD_UNIT: 'netctl-containers.service',
      }),
    );
    await doctorClean();

    const all = await tries();
    const shut = all.filter((t) => t.port === '8081');
    // The wan tried all along (every 100 ms: hundreds of tries), and 8081 never answered a handshake.
    expect(before).toBeDefined();
    expect(shut.length).toBeGreaterThan(300);
    expect(shut.filter((t) => t.result === 'open')).toEqual([]);
    const counts = (port: string): Record<string, number> => {
      const m: Record<string, number> = {};
      for (const t of all) if (t.port === port) m[t.result] = (m[t.result] ?? 0) + 1;
      return m;
    };
    console.log(`probe: 8080 ${JSON.stringify(counts('8080'))}, 8081 ${JSON.stringify(counts('8081'))}`);
  }, 1_500_000);

  it('boots with ufw disabled: the units and containers come up, ufw decides nothing', async () => {
    expect(before, 'the first boot passed').toBeDefined();
    await inside('ufw', '--force', 'disable');
    const t = await reboot();
    expect(await inside('ufw', 'status')).toMatch(/^Status: inactive/);
    await active('netctl.service', 'netctl-containers.service');
    await servesAfter(t);
    // Without ufw nothing filters what is published: 8081 answers too (man netctl-ufw).
    await servesAfter(t, '8081');
    expect(await addr('web')).toBe(before!.web);
    expect(await addr('shut')).toBe(before!.shut);
    await doctorClean();
    await inside('ufw', '--force', 'enable');
  }, 600_000);

  it("boots with netctl's state directory on a fresh, empty disk", async () => {
    expect(before, 'the first boot passed').toBeDefined();
    // A disk mounted at /var/lib/netctl at every boot, empty each time: a tmpfs in fstab.
    await inside('sh', '-c', 'echo "tmpfs /var/lib/netctl tmpfs mode=0700 0 0" >>/etc/fstab');
    const t = await reboot();
    expect(await inside('findmnt', '-n', '-o', 'FSTYPE', '/var/lib/netctl')).toBe('tmpfs');
    await active('ufw.service', 'netctl.service', 'netctl-containers.service');
    expect(await inside('systemctl', 'list-units', '--failed', '--no-legend', '--plain', 'netctl*')).toBe('');
    expect(await inside('netctl', 'ps', '-a', '-q')).toBe('');
    // Nothing is published on an empty state; netctl works on it from scratch.
    await inside('netctl', 'image', 'import', '/opt/boot-test/busybox.tar', 'busybox');
    await inside(...'netctl run -d --name again -p 8080:80 --restart always busybox httpd -f -p 80 -h /www'.split(' '));
    await inside('netctl', 'allow', 'again', '80');
    await servesAfter(t);
    await doctorClean();
    const late = (await tries()).filter((x) => x.ms > t && x.port === '8081');
    expect(late.length).toBeGreaterThan(0);
    expect(late.filter((x) => x.result === 'open')).toEqual([]);
    await sb.sh(['touch', `${DIR}/probe.stop`]);
  }, 600_000);
});

/**
 * The boot tests' machine (scripts/boot-machine.sh): a Debian userland booted with its own
 * systemd under systemd-nspawn inside a sandbox, the probe in the `wan` namespace trying its
 * published ports 8080 and 8081 every 100 ms, and the checks every boot makes. One machine per
 * test file, booted again and again by its cases.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { Sandbox } from '../../harness/sandbox.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MACHINE = join(ROOT, 'test/integration/scripts/boot-machine.sh');
const PROBE = join(ROOT, 'test/integration/scripts/port-probe.mjs');
const DIR = '/run/boot-test';
/** Where the machine finds the packages and the image the test copies in. */
export const PKGS = '/opt/boot-test';

/** One try of the probe. */
export interface Try {
  ms: number;
  port: string;
  result: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A booted (or powered-off) machine of a userland, with its probe. */
export class BootMachine {
  private constructor(readonly sb: Sandbox) {}

  /** A sandbox, the machine's overlay on USERLAND with FILES copied to PKGS, and the probe running on PORTS. */
  static async create(userland: string, files: string[], ports = ['8080', '8081']): Promise<BootMachine> {
    const m = new BootMachine(await Sandbox.start({}));
    await m.step(['setup', userland]);
    await m.sb.sh(['cp', ...files, `${DIR}/root${PKGS}/`]);
    await m.sb.sh(['touch', `${DIR}/probe.log`]);
    const probe = [PROBE, `${DIR}/probe.log`, `${DIR}/probe.stop`, '100', '203.0.113.2', ...ports];
    await m.sb.background(['ip', 'netns', 'exec', 'wan', process.execPath, ...probe]);
    for (let i = 0; i < 50 && (await m.tries()).length === 0; i++) await sleep(100);
    return m;
  }

  /** A step of boot-machine.sh, which must succeed; its output. */
  async step(args: string[], timeoutMs = 180_000): Promise<string> {
    const r = await this.sb.exec(['sh', MACHINE, args[0]!, DIR, ...args.slice(1)], { timeoutMs });
    expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
    return r.stdout.trim();
  }

  /** Runs ARGV in the machine (boot-machine.sh checks its pid first); its output. */
  inside(...argv: string[]): Promise<string> {
    return this.step(['in', ...argv]);
  }

  /** Runs ARGV in the machine, whatever its exit status: that status and its output. */
  async tryInside(...argv: string[]): Promise<{ code: number; out: string }> {
    const r = await this.sb.exec(['sh', MACHINE, 'in', DIR, ...argv], { timeoutMs: 180_000 });
    return { code: r.code, out: (r.stdout + r.stderr).trim() };
  }

  /** Boots; the time just before. */
  async boot(): Promise<number> {
    const t = Date.now();
    expect(await this.step(['boot'])).toMatch(/^(running|degraded)$/);
    // The machine in cgroups of its own (boot-machine.sh cgroups()), as a registered machine in
    // its scope: its cgroup namespace shows it its own containers' cgroups only, not those of
    // another machine booted beside it.
    const cg = await this.sb.sh(['sh', '-c', `cat /proc/$(cat ${DIR}/leader)/cgroup`]);
    expect(cg).toMatch(/^0::\/netctl-sandbox-\w+\/boot-\d+\/payload(\/|$)/m);
    return t;
  }

  /** Powers off (within a minute: the containers' grace, not systemd's last kill) and boots again. */
  async reboot(): Promise<number> {
    const off = await this.step(['poweroff']);
    const secs = Number(/powered off in (\d+) s/.exec(off)?.[1]);
    console.log(`poweroff: ${secs} s`);
    expect(secs).toBeLessThan(60);
    return this.boot();
  }

  /** Every try of the probe so far (its log is in the sandbox's private /run). */
  async tries(): Promise<Try[]> {
    return (await this.sb.sh(['cat', `${DIR}/probe.log`]))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [ms, port, result] = l.split(' ') as [string, string, string];
        return { ms: Number(ms), port, result };
      });
  }

  /** Waits (60 s at most) for a handshake on PORT after T0. */
  async servesAfter(t0: number, port = '8080'): Promise<void> {
    const opened = async (): Promise<number> =>
      (await this.tries()).filter((t) => t.ms > t0 && t.port === port && t.result === 'open').length;
    for (let i = 0; i < 300 && (await opened()) === 0; i++) await sleep(200);
    expect(await opened(), `${port} open after ${t0}`).toBeGreaterThan(0);
  }

  /** The address of container NAME on network front. */
  addr(name: string): Promise<string> {
    return this.inside('netctl', 'inspect', '-f', '{{.NetworkSettings.Networks.front.IPAddress}}', name);
  }

  /** `netctl doctor` in the machine finds nothing. */
  async doctorClean(): Promise<void> {
    const doctor = await this.sb.exec(['sh', MACHINE, 'in', DIR, 'netctl', 'doctor']);
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
  }

  /** Each of UNITS is active. */
  async active(...units: string[]): Promise<void> {
    for (const u of units) expect(await this.inside('systemctl', 'is-active', u), u).toBe('active');
  }

  /** What an operator does on a new machine once netctl is installed: ufw, the units, two published containers. */
  async firstUse(): Promise<void> {
    await this.inside('ufw', '--force', 'enable');
    await this.inside('netctl', 'ufw', 'install');
    await this.inside('systemctl', 'enable', '--now', 'netctl.service', 'netctl-containers.service');
    await this.inside('netctl', 'image', 'import', `${PKGS}/busybox.tar`, 'busybox');
    await this.inside('netctl', 'network', 'create', 'front');
    for (const [name, port] of [
      ['web', '8080'],
      ['shut', '8081'],
    ] as const) {
      const run = `netctl run -d --name ${name} --network front -p ${port}:80 --restart always busybox httpd -f -p 80 -h /www`;
      await this.inside(...run.split(' '));
    }
    await this.inside('netctl', 'allow', 'web', '80');
  }

  /** After a reboot: ufw first, then netctl's replay, then the containers. */
  async bootOrder(): Promise<void> {
    const at = async (u: string): Promise<number> =>
      Number(await this.inside('systemctl', 'show', '-P', 'ActiveEnterTimestampMonotonic', u));
    const [ufw, replay, ctrs] = [
      await at('ufw.service'),
      await at('netctl.service'),
      await at('netctl-containers.service'),
    ];
    expect(ufw).toBeGreaterThan(0);
    expect(replay).toBeGreaterThan(ufw);
    expect(ctrs).toBeGreaterThan(replay);
  }

  /** This boot's journal of netctl-containers has the line of container web with its fields as journal fields. */
  async journalFields(): Promise<void> {
    const journal = (await this.inside('journalctl', '-b', '-u', 'netctl-containers', '-o', 'json', '--no-pager'))
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    // The entry went to journald's socket (src/sys/journal.ts), the unit still its sender's.
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
  }

  /** The wan tried PORT all along (every 100 ms, more than MIN_TRIES times) and it never answered a handshake. */
  async neverOpened(minTries: number, port = '8081'): Promise<void> {
    const all = await this.tries();
    const shut = all.filter((t) => t.port === port);
    expect(shut.length).toBeGreaterThan(minTries);
    expect(shut.filter((t) => t.result === 'open')).toEqual([]);
    const counts = (port: string): Record<string, number> => {
      const m: Record<string, number> = {};
      for (const t of all) if (t.port === port) m[t.result] = (m[t.result] ?? 0) + 1;
      return m;
    };
    const open = String(Number(port) - 1); // its allowed neighbour: 8080 for 8081, 9090 for 9091
    console.log(`probe: ${open} ${JSON.stringify(counts(open))}, ${port} ${JSON.stringify(counts(port))}`);
  }

  /** Stops the probe. */
  async stopProbe(): Promise<void> {
    await this.sb.sh(['touch', `${DIR}/probe.stop`]);
  }

  /** Powers the machine off (if it runs) and closes the sandbox. */
  async close(): Promise<void> {
    await this.sb.exec(['sh', MACHINE, 'poweroff', DIR], { timeoutMs: 180_000 }).catch(() => undefined);
    await this.sb.close();
  }
}

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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BootMachine, PKGS } from './helpers/boot.js';
import { buildDeb, PREVIOUS, userland, VERSION } from './helpers/package.js';

describe('a real boot of Debian 13 with the package', () => {
  let out: string;
  let m: BootMachine;
  // Set by the first case, used by the boots after it (same machine, one boot after another).
  let before: { web: string; shut: string } | undefined;

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'netctl-boot-'));
  });
  afterAll(async () => {
    await m?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('keeps a port without allow rule closed from the first packet across an upgrade and a reboot', async () => {
    const [deb, old, ul] = [await buildDeb(out), await buildDeb(out, PREVIOUS), await userland('trixie-pkg')];
    m = await BootMachine.create(ul, [deb, old]);
    const inside = m.inside.bind(m);
    const firstProbe = Date.now();

    // The first boot: the previous release, ufw, the units, two published containers.
    await m.boot();
    await inside('apt-get', 'install', '-y', '--no-install-recommends', `${PKGS}/${old.split('/').pop()}`);
    await m.firstUse();
    await m.servesAfter(firstProbe);
    before = { web: await m.addr('web'), shut: await m.addr('shut') };
    const pid = await inside('netctl', 'inspect', '-f', '{{.State.Pid}}', 'web');
    const started = await inside('systemctl', 'show', '-P', 'ExecMainStartTimestampMonotonic', 'netctl.service');

    // The upgrade under systemd: netctl.service runs again with the new code, the containers stay.
    const tUp = Date.now();
    await inside('apt-get', 'install', '-y', '--no-install-recommends', `${PKGS}/${deb.split('/').pop()}`);
    expect(await inside('netctl', '--version')).toBe(VERSION);
    expect(await inside('systemctl', 'show', '-P', 'ExecMainStartTimestampMonotonic', 'netctl.service')).not.toBe(
      started,
    );
    await m.active('netctl.service');
    expect(await inside('netctl', 'inspect', '-f', '{{.State.Pid}}', 'web')).toBe(pid);
    await m.servesAfter(tUp);

    // The reboot.
    await m.servesAfter(await m.reboot());
    expect(await inside('ufw', 'status')).toMatch(/^Status: active/);
    expect(await m.addr('web')).toBe(before.web);
    expect(await m.addr('shut')).toBe(before.shut);
    const ps = await inside('netctl', 'ps', '--format', '{{.Names}} {{.State}}');
    expect(ps.split('\n').sort()).toEqual(['shut running', 'web running']);
    await m.bootOrder();
    await m.journalFields();
    await m.doctorClean();
    await m.neverOpened(300);
  }, 1_500_000);

  it('boots with ufw disabled: the units and containers come up, ufw decides nothing', async () => {
    expect(before, 'the first boot passed').toBeDefined();
    await m.inside('ufw', '--force', 'disable');
    const t = await m.reboot();
    expect(await m.inside('ufw', 'status')).toMatch(/^Status: inactive/);
    await m.active('netctl.service', 'netctl-containers.service');
    await m.servesAfter(t);
    // Without ufw nothing filters what is published: 8081 answers too (man netctl-ufw).
    await m.servesAfter(t, '8081');
    expect(await m.addr('web')).toBe(before!.web);
    expect(await m.addr('shut')).toBe(before!.shut);
    await m.doctorClean();
    await m.inside('ufw', '--force', 'enable');
  }, 600_000);

  it("boots with netctl's state directory on a fresh, empty disk", async () => {
    expect(before, 'the first boot passed').toBeDefined();
    // A disk mounted at /var/lib/netctl at every boot, empty each time: a tmpfs in fstab.
    await m.inside('sh', '-c', 'echo "tmpfs /var/lib/netctl tmpfs mode=0700 0 0" >>/etc/fstab');
    const t = await m.reboot();
    expect(await m.inside('findmnt', '-n', '-o', 'FSTYPE', '/var/lib/netctl')).toBe('tmpfs');
    await m.active('ufw.service', 'netctl.service', 'netctl-containers.service');
    expect(await m.inside('systemctl', 'list-units', '--failed', '--no-legend', '--plain', 'netctl*')).toBe('');
    expect(await m.inside('netctl', 'ps', '-a', '-q')).toBe('');
    // Nothing is published on an empty state; netctl works on it from scratch.
    await m.inside('netctl', 'image', 'import', `${PKGS}/busybox.tar`, 'busybox');
    await m.inside(
      ...'netctl run -d --name again -p 8080:80 --restart always busybox httpd -f -p 80 -h /www'.split(' '),
    );
    await m.inside('netctl', 'allow', 'again', '80');
    await m.servesAfter(t);
    await m.doctorClean();
    const late = (await m.tries()).filter((x) => x.ms > t && x.port === '8081');
    expect(late.length).toBeGreaterThan(0);
    expect(late.filter((x) => x.result === 'open')).toEqual([]);
    await m.stopProbe();
  }, 600_000);
});

/**
 * Issue 23: a real boot. A Debian 13 machine (the cached trixie-boot userland: the package's
 * dependencies and docker.io, in an overlay: the cache never changes) boots with its own systemd
 * under systemd-nspawn, in a network namespace joined by a veth to a `wan` namespace where a
 * probe tries the machine's published ports 8080, 8081, 9090 and 9091 every 100 ms from before
 * its first boot to after its last. In it: the previous release (an older commit of this
 * repository, its own package: helpers/package.ts PREVIOUS_RELEASE, an older database schema)
 * installed with apt, ufw enabled (so at every boot), `netctl ufw install`, netctl.service and
 * netctl-containers.service enabled, two containers with `--restart always` publishing 8080
 * (allowed) and 8081 (no allow rule). Then the upgrade to this version under the running
 * systemd (its units restarted, the containers untouched, the schema migrated, network, allow
 * rule and image kept), and a reboot (poweroff, boot again). Proven: 8081 never completes a
 * handshake, from the first probe to the last, across the upgrade and every reboot; 8080
 * serves before and after; after the reboot the containers run again with the same addresses,
 * ufw started before netctl's units and netctl's before the containers, the journal has the
 * boot unit's line with its priority and its fields as journal fields (CONTAINER=, NETWORK=),
 * the poweroff took the containers' grace (netctl-containers' ExecStop), not systemd's 90 s
 * last kill, and `netctl doctor` finds nothing. Then the Docker guard on the machine's own
 * dockerd across a reboot (9090 allowed, 9091 never open: helpers/boot-cases.ts). The same
 * machine then boots with ufw disabled (netctl's units and containers come up, ufw decides
 * nothing: the ports are open, as `man netctl-ufw` says), with netctl's state directory on a
 * fresh, empty disk (a tmpfs mounted from fstab: nothing fails, nothing is published, and
 * netctl works on it from scratch), and last `apt remove` and `apt purge` under the running
 * systemd stop and disable its units and containers and leave nothing after a reboot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BootMachine, PKGS } from './helpers/boot.js';
import { dockerGuardAcrossReboot, removeAndPurge } from './helpers/boot-cases.js';
import { buildDeb, PREVIOUS_RELEASE, previousDeb, SCHEMA, userland, VERSION } from './helpers/package.js';

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
    const [deb, old, ul] = [await buildDeb(out), await previousDeb(), await userland('trixie-boot')];
    m = await BootMachine.create(ul, [deb, old], ['8080', '8081', '9090', '9091']);
    const inside = m.inside.bind(m);
    // The database's schema version (PRAGMA user_version), read with the package's own SQLite binding.
    const schema = async (): Promise<number> =>
      Number(
        await inside(
          'node',
          '-e',
          "const D = require('/usr/lib/netctl/node_modules/better-sqlite3'); const db = new D('/var/lib/netctl/netctl.db', { readonly: true }); process.stdout.write(String(db.pragma('user_version', { simple: true })))",
        ),
      );
    const firstProbe = Date.now();

    // The first boot: the previous release, ufw, the units, two published containers.
    await m.boot();
    await inside('apt-get', 'install', '-y', '--no-install-recommends', `${PKGS}/${old.split('/').pop()}`);
    await m.firstUse();
    await m.servesAfter(firstProbe);
    expect(await inside('netctl', '--version')).toBe(PREVIOUS_RELEASE.version);
    const oldSchema = await schema();
    expect(oldSchema).toBeLessThan(SCHEMA);
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
    // The schema migrated (every migration since the old release's), the network, the allow rule
    // (in the database and in ufw's files) and the image kept.
    expect(await schema()).toBe(SCHEMA);
    expect(await inside('netctl', 'network', 'ls', '-q')).toContain('front');
    expect(await inside('netctl', 'ufw', 'list')).toMatch(/web.*80\/tcp/);
    expect(await inside('netctl', 'image', 'ls')).toContain('busybox');
    await inside('netctl', 'ufw', 'check');
    await m.doctorClean();
    console.log(`upgrade: schema ${oldSchema} -> ${SCHEMA} from ${PREVIOUS_RELEASE.commit.slice(0, 7)}`);

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

  it("guards Docker's published ports on a real dockerd, allowed and closed across a reboot", async () => {
    expect(before, 'the first boot passed').toBeDefined();
    await dockerGuardAcrossReboot(m);
  }, 600_000);

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
  }, 600_000);

  it('apt remove under the running systemd stops and disables the units and containers; purge removes the state', async () => {
    expect(before, 'the first boot passed').toBeDefined();
    await removeAndPurge(m);
    await m.stopProbe();
  }, 600_000);
});

/**
 * Issue 23: a real boot of Debian 12. Its archive has only Node 18, so its user installs
 * NodeSource's Node 20 first: here a .deb of this machine's nodejs (NodeSource's, repacked by
 * scripts/repack-nodejs.sh), installed with netctl's package by one `apt install` into a
 * bookworm userland with Debian 12's docker.io 20.10 (test/platforms/userland.sh bookworm-boot),
 * so that dependencies resolve as the user's would. Then the first use (ufw enabled, `netctl
 * ufw install`, the units enabled, two published containers with `--restart always`, one
 * allowed), the Docker guard on the machine's dockerd (`netctl docker install`,
 * netctl-docker.service, two Docker containers publishing 9090, allowed, and 9091, not:
 * helpers/boot-cases.ts) and a reboot, with the probe counting from the wan from before the
 * first boot: 8081 and 9091 never answer, 8080 and 9090 come back, the containers have their
 * addresses, the boot order and the journal's fields hold, and `netctl doctor` and `netctl
 * docker check` find nothing. The same machine as the Debian 13 test (helpers/boot.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/sys/exec.js';
import { BootMachine, PKGS } from './helpers/boot.js';
import { dockerGuardAfterReboot, dockerGuardUp } from './helpers/boot-cases.js';
import { buildDeb, userland, VERSION } from './helpers/package.js';

const REPACK = fileURLToPath(new URL('scripts/repack-nodejs.sh', import.meta.url));
// Made again only for another nodejs version.
const NODE_DEBS = '/var/cache/netctl/debs';

describe('a real boot of Debian 12 with NodeSource nodejs and the package', () => {
  let out: string;
  let m: BootMachine;

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'netctl-boot12-'));
  });
  afterAll(async () => {
    await m?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it("installs with apt beside Node 20; netctl's and Docker's unallowed ports stay shut across a reboot", async () => {
    const repacked = await run(['sh', REPACK, NODE_DEBS], { timeoutMs: 300_000 });
    expect(repacked.code, repacked.stderr).toBe(0);
    const node = repacked.stdout.trim();
    const [deb, ul] = [await buildDeb(out), await userland('bookworm-boot')];
    m = await BootMachine.create(ul, [node, deb], ['8080', '8081', '9090', '9091']);
    const firstProbe = Date.now();
    await m.boot();
    expect(await m.inside('sh', '-c', '. /etc/os-release && echo $VERSION_ID')).toBe('12');
    const names = [node, deb].map((f) => `${PKGS}/${f.split('/').pop()}`);
    await m.inside('apt-get', 'install', '-y', '--no-install-recommends', ...names);
    expect(await m.inside('node', '--version')).toMatch(/^v20\./);
    expect(await m.inside('netctl', '--version')).toBe(VERSION);
    await m.firstUse();
    await m.servesAfter(firstProbe);
    const before = { web: await m.addr('web'), shut: await m.addr('shut') };
    const dockerBefore = await dockerGuardUp(m);
    expect(await m.inside('docker', 'version', '-f', '{{.Server.Version}}')).toMatch(/^20\.10\./);

    const t = await m.reboot();
    await m.servesAfter(t);
    expect(await m.inside('ufw', 'status')).toMatch(/^Status: active/);
    expect(await m.addr('web')).toBe(before.web);
    expect(await m.addr('shut')).toBe(before.shut);
    await m.bootOrder();
    await m.journalFields();
    await m.doctorClean();
    await dockerGuardAfterReboot(m, t, dockerBefore);
    await m.neverOpened(100);
    await m.stopProbe();
  }, 1_500_000);
});

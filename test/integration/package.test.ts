/**
 * Issue 23: the Debian package. `npm run package`'s builder makes the .deb from the tree the
 * tests built; lintian (Debian's own checker) finds nothing; `apt install ./netctl_*.deb` into
 * a Debian 13 userland (its own nodejs 20.19, iptables, ufw, systemd: test/platforms/userland.sh
 * trixie-pkg, cached) starts nothing and changes no firewall file; the installed netctl runs
 * on Debian's node, makes a bridge, installs and uninstalls its ufw block; `apt remove` is
 * refused while ufw's files hold netctl's rules; `apt purge` names what it removes and leaves
 * ufw's files byte for byte as they were before. All inside a sandbox, in an overlay of the
 * cached userland: nothing of the machine or of the cache changes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/sys/exec.js';
import { Sandbox } from '../harness/sandbox.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(ROOT, 'test/integration/scripts/package-install.sh');
const USERLAND_SH = join(ROOT, 'test/platforms/userland.sh');

describe('the Debian package', () => {
  let out: string;
  let deb: string;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'netctl-pkg-'));
    const built = await run([process.execPath, join(ROOT, 'pkg/build-deb.mjs'), '--out', out], { timeoutMs: 300_000 });
    expect(built.code, built.stderr).toBe(0);
    deb = built.stdout.trim();
  }, 320_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is lintian clean', async () => {
    const r = await run(['lintian', '--tag-display-limit', '0', deb], { timeoutMs: 400_000 });
    const tags = r.stdout.split('\n').filter((l) => /^[EWI]: /.test(l));
    expect(tags).toEqual([]);
    expect(r.code, r.stderr).toBe(0);
  }, 420_000);

  it('installs into Debian 13 with apt, runs on its node, and removes and purges cleanly', async () => {
    const ul = await run(['sh', USERLAND_SH, 'trixie-pkg'], { timeoutMs: 900_000 });
    expect(ul.code, ul.stderr).toBe(0);
    const sb = await Sandbox.start({});
    try {
      const r = await sb.exec(['sh', SCRIPT, ul.stdout.trim(), deb], { timeoutMs: 300_000 });
      const said = (key: string): string => new RegExp(`^${key}: (.*)$`, 'm').exec(r.stdout)?.[1] ?? '';
      expect(r.stdout, r.stderr).toContain('DONE');
      const version = (
        JSON.parse((await import('node:fs')).readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
      expect(said('INSTALLED')).toBe(`install ok installed ${version}`);
      expect(said('VERSION')).toBe(version);
      expect(said('NODE')).toMatch(/^v20\./);
      expect(said('ENABLED')).toBe('0');
      const before = said('UFW-BEFORE');
      expect(said('UFW-AFTER-INSTALL')).toBe(before);
      expect(said('MAN')).toBe('/usr/share/man/man8/netctl-run.8.gz');
      expect(said('COMPLETION')).toBe('network');
      expect(said('COMPLETION-OPT')).toBe('--subnet');
      for (const line of r.stdout.split('\n').filter((l) => l.startsWith('VERIFY '))) expect(line).toMatch(/: \.$/);
      expect(r.stdout).toMatch(/^VERIFY netctl\.service: \.$/m);
      expect(Number(said('CONF'))).toBeGreaterThanOrEqual(4);
      expect(said('NETWORKS').split(' ')).toContain('pkgnet');
      expect(said('STATE-MODE')).toBe('700');
      expect(said('UFW-AFTER-NETCTL-INSTALL')).not.toBe(before);
      expect(said('REMOVE-HELD')).toMatch(/^refused: .*run `netctl docker uninstall` and `netctl ufw uninstall` first/);
      expect(said('STILL')).toBe('install ok installed');
      expect(said('UFW-AFTER-UNINSTALL')).toBe(before);
      expect(said('PURGE-SAID')).toContain('netctl: purge removes /var/lib/netctl');
      expect(said('STATE-LEFT')).toBe('');
      expect(said('UNITS-LEFT')).toBe('0');
      expect(said('UFW-AFTER-PURGE')).toBe(before);
    } finally {
      await sb.close();
    }
  }, 1_300_000);
});

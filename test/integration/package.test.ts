/**
 * Issue 23: the Debian package. `npm run package`'s builder makes the .deb from the tree the
 * tests built; lintian (Debian's own checker) finds nothing; `apt install ./netctl_*.deb` into
 * a Debian 13 userland (its own nodejs 20.19, iptables, ufw, systemd: test/platforms/userland.sh
 * trixie-pkg, cached) starts nothing and changes no firewall file; the installed netctl runs
 * on Debian's node, makes a bridge, installs and uninstalls its ufw block; an upgrade from
 * the previous release keeps its networks, containers, allow rules, images and ufw's files,
 * and the previous release is then refused over the new state; `apt remove` is
 * refused while ufw's files hold netctl's rules; `apt purge` names what it removes and leaves
 * ufw's files byte for byte as they were before, and no other file in /etc/ufw (the backups
 * `netctl ufw install` made are gone with its uninstall). All inside a sandbox, in an overlay of the
 * cached userland: nothing of the machine or of the cache changes.
 *
 * The previous release: this tree built under the version just before this one
 * (helpers/package.ts: no earlier version was ever published). That
 * proves the upgrade path of the package itself (maintainer scripts, conffile, state kept,
 * units' files replaced), not a schema migration: the boot test (boot.test.ts) upgrades from
 * an older commit's package, across real migrations, under a running systemd.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/sys/exec.js';
import { Sandbox } from '../harness/sandbox.js';
import { buildDeb, PREVIOUS, userland, VERSION } from './helpers/package.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(ROOT, 'test/integration/scripts/package-install.sh');

describe('the Debian package', () => {
  let out: string;
  let deb: string;
  let old: string;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'netctl-pkg-'));
    deb = await buildDeb(out);
    old = await buildDeb(out, PREVIOUS);
  }, 620_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is lintian clean', async () => {
    const r = await run(['lintian', '--tag-display-limit', '0', deb], { timeoutMs: 400_000 });
    const tags = r.stdout.split('\n').filter((l) => /^[EWI]: /.test(l));
    expect(tags).toEqual([]);
    expect(r.code, r.stderr).toBe(0);
  }, 420_000);

  it('installs into Debian 13 with apt, runs on its node, upgrades, refuses a downgrade, removes and purges', async () => {
    const ul = await userland('trixie-pkg');
    const sb = await Sandbox.start({});
    try {
      const r = await sb.exec(['sh', SCRIPT, ul, deb, old], { timeoutMs: 400_000 });
      const said = (key: string): string => new RegExp(`^${key}: (.*)$`, 'm').exec(r.stdout)?.[1] ?? '';
      expect(r.stdout, r.stderr).toContain('DONE');
      expect(said('OLD-INSTALLED')).toBe(`install ok installed ${PREVIOUS} ${PREVIOUS}`);
      expect(said('INSTALLED')).toBe(`install ok installed ${VERSION}`);
      expect(said('VERSION')).toBe(VERSION);
      // The upgrade keeps the network, the running container, its allow rule, the image, and
      // ufw's files byte for byte; the container still serves.
      const used = said('OLD-STATE');
      expect(used).toMatch(/^bridge front \| web running \| [12] allow\| 1 image\| [0-9a-f]{16}$/);
      expect(said('NEW-STATE')).toBe(used);
      expect(said('SERVES')).toBe('hello');
      expect(said('DOWNGRADE')).toBe(
        `refused: 1 netctl: refusing to downgrade from ${VERSION} to ${PREVIOUS} over the state in /var/lib/netctl: install netctl ${VERSION} or newer (or move /var/lib/netctl away first)`,
      );
      expect(said('AFTER-DOWNGRADE')).toBe(`${VERSION} ${used}`);
      expect(said('LOG-LEVEL-BAD')).toBe('netctl: --log-level "loud": expected one of error, warn, info, debug exit 2');
      expect(said('NODE')).toMatch(/^v20\./);
      expect(said('ENABLED')).toBe('0');
      const before = said('UFW-BEFORE');
      expect(said('UFW-AFTER-INSTALL')).toBe(before);
      expect(said('MAN')).toBe('/usr/share/man/man8/netctl-run.8.gz');
      expect(said('COMPLETION')).toBe('network');
      expect(said('COMPLETION-OPT')).toBe('--subnet');
      for (const line of r.stdout.split('\n').filter((l) => l.startsWith('VERIFY '))) expect(line).toMatch(/: \.$/);
      expect(r.stdout).toMatch(/^VERIFY netctl\.service: \.$/m);
      expect(Number(said('CONF'))).toBeGreaterThanOrEqual(5);
      expect(said('STATE-MODE')).toBe('700');
      expect(said('UFW-AFTER-NETCTL-INSTALL')).not.toBe(before);
      expect(said('REMOVE-HELD')).toMatch(/^refused: .*run `netctl docker uninstall` and `netctl ufw uninstall` first/);
      expect(said('STILL')).toBe('install ok installed');
      expect(said('UFW-AFTER-UNINSTALL')).toBe(said('UFW-BEFORE-BUT-USER'));
      expect(said('UFW-NETCTL-LEFT')).toBe('');
      expect(said('PURGE-SAID')).toContain('netctl: purge removes /var/lib/netctl');
      expect(said('STATE-LEFT')).toBe('');
      expect(said('UNITS-LEFT')).toBe('0');
      expect(said('UFW-AFTER-PURGE')).toBe(said('UFW-BEFORE-BUT-USER'));
      expect(said('TOOK-DOWN')).toBe('1');
      expect(said('KERNEL-LEFT')).toBe('0 0');
      // No file left in /etc/ufw: the uninstall removed the backups its install made.
      expect(said('UFW-NAMES-AFTER-PURGE')).toBe(said('UFW-NAMES-BEFORE'));
      expect(said('UFW-NAMES-BEFORE')).toContain('after.rules');
    } finally {
      await sb.close();
    }
  }, 1_300_000);
});

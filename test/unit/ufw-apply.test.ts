import { describe, expect, it } from 'vitest';
import { checkBlock, installBlock, uninstallBlock } from '../../src/firewall/ufw/apply.js';
import { renderApply, renderCheck, renderDiffs } from '../../src/firewall/ufw/report.js';
import { buildStatus, renderStatus } from '../../src/firewall/ufw/status.js';
import { observeUfw } from '../../src/firewall/ufw/observe.js';
import { ConflictError, NotFoundError, SystemError } from '../../src/errors.js';
import { DEBIAN, fakeHost } from './ufw/fakes.js';

const AFTER = '/etc/ufw/after.rules';
const AFTER6 = '/etc/ufw/after6.rules';
const BAK = `${AFTER}.netctl-20250102T030405.bak`;

describe('netctl ufw install', () => {
  it('validates, backs up, writes both files and loads the chain where ufw runs', async () => {
    const { files, runner, deps } = fakeHost();
    const r = await installBlock(deps);
    expect(files.text(AFTER)).toMatch(
      /^#\n# rules\.input-after[\s\S]*COMMIT\n\n# BEGIN netctl\n[\s\S]*-A ufw-netctl-forward -j ufw-skip-to-policy-forward\nCOMMIT\n# END netctl\n$/,
    );
    expect(files.text(AFTER).startsWith(DEBIAN.after.split('\n')[0]!)).toBe(true);
    expect(files.text(AFTER6)).toContain(':ufw6-netctl-forward - [0:0]');
    expect(files.text(BAK)).toBe(DEBIAN.after);
    expect(files.text(`${AFTER6}.netctl-20250102T030405.bak`)).toBe(DEBIAN.after6);
    expect(files.files.get(BAK)!.info.mode).toBe(0o100640);
    expect(r.files.map((f) => f.backup)).toEqual([BAK, `${AFTER6}.netctl-20250102T030405.bak`]);
    expect(r.chains.map((c) => c.action)).toEqual(['loaded', 'loaded']);
    expect(runner.live[4].chain).toHaveLength(8);
    expect(r.changed).toBe(true);
    expect(renderApply(r, 'install', false)).toContain(`wrote ${AFTER} (previous version saved as ${BAK})`);
  });

  it('validates what ufw loads: its chains, then before.rules, then the new after.rules, in a throwaway namespace', async () => {
    const { files, runner, deps } = fakeHost();
    await installBlock(deps);
    const [v4, v6] = runner.of('unshare');
    expect(v4!.argv).toEqual(['unshare', '-n', '--', 'iptables-restore', '-n']);
    expect(v6!.argv).toEqual(['unshare', '-n', '--', 'ip6tables-restore', '-n']);
    const at = (s: string): number => v4!.input.indexOf(s);
    expect(at(':ufw-skip-to-policy-forward - [0:0]')).toBeGreaterThan(0);
    expect(at(':ufw-skip-to-policy-forward')).toBeLessThan(at(DEBIAN.before));
    expect(at(DEBIAN.before)).toBeLessThan(at(files.text(AFTER)!));
    expect(v4!.input.endsWith(files.text(AFTER)!)).toBe(true);
    expect(v6!.input).toContain(':ufw6-before-logging-forward - [0:0]');
    expect(v4!.input).not.toContain('ufw-user-forward');
  });

  it('a second install changes nothing: no backup, no validation, no load', async () => {
    const { files, runner, deps } = fakeHost();
    await installBlock(deps);
    const snapshot = new Map(files.files);
    const calls = runner.calls.length;
    const r = await installBlock(deps);
    expect(r.changed).toBe(false);
    expect(new Map(files.files)).toEqual(snapshot);
    expect(runner.calls.slice(calls).map((c) => c.argv[0])).toEqual(['iptables-save', 'ip6tables-save']);
    expect(renderApply(r, 'install', false)).toContain(`${AFTER}: the netctl block is already current`);
  });

  it('reloads only the chain when the files are current but the live chain is missing or stale', async () => {
    const { runner, deps } = fakeHost();
    await installBlock(deps);
    runner.live[4].chain = ['-j ACCEPT'];
    delete runner.live[6].chain;
    const r = await installBlock(deps);
    expect(r.files.every((f) => !f.written)).toBe(true);
    expect(r.chains.map((c) => c.action)).toEqual(['loaded', 'loaded']);
    expect(runner.live[4].chain).toHaveLength(8);
  });

  it('with ufw not running writes the files, loads nothing and says what that means', async () => {
    const { files, runner, deps } = fakeHost();
    runner.live[4].running = false;
    runner.live[6].running = false;
    files.put('/etc/ufw/ufw.conf', 'ENABLED=no\n');
    const r = await installBlock(deps);
    expect(files.text(AFTER)).toContain('# BEGIN netctl');
    expect(runner.of('iptables-restore')).toEqual([]);
    const text = renderApply(r, 'install', false);
    expect(text).toContain(
      'ufw is not active: the block is in the files only and takes effect when ufw starts (ufw enable).',
    );
    expect(text).toContain('published ports stay open to every source');
  });

  it('--dry-run validates and shows the diff but writes and loads nothing', async () => {
    const { files, runner, deps } = fakeHost();
    const r = await installBlock(deps, { dryRun: true });
    expect(files.text(AFTER)).toBe(DEBIAN.after);
    expect(files.files.size).toBe(8);
    expect(runner.of('iptables-restore')).toEqual([]);
    expect(runner.of('unshare')).toHaveLength(2);
    expect(renderDiffs(r)).toMatch(
      /^--- \/etc\/ufw\/after\.rules\n\+\+\+ \/etc\/ufw\/after\.rules\n@@ -28,3 \+28,28 @@\n/,
    );
    expect(renderApply(r, 'install', true)).toContain('would load ufw-netctl-forward');
  });

  it('refuses a change that does not load, naming the line in after.rules, and writes nothing', async () => {
    const { files, runner, deps } = fakeHost();
    runner.validator = (doc) => {
      const line = doc.split('\n').indexOf(':ufw-netctl-forward - [0:0]') + 1;
      return line > 0
        ? {
            code: 2,
            stdout: '',
            stderr: `iptables-restore v1.8.9 (nf_tables): chain error\nError occurred at line: ${line}\n`,
          }
        : { code: 0, stdout: '', stderr: '' };
    };
    const err = await installBlock(deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemError);
    expect((err as Error).message).toBe(
      `install would break "${AFTER}": iptables-restore v1.8.9 (nf_tables): chain error`,
    );
    expect(files.text(AFTER)).toBe(DEBIAN.after);
    expect([...files.files.keys()].some((k) => k.endsWith('.bak'))).toBe(false);
  });

  it('maps iptables-restore line numbers to the file they come from', async () => {
    const { runner, deps } = fakeHost();
    runner.validator = (doc) => {
      const line = doc.split('\n').indexOf(':ufw-netctl-forward - [0:0]') + 1;
      return line > 0
        ? { code: 1, stdout: '', stderr: `iptables-restore: line ${line} failed\n` }
        : { code: 0, stdout: '', stderr: '' };
    };
    const declared = `${DEBIAN.after}\n# BEGIN netctl\n`.split('\n').length + 11;
    await expect(installBlock(deps)).rejects.toThrow(`iptables-restore: ${AFTER} line ${declared} failed`);
  });

  it('when after.rules does not load even as it is, checks the block on its own and says so', async () => {
    const { files, runner, deps } = fakeHost();
    files.put(AFTER, `${DEBIAN.after}*filter\n-A ufw-after-input -m set --match-set blocked src -j DROP\nCOMMIT\n`);
    runner.validator = (doc) =>
      doc.includes('--match-set')
        ? { code: 2, stdout: '', stderr: "Set blocked doesn't exist.\n" }
        : { code: 0, stdout: '', stderr: '' };
    const r = await installBlock(deps);
    expect(r.files[0]!.written).toBe(true);
    expect(r.files[0]!.note).toMatch(
      /does not load in an empty network namespace even as it is \(Set blocked doesn't exist\.\); checked the netctl block on its own/,
    );
    expect(runner.of('unshare')).toHaveLength(4);
  });

  it('puts back a file already written when the next one cannot be written', async () => {
    const { files, deps } = fakeHost();
    files.onCreate = (path) => {
      if (path.startsWith(`${AFTER6}.netctl-`)) files.put(AFTER6, `${DEBIAN.after6}# edited meanwhile\n`);
    };
    await expect(installBlock(deps)).rejects.toThrow(ConflictError);
    expect(files.text(AFTER)).toBe(DEBIAN.after);
  });

  it('keeps every backup when two changes fall in the same second', async () => {
    const { files, deps } = fakeHost();
    await installBlock(deps);
    // A stale block (an older netctl's): the second install rewrites it, saving the first as -2.
    files.put(AFTER, files.text(AFTER)!.replace('-j ufw-skip-to-policy-forward', '-j ACCEPT'));
    await installBlock(deps);
    expect(files.text(BAK)).toBe(DEBIAN.after);
    expect(files.text(`${AFTER}.netctl-20250102T030405-2.bak`)).toContain('# BEGIN netctl');
  });

  it('says plainly when ufw is not installed', async () => {
    const { files, deps } = fakeHost();
    files.files.delete(AFTER);
    const err = await installBlock(deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).hint).toContain('apt install ufw');
  });

  it('refuses a half block', async () => {
    const { files, deps } = fakeHost();
    files.put(AFTER, `${DEBIAN.after}\n# BEGIN netctl\n*filter\nCOMMIT\n`);
    await expect(installBlock(deps)).rejects.toThrow(`${AFTER} has "# BEGIN netctl" without "# END netctl"`);
    await expect(checkBlock(deps)).rejects.toThrow(ConflictError);
  });
});

describe('netctl ufw uninstall', () => {
  it('gives both files back byte for byte and removes the chain', async () => {
    const { files, runner, deps } = fakeHost();
    await installBlock(deps);
    const r = await uninstallBlock(deps);
    expect(files.text(AFTER)).toBe(DEBIAN.after);
    expect(files.text(AFTER6)).toBe(DEBIAN.after6);
    expect(r.chains.map((c) => c.action)).toEqual(['removed', 'removed']);
    expect(runner.of('iptables-restore').at(-1)!.input).toBe(
      '*filter\n:ufw-netctl-forward - [0:0]\n:ufw-netctl-input - [0:0]\n-X ufw-netctl-forward\n-X ufw-netctl-input\nCOMMIT\n',
    );
    expect(runner.live[4].chain).toBeUndefined();
    expect((await uninstallBlock(deps)).changed).toBe(false);
  });

  it("removes netctl's backups of a file once no netctl block is left in it, and only those", async () => {
    const { files, deps } = fakeHost();
    await installBlock(deps);
    files.put(AFTER, files.text(AFTER)!.replace('-j ufw-skip-to-policy-forward', '-j ACCEPT'));
    await installBlock(deps);
    files.put('/etc/ufw/after.rules.bak', "an operator's own");
    files.put('/etc/ufw/after.rules.netctl-notes.bak', 'not a timestamp');
    const dry = await uninstallBlock(deps, { dryRun: true });
    expect(dry.files[0]!.backupsRemoved).toEqual([BAK, `${AFTER}.netctl-20250102T030405-2.bak`]);
    expect(files.text(BAK)).toBe(DEBIAN.after);
    const r = await uninstallBlock(deps);
    const bak6 = `${AFTER6}.netctl-20250102T030405.bak`;
    expect(r.files.map((f) => f.backupsRemoved)).toEqual([
      [BAK, `${AFTER}.netctl-20250102T030405-2.bak`, `${AFTER}.netctl-20250102T030405-3.bak`],
      [bak6, `${AFTER6}.netctl-20250102T030405-2.bak`],
    ]);
    expect([...files.files.keys()].filter((k) => k.includes('.bak')).sort()).toEqual([
      '/etc/ufw/after.rules.bak',
      '/etc/ufw/after.rules.netctl-notes.bak',
    ]);
    expect(renderApply(r, 'uninstall', false)).toContain(`removed netctl's backups: ${BAK} `);
    expect(files.text(AFTER)).toBe(DEBIAN.after);
  });

  it("keeps netctl's backups while another netctl block (Docker's) is still in the file", async () => {
    const { files, deps } = fakeHost();
    await installBlock(deps);
    const docker = '# BEGIN netctl-docker\n*filter\nCOMMIT\n# END netctl-docker\n';
    files.put(AFTER, `${files.text(AFTER)!}${docker}`);
    const r = await uninstallBlock(deps);
    expect(r.files[0]!.backupsRemoved).toBeUndefined();
    expect(files.text(BAK)).toBe(DEBIAN.after);
    expect(r.files[1]!.backupsRemoved).toHaveLength(2);
  });

  it("only empties a chain netctl's port rules still jump to", async () => {
    const { runner, deps } = fakeHost();
    await installBlock(deps);
    runner.live[4].refs = 2;
    const r = await uninstallBlock(deps);
    expect(r.chains[0]).toEqual({ family: 4, action: 'emptied', references: 2 });
    expect(runner.live[4].chain).toEqual([]);
    expect(renderApply(r, 'uninstall', false)).toContain(
      'emptied ufw-netctl-forward: 2 netctl rule(s) still jump to it',
    );
  });

  it('removes a chain left in the kernel even when the files have no block', async () => {
    const { runner, deps } = fakeHost();
    runner.live[4].running = false;
    runner.live[4].chain = ['-j ufw-before-forward'];
    const r = await uninstallBlock(deps);
    expect(r.files.every((f) => !f.written)).toBe(true);
    expect(r.chains.map((c) => c.action)).toEqual(['removed', 'absent']);
  });

  it('--dry-run changes nothing', async () => {
    const { files, runner, deps } = fakeHost();
    await installBlock(deps);
    const installed = files.text(AFTER);
    const r = await uninstallBlock(deps, { dryRun: true });
    expect(files.text(AFTER)).toBe(installed);
    expect(runner.live[4].chain).toHaveLength(8);
    expect(renderDiffs(r)).toContain('-# BEGIN netctl\n');
  });
});

describe('netctl ufw check and status', () => {
  it('check: a diff and changed before install, nothing after', async () => {
    const { files, runner, deps } = fakeHost();
    const before = await checkBlock(deps);
    expect(before.changed).toBe(true);
    expect(renderDiffs(before)).toContain('+# BEGIN netctl\n');
    expect(files.text(AFTER)).toBe(DEBIAN.after);
    expect(runner.of('unshare')).toEqual([]);
    await installBlock(deps);
    const after = await checkBlock(deps);
    expect(after.changed).toBe(false);
    expect(renderDiffs(after)).toBe('');
    expect(renderCheck(after)).toBe('the netctl block is installed and current\n');
    runner.live[6].chain = [];
    const stale = await checkBlock(deps);
    expect(stale.changed).toBe(true);
    expect(renderCheck(stale)).toContain(
      'ufw6-netctl-forward is missing from the running firewall or differs from the block',
    );
  });

  it('status: ufw state, routed policy, block and chain per family', async () => {
    const { runner, deps } = fakeHost();
    expect(renderStatus(buildStatus(await observeUfw(deps)))).toBe(
      'ufw: active (enabled at boot), routed policy deny\n' +
        `IPv4 ${AFTER}: no netctl block (netctl ufw install adds it); ufw-netctl-forward not loaded\n` +
        `IPv6 ${AFTER6}: no netctl block (netctl ufw install adds it); ufw6-netctl-forward not loaded\n`,
    );
    await installBlock(deps);
    runner.live[4].refs = 1;
    runner.live[6].running = false;
    const s = buildStatus(await observeUfw(deps));
    expect(s.ufw).toEqual({ installed: true, active: true, enabled: true, routedPolicy: 'deny' });
    expect(s.families[0]).toEqual({
      family: 4,
      path: AFTER,
      block: 'current',
      ufwRunning: true,
      chain: 'ufw-netctl-forward',
      chainState: 'current',
      references: 1,
    });
    expect(s.ports).toEqual([]);
    expect(renderStatus(s)).toContain(
      `IPv4 ${AFTER}: block installed and current; ufw-netctl-forward loaded, 1 netctl rule uses it\n`,
    );
    expect(renderStatus(s)).toContain(', ufw not running for IPv6');
  });
});

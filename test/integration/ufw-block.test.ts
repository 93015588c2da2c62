/**
 * `netctl ufw install|check|uninstall|status` against the real ufw, enabled inside sandboxes:
 * the block's life through ufw reload, disable and enable, and real packets to a published
 * port before and after the block, with `ufw route allow` opening it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { parse } from '../../src/firewall/iptables/parse.js';
import { renderRule } from '../../src/firewall/iptables/render.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TEMPLATE = readFileSync(new URL('../../rules/ufw/after.rules.block', import.meta.url), 'utf8');
const TEMPLATE6 = readFileSync(new URL('../../rules/ufw/after6.rules.block', import.meta.url), 'utf8');

beforeAll(() => {
  // test/build.ts (global setup) built dist/.
  if (!existsSync(`${root}dist/cli/commands/ufw-install.js`))
    throw new Error('dist/ missing: run the tests with npm test');
});

/** The rules of `chain` as iptables-save prints them, or undefined when the chain does not exist. */
async function chain(sb: Sandbox, name: string, family: 4 | 6 = 4): Promise<string[] | undefined> {
  const save = await sb.sh([family === 4 ? 'iptables-save' : 'ip6tables-save', '-t', 'filter']);
  const filter = parse(save).tables.find((t) => t.name === 'filter');
  if (!filter?.chains.some((c) => c.name === name)) return undefined;
  return filter.rules.filter((r) => r.chain === name).map((r) => renderRule(r));
}

function templateRules(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('-A '));
}

async function sha(sb: Sandbox, path: string): Promise<string> {
  return (await sb.sh(['sha256sum', path])).split(' ')[0]!;
}

async function backups(sb: Sandbox): Promise<string[]> {
  return (await sb.sh(['ls', '/etc/ufw'])).split('\n').filter((f) => f.endsWith('.bak'));
}

describe('netctl ufw: the block through ufw reload, disable and enable', () => {
  let sb: Sandbox;
  let original: Record<string, string>;
  beforeAll(async () => {
    sb = await Sandbox.start({});
    original = { after: await sha(sb, '/etc/ufw/after.rules'), after6: await sha(sb, '/etc/ufw/after6.rules') };
    const en = await sb.exec(['ufw', '--force', 'enable'], { timeoutMs: 30_000 });
    expect(en.code, en.stderr).toBe(0);
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('check exits 1 with the diff before install', async () => {
    const r = await sb.netctl(['ufw', 'check']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^--- \/etc\/ufw\/after\.rules\n\+\+\+ \/etc\/ufw\/after\.rules\n@@ /);
    expect(r.stdout).toContain('+# BEGIN netctl\n');
    expect(r.stdout).toContain('+:ufw6-netctl-forward - [0:0]\n');
  });

  it('install writes both files with a backup each and loads the chains; check then exits 0', async () => {
    const r = await sb.netctl(['ufw', 'install']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('loaded ufw-netctl-forward into the running firewall');
    expect(await backups(sb)).toHaveLength(2);
    expect(await chain(sb, 'ufw-netctl-forward')).toEqual(templateRules(TEMPLATE));
    expect(await chain(sb, 'ufw6-netctl-forward', 6)).toEqual(templateRules(TEMPLATE6));
    const check = await sb.netctl(['ufw', 'check']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toBe('');
  });

  it('a second install changes nothing: same file, no second backup', async () => {
    const hash = await sha(sb, '/etc/ufw/after.rules');
    const r = await sb.netctl(['ufw', 'install']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('/etc/ufw/after.rules: the netctl block is already current');
    expect(await sha(sb, '/etc/ufw/after.rules')).toBe(hash);
    expect(await backups(sb)).toHaveLength(2);
  });

  it('ufw reload loads the chain from after.rules exactly as install did', async () => {
    await sb.sh(['iptables', '-F', 'ufw-netctl-forward']);
    expect(await chain(sb, 'ufw-netctl-forward')).toEqual([]);
    expect((await sb.exec(['ufw', 'reload'], { timeoutMs: 30_000 })).code).toBe(0);
    expect(await chain(sb, 'ufw-netctl-forward')).toEqual(templateRules(TEMPLATE));
    expect(await chain(sb, 'ufw6-netctl-forward', 6)).toEqual(templateRules(TEMPLATE6));
  });

  it('ufw disable leaves the chain, with every ufw chain it jumps to emptied; enable restores all of it', async () => {
    const off = await sb.exec(['ufw', 'disable'], { timeoutMs: 30_000 });
    expect(off.code, off.stderr).toBe(0);
    expect(await chain(sb, 'ufw-netctl-forward')).toEqual(templateRules(TEMPLATE));
    for (const stage of ['before-logging', 'before', 'after', 'after-logging', 'reject', 'track', 'skip-to-policy']) {
      expect(await chain(sb, `ufw-${stage}-forward`), stage).toEqual([]);
    }
    expect(await chain(sb, 'ufw-user-input')).toBeUndefined();
    const on = await sb.exec(['ufw', '--force', 'enable'], { timeoutMs: 30_000 });
    expect(on.code, on.stderr).toBe(0);
    expect(await chain(sb, 'ufw-netctl-forward')).toEqual(templateRules(TEMPLATE));
    expect(await chain(sb, 'ufw-skip-to-policy-forward')).toEqual(['-A ufw-skip-to-policy-forward -j DROP']);
    expect(await chain(sb, 'ufw-before-forward')).toContain('-A ufw-before-forward -j ufw-user-forward');
    expect(await sb.sh(['ufw', 'status'])).toContain('Status: active');
    const status = JSON.parse((await sb.netctl(['ufw', 'status', '--json'])).stdout) as {
      ufw: object;
      families: { block: string; chainState: string }[];
    };
    expect(status.ufw).toEqual({ installed: true, active: true, enabled: true, routedPolicy: 'deny' });
    expect(status.families.map((f) => [f.block, f.chainState])).toEqual([
      ['current', 'current'],
      ['current', 'current'],
    ]);
  });

  it('uninstall gives the files back byte for byte and removes the chains, also after a reload', async () => {
    const r = await sb.netctl(['ufw', 'uninstall']);
    expect(r.code, r.stderr).toBe(0);
    expect(await sha(sb, '/etc/ufw/after.rules')).toBe(original.after);
    expect(await sha(sb, '/etc/ufw/after6.rules')).toBe(original.after6);
    expect(await chain(sb, 'ufw-netctl-forward')).toBeUndefined();
    expect((await sb.exec(['ufw', 'reload'], { timeoutMs: 30_000 })).code).toBe(0);
    expect(await chain(sb, 'ufw-netctl-forward')).toBeUndefined();
    expect(await chain(sb, 'ufw6-netctl-forward', 6)).toBeUndefined();
    expect(await sb.sh(['ufw', 'status'])).toContain('Status: active');
    expect((await sb.netctl(['ufw', 'check'])).code).toBe(1);
  });
});

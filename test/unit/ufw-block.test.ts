import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  blockInstalled,
  blockState,
  findBlock,
  insertBlock,
  markedBlock,
  removeBlock,
} from '../../src/firewall/ufw/block.js';
import { ConflictError, UsageError } from '../../src/errors.js';
import { parse } from '../../src/firewall/iptables/parse.js';
import { isOwnedRule } from '../../src/firewall/iptables/plan-owned.js';
import { isOwnedChain } from '../../src/firewall/iptables/plan-names.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/ufw/${name}`, import.meta.url), 'latin1');
const template = (name: string): string => readFileSync(new URL(`../../rules/ufw/${name}`, import.meta.url), 'latin1');

const AFTER = fixture('after.rules');
const AFTER6 = fixture('after6.rules');
const BLOCK = template('after.rules.block');
const BLOCK6 = template('after6.rules.block');

describe('insertBlock / removeBlock', () => {
  it.each([
    ['after.rules', AFTER, BLOCK],
    ['after6.rules', AFTER6, BLOCK6],
  ])('Debian %s: appended after one blank line, removed byte for byte', (_name, file, block) => {
    const installed = insertBlock(file, block);
    expect(installed).toBe(`${file}\n# BEGIN netctl\n${block}# END netctl\n`);
    expect(installed.startsWith(file)).toBe(true);
    expect(removeBlock(installed)).toBe(file);
  });

  it('is idempotent: a current block is left exactly as it is', () => {
    const once = insertBlock(AFTER, BLOCK);
    expect(insertBlock(once, BLOCK)).toBe(once);
    expect(insertBlock(insertBlock(once, BLOCK), BLOCK)).toBe(once);
  });

  it('replaces an outdated block in place, keeping what surrounds it', () => {
    const old = `${insertBlock(AFTER, '*filter\n:ufw-netctl-forward - [0:0]\nCOMMIT\n')}# added later by hand\n`;
    const updated = insertBlock(old, BLOCK);
    expect(updated).toBe(`${AFTER}\n${markedBlock(BLOCK)}# added later by hand\n`);
    expect(removeBlock(updated)).toBe(`${AFTER}# added later by hand\n`);
  });

  it.each([
    ['no trailing newline', '*filter\nCOMMIT'],
    ['empty file', ''],
    ['only a newline', '\n'],
    ['ends with blank lines', '*filter\nCOMMIT\n\n\n'],
    ['CRLF line breaks', '# x\r\n*filter\r\nCOMMIT\r\n'],
    ['CRLF without the last one', '# x\r\n*filter\r\nCOMMIT'],
    ['bytes that are not UTF-8', '# caf\xe9 \xff\n*filter\nCOMMIT\n'],
  ])('round-trips byte for byte: %s', (_what, file) => {
    const installed = insertBlock(file, BLOCK);
    expect(findBlock(installed)).toBeDefined();
    expect(removeBlock(installed)).toBe(file);
    expect(insertBlock(installed, BLOCK)).toBe(installed);
  });

  it('ends the last line when the file has no trailing newline, without a blank line', () => {
    expect(insertBlock('COMMIT', 'x\n')).toBe('COMMIT\n# BEGIN netctl\nx\n# END netctl\n');
    expect(insertBlock('COMMIT\n', 'x')).toBe('COMMIT\n\n# BEGIN netctl\nx\n# END netctl\n');
  });

  it('finds markers saved with CRLF and replaces that block', () => {
    const crlf = 'A\r\n\r\n# BEGIN netctl\r\nold\r\n# END netctl\r\n';
    expect(insertBlock(crlf, 'new\n')).toBe('A\r\n\r\n# BEGIN netctl\nnew\n# END netctl\n');
    expect(removeBlock(crlf)).toBe('A\r\n');
    expect(removeBlock('A\r\n# BEGIN netctl\r\nold\r\n# END netctl\r\nB\r\n')).toBe('A\r\nB\r\n');
  });

  it('leaves a file without a block alone', () => {
    expect(removeBlock(AFTER)).toBe(AFTER);
    expect(removeBlock('')).toBe('');
  });

  it('removes a block that is not last without eating the line before it', () => {
    expect(removeBlock('A\n# BEGIN netctl\nx\n# END netctl\nB\n')).toBe('A\nB\n');
    expect(removeBlock('A\n\n# BEGIN netctl\nx\n# END netctl\nB\n')).toBe('A\nB\n');
  });

  it.each([
    ['BEGIN without END', `${AFTER}\n# BEGIN netctl\n*filter\nCOMMIT\n`, /without "# END netctl"/],
    ['END without BEGIN', `${AFTER}\n*filter\nCOMMIT\n# END netctl\n`, /"# END netctl" without "# BEGIN netctl"/],
    ['END before BEGIN', '# END netctl\nx\n# BEGIN netctl\n', /before/],
    ['two blocks', `${insertBlock(AFTER, BLOCK)}\n${markedBlock(BLOCK)}`, /more than one netctl block/],
  ])('refuses a malformed file with a clear error: %s', (_what, file, message) => {
    for (const f of [
      () => insertBlock(file, BLOCK, '/etc/ufw/after.rules'),
      () => removeBlock(file, '/etc/ufw/after.rules'),
    ]) {
      expect(f).toThrow(ConflictError);
      expect(f).toThrow(message);
      expect(f).toThrow('/etc/ufw/after.rules');
    }
    expect(blockState(file, BLOCK)).toBe('malformed');
    expect(blockInstalled(file)).toBe(false);
  });

  it('does not take a marker with other text on its line for a marker', () => {
    const file = `${AFTER}# BEGIN netctl-foo\n# END netctl block\n`;
    expect(findBlock(file)).toBeUndefined();
    expect(removeBlock(insertBlock(file, BLOCK))).toBe(file);
  });

  it('refuses a template that contains a marker line', () => {
    expect(() => insertBlock(AFTER, `x\n# END netctl\n`)).toThrow(UsageError);
  });
});

describe('blockState / blockInstalled', () => {
  it('tells absent, current, outdated', () => {
    expect(blockState(AFTER, BLOCK)).toBe('absent');
    expect(blockInstalled(AFTER)).toBe(false);
    const installed = insertBlock(AFTER, BLOCK);
    expect(blockState(installed, BLOCK)).toBe('current');
    expect(blockInstalled(installed)).toBe(true);
    expect(blockState(installed, BLOCK6)).toBe('outdated');
    expect(blockInstalled(insertBlock(AFTER, 'anything\n'))).toBe(true);
  });
});

describe('the block templates', () => {
  it.each([
    [BLOCK, 'ufw', 4],
    [BLOCK6, 'ufw6', 6],
  ] as const)(
    "define only %s-netctl-forward and its mirror of ufw's incoming rules, in ufw's namespace, with no rule netctl would take for its own",
    (text, prefix, family) => {
      const rs = parse(text, { family });
      expect(rs.tables.map((t) => t.name)).toEqual(['filter']);
      const filter = rs.tables[0]!;
      expect(filter.chains.map((c) => c.name)).toEqual([`${prefix}-netctl-forward`, `${prefix}-netctl-input`]);
      for (const c of filter.chains) expect(isOwnedChain(c.name)).toBe(false);
      for (const r of filter.rules) {
        expect(isOwnedRule('filter', r)).toBe(false);
        expect(r.target?.name.startsWith(`${prefix}-`)).toBe(true);
      }
      expect(filter.rules.map((r) => r.target?.name).at(-1)).toBe(`${prefix}-skip-to-policy-forward`);
    },
  );

  it("never declares a chain of ufw's (a declaration flushes it when ufw loads after.rules)", () => {
    for (const text of [BLOCK, BLOCK6]) {
      const declared = text.split('\n').filter((l) => l.startsWith(':'));
      expect(declared).toHaveLength(2);
      expect(declared[0]).toMatch(/^:ufw6?-netctl-forward - \[0:0\]$/);
      expect(declared[1]).toMatch(/^:ufw6?-netctl-input - \[0:0\]$/);
    }
  });

  it('do not contain the words `ufw default` rewrites in after.rules', () => {
    // backend_iptables.set_default_policy substitutes "UFW BLOCK" <-> "UFW ALLOW" in after*.rules.
    for (const text of [BLOCK, BLOCK6]) expect(text).not.toMatch(/UFW (BLOCK|ALLOW)/);
  });

  it('are ASCII', () => {
    for (const text of [BLOCK, BLOCK6]) expect(/^[\x09\x0a\x20-\x7e]*$/.test(text)).toBe(true);
  });
});

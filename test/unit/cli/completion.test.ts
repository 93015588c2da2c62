import { describe, expect, it } from 'vitest';
import { runSync } from '../../../src/sys/exec.js';
import { completionScript, flatten } from '../../../src/cli/completion.js';
import { TREE } from '../../../src/cli/tree.js';

/** What bash offers after WORDS (the last one being completed), with the generated script. */
function bashOffers(words: string[]): string[] {
  const script = `${completionScript('bash', TREE)}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _netctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = runSync(['bash', '-c', script]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

describe('shell completions from the command tree', () => {
  it('lists every command path, aliases included, with its options', () => {
    const paths = new Map(flatten(TREE).map((e) => [e.path, e]));
    expect(paths.get('netctl')?.subcommands).toEqual(expect.arrayContaining(['network', 'run', 'completion']));
    expect(paths.get('netctl network ls')).toBeDefined();
    expect(paths.get('netctl network list')).toBeDefined();
    expect(paths.get('netctl network create')?.valued).toEqual(expect.arrayContaining(['--subnet', '-d', '--driver']));
    expect(paths.get('netctl network create')?.options).toContain('--ipv6');
    expect(paths.get('netctl network create')?.valued).not.toContain('--ipv6');
  });

  it('bash offers subcommands, then options, skipping option values', () => {
    expect(bashOffers(['netctl', 'netw'])).toEqual(['network']);
    expect(bashOffers(['netctl', 'network', 'cr'])).toEqual(['create']);
    expect(bashOffers(['netctl', '--root', '/x', 'network', 'create', 'n', '--subnet', '10.0.0.0/24', '--ip'])).toEqual(
      expect.arrayContaining(['--ipv6', '--ip-range']),
    );
    expect(bashOffers(['netctl', 'network', 'list', '-'])).toEqual(expect.arrayContaining(['--json', '-q']));
  });

  it('zsh and fish scripts name the same paths', () => {
    const zsh = completionScript('zsh', TREE);
    const fish = completionScript('fish', TREE);
    expect(zsh.startsWith('#compdef netctl')).toBe(true);
    for (const e of flatten(TREE).slice(0, 40)) {
      expect(zsh).toContain(`'${e.path}'`);
      expect(fish).toContain(`'${e.path}'`);
    }
    expect(fish).toContain(`complete -c netctl -n 'test (__netctl_path) = "netctl network create"' -l 'subnet' -r`);
  });
});

import { describe, expect, it } from 'vitest';
import { buildProgram, treeFor } from '../../src/cli/build.js';
import { TREE, type CommandSpec } from '../../src/cli/tree.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { readdirSync } from 'node:fs';

const argv = (...words: string[]): string[] => ['node', 'netctl', ...words];
const names = (words: string[]): string[] => treeFor(TREE, argv(...words)).map((c) => c.name);

describe('the part of the command tree a command line builds', () => {
  it('is the one top-level command named, after the global options in either form', () => {
    expect(names(['run', '-d', 'busybox'])).toEqual(['run']);
    expect(names(['--root', '/x', '--run-root', '/y', 'network', 'ls'])).toEqual(['network']);
    expect(names(['--root=/x', 'ps', '-a'])).toEqual(['ps']);
  });

  it('is the whole tree for help, version, a typo or nothing', () => {
    for (const words of [[], ['--help'], ['-V'], ['help', 'run'], ['netwrk', 'ls'], ['--root', '/x']]) {
      expect(names(words)).toHaveLength(TREE.length);
    }
  });

  it('parses the same options for the command as the whole program does', () => {
    const line = argv('run', '-d', '--name', 'web', '-p', '8080:80', 'busybox', 'httpd');
    const program = buildProgram('0', treeFor(TREE, line), () => undefined);
    const run = program.commands.find((c) => c.name() === 'run')!;
    expect(program.commands).toHaveLength(1);
    expect(run.options.map((o) => o.long)).toEqual(
      buildProgram('0', TREE, () => undefined)
        .commands.find((c) => c.name() === 'run')!
        .options.map((o) => o.long),
    );
  });
});

describe('the statically imported command modules', () => {
  it('are every command file but the TUI, and every leaf of the tree has one', () => {
    const files = readdirSync(new URL('../../src/cli/commands/', import.meta.url)).filter(
      (f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'tui.ts',
    );
    expect(Object.keys(COMMANDS).sort()).toEqual(files.map((f) => f.slice(0, -3)).sort());
    const leaves = (specs: CommandSpec[], path: string[] = []): string[] =>
      specs.flatMap((c) =>
        c.subcommands ? leaves(c.subcommands, [...path, c.name]) : [c.module ?? [...path, c.name].join('-')],
      );
    for (const m of leaves(TREE)) expect(m === 'tui' || m in COMMANDS, m).toBe(true);
    for (const mod of Object.values(COMMANDS)) expect(typeof mod.default).toBe('function');
  });
});

/**
 * The parser on the points the Dockerfile reference makes, and buildkit's heredoc cases
 * (frontend/dockerfile/parser/parser_heredoc_test.go TestParseExtractsHeredoc, TestParseJSONHeredoc;
 * parser_test.go TestParseIncludesLineNumbers, TestParseWarnsOnEmptyContinutationLine).
 */
import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../../src/model/dockerfile/parser.js';
import { planBuild } from '../../../src/model/dockerfile/plan.js';
import { resolveStage } from '../../../src/model/dockerfile/resolve.js';
import { runCommand } from '../../../src/model/dockerfile/run-command.js';
import type { RunStep } from '../../../src/model/dockerfile/types.js';

const ins = (text: string) => parseDockerfile(text).instructions;

describe('parser: the reference', () => {
  it('keywords are case-insensitive; comments and blank lines are skipped', () => {
    expect(
      ins('# c\n\nfrom a\n  # indented comment\nRun echo hi # not a comment\n').map((i) => [i.keyword, i.args]),
    ).toEqual([
      ['FROM', ['a']],
      ['RUN', ['echo hi # not a comment']],
    ]);
  });
  it('joins continuations, skipping comment and empty lines inside, with a warning for the empty one', () => {
    const p = parseDockerfile(
      'FROM a\nRUN apt-get update && \\\n# a comment\n    apt-get install -y \\\n\n  curl\nUSER x\n',
    );
    expect(p.instructions[1]).toMatchObject({
      args: ['apt-get update &&     apt-get install -y   curl'],
      line: 2,
      endLine: 6,
    });
    expect(p.instructions[2]).toMatchObject({ keyword: 'USER', line: 7 });
    expect(p.warnings).toEqual([
      'Empty continuation line found in: RUN apt-get update &&     apt-get install -y   curl',
    ]);
  });
  it('takes the escape directive (backtick), and ignores syntax', () => {
    const p = parseDockerfile('# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN dir c:\\ `\n  && echo\n');
    expect(p.escape).toBe('`');
    expect(p.instructions[1]!.args).toEqual(['dir c:\\   && echo']);
  });
  it('reads directives only at the top', () => {
    expect(parseDockerfile('FROM a\n# escape=`\nRUN x \\\n y\n').escape).toBe('\\');
    expect(parseDockerfile('# comment\n# escape=`\nFROM a\n').escape).toBe('\\');
    expect(() => parseDockerfile('# escape=`\n# escape=\\\nFROM a\n')).toThrow(
      'Dockerfile:2: only one escape parser directive',
    );
  });
  it('exec form is JSON; invalid JSON falls back to the shell form', () => {
    expect(ins('CMD ["a", "b"]')[0]).toMatchObject({ json: true, args: ['a', 'b'] });
    expect(ins("CMD ['a', 'b']")[0]).toMatchObject({ json: false, args: ["['a', 'b']"] });
    expect(ins('CMD ["a", "b"')[0]).toMatchObject({ json: false, args: ['["a", "b"'] });
  });
  it('reads flags before the arguments, quotes removed', () => {
    expect(ins('COPY --from=build --chown="app user" --link a b')[0]).toMatchObject({
      flags: ['--from=build', '--chown=app user', '--link'],
      args: ['a', 'b'],
    });
  });
  it('numbers lines (TestParseIncludesLineNumbers)', () => {
    const p = ins('FROM a\n\nRUN a \\\n  b\nRUN <<EOF\nx\nEOF\nCMD c\n');
    expect(p.map((i) => [i.line, i.endLine])).toEqual([
      [1, 1],
      [3, 4],
      [5, 7],
      [8, 8],
    ]);
  });
  it('a continuation at EOF ends the instruction, as buildkit takes it (testfiles/continue-at-eof)', () => {
    expect(ins('FROM a\nRUN something \\')[1]!.args).toEqual(['something']);
  });
});

describe('parser: heredocs (TestParseExtractsHeredoc)', () => {
  const cases: [string, { name: string; content: string; expand: boolean; chomp?: boolean }[]][] = [
    ['RUN <<EMPTY\nEMPTY', [{ name: 'EMPTY', content: '', expand: true }]],
    ['RUN 3<<EMPTY2\nEMPTY2', [{ name: 'EMPTY2', content: '', expand: true }]],
    ['RUN "<<NOHEREDOC"', []],
    ['RUN <<INDENT\n\tfoo\n\tbar\nINDENT', [{ name: 'INDENT', content: '\tfoo\n\tbar\n', expand: true }]],
    [
      'RUN <<-UNINDENT\n\tbaz\n\tquux\nUNINDENT',
      [{ name: 'UNINDENT', content: 'baz\nquux\n', expand: true, chomp: true }],
    ],
    [
      'RUN <<-UNINDENT2\n\tbaz\n\tquux\n\tUNINDENT2',
      [{ name: 'UNINDENT2', content: 'baz\nquux\n', expand: true, chomp: true }],
    ],
    [
      "RUN <<-'NOEXPAND'\n\tdon't expand $NAME\nNOEXPAND",
      [{ name: 'NOEXPAND', content: "don't expand $NAME\n", expand: false, chomp: true }],
    ],
    [
      'RUN <<COMMENT\n# internal comment\necho hi # trailing\nCOMMENT',
      [{ name: 'COMMENT', content: '# internal comment\necho hi # trailing\n', expand: true }],
    ],
    [
      'COPY <<FILE1 <<FILE2 /dest\ncontent 1\nFILE1\ncontent 2\nFILE2',
      [
        { name: 'FILE1', content: 'content 1\n', expand: true },
        { name: 'FILE2', content: 'content 2\n', expand: true },
      ],
    ],
    ['COPY <<EOF /quotes\n"foo"\n\'bar\'\nEOF', [{ name: 'EOF', content: '"foo"\n\'bar\'\n', expand: true }]],
    [
      'COPY <<X <<Y /dest\nY\nX\nX\nY',
      [
        { name: 'X', content: 'Y\n', expand: true },
        { name: 'Y', content: 'X\n', expand: true },
      ],
    ],
    ["RUN <<eo'f'\necho foo\neof", [{ name: 'eof', content: 'echo foo\n', expand: false }]],
    ["RUN <<eo\\'f\necho foo\neo'f", [{ name: "eo'f", content: 'echo foo\n', expand: true }]],
    ["RUN <<'e'o\\'f\necho foo\neo'f", [{ name: "eo'f", content: 'echo foo\n', expand: false }]],
    ["RUN <<'one two'\necho bar\none two", [{ name: 'one two', content: 'echo bar\n', expand: false }]],
    ['RUN <<$EOF\n$EOF', [{ name: '$EOF', content: '', expand: true }]],
    ['RUN <<  EOF\nEOF', [{ name: 'EOF', content: '', expand: true }]],
    ['RUN <<  EOF  > foo\nEOF', [{ name: 'EOF', content: '', expand: true }]],
    ['RUN ["<<EOF"]', []],
    ['USER <<INVALID', []],
  ];
  for (const [text, want] of cases)
    it(JSON.stringify(text), () => {
      const got = ins(`FROM a\n${text}\n`)[1]!.heredocs;
      expect(got).toEqual(want.map((h) => ({ chomp: false, ...h })));
    });
});

describe('runCommand: what RUN executes', () => {
  const run = (text: string): RunStep => resolveStage(planBuild(`FROM a\n${text}\n`), 0, {}).steps[0] as RunStep;
  it('shell and exec forms', () => {
    expect(runCommand(run('RUN echo $HOME'))).toEqual({ argv: ['/bin/sh', '-c', 'echo $HOME'], files: [] });
    expect(runCommand(run('RUN ["echo", "$HOME"]'))).toEqual({ argv: ['echo', '$HOME'], files: [] });
  });
  it('a heredoc alone is the script; with #! it runs as a file', () => {
    expect(runCommand(run('RUN <<EOF\nset -e\nmake\nEOF')).argv).toEqual(['/bin/sh', '-c', 'set -e\nmake\n']);
    expect(runCommand(run('RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF'))).toEqual({
      argv: ['/bin/sh', '-c', '/dev/pipes/EOF'],
      files: [{ path: '/dev/pipes/EOF', content: '#!/usr/bin/env python3\nprint(1)\n', mode: 0o755 }],
    });
  });
  it('a heredoc fed to a command follows the command text', () => {
    expect(runCommand(run('RUN python3 <<EOF\nprint(1)\nEOF')).argv).toEqual([
      '/bin/sh',
      '-c',
      'python3 <<EOF\nprint(1)\nEOF',
    ]);
  });
});

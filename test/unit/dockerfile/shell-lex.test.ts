/**
 * The shell lexer against buildkit's own tables: test/fixtures/dockerfile/shell/envVarTest and
 * wordsTest are copied verbatim from moby/buildkit frontend/dockerfile/shell/ (commit 73ed6825),
 * run as lex_test.go runs them (TestShellParser4EnvVars, TestShellParser4Words).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandWord, expandWords, lookupOf } from '../../../src/model/dockerfile/shell-lex.js';

const FIX = new URL('../../fixtures/dockerfile/shell/', import.meta.url);

describe('shell lexer: buildkit envVarTest', () => {
  const env = lookupOf(['PWD=/home', 'SHELL=bash', 'KOREAN=한국어', 'NULL=']);
  const rows = readFileSync(new URL('envVarTest', FIX), 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line && !line.startsWith('#'));
  it('has the table', () => expect(rows.length).toBeGreaterThan(200));
  for (const { line, n } of rows) {
    const [platform, source, expected] = line.split('|').map((w) => w.trim()) as [string, string, string];
    if (platform === 'W') continue;
    it(`line ${n}: ${source}`, () => {
      if (expected === 'error') expect(() => expandWord(source, env)).toThrow();
      else expect(expandWord(source, env)).toBe(expected);
    });
  }
});

describe('shell lexer: buildkit wordsTest', () => {
  it('splits words as ProcessWords does', () => {
    const env: string[] = [];
    let count = 0;
    for (const line of readFileSync(new URL('wordsTest', FIX), 'utf8').split('\n')) {
      if (line.startsWith('#') || line === '') continue;
      if (line.startsWith('ENV ')) {
        env.push(line.slice(3).replace(/^ +/, ''));
        continue;
      }
      const [test, want] = line.split('|') as [string, string];
      let got: string[];
      try {
        got = expandWords(test.trim(), lookupOf(env));
      } catch {
        got = ['error'];
      }
      expect(got, line).toEqual(want.replace(/^ +/, '').split(','));
      count++;
    }
    expect(count).toBeGreaterThan(20);
  });
});

describe('shell lexer: lex_test.go cases', () => {
  it('mandatory vars (TestShellParserMandatoryEnvVars)', () => {
    const noEmpty = '${VAR:?message here$ARG}';
    const noUnset = '${VAR?message here$ARG}';
    expect(expandWord(noEmpty, lookupOf(['VAR=plain', 'ARG=x']))).toBe('plain');
    expect(() => expandWord(noEmpty, lookupOf(['VAR=', 'ARG=x']))).toThrow('message herex');
    expect(() => expandWord(noEmpty, lookupOf(['ARG=x']))).toThrow('message herex');
    expect(expandWord(noUnset, lookupOf(['VAR=', 'ARG=x']))).toBe('');
    expect(() => expandWord(noUnset, lookupOf(['ARG=x']))).toThrow('message herex');
  });
  it('prefix, suffix and replace modifiers', () => {
    const env = lookupOf(['V=abc.tar.gz', 'P=/usr/local/bin']);
    expect(expandWord('${V%.*}', env)).toBe('abc.tar');
    expect(expandWord('${V%%.*}', env)).toBe('abc');
    expect(expandWord('${V#*.}', env)).toBe('tar.gz');
    expect(expandWord('${V##*.}', env)).toBe('gz');
    expect(expandWord('${P/local/opt}', env)).toBe('/usr/opt/bin');
    expect(expandWord('${P//\\//:}', env)).toBe(':usr:local:bin');
    expect(() => expandWord('${V:#x}', env)).toThrow('unsupported modifier (:#)');
  });
  it('records the names it looks up, set or not', () => {
    const used = new Set<string>();
    expandWord('$A ${B:-x} \\$C', lookupOf(['A=1']), '\\', used);
    expect([...used].sort()).toEqual(['A', 'B']);
  });
  it('takes the backtick escape', () => {
    expect(expandWord('a`$b', lookupOf(['b=1']), '`')).toBe('a$b');
    expect(expandWord('C:\\dir', lookupOf([]), '`')).toBe('C:\\dir');
  });
});

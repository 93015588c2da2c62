/**
 * .dockerignore against moby/patternmatcher's own tables (commit 5a6d8429):
 * test/fixtures/dockerfile/patternmatcher-matches.json is TestMatches' table (run as its
 * MatchesOrParentMatches subtest), patternmatcher-match.json is matchTests (TestMatch);
 * the rest are TestWildcardMatches... and ignorefile's TestReadAll.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goClean, goMatch } from '../../../src/model/dockerfile/go-match.js';
import { ignoreMatcher, parseDockerignore, readIgnoreFile } from '../../../src/model/dockerfile/ignore.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/dockerfile/${name}`, import.meta.url), 'utf8'));

describe('.dockerignore: patternmatcher tables', () => {
  it('TestMatches', () => {
    const rows = fixture('patternmatcher-matches.json') as [string, string, boolean][];
    expect(rows.length).toBeGreaterThan(60);
    for (const [pattern, text, pass] of rows)
      expect(ignoreMatcher([pattern]).matches(text), `${pattern} ~ ${text}`).toBe(pass);
  });
  it('TestMatches multi-pattern cases', () => {
    const m = (p: string[], f: string): boolean => ignoreMatcher(p).matches(f);
    expect(m(['**', '!util/docker/web'], 'util/docker/web/foo')).toBe(false);
    expect(m(['**', '!util/docker/web', 'util/docker/web/foo'], 'util/docker/web/foo')).toBe(true);
    expect(m(['**', '!dist/*.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl')).toBe(false);
  });
  it('TestMatch (Go filepath.Match cases, bad patterns refused)', () => {
    const rows = fixture('patternmatcher-match.json') as [string, string, boolean, boolean][];
    expect(rows.length).toBeGreaterThan(50);
    for (const [pattern, text, match, bad] of rows) {
      if (bad) expect(() => ignoreMatcher([pattern]), pattern).toThrow();
      else expect(ignoreMatcher([pattern]).matches(text), `${pattern} ~ ${text}`).toBe(match);
    }
  });
  it('exceptions and order (TestPatternMatches... TestSingleExclamationError)', () => {
    const m = (f: string, p: string[]): boolean => ignoreMatcher(p).matches(f);
    expect(m('fileutils.go', ['*'])).toBe(true);
    expect(m('fileutils.go', ['*.go'])).toBe(true);
    expect(m('fileutils.go', ['!fileutils.go', '*.go'])).toBe(true);
    expect(m('docs/README.md', ['docs', '!docs/README.md'])).toBe(false);
    expect(m('docs/README.md', ['docs/', '!docs/README.md'])).toBe(false);
    expect(m('docs/README.md', ['docs/*', '!docs/README.md'])).toBe(false);
    expect(m('fileutils.go', ['*.go', '!fileutils.go'])).toBe(false);
    expect(m('.', ['*.go'])).toBe(false);
    expect(m('/any/path/there', [])).toBe(false);
    expect(() => ignoreMatcher(['!'])).toThrow('illegal exclusion pattern');
  });
  it('reads the file as ignorefile.ReadAll (TestReadAll)', () => {
    const text = 'test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! ';
    expect(readIgnoreFile(text)).toEqual(['test1', 'test2', 'a/file/here', 'lastfile', '!inverted/abs/path', '!', '!']);
  });
  it('a realistic file: comments, trailing slashes, ** and a late exception', () => {
    const ig = parseDockerignore('# build output\nnode_modules/\n**/*.log\n.git\n*.md\n!README.md\n');
    expect(['node_modules/x/y.js', 'a/b/c.log', 'x.log', '.git/HEAD', 'CHANGES.md'].map(ig.matches)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['README.md', 'src/index.ts', 'docs/a.md'].map(ig.matches)).toEqual([false, false, false]);
  });
});

describe('Go filepath helpers', () => {
  it('Clean', () => {
    expect(['', 'a/', './a', 'a//b', 'a/../..', '/..', '/a/./b/'].map(goClean)).toEqual([
      '.',
      'a',
      'a',
      'a/b',
      '..',
      '/',
      '/a/b',
    ]);
  });
  it('Match: * and ? stop at /', () => {
    expect(goMatch('*.txt', 'a.txt')).toBe(true);
    expect(goMatch('*.txt', 'd/a.txt')).toBe(false);
    expect(goMatch('d/*', 'd/a.txt')).toBe(true);
    expect(goMatch('a?b', 'a/b')).toBe(false);
    expect(() => goMatch('[', 'a')).toThrow('syntax error in pattern');
  });
});

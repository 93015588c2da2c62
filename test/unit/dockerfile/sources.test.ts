/** COPY/ADD source resolution and the cache key. */
import { describe, expect, it } from 'vitest';
import { cacheKey, filesChecksum } from '../../../src/model/dockerfile/cache-key.js';
import { planBuild } from '../../../src/model/dockerfile/plan.js';
import { resolveStage } from '../../../src/model/dockerfile/resolve.js';
import { resolveCopySources, type SourceFile } from '../../../src/model/dockerfile/sources.js';
import type { CopyStep, FileMeta } from '../../../src/model/dockerfile/types.js';

const CTX: SourceFile[] = [
  { path: 'app.js', type: 'file' },
  { path: 'lib.js', type: 'file' },
  { path: 'README.md', type: 'file' },
  { path: 'src', type: 'dir' },
  { path: 'src/main.c', type: 'file' },
  { path: 'src/util', type: 'dir' },
  { path: 'src/util/x.c', type: 'file' },
  { path: 'link', type: 'symlink' },
];

const copy = (line: string, args: Record<string, string> = {}): CopyStep =>
  resolveStage(planBuild(`FROM a\nARG D=/opt\n${line}\n`, { buildArgs: args }), 0, {}).steps[1] as CopyStep;
const dests = (line: string, workdir = '/', destIsDir = false): [string, string][] =>
  resolveCopySources(copy(line), CTX, workdir, destIsDir).items.map((i) => [i.source, i.dest]);

describe('resolveCopySources', () => {
  it('a file onto a path, or into a directory dest', () => {
    expect(dests('COPY app.js /srv/server.js')).toEqual([['app.js', '/srv/server.js']]);
    expect(dests('COPY app.js /srv/')).toEqual([['app.js', '/srv/app.js']]);
    expect(dests('COPY app.js /srv', '/', true)).toEqual([['app.js', '/srv/app.js']]);
    expect(dests('COPY ./app.js .', '/work')).toEqual([['app.js', '/work/app.js']]);
    expect(dests('COPY app.js rel/', '/work')).toEqual([['app.js', '/work/rel/app.js']]);
    expect(dests('COPY app.js $D/')).toEqual([['app.js', '/opt/app.js']]);
  });
  it('a directory copies its contents, not itself', () => {
    expect(dests('COPY src /code')).toEqual([
      ['src', '/code'],
      ['src/main.c', '/code/main.c'],
      ['src/util', '/code/util'],
      ['src/util/x.c', '/code/util/x.c'],
    ]);
    expect(dests('COPY . /ctx/').length).toBe(CTX.length + 1);
  });
  it('globs as Go filepath.Match: * stays in one directory', () => {
    expect(dests('COPY *.js /srv/')).toEqual([
      ['app.js', '/srv/app.js'],
      ['lib.js', '/srv/lib.js'],
    ]);
    expect(dests('COPY src/*.c /c/')).toEqual([['src/main.c', '/c/main.c']]);
    expect(resolveCopySources(copy('COPY [ab]*.js /srv/'), CTX, '/').label).toBe('file');
  });
  it('names a source that matches nothing', () => {
    expect(() => dests('COPY nope.txt /x')).toThrow(
      'Dockerfile:3: COPY failed: "nope.txt" not found in the build context',
    );
    expect(() => dests('COPY *.py /x/')).toThrow('"*.py" not found');
    expect(() => dests('COPY ../etc/passwd /x')).toThrow('outside the build context');
  });
  it('several sources need a directory destination', () => {
    expect(() => dests('COPY *.js /srv')).toThrow(
      /more than one source file needs a directory destination ending in \/: "\/srv"/,
    );
    expect(() => dests('COPY app.js lib.js /srv')).toThrow(/directory destination/);
    expect(resolveCopySources(copy('COPY app.js lib.js /srv/'), CTX, '/').label).toBe('multi');
    expect(resolveCopySources(copy('COPY src /srv/'), CTX, '/').label).toBe('dir');
  });
  it('ADD URLs land by their file name; COPY refuses them', () => {
    expect(dests('ADD https://example.com/pkg/tool.tar.gz /opt/')).toEqual([
      ['https://example.com/pkg/tool.tar.gz', '/opt/tool.tar.gz'],
    ]);
    expect(() => dests('COPY https://example.com/x /opt/')).toThrow("COPY failed: source can't be a URL");
  });
  it('heredoc files are named after their delimiter', () => {
    const step = resolveStage(planBuild('FROM a\nCOPY <<run.sh /usr/local/bin/\necho hi\nrun.sh\n'), 0, {})
      .steps[0] as CopyStep;
    expect(resolveCopySources(step, CTX, '/').items).toEqual([
      { source: 'run.sh', dest: '/usr/local/bin/run.sh', type: 'heredoc' },
    ]);
  });
});

describe('cache key', () => {
  const files: FileMeta[] = [
    { path: 'b.txt', mode: 0o100644, uid: 0, gid: 0, size: 2, contentDigest: 'sha256:bb' },
    { path: 'a.txt', mode: 0o100644, uid: 0, gid: 0, size: 1, contentDigest: 'sha256:aa' },
  ];
  it('the same input gives the same key, whatever the order of files or the line of the step', () => {
    const sum = filesChecksum(files);
    expect(filesChecksum([...files].reverse())).toBe(sum);
    const a = copy('COPY . /app/');
    const b = resolveStage(planBuild('FROM a\n\n\nARG D=/opt\nCOPY . /app/\n'), 0, {}).steps[1]!;
    expect(cacheKey({ parent: 'sha256:p', step: a, files: sum })).toBe(
      cacheKey({ parent: 'sha256:p', step: b, files: sum }),
    );
  });
  it('any change of a file, the parent, the step or an arg it uses gives a new key', () => {
    const base = { parent: 'sha256:p', step: copy('COPY . $D/'), files: filesChecksum(files) };
    const k = cacheKey(base);
    const changed = (f: Partial<FileMeta>): string => filesChecksum([{ ...files[0]!, ...f }, files[1]!]);
    const keys = [
      cacheKey({ ...base, files: changed({ contentDigest: 'sha256:cc' }) }),
      cacheKey({ ...base, files: changed({ mode: 0o100755 }) }),
      cacheKey({ ...base, files: changed({ uid: 1000 }) }),
      cacheKey({ ...base, files: changed({ path: 'c.txt' }) }),
      cacheKey({ ...base, files: filesChecksum(files.slice(1)) }),
      cacheKey({ ...base, parent: 'sha256:q' }),
      cacheKey({ ...base, step: copy('COPY . $D/', { D: '/srv' }) }),
      cacheKey({ ...base, step: copy('COPY --chmod=755 . $D/') }),
    ];
    expect(new Set([k, ...keys]).size).toBe(keys.length + 1);
  });
  it('RUN keys follow the args in scope but not the proxy args', () => {
    const run = (args: Record<string, string>) =>
      cacheKey({
        parent: 'p',
        step: resolveStage(planBuild('FROM a\nARG V=1\nRUN make\n', { buildArgs: args }), 0, {}).steps[1]!,
      });
    expect(run({})).toBe(run({ HTTP_PROXY: 'http://proxy:3128' }));
    expect(run({})).not.toBe(run({ V: '2' }));
  });
});

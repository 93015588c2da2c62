/**
 * COPY/ADD sources against a list of files, as Docker resolves them: Go filepath.Match globs
 * (`*` stays within a directory), a directory copies its contents not itself, a source matching
 * nothing is an error naming it, several sources need a directory destination (ending in `/`).
 * Pure: the executor lists the context (after .dockerignore) or the stage/image root.
 */
import { posix } from 'node:path';
import { DockerfileError } from './errors.js';
import { goClean, goMatch, hasGlob } from './go-match.js';
import type { CopyStep } from './types.js';

/** One entry of the source tree (context after .dockerignore, or a stage/image root). */
export interface SourceFile {
  /** Relative, `/`-separated, no leading `./`. */
  path: string;
  type: 'file' | 'dir' | 'symlink';
}

/** One thing to put in the layer. */
export interface CopyItem {
  /** Path in the source tree (`.` for its root), the URL for ADD, or the heredoc name. */
  source: string;
  /** Absolute destination path in the image. */
  dest: string;
  type: SourceFile['type'] | 'url' | 'heredoc';
}

/** What to copy where, and Docker's history label kind (`file:`, `dir:` or `multi:` + checksum). */
export interface CopyPlan {
  items: CopyItem[];
  label: 'file' | 'dir' | 'multi';
  /** The sources that matched, relative: the files whose checksum goes into the cache key. */
  matched: string[];
}

const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/** The entries SOURCE names: a glob's matches, or the path itself; throws naming it when nothing. */
function matchSource(
  step: CopyStep,
  source: string,
  files: SourceFile[],
  byPath: Map<string, SourceFile>,
): SourceFile[] {
  let rel = goClean(source.replace(/^\/+/, ''));
  if (rel === '') rel = '.';
  if (rel === '..' || rel.startsWith('../'))
    throw new DockerfileError(step.line, `${step.kind} failed: source "${source}" is outside the build context`);
  if (rel === '.') return [{ path: '.', type: 'dir' }];
  let found: SourceFile[];
  try {
    found = hasGlob(rel) ? files.filter((f) => goMatch(rel, f.path)) : byPath.has(rel) ? [byPath.get(rel)!] : [];
  } catch {
    throw new DockerfileError(step.line, `${step.kind} failed: bad pattern "${source}"`);
  }
  if (found.length === 0) {
    const where =
      step.from.kind === 'context'
        ? 'the build context'
        : step.from.kind === 'stage'
          ? `stage ${step.from.index}`
          : step.from.ref;
    throw new DockerfileError(step.line, `${step.kind} failed: "${source}" not found in ${where}`);
  }
  return found;
}

/** Everything under DIR (`.` for the root), with paths relative to it. */
function under(dir: string, files: SourceFile[]): { file: SourceFile; rel: string }[] {
  if (dir === '.') return files.map((file) => ({ file, rel: file.path }));
  const prefix = `${dir}/`;
  return files.filter((f) => f.path.startsWith(prefix)).map((file) => ({ file, rel: file.path.slice(prefix.length) }));
}

/**
 * Resolves STEP's sources against FILES. WORKDIR resolves a relative dest; DEST_IS_DIR says the
 * destination already exists as a directory in the image (a file copied there keeps its name).
 */
export function resolveCopySources(step: CopyStep, files: SourceFile[], workdir: string, destIsDir = false): CopyPlan {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const raw = step.dest;
  const dest = posix.isAbsolute(raw) ? goClean(raw) : goClean(posix.join('/', workdir || '/', raw));
  const dirDest = destIsDir || raw.endsWith('/') || raw === '.' || raw.endsWith('/.');
  const entries: { source: string; file: SourceFile | 'url' | 'heredoc' }[] = [];
  for (const s of step.sources) {
    if (isUrl(s)) {
      if (step.kind === 'COPY') throw new DockerfileError(step.line, `COPY failed: source can't be a URL: "${s}"`);
      entries.push({ source: s, file: 'url' });
    } else for (const f of matchSource(step, s, files, byPath)) entries.push({ source: f.path, file: f });
  }
  for (const h of step.heredocs) entries.push({ source: h.name, file: 'heredoc' });
  if (entries.length > 1 && !dirDest)
    throw new DockerfileError(
      step.line,
      `${step.kind} with more than one source file needs a directory destination ending in /: "${raw}"`,
    );
  const items: CopyItem[] = [];
  const into = (name: string): string => (dirDest ? posix.join(dest, name) : dest);
  for (const e of entries) {
    if (e.file === 'url')
      items.push({
        source: e.source,
        dest: into(posix.basename(new URL(e.source).pathname) || 'index.html'),
        type: 'url',
      });
    else if (e.file === 'heredoc') items.push({ source: e.source, dest: into(e.source), type: 'heredoc' });
    else if (e.file.type === 'dir') {
      items.push({ source: e.file.path, dest, type: 'dir' });
      for (const { file, rel } of under(e.file.path, files))
        items.push({ source: file.path, dest: posix.join(dest, rel), type: file.type });
    } else items.push({ source: e.file.path, dest: into(posix.basename(e.file.path)), type: e.file.type });
  }
  const only = entries.length === 1 ? entries[0]!.file : undefined;
  const label =
    only && typeof only !== 'string' && only.type === 'dir' ? 'dir' : entries.length === 1 ? 'file' : 'multi';
  return { items, label, matched: items.filter((i) => i.type !== 'url' && i.type !== 'heredoc').map((i) => i.source) };
}

/**
 * The file trees a build copies from: the context (less what `.dockerignore` excludes; the
 * Dockerfile and .dockerignore stay in it, as in Docker) or a stage's or image's files, listed
 * for COPY/ADD's source resolution, and the files a step copies described for its cache key
 * (modes, owners, sizes, content digests; no times).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { type FileMeta, parseDockerignore, type SourceFile } from '../model/dockerfile/api.js';
import { wrap } from '../errors.js';

/** A listed tree: its root and entries. */
export interface SourceTree {
  root: string;
  files: SourceFile[];
}

/** Lists ROOT (relative paths, sorted), leaving out what EXCLUDE says and anything not a file, dir or link. */
export async function listTree(root: string, exclude: (rel: string) => boolean = () => false): Promise<SourceTree> {
  const files: SourceFile[] = [];
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(rel ? `${root}/${rel}` : root)).sort();
    for (const n of names) {
      const path = rel ? `${rel}/${n}` : n;
      if (exclude(path)) continue;
      const st = await lstat(`${root}/${path}`);
      if (st.isDirectory()) {
        files.push({ path, type: 'dir' });
        await walk(path);
      } else if (st.isFile()) files.push({ path, type: 'file' });
      else if (st.isSymbolicLink()) files.push({ path, type: 'symlink' });
    }
  };
  try {
    await walk('');
  } catch (err) {
    throw wrap('read build files in', root, err);
  }
  return { root, files };
}

/** The build context at DIR, filtered by its `.dockerignore`. */
export async function readContext(dir: string): Promise<SourceTree> {
  const text = await readFile(`${dir}/.dockerignore`, 'utf8').catch(() => '');
  const ignore = parseDockerignore(text);
  return listTree(dir, (rel) => ignore.matches(rel));
}

async function digestOf(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return `sha256:${h.digest('hex')}`;
}

/** What a cache key needs of the tree's entries SOURCES (and everything under a directory among them). */
export async function fileMetas(tree: SourceTree, sources: string[]): Promise<FileMeta[]> {
  const out: FileMeta[] = [];
  for (const path of new Set(sources)) {
    const abs = path === '.' ? tree.root : `${tree.root}/${path}`;
    const st = await lstat(abs);
    const meta: FileMeta = { path, mode: st.mode, uid: st.uid, gid: st.gid, size: st.size, contentDigest: '' };
    if (st.isFile()) meta.contentDigest = await digestOf(abs);
    if (st.isSymbolicLink()) {
      meta.linkTarget = await readlink(abs);
      meta.contentDigest = `sha256:${createHash('sha256').update(meta.linkTarget).digest('hex')}`;
    }
    if (st.isDirectory()) meta.size = 0;
    out.push(meta);
  }
  return out;
}

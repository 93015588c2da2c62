/**
 * Applying an image layer (a tar, maybe compressed) to a rootfs: the system `tar` extracts
 * it into an empty staging directory next to the rootfs (safe: GNU tar does not follow a
 * symlink it created itself), the header scan lists the directories it names, and
 * layer-merge.ts moves the result into place with whiteouts applied.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { runChecked } from '../sys/exec.js';
import { SystemError, wrap } from '../errors.js';
import { compressionOf, normalizeMember, TarScanner, type Compression } from './tar-scan.js';
import { mergeLayer } from './layer-merge.js';

// Chunks gunzip gives: each is one trip to zlib's thread pool and back, one hash, scan and write
// to tar. (Joining the blob's socket reads into 1 MiB chunks before gunzip saved ~10% more CPU,
// but a corrupt blob then reached gunzip before its digest was checked: the error named the
// symptom, not the cause.)
const GUNZIP_CHUNK = 1 << 20;

/** The compression of FILE, from its first bytes. */
export async function detect(file: string): Promise<Compression> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(8);
    await fh.read(head, 0, 8, 0);
    return compressionOf(head);
  } finally {
    await fh.close();
  }
}

/** The argv of the program that decompresses a zstd, xz or bzip2 FILE to its stdout. */
export function decompressArgv(kind: Exclude<Compression, 'none' | 'gzip'>, file: string): string[] {
  return [kind, '-d', '-c', '-q', '--', file];
}

// gzip is decompressed in-process. zstd, xz and bzip2 (Node 20's zlib has no zstd) by
// Debian's own programs, spawned with an argv: `zstd` (a Depends of the package) is the
// reference implementation, multi-threaded and fast where a JS port is several times slower,
// and it adds no native npm module to build. Its exit status is checked, so a truncated or
// corrupt blob fails the stream instead of ending it early.
/** FILE's contents, decompressed. */
export function decompressed(file: string, kind: Compression): Readable {
  // Large chunks: each one is hashed, scanned and written to tar, so fewer means less overhead.
  const raw = (): Readable => createReadStream(file, { highWaterMark: 1 << 20 });
  if (kind === 'none') return raw();
  if (kind === 'gzip') return raw().pipe(createGunzip({ chunkSize: GUNZIP_CHUNK }));
  const [cmd, ...args] = decompressArgv(kind, file);
  const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => void (stderr = `${stderr}${d}`.slice(-512)));
  child.stdout.pipe(out, { end: false });
  child.on('error', (e) => out.destroy(new SystemError(`cannot run "${kind}" to read a ${kind} layer: ${e.message}`)));
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(new SystemError(`${kind} could not decompress ${file}: ${stderr.trim() || `exit ${code}`}`));
  });
  // A reader that stops early (a refused member) stops the program too.
  out.on('close', () => child.exitCode === null && child.kill('SIGKILL'));
  return out;
}

async function* withFirst(first: Buffer | undefined, it: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    if (first) yield first;
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
  } finally {
    await it.return?.();
  }
}

/**
 * The bytes of SRC (a blob as it arrives) decompressed in-process, gzip or none as its first
 * bytes say (other compressions are refused: they are read from a file). An error of SRC
 * fails the stream, and a reader that stops early stops SRC.
 */
export async function decompressedFrom(src: AsyncIterable<Buffer>): Promise<Readable> {
  const it = src[Symbol.asyncIterator]();
  const head = await it.next();
  const first = head.done ? undefined : head.value;
  const kind = first ? compressionOf(first) : 'none';
  if (kind !== 'gzip' && kind !== 'none') {
    await it.return?.();
    throw new SystemError(`a ${kind} layer cannot be unpacked as it downloads`);
  }
  const source = Readable.from(withFirst(first, it), { objectMode: false, highWaterMark: 1 << 20 });
  if (kind === 'none') return source;
  const gz = createGunzip({ chunkSize: GUNZIP_CHUNK });
  source.on('error', (e) => gz.destroy(e));
  gz.on('close', () => source.destroy());
  return source.pipe(gz);
}

/** The directory members of an archive, normalized. */
export async function scanDirs(file: string): Promise<Set<string>> {
  const dirs = new Set<string>();
  const scanner = new TarScanner();
  for await (const chunk of decompressed(file, await detect(file))) {
    for (const e of scanner.push(chunk as Buffer)) if (e.type === '5') dirs.add(normalizeMember(e.name));
  }
  scanner.end();
  return dirs;
}

/** The argv extracting an archive (any compression tar recognizes) into DEST with owners, modes and xattrs. */
export function extractArgv(file: string, dest: string): string[] {
  return [
    'tar',
    '-x',
    '-f',
    file,
    '-C',
    dest,
    '--numeric-owner',
    '--same-owner',
    '--same-permissions',
    '--xattrs',
    '--xattrs-include=*',
  ];
}

/** Extracts an archive (any compression tar recognizes) into DEST with owners, modes and xattrs. */
export async function extractArchive(file: string, dest: string): Promise<void> {
  await runChecked(extractArgv(file, dest), { timeoutMs: 30 * 60_000 });
}

/** Applies the layer archive FILE on top of ROOTFS. */
export async function applyLayer(rootfs: string, file: string): Promise<void> {
  const staging = `${rootfs}.layer`;
  try {
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { mode: 0o755 });
    await extractArchive(file, staging);
    mergeLayer(staging, rootfs, await scanDirs(file));
  } catch (err) {
    throw wrap('apply layer', file, err);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Unpacking one layer blob into its own directory in overlayfs form, for the layer store:
 * the decompressed stream is hashed (the diff id), every member checked (layer-check.ts)
 * before the system `tar` receives the bytes that hold it, then whiteouts become the 0/0
 * character devices and opaque directories the `trusted.overlay.opaque` xattr that
 * overlayfs reads. GNU tar keeps owners, modes, hard links, xattrs and file capabilities.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { rm } from 'node:fs/promises';
import { SystemError, wrap } from '../errors.js';
import { runChecked } from '../sys/exec.js';
import { decompressed, detect } from './image-layer.js';
import { LayerChecker, type LayerFacts } from './layer-check.js';
import { TarScanner } from './tar-scan.js';
import { type SplitSink, splitSink } from './layer-tar.js';

// tar reads its stdin in 256 KiB records (512 blocks; -B waits for a whole record from the pipe)
// instead of 10 KiB ones: each read drains the pipe, so node and tar wake each other ~25 times
// less (a pull of the bench's 60 MB image: 7.9k reads and 9.9k writes down to 2.8k and 4.8k).
const TAR_FLAGS = [
  '--blocking-factor=512',
  '--read-full-records',
  '--numeric-owner',
  '--same-owner',
  '--same-permissions',
  '--xattrs',
  '--xattrs-include=*',
];

/** The argv of the `tar` that unpacks a layer stream into DEST. */
export function unpackArgv(dest: string): string[] {
  return ['tar', '-x', '-f', '-', '-C', dest, ...TAR_FLAGS];
}

function tarProcess(dest: string) {
  const [cmd, ...args] = unpackArgv(dest);
  const child = spawn(cmd!, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()).length > 4096 && (stderr = stderr.slice(-4096)));
  // tar stops reading at the end-of-archive blocks; the padding after them is not its business.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (e) => reject(new SystemError(`cannot run tar: ${e.message}`)));
    child.on('close', (code) => resolve(code ?? 1));
  });
  return { child, exited, stderr: () => stderr.trim() };
}

async function feed(data: Readable, child: ReturnType<typeof tarProcess>['child'], split?: SplitSink) {
  const hash = createHash('sha256');
  const scanner = new TarScanner();
  const checker = new LayerChecker();
  for await (const chunk of data) {
    const buf = chunk as Buffer;
    hash.update(buf);
    const entries = scanner.push(buf);
    // Checked before tar gets the bytes: a refused member is never written.
    for (const e of entries) checker.check(e);
    await split?.push(entries, buf);
    if (child.stdin.writable && !child.stdin.write(buf)) await once(child.stdin, 'drain');
  }
  scanner.end();
  child.stdin.end();
  await split?.end();
  return { diffId: `sha256:${hash.digest('hex')}`, facts: checker.facts };
}

/** Turns `.wh.` files into what overlayfs reads as whiteouts and opaque directories. */
async function toOverlay(dest: string, facts: LayerFacts): Promise<void> {
  for (const w of facts.whiteouts) {
    const slash = w.lastIndexOf('/');
    const marker = slash < 0 ? `${dest}/.wh.${w}` : `${dest}/${w.slice(0, slash)}/.wh.${w.slice(slash + 1)}`;
    await rm(marker, { force: true });
    await rm(`${dest}/${w}`, { recursive: true, force: true });
    await runChecked(['mknod', '--', `${dest}/${w}`, 'c', '0', '0']);
  }
  if (facts.opaque.length === 0) return;
  for (const d of facts.opaque) await rm(`${dest}/${d}/.wh..wh..opq`, { force: true });
  const dirs = facts.opaque.map((d) => (d ? `${dest}/${d}` : dest));
  await runChecked(['setfattr', '-n', 'trusted.overlay.opaque', '-v', 'y', '--', ...dirs]);
}

/**
 * Unpacks the layer blob FILE (any compression) into the empty directory DEST. With
 * EXPECT (the config's diff id), a layer whose uncompressed digest differs is refused. With
 * SPLIT_DIR, the tar-split that rebuilds the tar (tar-split.ts) is written there.
 */
export async function unpackLayer(
  file: string,
  dest: string,
  expect?: string,
  splitDir?: string,
): Promise<{ diffId: string; facts: LayerFacts }> {
  return unpackStream(async () => decompressed(file, await detect(file)), file, dest, expect, splitDir);
}

/**
 * Unpacks the uncompressed layer tar DATA opens (LABEL names it in errors) as `unpackLayer`
 * does; a refused member or a failed tar stops DATA early (it is destroyed).
 */
export async function unpackStream(
  data: () => Promise<Readable>,
  label: string,
  dest: string,
  expect?: string,
  splitDir?: string,
): Promise<{ diffId: string; facts: LayerFacts }> {
  const tar = tarProcess(dest);
  let stream: Readable | undefined;
  try {
    stream = await data();
    const out = await feed(stream, tar.child, splitDir ? splitSink(splitDir) : undefined);
    const code = await tar.exited;
    if (code !== 0) throw new SystemError(`tar exited ${code}: ${tar.stderr()}`);
    if (expect && out.diffId !== expect)
      throw new SystemError(`uncompressed digest ${out.diffId} does not match the image's diff id ${expect}`);
    await toOverlay(dest, out.facts);
    return out;
  } catch (err) {
    stream?.destroy();
    tar.child.kill('SIGKILL');
    await tar.exited.catch(() => 1);
    throw wrap('unpack layer', label, err);
  }
}

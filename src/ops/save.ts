/**
 * `netctl save [-o FILE] IMAGE...`: stored images as a `docker load` archive or an OCI
 * layout (runtime/image-save.ts). A file is written beside its final name and renamed into
 * place, so a failed save leaves nothing; stdout gets the tar as it is made. The layers are
 * pinned while they are read, so a concurrent prune waits for them.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { UsageError } from '../errors.js';
import { imageConfigBlob } from '../runtime/image-blob.js';
import { normalizeImageRef } from '../runtime/image-ref.js';
import {
  dirSink,
  newPack,
  type SaveFormat,
  type SaveItem,
  type SaveSink,
  saveDocker,
  saveOci,
  tarSink,
} from '../runtime/image-save.js';
import { resolveImage } from '../runtime/image-store.js';
import { pinLayers } from '../runtime/layer-pins.js';
import { layerPaths } from '../runtime/layer-store.js';
import { readSplit } from '../runtime/layer-tar.js';
import type { Host } from './host.js';
import type { ChangePlan } from './tx.js';

export type { SaveFormat } from '../runtime/image-save.js';

/** Checks FORMAT. */
export function saveFormat(format: string | undefined): SaveFormat {
  const f = format ?? 'docker';
  if (f !== 'docker' && f !== 'oci' && f !== 'oci-dir')
    throw new UsageError(`invalid --format "${f}": give docker, oci or oci-dir`);
  return f;
}

function nameOf(given: string): string | undefined {
  if (/^(sha256:)?[0-9a-f]{4,64}$/.test(given) || given.includes('@')) return undefined;
  return normalizeImageRef(given);
}

async function items(host: Host, names: string[]): Promise<SaveItem[]> {
  const out: SaveItem[] = [];
  for (const given of names) {
    const rec = await resolveImage(host.paths, given);
    await imageConfigBlob(host.paths, rec);
    for (const d of rec.layers ?? []) await readSplit(layerPaths(host.paths, d).dir);
    const name = nameOf(given);
    const same = out.find((i) => i.rec.id === rec.id);
    if (same) same.names.push(...(name && !same.names.includes(name) ? [name] : []));
    else out.push({ rec, names: name ? [name] : [] });
  }
  return out;
}

async function write(host: Host, list: SaveItem[], format: SaveFormat, sink: SaveSink): Promise<void> {
  if (format === 'docker') await saveDocker(host.paths, list, sink);
  else await saveOci(host.paths, list, sink);
}

/** Saves the images NAMES to OUTPUT (a file, a directory for oci-dir) or, without one, to STDOUT. */
export async function saveImages(
  host: Host,
  names: string[],
  o: { format: SaveFormat; output?: string; stdout: NodeJS.WritableStream },
): Promise<{ images: string[]; output: string }> {
  if (o.format === 'oci-dir' && !o.output) throw new UsageError('save --format oci-dir: name the directory with -o');
  const list = await items(host, names);
  const pin = await pinLayers(
    host.paths,
    list.flatMap((i) => [i.rec.id, ...(i.rec.layers ?? [])]),
  );
  const tmp = o.output ? `${o.output}.tmp-${randomBytes(6).toString('hex')}` : undefined;
  try {
    if (o.format === 'oci-dir') {
      const have = await readdir(o.output!).catch(() => []);
      if (have.length) throw new UsageError(`save: "${o.output}" exists and is not empty`);
      await rm(o.output!, { recursive: true, force: true });
      await write(host, list, o.format, dirSink(tmp!));
    } else {
      const pack = newPack();
      const out = tmp ? createWriteStream(tmp, { mode: 0o600 }) : o.stdout;
      pack.pipe(out);
      await write(host, list, o.format, tarSink(pack));
      pack.finalize();
      if (tmp) await finished(out as NodeJS.WritableStream & { closed: boolean });
      else await new Promise<void>((r) => pack.once('end', () => r()));
    }
    if (tmp) await rename(tmp, o.output!);
  } catch (err) {
    if (tmp) await rm(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    await pin.release();
  }
  return { images: list.map((i) => i.rec.id), output: o.output ?? '-' };
}

/** What `saveImages` would write, checked as it checks: the images, their layers and names. */
export async function planSave(host: Host, names: string[], format: SaveFormat, output?: string): Promise<ChangePlan> {
  const list = await items(host, names);
  const layers = new Set(list.flatMap((i) => i.rec.layers ?? []));
  const notes = [
    `write a ${format === 'docker' ? '`docker load`' : 'OCI layout'} ${format === 'oci-dir' ? 'directory' : 'archive'} to ${output ?? 'stdout'}${output ? ' (built beside it, then renamed)' : ''}`,
    ...list.map((i) => `image sha256:${i.rec.id} as ${i.names.join(', ') || '(no name)'}`),
    `${layers.size} layer tars, rebuilt from the layer store`,
  ];
  return { operations: [], rules: '', notes };
}

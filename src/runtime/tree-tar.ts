/**
 * A directory written as an image layer tar (tar-stream), as Docker writes a container's
 * diff: names sorted, owners numeric, hard links as links, extended attributes as
 * `SCHILY.xattr.*` PAX records, and an overlay upper directory's whiteouts (0/0 character
 * devices) and opaque directories (`trusted.overlay.opaque`) as the OCI `.wh.` files the
 * layer store turns back into them. The tar is hashed as it is written: its digest is the
 * layer's diff id.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { Pack } from 'tar-stream';
import { lazyBuiltin } from '../sys/lazy-builtin.js';
import { SystemError, wrap } from '../errors.js';
import { treeXattrs, type XattrMap } from './xattrs.js';

// Loaded when a tar is written: every other command imports this file without needing it.
const tarStream = lazyBuiltin<typeof import('tar-stream')>('tar-stream');
const tarPack = (): Pack => tarStream().pack();

/** How a tree is read. */
export interface TreeTarOptions {
  /** Paths (relative, no leading slash) left out with everything under them. */
  skip?: (rel: string, st: Stats) => boolean;
}

/** The tar written: its diff id and bytes. */
export interface TreeTar {
  diffId: string;
  size: number;
}

const OPAQUE_KEYS = ['trusted.overlay.opaque', 'user.overlay.opaque'];

// overlayfs' own bookkeeping (origin, impure, redirect...) means nothing in another layer.
const keptXattr = (k: string) => !/^(trusted|user)\.overlay\./.test(k) && k !== 'security.selinux';

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

type Header = Exclude<Parameters<Pack['entry']>[0], undefined>;
type TarType = NonNullable<Header['type']>;

function entry(pack: Pack, header: Header, body?: Buffer): Promise<void> {
  return new Promise((res, rej) => pack.entry(header, body ?? Buffer.alloc(0), (e) => (e ? rej(e) : res())));
}

async function fileEntry(pack: Pack, header: Header, path: string): Promise<void> {
  let done!: (e?: Error | null) => void;
  const ended = new Promise<void>((res, rej) => (done = (e) => (e ? rej(e) : res())));
  const sink = pack.entry(header, (e) => done(e));
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    n += (chunk as Buffer).length;
    if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', () => r()));
  }
  if (n !== header.size) throw new SystemError(`"${path}" changed while it was read`);
  sink.end(Buffer.alloc(0));
  await ended;
}

class TreeWriter {
  private readonly links = new Map<string, string>();
  constructor(
    private readonly pack: Pack,
    private readonly root: string,
    private readonly xattrs: XattrMap,
    private readonly opts: TreeTarOptions,
  ) {}

  private header(rel: string, st: Stats, type: TarType): Header {
    return { name: rel, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime, type };
  }

  // A file's own attributes go in a PAX header written here (tar-stream's takes only text),
  // with its path, so the ustar name may be cut short.
  private async withXattrs(abs: string, rel: string): Promise<string> {
    const attrs = [...(this.xattrs.get(abs) ?? [])].filter(([k]) => keptXattr(k));
    if (attrs.length === 0) return rel;
    const body = Buffer.concat([
      paxRecord('path', Buffer.from(rel)),
      ...attrs.map(([k, v]) => paxRecord(`SCHILY.xattr.${k}`, v)),
    ]);
    // tar-stream writes a 'pax-header' entry's bytes as given; its types leave that type out.
    const type = 'pax-header' as unknown as TarType;
    await entry(this.pack, { name: 'PaxHeader', type, size: body.length, mode: 0o644 }, body);
    return Buffer.from(rel).subarray(0, 99).toString('latin1');
  }

  async dir(rel: string): Promise<void> {
    const abs = rel ? `${this.root}/${rel}` : this.root;
    const names = (await readdir(abs)).sort();
    for (const n of names) await this.one(rel ? `${rel}/${n}` : n);
  }

  private async one(rel: string): Promise<void> {
    const abs = `${this.root}/${rel}`;
    const st = await lstat(abs);
    if (this.opts.skip?.(rel, st)) return;
    const slash = rel.lastIndexOf('/');
    if (st.isCharacterDevice() && st.rdev === 0) {
      const wh = `${rel.slice(0, slash + 1)}.wh.${rel.slice(slash + 1)}`;
      return entry(this.pack, { ...this.header(wh, st, 'file'), mode: 0o600 });
    }
    if (st.isDirectory()) {
      const name = await this.withXattrs(abs, `${rel}/`);
      await entry(this.pack, this.header(name, st, 'directory'));
      const attrs = this.xattrs.get(abs);
      if (OPAQUE_KEYS.some((k) => attrs?.get(k)?.toString() === 'y'))
        await entry(this.pack, { ...this.header(`${rel}/.wh..wh..opq`, st, 'file'), mode: 0o600 });
      return this.dir(rel);
    }
    if (st.isSymbolicLink())
      return entry(this.pack, { ...this.header(rel, st, 'symlink'), linkname: await readlink(abs) });
    if (st.isFIFO()) return entry(this.pack, this.header(await this.withXattrs(abs, rel), st, 'fifo'));
    if (!st.isFile()) return; // sockets and device nodes: the layer store refuses devices
    const key = `${st.dev}:${st.ino}`;
    const first = st.nlink > 1 ? this.links.get(key) : undefined;
    if (first) return entry(this.pack, { ...this.header(rel, st, 'link'), linkname: first });
    if (st.nlink > 1) this.links.set(key, rel);
    const name = await this.withXattrs(abs, rel);
    await fileEntry(this.pack, { ...this.header(name, st, 'file'), size: st.size }, abs);
  }
}

/** Writes the tree at DIR as a layer tar to FILE; returns its diff id. */
export async function writeTreeTar(dir: string, file: string, opts: TreeTarOptions = {}): Promise<TreeTar> {
  const pack = tarPack();
  const hash = createHash('sha256');
  let size = 0;
  const out = createWriteStream(file, { mode: 0o600 });
  pack.on('data', (b: unknown) => {
    if (!Buffer.isBuffer(b)) return;
    hash.update(b);
    size += b.length;
  });
  pack.pipe(out);
  try {
    const writer = new TreeWriter(pack, dir, await treeXattrs(dir), opts);
    await writer.dir('');
    pack.finalize();
    await finished(out);
  } catch (err) {
    pack.destroy();
    out.destroy();
    throw wrap('write layer from', dir, err);
  }
  return { diffId: `sha256:${hash.digest('hex')}`, size };
}

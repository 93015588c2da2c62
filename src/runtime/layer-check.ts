/**
 * The checks every member of a layer tar passes before the system `tar` sees it, and what
 * the layer store records about it: no path or hard link leaving the layer, nothing written
 * through a symlink of the same layer, no device nodes; whiteouts and opaque directories
 * collected for the overlay conversion. Pure.
 */
import { SystemError } from '../errors.js';
import type { TarEntry } from './tar-scan.js';

const OPAQUE = '.wh..wh..opq';
const WH = '.wh.';

/** What a layer holds, as the store keeps it in the layer's meta.json. */
export interface LayerFacts {
  /** Paths the layer deletes from the layers below (`.wh.NAME` members, as `dir/NAME`). */
  whiteouts: string[];
  /** Directories whose lower contents are hidden (`.wh..wh..opq` members). */
  opaque: string[];
  /** Directory members, normalized: only they carry metadata when layers are merged. */
  dirs: string[];
  /** Bytes of file data. */
  bytes: number;
  /** Members. */
  entries: number;
}

/** Splits a member path into components, refusing `..` anywhere (Docker refuses breakouts too). */
function components(name: string, what: string): string[] {
  const parts = name.split('/').filter((c) => c !== '' && c !== '.');
  if (parts.includes('..')) throw new SystemError(`layer member "${name}": ${what} leaves the layer ("..")`);
  return parts;
}

/** Collects LayerFacts while refusing unsafe members; feed it every entry in order. */
export class LayerChecker {
  readonly facts: LayerFacts = { whiteouts: [], opaque: [], dirs: [], bytes: 0, entries: 0 };
  private readonly symlinks = new Set<string>();

  /** Checks one member; throws a SystemError naming it when it is unsafe. */
  check(e: TarEntry): void {
    const parts = components(e.name, 'its path');
    const path = parts.join('/');
    if (path === '' && e.type !== '5') throw new SystemError(`layer member "${e.name}": no name`);
    for (let i = 1; i < parts.length; i++) {
      if (this.symlinks.has(parts.slice(0, i).join('/')))
        throw new SystemError(`layer member "${e.name}": written through a symbolic link of the same layer`);
    }
    if (e.type === '3' || e.type === '4')
      throw new SystemError(`layer member "${e.name}": device nodes are refused in image layers`);
    if (e.type === '1') components(e.linkname, 'its hard link target');
    this.facts.entries++;
    if (e.type === '2') this.symlinks.add(path);
    else this.symlinks.delete(path);
    if (e.type === '5') this.facts.dirs.push(path);
    if (e.type === '0' || e.type === '7' || e.type === '\0') this.facts.bytes += e.size;
    const base = parts.at(-1) ?? '';
    const dir = parts.slice(0, -1).join('/');
    if (base === OPAQUE) this.facts.opaque.push(dir);
    else if (base.startsWith(WH))
      this.facts.whiteouts.push(dir ? `${dir}/${base.slice(WH.length)}` : base.slice(WH.length));
  }
}

/**
 * What netctl owns in the kernel, remembered together with the nf_tables generation id it
 * was true at. While the id has not moved, nobody has committed anything since, so the
 * remembered rules are the live ones and `iptables-save` need not run; after a restore
 * that moved the id by exactly its own commits, the result is the plan's target. Kept in
 * memory and in a file under the run root (tmpfs: gone with a reboot, when ids restart), so
 * the next command starts from it too. The id is per network namespace, so the entry names
 * its namespace as well.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Ruleset } from './ast.js';
import { CACHE_FORMAT, loadTables, type StoredTable, storeTables, tablesFromDump } from './rules-cache-file.js';

/**
 * What a remembered ruleset was planned from: the state database's firewall revision
 * (store/schema-v2.ts) and whether ufw decided published ports, per family. While the
 * revision is unchanged too, the remembered rules are exactly what the records want.
 */
export interface Basis {
  rev: string;
  ufw: { 4: boolean; 6: boolean };
}

/** The owned rules of both families, and where ufw's netctl chain is loaded. */
export interface Owned {
  4: Ruleset;
  6: Ruleset;
  ufw?: { 4: boolean; 6: boolean };
  /** Set when the rules are a target planned from the records at this basis. */
  basis?: Basis;
}

/** Where the id comes from: null when it cannot tell (legacy iptables, no nf_tables). */
export interface GenerationSource {
  generation(): number | null;
  /** Identifies the network namespace the id belongs to. */
  namespace(): number;
}

interface Entry {
  ns: number;
  gen: number;
  owned: Owned;
}

/** The file (rules-cache-file.ts): `v` and `f4`/`f6` now; `v4`/`v6` documents before version 2. */
interface FileEntry {
  v?: number;
  ns: number;
  gen: number;
  f4?: StoredTable[];
  f6?: StoredTable[];
  v4?: string;
  v6?: string;
  ufw?: { 4: boolean; 6: boolean };
  basis?: Basis;
}

/** The rules of an entry read from the file, or undefined when it is not one this version trusts. */
function rulesOf(d: FileEntry): { 4: Ruleset; 6: Ruleset } | undefined {
  if (typeof d.gen !== 'number' || typeof d.ns !== 'number') return undefined;
  if (d.v === CACHE_FORMAT) {
    const v4 = loadTables(d.f4, 4);
    const v6 = loadTables(d.f6, 6);
    return v4 && v6 ? { 4: v4, 6: v6 } : undefined;
  }
  // Written by the version before (no `v`): whole documents, still the live rules at `gen`.
  if (d.v !== undefined || typeof d.v4 !== 'string' || typeof d.v6 !== 'string') return undefined;
  return { 4: tablesFromDump(d.v4, 4), 6: tablesFromDump(d.v6, 6) };
}

function isBasis(b: unknown): b is Basis {
  const x = b as Basis | undefined;
  return typeof x?.rev === 'string' && typeof x.ufw?.[4] === 'boolean' && typeof x.ufw[6] === 'boolean';
}

/** The remembered snapshot; every method is cheap and never throws. */
export class RulesCache {
  private entry: Entry | undefined;
  private loaded = false;

  constructor(
    private readonly source: GenerationSource,
    private readonly file?: string,
  ) {}

  /** The generation id now, or null. */
  generation(): number | null {
    return this.source.generation();
  }

  /** The owned rules if they are known to be the live ones at generation `gen` (default: now). */
  current(gen: number | null = this.generation()): Owned | undefined {
    if (gen === null) return undefined;
    let e = this.load();
    // Another command may have moved on since this process read the file.
    if (e?.gen !== gen && this.file) {
      this.loaded = false;
      e = this.load();
    }
    return e && e.gen === gen && e.ns === this.source.namespace() ? e.owned : undefined;
  }

  /**
   * Remembers `owned` as the live rules at `gen`. The file is written once the current
   * work yields (a command's last change is the one that counts, and the process does not
   * exit before the write is done); it is written whole to a temporary file and renamed,
   * so a reader sees an old entry or a new one, and an old one's id no longer matches.
   */
  remember(gen: number, owned: Owned): void {
    this.entry = { ns: this.source.namespace(), gen, owned };
    this.loaded = true;
    if (!this.file) return;
    const pending = this.writing === undefined;
    this.writing = this.entry;
    if (pending) setImmediate(() => this.write());
  }

  private writing: Entry | undefined;

  private write(): void {
    const e = this.writing;
    this.writing = undefined;
    if (!e || !this.file) return;
    const data: FileEntry = {
      v: CACHE_FORMAT,
      ns: e.ns,
      gen: e.gen,
      f4: storeTables(e.owned[4]),
      f6: storeTables(e.owned[6]),
      ...(e.owned.ufw ? { ufw: e.owned.ufw } : {}),
      ...(e.owned.basis ? { basis: e.owned.basis } : {}),
    };
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch {
      // A cache that cannot be written only costs the next command an iptables-save.
    }
  }

  private load(): Entry | undefined {
    if (this.loaded || !this.file) return this.entry;
    this.loaded = true;
    try {
      const d = JSON.parse(readFileSync(this.file, 'utf8')) as FileEntry;
      if (this.entry && this.entry.gen === d.gen && this.entry.ns === d.ns) return this.entry;
      // Chain by chain, as lines: a rule is parsed only when a plan touches its chain.
      const rules = rulesOf(d);
      if (!rules) {
        this.entry = undefined;
      } else {
        const owned: Owned = {
          ...rules,
          ...(d.ufw ? { ufw: d.ufw } : {}),
          ...(isBasis(d.basis) ? { basis: d.basis } : {}),
        };
        this.entry = { ns: d.ns, gen: d.gen, owned };
      }
    } catch {
      this.entry = undefined;
    }
    return this.entry;
  }
}

/**
 * `netctl ufw install|uninstall|check`: plan the files, validate them the way ufw loads them,
 * back them up, write them atomically, and bring the running firewall in line without a
 * `ufw reload` (the block's one chain is loaded or removed with `iptables-restore -n`).
 * Results are data; the CLI prints them.
 */
import { ConflictError, ErrorList, NotFoundError, SystemError, wrap } from '../../errors.js';
import { fileChanges, planInsert, planRemove, type FilePlan } from './plan.js';
import { NETCTL_BLOCK, type BlockKind } from './block-kind.js';
import { observeUfw, type FamilyView, type UfwDeps, type UfwView } from './observe.js';
import { validate } from './validate.js';
import { dropBackups, holdsNetctlBlock } from './backups.js';
import { type MirrorChange, syncInputMirror } from './input-sync.js';
import type { Family } from '../../model/addr.js';

/** What happened to one rules file. */
export interface FileResult {
  plan: FilePlan;
  written: boolean;
  /** The backup of the previous text, when the file was written. */
  backup?: string;
  /** Something the user should know about the validation. */
  note?: string;
  /** Uninstall: netctl's backups of the file removed (or, dry run, to remove) once no block is left in it. */
  backupsRemoved?: string[];
}

/** What happened to the block's chain in one family's running firewall. */
export interface ChainResult {
  family: Family;
  action: 'loaded' | 'current' | 'not-running' | 'removed' | 'emptied' | 'absent' | 'would-load' | 'would-remove';
  /** Rules of netctl's still jumping to the chain (uninstall while they exist only empties it). */
  references?: number;
}

/** The outcome of install, uninstall or check. */
export interface UfwResult {
  view: UfwView;
  files: FileResult[];
  chains: ChainResult[];
  /** True when something is (or, for check and --dry-run, would be) changed. */
  changed: boolean;
  /** The mirror chains of ufw's incoming rules refilled after the block was loaded (input-sync.ts). */
  mirrored?: MirrorChange[];
}

/** Options of install and uninstall. */
export interface ApplyOptions {
  dryRun?: boolean;
  /** Which block (default netctl's own). */
  kind?: BlockKind;
}

function requireUfw(view: UfwView): FamilyView[] {
  if (!view.installed) {
    throw new NotFoundError(
      'ufw rules file',
      view.families[0]!.path,
      'install ufw (apt install ufw) before netctl ufw install',
    );
  }
  return view.families.filter((f) => f.text !== undefined);
}

function stamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}T${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

async function backup(deps: UfwDeps, plan: FilePlan): Promise<string> {
  const info = await deps.files.info(plan.path);
  if (!info) throw new ConflictError(`"${plan.path}" disappeared while netctl was changing it`);
  const base = `${plan.path}.netctl-${stamp(deps.now())}`;
  for (let n = 1; n <= 100; n++) {
    const path = n === 1 ? `${base}.bak` : `${base}-${n}.bak`;
    if (await deps.files.create(path, plan.old, info)) return path;
  }
  throw new ConflictError(`too many backups named "${base}*.bak"`);
}

async function write(deps: UfwDeps, plan: FilePlan): Promise<string> {
  const saved = await backup(deps, plan);
  // Someone else (ufw default ..., an editor) may have written the file since it was read.
  if ((await deps.files.read(plan.path)) !== plan.old) {
    throw new ConflictError(`"${plan.path}" changed while netctl was changing it`, 'run the command again');
  }
  const info = await deps.files.info(plan.path);
  await deps.files.replace(plan.path, plan.new, info!);
  return saved;
}

/** Writes every changed file; if one fails, puts back those already written. */
async function writeAll(deps: UfwDeps, results: FileResult[]): Promise<void> {
  const done: FileResult[] = [];
  try {
    for (const r of results) {
      if (!fileChanges(r.plan)) continue;
      r.backup = await write(deps, r.plan);
      r.written = true;
      done.push(r);
    }
  } catch (err) {
    const undo = new ErrorList();
    for (const r of done.reverse()) {
      const info = await deps.files.info(r.plan.path);
      await undo.attempt('restore', r.plan.path, () => deps.files.replace(r.plan.path, r.plan.old, info!));
      r.written = false;
    }
    undo.throwIfAny();
    throw err;
  }
}

async function restore(deps: UfwDeps, f: FamilyView, doc: string, what: string): Promise<void> {
  const r = await deps.runner.run([f.spec.restore, '-n'], { input: Buffer.from(doc, 'latin1'), timeoutMs: 20_000 });
  if (r.code !== 0)
    throw new SystemError(`${what}: ${f.spec.restore} failed: ${r.stderr.trim() || `exit code ${r.code}`}`);
}

async function loadChain(deps: UfwDeps, f: FamilyView, dryRun: boolean, kind: BlockKind): Promise<ChainResult> {
  if (!f.running) return { family: f.family, action: 'not-running' };
  if (f.chain === 'current') return { family: f.family, action: 'current' };
  if (dryRun) return { family: f.family, action: 'would-load' };
  await restore(
    deps,
    f,
    kind.load?.(f.family, f.live, f.template) ?? f.template,
    `load the netctl block of "${f.path}"`,
  );
  return { family: f.family, action: 'loaded' };
}

async function unloadChain(deps: UfwDeps, f: FamilyView, dryRun: boolean, kind: BlockKind): Promise<ChainResult> {
  if (f.chain === 'absent') return { family: f.family, action: 'absent' };
  const refs = f.references.length;
  if (dryRun) return { family: f.family, action: 'would-remove', references: refs };
  await restore(deps, f, kind.unload(f.family, f.live, refs), `remove the chain of "${f.path}"`);
  return { family: f.family, action: refs > 0 ? 'emptied' : 'removed', references: refs };
}

function changed(files: FileResult[], chains: ChainResult[]): boolean {
  const moved = ['loaded', 'removed', 'emptied', 'would-load', 'would-remove'];
  return files.some((f) => fileChanges(f.plan)) || chains.some((c) => moved.includes(c.action));
}

/**
 * Adds the block to after.rules and after6.rules (validated, backed up, written atomically)
 * and loads its chain where ufw runs. Nothing is written when the files are current; with
 * `dryRun` nothing is written or loaded at all.
 */
export async function installBlock(deps: UfwDeps, opts: ApplyOptions = {}): Promise<UfwResult> {
  const kind = opts.kind ?? NETCTL_BLOCK;
  const view = await observeUfw(deps, kind);
  const fams = requireUfw(view);
  const files: FileResult[] = fams.map((f) => ({
    plan: planInsert(f.family, f.path, f.text!, f.template, kind.markers),
    written: false,
  }));
  for (const [i, r] of files.entries()) {
    if (fileChanges(r.plan)) r.note = await validate(deps, fams[i]!, r.plan, 'install');
  }
  if (!opts.dryRun) await writeAll(deps, files);
  const chains: ChainResult[] = [];
  for (const f of fams) {
    try {
      chains.push(await loadChain(deps, f, opts.dryRun ?? false, kind));
    } catch (err) {
      const wrote = files.filter((r) => r.written).map((r) => r.plan.path);
      throw wrap(
        wrote.length > 0 ? `wrote ${wrote.join(' and ')}, then could not load it into the running firewall` : 'load',
        f.path,
        err,
      );
    }
  }
  const out: UfwResult = { view, files, chains, changed: changed(files, chains) };
  // Loading the block declares (so empties) its mirror chain: fill it before anyone connects.
  if (!opts.dryRun && chains.some((c) => c.action === 'loaded')) out.mirrored = (await syncInputMirror(deps)).changes;
  return out;
}

/**
 * Takes the block out of both files (validated, backed up, written atomically) and removes
 * its chain from the running firewall; a chain netctl's rules still jump to is only emptied,
 * which sends those connections back to netctl's own accept.
 */
export async function uninstallBlock(deps: UfwDeps, opts: ApplyOptions = {}): Promise<UfwResult> {
  const kind = opts.kind ?? NETCTL_BLOCK;
  const view = await observeUfw(deps, kind);
  const fams = requireUfw(view);
  const files: FileResult[] = fams.map((f) => ({
    plan: planRemove(f.family, f.path, f.text!, kind.markers),
    written: false,
  }));
  for (const [i, r] of files.entries()) {
    if (fileChanges(r.plan)) r.note = await validate(deps, fams[i]!, r.plan, 'uninstall');
  }
  if (!opts.dryRun) await writeAll(deps, files);
  const chains: ChainResult[] = [];
  for (const f of view.families) chains.push(await unloadChain(deps, f, opts.dryRun ?? false, kind));
  // Last, so that a failure above leaves them: the file no longer needs them.
  for (const r of files) {
    if (holdsNetctlBlock(r.plan.new)) continue;
    const gone = await dropBackups(deps.files, r.plan.path, opts.dryRun ?? false);
    if (gone.length > 0) r.backupsRemoved = gone;
  }
  return { view, files, chains, changed: changed(files, chains) };
}

/** What install would change, without validating or changing anything. */
export async function checkBlock(deps: UfwDeps, kind: BlockKind = NETCTL_BLOCK): Promise<UfwResult> {
  const view = await observeUfw(deps, kind);
  const fams = requireUfw(view);
  const files: FileResult[] = fams.map((f) => ({
    plan: planInsert(f.family, f.path, f.text!, f.template, kind.markers),
    written: false,
  }));
  const chains = await Promise.all(fams.map((f) => loadChain(deps, f, true, kind)));
  return { view, files, chains, changed: changed(files, chains) };
}

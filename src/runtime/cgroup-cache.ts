/**
 * The host's cgroup layout kept for the boot: finding it means reading /proc/self/mountinfo,
 * which lists every container's root filesystem and network namespace too, so each reading
 * grew with the host (at 1000 containers, ~40 ms per reading, and `rm -f` read it three times).
 * systemd (or the init of a machine) mounts the hierarchies before any unit runs, so the
 * layout is kept in the run root, keyed by the boot and the mount namespace (a process in
 * another one, say a runtime's, sees other mounts), and each kept mount point is checked to
 * still be a cgroup file system before the layout is believed. A host without cgroups is not
 * kept: its layout is looked up each time, so a hierarchy mounted later is seen at once.
 */
import { readFileSync, readlinkSync, renameSync, statfsSync, writeFileSync } from 'node:fs';
import type { CgroupLayout } from './cgroup-plan.js';

/** statfs(2) f_type of cgroup v1 and v2 mounts. */
export const CGROUP_MAGIC = 0x27e0eb;
export const CGROUP2_MAGIC = 0x63677270;

/** The key a kept layout is good for: this boot, this mount namespace. Pure. */
export function layoutKey(bootId: string, mountNs: string): string {
  return `${bootId.trim()} ${mountNs}`;
}

/** The layout kept in TEXT when it was kept under KEY; undefined otherwise (or unreadable). Pure. */
export function parseKeptLayout(text: string, key: string): CgroupLayout | undefined {
  try {
    const d = JSON.parse(text) as { key?: unknown; layout?: CgroupLayout };
    const l = d.layout;
    if (d.key !== key || !l || typeof l !== 'object') return undefined;
    if (l.version === 2 && typeof l.root === 'string' && Array.isArray(l.controllers)) return l;
    if (l.version === 1 && l.mounts && typeof l.mounts === 'object') return l;
  } catch {
    // A torn or foreign file is no layout: it is looked up again and rewritten.
  }
  return undefined;
}

/** Each mount point a layout names, with the file system type it must have. Pure. */
export function layoutMounts(l: CgroupLayout): { dir: string; magic: number }[] {
  if (l.version === 2) return [{ dir: l.root, magic: CGROUP2_MAGIC }];
  return [...new Set(Object.values(l.mounts))].map((dir) => ({ dir, magic: CGROUP_MAGIC }));
}

function stillMounted(l: CgroupLayout): boolean {
  try {
    return layoutMounts(l).every((m) => statfsSync(m.dir).type === m.magic);
  } catch {
    return false;
  }
}

function currentKey(): string | undefined {
  try {
    return layoutKey(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'), readlinkSync('/proc/self/ns/mnt'));
  } catch {
    return undefined;
  }
}

/**
 * The layout kept in FILE for this boot and mount namespace, else `detect()`'s (kept in FILE
 * when there is one); `fresh` looks it up and keeps it whatever FILE holds. A run root that cannot be written only costs the next command a reading.
 */
export function keptLayout(
  file: string,
  detect: () => CgroupLayout | null,
  o: { fresh?: boolean } = {},
): CgroupLayout | null {
  const key = currentKey();
  if (key === undefined) return detect();
  let text = '';
  try {
    if (!o.fresh) text = readFileSync(file, 'utf8');
  } catch {
    // Not kept yet.
  }
  const kept = text ? parseKeptLayout(text, key) : undefined;
  if (kept && stillMounted(kept)) return kept;
  const layout = detect();
  if (layout) {
    try {
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ key, layout })}\n`, { mode: 0o644 });
      renameSync(tmp, file);
    } catch {
      // No run root yet (or read-only): the next command reads mountinfo again.
    }
  }
  return layout;
}

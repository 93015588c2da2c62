/**
 * The backups `netctl ufw install` and `netctl docker install` leave beside ufw's after.rules
 * files (`after.rules.netctl-20261207T165400.bak`, `-2.bak` when two fall in one second).
 * They guard the files while a netctl block is in them; once uninstall has taken the last
 * block out, the file is what it was before netctl touched it and the backups only clutter
 * /etc/ufw (and outlive `apt purge`), so uninstall removes them. Pure names here; the files
 * go through the injected TextFiles.
 */
import { basename, dirname, join } from 'node:path';
import type { TextFiles } from '../../sys/atomic-file.js';

/** Whether NAME is one of netctl's backups of the file named FILE (both base names). Pure. */
export function isBackupOf(file: string, name: string): boolean {
  if (!name.startsWith(`${file}.netctl-`)) return false;
  return /^\d{8}T\d{6}(-\d+)?\.bak$/.test(name.slice(file.length + '.netctl-'.length));
}

/** Whether TEXT still holds a block of any kind of netctl's (`# BEGIN netctl`, `# BEGIN netctl-docker`). Pure. */
export function holdsNetctlBlock(text: string): boolean {
  return /^# BEGIN netctl(-[a-z]+)?[ \t]*$/m.test(text);
}

// `X.bak` before `X-2.bak` before `X-10.bak`: the order they were made in.
const order = (name: string): [string, number] => {
  const m = /^(.*?)(?:-(\d+))?\.bak$/.exec(name) as RegExpExecArray;
  return [m[1] as string, Number(m[2] ?? 1)];
};
const byAge = (a: string, b: string): number => {
  const [[sa, na], [sb, nb]] = [order(a), order(b)];
  return sa < sb ? -1 : sa > sb ? 1 : na - nb;
};

/**
 * Removes (or, with DRY_RUN, only lists) netctl's backups of PATH; the paths, sorted. A backup
 * that vanished meanwhile is not an error.
 */
export async function dropBackups(files: TextFiles, path: string, dryRun: boolean): Promise<string[]> {
  const dir = dirname(path);
  const names = (await files.list(dir)).filter((n) => isBackupOf(basename(path), n)).sort(byAge);
  const paths = names.map((n) => join(dir, n));
  if (!dryRun) for (const p of paths) await files.remove(p);
  return paths;
}

/**
 * Cgroups in a sandbox: its fresh sysfs hides the host's /sys/fs/cgroup, so the hierarchies
 * are carried over (the same ones: a container limited in here is limited for real), and
 * every container's cgroup goes under a parent of the sandbox's own, removed when it ends.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync } from 'node:fs';

/** Bind the host's cgroup mounts aside, before /sys is replaced; `restoreCgroups` puts them back. */
export function saveCgroups(must: (argv: string[]) => void, aside: string): boolean {
  if (!existsSync('/sys/fs/cgroup') || readdirSync('/sys/fs/cgroup').length === 0) return false;
  mkdirSync(aside, { recursive: true });
  must(['mount', '--rbind', '/sys/fs/cgroup', aside]);
  return true;
}

/** Moves the cgroup mounts saved by `saveCgroups` onto the new /sys/fs/cgroup. */
export function restoreCgroups(must: (argv: string[]) => void, aside: string): void {
  must(['mount', '--move', aside, '/sys/fs/cgroup']);
}

/** A parent for this sandbox's containers, exported to everything it runs. */
export function sandboxCgroupParent(): string {
  const parent = `netctl-sandbox-${randomBytes(6).toString('hex')}`;
  process.env.NETCTL_CGROUP_PARENT = parent;
  return parent;
}

function cgroupMounts(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => / - cgroup2? /.test(l))
    .map((l) => l.split(' ')[4]!);
}

function rmTree(dir: string): boolean {
  let ok = true;
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) ok = rmTree(`${dir}/${e.name}`) && ok;
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends every other process of the sandbox (this is its pid 1), then removes the parent's
 * cgroups; a process just killed leaves its cgroup a moment later, hence the retries.
 */
export async function removeSandboxCgroups(parent: string): Promise<void> {
  try {
    process.kill(-1, 'SIGKILL');
  } catch {
    // nothing else runs
  }
  const dirs = cgroupMounts()
    .map((m) => `${m}/${parent}`)
    .filter((d) => existsSync(d));
  for (let i = 0; i < 100 && dirs.length > 0; i++) {
    for (const d of [...dirs]) if (!existsSync(d) || rmTree(d)) dirs.splice(dirs.indexOf(d), 1);
    if (dirs.length > 0) await new Promise((r) => setTimeout(r, 20));
  }
  if (dirs.length > 0) process.stderr.write(`netctl sandbox: cgroups left behind: ${dirs.join(' ')}\n`);
}

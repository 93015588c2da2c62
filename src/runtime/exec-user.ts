/**
 * `exec -u NAME[:GROUP]` in a running container: names are looked up in the container's
 * own /etc/passwd and /etc/group (through /proc/PID/root, its view of its files now), as
 * Docker does.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { parseIdFile } from './image-user.js';

const NUM = /^\d{1,10}$/;

/** Resolves `spec` for the container whose init is PID. */
export async function resolveExecUser(pid: number, spec: string): Promise<{ uid: number; gid: number }> {
  const [u = '', g] = spec.split(':');
  if (!u || spec.split(':').length > 2) throw new UsageError(`invalid --user "${spec}": give USER[:GROUP]`);
  const file = async (f: string) => parseIdFile(await readFile(`/proc/${pid}/root/etc/${f}`, 'utf8').catch(() => ''));
  const passwd = NUM.test(u) && g !== undefined && NUM.test(g) ? [] : await file('passwd');
  const entry = NUM.test(u) ? passwd.find((p) => p.id === Number(u)) : passwd.find((p) => p.name === u);
  if (!entry && !NUM.test(u)) throw new UsageError(`user "${u}" is not in the container's /etc/passwd`);
  const uid = entry?.id ?? Number(u);
  if (g === undefined) return { uid, gid: entry?.gid ?? 0 };
  if (NUM.test(g)) return { uid, gid: Number(g) };
  const group = (await file('group')).find((x) => x.name === g);
  if (!group) throw new UsageError(`group "${g}" is not in the container's /etc/group`);
  return { uid, gid: group.id };
}

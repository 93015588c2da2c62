/**
 * The user a container runs as, as Docker resolves it: `USER[:GROUP]` where each part is a
 * number or a name looked up in the image's /etc/passwd and /etc/group (read from the top
 * layer that has the file, or the flattened rootfs); a user without a group gets its
 * passwd entry's primary group, and a bare uid without an entry gid 0, as in Docker.
 * Names that are not in the image are refused with one clear line.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import type { ImageRecord } from './image-config.js';
import { imageLowers } from './image-lowers.js';
import type { RuntimeRoots } from './paths.js';

/** A resolved user. */
export interface ImageUser {
  uid: number;
  gid: number;
}

/** The text of PATH (`etc/passwd`) in the image: the first lower directory, top down, that has it. */
async function imageFile(r: RuntimeRoots, image: ImageRecord, path: string): Promise<string> {
  for (const dir of await imageLowers(r, image.id)) {
    const text = await readFile(`${dir}/${path}`, 'utf8').catch(() => undefined);
    if (text !== undefined) return text;
  }
  return '';
}

/** `name:x:uid:gid:...` lines as [name, id, gid] rows. Pure. */
export function parseIdFile(text: string): { name: string; id: number; gid: number }[] {
  return text
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 3 && f[0] && /^\d+$/.test(f[2]!))
    .map((f) => ({ name: f[0]!, id: Number(f[2]), gid: /^\d+$/.test(f[3] ?? '') ? Number(f[3]) : Number(f[2]) }));
}

const NUM = /^\d{1,10}$/;

/** Resolves SPEC (`-u` or the image's `User`) in the image; empty means root. */
export async function resolveImageUser(
  r: RuntimeRoots,
  image: ImageRecord,
  spec: string | undefined,
): Promise<ImageUser> {
  if (!spec) return { uid: 0, gid: 0 };
  const [u = '', g] = spec.split(':');
  if (!u || spec.split(':').length > 2) throw new UsageError(`invalid user "${spec}": give USER[:GROUP]`);
  const numeric = NUM.test(u) && (g === undefined || NUM.test(g));
  const passwd = numeric && g !== undefined ? [] : parseIdFile(await imageFile(r, image, 'etc/passwd'));
  const entry = NUM.test(u) ? passwd.find((p) => p.id === Number(u)) : passwd.find((p) => p.name === u);
  if (!entry && !NUM.test(u)) throw new UsageError(`user "${u}" is not in the image's /etc/passwd`);
  const uid = entry?.id ?? Number(u);
  if (g === undefined) return { uid, gid: entry?.gid ?? 0 };
  if (NUM.test(g)) return { uid, gid: Number(g) };
  const group = parseIdFile(await imageFile(r, image, 'etc/group')).find((x) => x.name === g);
  if (!group) throw new UsageError(`group "${g}" is not in the image's /etc/group`);
  return { uid, gid: group.id };
}

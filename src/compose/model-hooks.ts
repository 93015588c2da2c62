/**
 * A service's lifecycle hooks (compose 2.30+): `post_start` commands run in the container
 * once it has started, `pre_stop` ones before it is stopped (each like `exec`, with the
 * service's environment under the hook's own), and `pre_start` steps, each an ephemeral
 * container (the hook's image, or the service's) that shares the service container's
 * volumes and networks and must exit 0 before the service starts. Pure.
 */
import type { ComposeHook, KeyPath, Mapping, Value } from './types.js';
import { asList, asMapping, checkKeys, keyValues } from './parse.js';
import { asBool, asString } from './model-network.js';
import { HOOK, PRE_START_HOOK } from './schema.js';
import { commandWords } from './words.js';
import type { Where } from './where.js';
import { NetctlError } from '../errors.js';
import { parseUser } from '../model/process-options.js';

interface Ctx {
  w: Where;
  warnings: string[];
}

function hook(c: Ctx, path: KeyPath, raw: Value, preStart: boolean): ComposeHook {
  const m: Mapping = asMapping(c.w, path, raw);
  checkKeys(c.w, path, m, preStart ? PRE_START_HOOK : HOOK, c.warnings);
  const cmd = commandWords(c.w, [...path, 'command'], m.command);
  if (!cmd && !preStart) throw c.w.error(path, 'a hook needs a command');
  const h: ComposeHook = { environment: [] };
  if (cmd) h.command = cmd;
  const user = asString(c.w, [...path, 'user'], m.user);
  if (user !== undefined) {
    try {
      parseUser(user);
    } catch (err) {
      if (err instanceof NetctlError) throw c.w.error([...path, 'user'], err.message);
      throw err;
    }
    h.user = user;
  }
  if (asBool(c.w, [...path, 'privileged'], m.privileged)) h.privileged = true;
  const wd = asString(c.w, [...path, 'working_dir'], m.working_dir);
  if (wd !== undefined) h.workingDir = wd;
  const env = keyValues(c.w, [...path, 'environment'], m.environment ?? {});
  h.environment = Object.entries(env)
    .filter(([, x]) => x !== null)
    .map(([k, x]) => `${k}=${String(x)}`);
  const image = asString(c.w, [...path, 'image'], m.image);
  if (image !== undefined) h.image = image;
  // Compose itself refuses per_replica: true for now ("not yet supported").
  if (asBool(c.w, [...path, 'per_replica'], m.per_replica))
    throw c.w.error([...path, 'per_replica'], 'per_replica: true is not supported (compose does not run it either)');
  return h;
}

/** `post_start`, `pre_stop` and `pre_start` of service mapping S; absent when none is given. */
export function serviceHooks(
  c: Ctx,
  path: KeyPath,
  s: Mapping,
): { postStart?: ComposeHook[]; preStop?: ComposeHook[]; preStart?: ComposeHook[] } | undefined {
  const list = (key: string, preStart = false): ComposeHook[] =>
    asList(c.w, [...path, key], s[key] ?? null).map((x, i) => hook(c, [...path, key, i], x, preStart));
  const out = { postStart: list('post_start'), preStop: list('pre_stop'), preStart: list('pre_start', true) };
  const given = Object.fromEntries(Object.entries(out).filter(([, v]) => v.length > 0));
  return Object.keys(given).length > 0 ? given : undefined;
}

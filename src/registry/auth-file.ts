/**
 * Registry credentials in Docker's `config.json` format (`{"auths": {"HOST": {"auth":
 * base64("user:password")}}}`), so logins made with `docker login` work and the other way
 * round. The file is written 0600 through a temporary file and a rename; other keys of it
 * are kept. Passwords are never printed and never put in an error message.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SystemError, wrap } from '../errors.js';
import { authKey } from './reference.js';

/** A user name and password (or token). */
export interface Credentials {
  username: string;
  password: string;
}

/** The default credentials file: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function defaultAuthFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NETCTL_AUTH_FILE) return env.NETCTL_AUTH_FILE;
  if (env.DOCKER_CONFIG) return `${env.DOCKER_CONFIG}/config.json`;
  return `${env.HOME ?? '/root'}/.docker/config.json`;
}

type ConfigDoc = { auths?: Record<string, { auth?: string; username?: string; password?: string }> } & Record<
  string,
  unknown
>;

async function readDoc(file: string): Promise<ConfigDoc> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw wrap('read credentials', file, err);
  }
  try {
    const doc = JSON.parse(text) as unknown;
    if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) return doc as ConfigDoc;
  } catch {
    // Said below, without the text: it may hold secrets.
  }
  throw new SystemError(`read credentials "${file}": not a JSON object`);
}

function entryKey(doc: ConfigDoc, registry: string): string | undefined {
  const auths = doc.auths ?? {};
  const want = authKey(registry);
  return Object.keys(auths).find((k) => k === want || k.replace(/^https?:\/\//, '').replace(/\/.*$/, '') === registry);
}

/** The stored credentials for REGISTRY, if any. */
export async function getCredentials(file: string, registry: string): Promise<Credentials | undefined> {
  const doc = await readDoc(file);
  const key = entryKey(doc, registry);
  const e = key ? doc.auths?.[key] : undefined;
  if (!e) return undefined;
  if (e.username && e.password) return { username: e.username, password: e.password };
  if (!e.auth) return undefined;
  const plain = Buffer.from(e.auth, 'base64').toString('utf8');
  const colon = plain.indexOf(':');
  if (colon < 0) throw new SystemError(`read credentials "${file}": the entry of "${registry}" is malformed`);
  return { username: plain.slice(0, colon), password: plain.slice(colon + 1) };
}

async function writeDoc(file: string, doc: ConfigDoc): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.tmp-${process.pid}`;
    await writeFile(tmp, `${JSON.stringify(doc, null, '\t')}\n`, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, file);
  } catch (err) {
    throw wrap('write credentials', file, err);
  }
}

/** Stores credentials for REGISTRY, replacing any there were. */
export async function setCredentials(file: string, registry: string, creds: Credentials): Promise<void> {
  const doc = await readDoc(file);
  const auths = { ...(doc.auths ?? {}) };
  const old = entryKey(doc, registry);
  if (old) delete auths[old];
  auths[authKey(registry)] = { auth: Buffer.from(`${creds.username}:${creds.password}`).toString('base64') };
  await writeDoc(file, { ...doc, auths });
}

/** Removes the credentials of REGISTRY; false when there were none. */
export async function removeCredentials(file: string, registry: string): Promise<boolean> {
  const doc = await readDoc(file);
  const key = entryKey(doc, registry);
  if (!key) return false;
  const auths = { ...(doc.auths ?? {}) };
  delete auths[key];
  await writeDoc(file, { ...doc, auths });
  return true;
}

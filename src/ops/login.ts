/**
 * `netctl login` / `logout`: credentials checked against the registry (the token dance
 * without a repository scope, as Docker does, or basic auth on `/v2/`) before they are
 * stored in the credentials file; never printed.
 */
import { type Credentials, defaultAuthFile, removeCredentials, setCredentials } from '../registry/auth-file.js';
import { parseChallenge, tokenUrl } from '../registry/challenge.js';
import { readBody, Transport } from '../registry/transport.js';
import { SystemError, UsageError } from '../errors.js';
import { certsDirOf, type RegistryOptions } from './pull.js';

const HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1/']);

/** The registry a login names (`docker.io` when none is given); refuses a URL path or a bad host. */
export function loginRegistry(server: string | undefined): string {
  const s = (server ?? 'docker.io').replace(/^https?:\/\//, '').replace(/\/(v1|v2)?\/?$/, '');
  if (HUB.has(s) || HUB.has(server ?? '')) return 'docker.io';
  if (!/^[a-zA-Z0-9.-]+(?::\d{1,5})?$/.test(s)) throw new UsageError(`invalid registry "${server}": give HOST[:PORT]`);
  return s;
}

function basic(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

function refused(registry: string): SystemError {
  return new SystemError(`login to ${registry}: the registry refused the user name or password`);
}

/** Checks CREDS against REGISTRY's API. */
export async function checkLogin(registry: string, creds: Credentials, o: RegistryOptions): Promise<void> {
  const host = registry === 'docker.io' ? 'registry-1.docker.io' : registry;
  const t = new Transport({ certsDir: certsDirOf(o), insecure: new Set(o.insecure ?? []) });
  const first = await t.send(`${t.base(host)}/v2/`);
  first.resume();
  if (first.statusCode === 200) return;
  const c = first.statusCode === 401 ? parseChallenge(first.headers['www-authenticate'] as string) : undefined;
  if (!c) throw new SystemError(`login to ${registry}: /v2/ answered ${first.statusCode}, not an OCI registry?`);
  const res =
    c.scheme === 'basic'
      ? await t.send(`${t.base(host)}/v2/`, { headers: { authorization: basic(creds) } })
      : await t.send(tokenUrl(c, []), { headers: { authorization: basic(creds) } });
  await readBody(res, 1024 * 1024);
  if (res.statusCode === 401 || res.statusCode === 403) throw refused(registry);
  if (res.statusCode !== 200) throw new SystemError(`login to ${registry}: the registry answered ${res.statusCode}`);
}

/** Checks and stores credentials for SERVER; returns the registry name. */
export async function login(server: string | undefined, creds: Credentials, o: RegistryOptions): Promise<string> {
  const registry = loginRegistry(server);
  if (!creds.username || !creds.password) throw new UsageError('login: a user name and a password are needed');
  await checkLogin(registry, creds, o);
  await setCredentials(o.authFile ?? defaultAuthFile(), registry, creds);
  return registry;
}

/** Removes the stored credentials of SERVER; false when there were none. */
export async function logout(
  server: string | undefined,
  o: RegistryOptions,
): Promise<{ registry: string; removed: boolean }> {
  const registry = loginRegistry(server);
  return { registry, removed: await removeCredentials(o.authFile ?? defaultAuthFile(), registry) };
}

/** What `login` would do, the server and user checked; the registry is not asked. */
export function planLogin(server: string | undefined, username: string | undefined, o: RegistryOptions) {
  const registry = loginRegistry(server);
  if (!username) throw new UsageError('login: give the user name with -u');
  const file = o.authFile ?? defaultAuthFile();
  const notes = [
    `check the credentials of ${username} against ${registry}`,
    `store them for ${registry} in ${file} (mode 0600)`,
  ];
  return { operations: [] as string[], rules: '', notes };
}

/**
 * `/etc/netctl/netctl.conf`: what an operator sets once, as `KEY=VALUE` lines (the format of
 * a systemd EnvironmentFile, so the units read the same file). Every key is an environment
 * variable netctl already honours; the environment wins over the file, and a command-line
 * option over both. `NETCTL_CONFIG` names another file (the tests' way; an empty value reads
 * none). A key netctl does not know, or a value it would refuse, is one error naming the
 * file and line, before any command runs.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { parseCidr } from '../model/addr.js';
import { LOG_LEVELS } from './log.js';

/** The file read when NETCTL_CONFIG is unset. */
export const DEFAULT_CONFIG_PATH = '/etc/netctl/netctl.conf';

/** The keys the file may set, each with its check (a message when the value is bad). */
export const CONFIG_KEYS: Record<string, (v: string) => string | undefined> = {
  NETCTL_ROOT: (v) => (v.startsWith('/') ? undefined : 'an absolute directory'),
  NETCTL_RUN_ROOT: (v) => (v.startsWith('/') ? undefined : 'an absolute directory'),
  DOCKER_HOST: (v) => (/^(unix:\/\/\/|tcp:\/\/)/.test(v) ? undefined : 'unix:///PATH or tcp://HOST:PORT'),
  NETCTL_LOG_LEVEL: (v) => ((LOG_LEVELS as readonly string[]).includes(v) ? undefined : LOG_LEVELS.join(', ')),
  NETCTL_DEFAULT_POOLS: (v) => {
    for (const c of v.split(/[\s,]+/).filter(Boolean)) {
      try {
        parseCidr(c, 'address pool', true);
      } catch {
        return `IPv4 CIDRs separated by spaces ("${c}" is not one)`;
      }
    }
    return v.trim() === '' ? 'at least one IPv4 CIDR' : undefined;
  },
};

function unquote(v: string): string {
  const m = /^"(.*)"$/.exec(v) ?? /^'(.*)'$/.exec(v);
  return m ? (m[1] as string) : v;
}

/** The settings of TEXT (the file at PATH), checked. Pure. */
export function parseConfig(text: string, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new UsageError(`${path}:${i + 1}: not KEY=VALUE: ${JSON.stringify(line)}`);
    const [, key, value] = m as unknown as [string, string, string];
    const check = CONFIG_KEYS[key];
    if (!check)
      throw new UsageError(`${path}:${i + 1}: unknown setting ${key} (known: ${Object.keys(CONFIG_KEYS).join(', ')})`);
    const v = unquote(value.trim());
    const bad = check(v);
    if (bad) throw new UsageError(`${path}:${i + 1}: ${key}=${JSON.stringify(v)}: expected ${bad}`);
    out[key] = v;
  });
  return out;
}

/** Reads the configuration file ENV names (or the default) into ENV where ENV has no value yet. */
export function applyConfigFile(env: NodeJS.ProcessEnv): void {
  const path = env.NETCTL_CONFIG ?? DEFAULT_CONFIG_PATH;
  if (path === '') return;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && env.NETCTL_CONFIG === undefined) return;
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  for (const [k, v] of Object.entries(parseConfig(text, path))) if (env[k] === undefined) env[k] = v;
}

/** The default address pools the configuration names, if any. */
export function configuredPools(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const v = env.NETCTL_DEFAULT_POOLS?.trim();
  return v ? v.split(/[\s,]+/).filter(Boolean) : undefined;
}

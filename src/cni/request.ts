/**
 * A plugin invocation as data: the `CNI_*` environment and the configuration on stdin,
 * parsed and validated the way the spec asks (missing or bad environment: code 4; stdin
 * that is not JSON: code 6; a bad configuration: code 7; an unsupported version: code 1).
 * Pure: the caller passes the environment and the stdin text.
 */
import { CniError } from './error.js';
import { CNI_CODES, type CniAttachment, type CniDns, type CniPortMapping, type CniResult } from './types.js';
import { compareVersions, negotiate } from './version.js';
import { parseNetctlOptions, type NetctlOptions } from './conf-netctl.js';

/** The commands of spec 1.1.0. */
export const COMMANDS = ['ADD', 'DEL', 'CHECK', 'VERSION', 'STATUS', 'GC'] as const;
export type CniCommand = (typeof COMMANDS)[number];

/** The network configuration, as far as netctl reads it. */
export interface NetConf extends NetctlOptions {
  cniVersion: string;
  name: string;
  type: string;
  portMappings: CniPortMapping[];
  prevResult?: CniResult;
  dns?: CniDns;
  /** GC: the attachments the runtime still holds. */
  validAttachments: CniAttachment[];
  /** The whole object, for what a chained plugin passes on. */
  raw: Record<string, unknown>;
}

/** One invocation. */
export interface CniRequest {
  command: CniCommand;
  containerId?: string;
  netns?: string;
  ifname?: string;
  /** `CNI_ARGS` as key/value pairs. */
  args: Record<string, string>;
  path: string[];
  conf: NetConf;
}

// The spec's rules for container ids and network names.
const ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const IFNAME_BAD = /[/:\s\x00-\x1f\x7f]/;

function need(env: Record<string, string | undefined>, name: string): string {
  const v = env[name];
  if (v === undefined || v === '')
    throw new CniError(CNI_CODES.invalidEnv, `required environment variable ${name} is not set`);
  return v;
}

/** Parses `CNI_ARGS` (`K=V;K=V`); a pair without `=` is refused with code 4. */
export function parseCniArgs(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? '').split(';')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CniError(CNI_CODES.invalidEnv, `invalid CNI_ARGS pair "${pair}": expected KEY=VALUE`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** Parses stdin as a JSON object (code 6 otherwise). */
export function parseJsonObject(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new CniError(CNI_CODES.decode, `decode network configuration: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new CniError(CNI_CODES.decode, 'decode network configuration: not a JSON object');
  return v as Record<string, unknown>;
}

function str(o: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const v = o[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v === '')
    throw new CniError(CNI_CODES.invalidConfig, `network configuration: "${key}" must be a non-empty string`);
  return v;
}

/**
 * A key of a JSON object as Go's encoding/json reads it: the exact key, else any key equal to
 * it ignoring case. containerd's go-cni sends `portMappings` as `{"HostPort":8080,...}` (its
 * struct has no JSON tags), which the reference portmap plugin reads that way.
 */
export function goField(o: Record<string, unknown>, key: string): unknown {
  if (key in o) return o[key];
  const k = key.toLowerCase();
  const found = Object.keys(o).find((x) => x.toLowerCase() === k);
  return found === undefined ? undefined : o[found];
}

function portMappings(raw: Record<string, unknown>): CniPortMapping[] {
  const rc = raw.runtimeConfig;
  const list = typeof rc === 'object' && rc !== null ? (rc as Record<string, unknown>).portMappings : undefined;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new CniError(CNI_CODES.invalidConfig, 'runtimeConfig.portMappings must be a list');
  return list.map((m: unknown, i) => {
    const o = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>;
    const port = (k: string): number => {
      const n = goField(o, k);
      if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > 65535)
        throw new CniError(
          CNI_CODES.invalidConfig,
          `runtimeConfig.portMappings[${i}].${k}: invalid port ${JSON.stringify(n)}`,
        );
      return n as number;
    };
    const pm: CniPortMapping = { hostPort: port('hostPort'), containerPort: port('containerPort') };
    const protocol = goField(o, 'protocol');
    const hostIP = goField(o, 'hostIP');
    if (protocol !== undefined && protocol !== '') pm.protocol = String(protocol).toLowerCase();
    if (typeof hostIP === 'string' && hostIP !== '') pm.hostIP = hostIP;
    return pm;
  });
}

function attachments(raw: Record<string, unknown>): CniAttachment[] {
  // libcni sends both names: the spec's text said `cni.dev/attachments` once (containernetworking/cni#1101).
  const list = raw['cni.dev/valid-attachments'] ?? raw['cni.dev/attachments'] ?? [];
  if (!Array.isArray(list)) throw new CniError(CNI_CODES.invalidConfig, '"cni.dev/valid-attachments" must be a list');
  return list.map((a: unknown) => {
    const o = (a ?? {}) as Record<string, unknown>;
    if (typeof o.containerID !== 'string' || typeof o.ifname !== 'string')
      throw new CniError(
        CNI_CODES.invalidConfig,
        `invalid attachment ${JSON.stringify(a)}: needs "containerID" and "ifname"`,
      );
    return { containerID: o.containerID, ifname: o.ifname };
  });
}

/** The configuration, validated; `version` is the negotiated one. */
export function parseConf(raw: Record<string, unknown>): NetConf {
  const cniVersion = negotiate(raw.cniVersion, raw.cniVersions);
  const name = str(raw, 'name', true)!;
  if (!ID.test(name))
    throw new CniError(CNI_CODES.invalidConfig, `invalid network name "${name}": letters, digits, "_", "." and "-"`);
  const conf: NetConf = {
    cniVersion,
    name,
    type: str(raw, 'type', true)!,
    ...parseNetctlOptions(raw, name),
    portMappings: portMappings(raw),
    validAttachments: attachments(raw),
    raw,
  };
  if (raw.prevResult !== undefined) {
    if (typeof raw.prevResult !== 'object' || raw.prevResult === null)
      throw new CniError(CNI_CODES.invalidConfig, '"prevResult" must be an object');
    conf.prevResult = raw.prevResult as CniResult;
  }
  if (typeof raw.dns === 'object' && raw.dns !== null) conf.dns = raw.dns as CniDns;
  return conf;
}

function checkContainerId(id: string): string {
  if (!ID.test(id))
    throw new CniError(CNI_CODES.invalidEnv, `invalid CNI_CONTAINERID "${id}": letters, digits, "_", "." and "-"`);
  return id;
}

function checkIfname(name: string): string {
  if (Buffer.byteLength(name) > 15 || IFNAME_BAD.test(name) || name === '.' || name === '..')
    throw new CniError(CNI_CODES.invalidEnv, `invalid CNI_IFNAME "${name}"`);
  return name;
}

/** Parses an invocation (not VERSION: see {@link parseCommand}). */
export function parseRequest(env: Record<string, string | undefined>, stdin: string): CniRequest {
  const command = parseCommand(env);
  const conf = parseConf(parseJsonObject(stdin));
  if ((command === 'STATUS' || command === 'GC') && compareVersions(conf.cniVersion, '1.1.0') < 0) {
    throw new CniError(
      CNI_CODES.incompatibleVersion,
      `${command} needs cniVersion 1.1.0, the configuration says "${conf.cniVersion}"`,
    );
  }
  const req: CniRequest = {
    command,
    args: parseCniArgs(env.CNI_ARGS),
    path: (env.CNI_PATH ?? '').split(':').filter(Boolean),
    conf,
  };
  if (command === 'ADD' || command === 'DEL' || command === 'CHECK') {
    req.containerId = checkContainerId(need(env, 'CNI_CONTAINERID'));
    req.ifname = checkIfname(need(env, 'CNI_IFNAME'));
    if (command !== 'DEL') req.netns = need(env, 'CNI_NETNS');
    else if (env.CNI_NETNS) req.netns = env.CNI_NETNS;
  }
  return req;
}

/** The command named by `CNI_COMMAND` (code 4 when missing or unknown). */
export function parseCommand(env: Record<string, string | undefined>): CniCommand {
  const c = need(env, 'CNI_COMMAND');
  if (!(COMMANDS as readonly string[]).includes(c))
    throw new CniError(CNI_CODES.invalidEnv, `unknown CNI_COMMAND "${c}"`);
  return c as CniCommand;
}

/**
 * One plugin invocation as the wire sees it: parse, have the request run (body.ts: ops/cni.ts
 * with a Host on the configuration's state directories), and answer as the spec asks: ADD
 * prints its result, VERSION the supported versions, DEL/CHECK/STATUS/GC nothing; any
 * failure prints the error object and exits 1.
 */
import { errorJson, toCniError } from './error.js';
import { parseCommand, parseJsonObject, parseRequest, type CniRequest } from './request.js';
import { LATEST_VERSION, SUPPORTED_VERSIONS, versionResult } from './version.js';

/** What the process prints and how it exits. */
export interface PluginAnswer {
  stdout: string;
  exitCode: number;
}

/** Runs a parsed request (not VERSION) and returns what to print: ops/cni.ts runCni with a Host. */
export type CniRunner = (req: CniRequest, env: Record<string, string | undefined>) => Promise<string>;

/** The state directories: the configuration's, else NETCTL_ROOT / NETCTL_RUN_ROOT, else the defaults. */
export function rootsFor(req: CniRequest, env: Record<string, string | undefined>): { root: string; runRoot: string } {
  return {
    root: req.conf.root ?? env.NETCTL_ROOT ?? '/var/lib/netctl',
    runRoot: req.conf.runRoot ?? env.NETCTL_RUN_ROOT ?? '/run/netctl',
  };
}

function versionAnswer(stdin: string): PluginAnswer {
  let v: unknown;
  try {
    v = parseJsonObject(stdin).cniVersion;
  } catch {
    v = undefined;
  }
  const asked = typeof v === 'string' && (SUPPORTED_VERSIONS as readonly string[]).includes(v) ? v : LATEST_VERSION;
  return { stdout: `${JSON.stringify(versionResult(asked))}\n`, exitCode: 0 };
}

function versionOf(stdin: string): string {
  try {
    const v = parseJsonObject(stdin).cniVersion;
    return typeof v === 'string' && v !== '' ? v : LATEST_VERSION;
  } catch {
    return LATEST_VERSION;
  }
}

/** Runs one invocation. */
export async function runPlugin(
  env: Record<string, string | undefined>,
  stdin: string,
  run: CniRunner,
): Promise<PluginAnswer> {
  try {
    if (parseCommand(env) === 'VERSION') return versionAnswer(stdin);
    const req = parseRequest(env, stdin);
    return { stdout: await run(req, env), exitCode: 0 };
  } catch (err) {
    return { stdout: `${JSON.stringify(errorJson(toCniError(err), versionOf(stdin)))}\n`, exitCode: 1 };
  }
}

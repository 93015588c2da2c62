/**
 * One plugin invocation: parse, open netctl's engine with the configuration's state
 * directories, run the command, and answer as the spec asks: ADD prints its result, VERSION
 * the supported versions, DEL/CHECK/STATUS/GC nothing; any failure prints the error object
 * and exits 1.
 */
import type { Engine } from '../engine/context.js';
import { cniAdd } from './add.js';
import { cniCheck } from './check.js';
import { cniDel, cniGc } from './del.js';
import { CniError, errorJson, toCniError } from './error.js';
import { parseCommand, parseJsonObject, parseRequest, type CniRequest } from './request.js';
import { CNI_CODES } from './types.js';
import { LATEST_VERSION, SUPPORTED_VERSIONS, versionResult } from './version.js';

/** What the process prints and how it exits. */
export interface PluginAnswer {
  stdout: string;
  exitCode: number;
}

/** Opens the engine for a request (the real one: openEngine). */
export type EngineOpener = (roots: { root: string; runRoot: string }) => Promise<Engine>;

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

async function status(open: EngineOpener, req: CniRequest, env: Record<string, string | undefined>): Promise<void> {
  let engine: Engine;
  try {
    engine = await open(rootsFor(req, env));
    engine.kernel.native.closeFd(engine.kernel.native.netnsFd('/proc/self/ns/net'));
  } catch (err) {
    throw new CniError(CNI_CODES.notAvailable, `netctl is not available: ${(err as Error).message}`);
  }
  engine.close();
}

async function dispatch(open: EngineOpener, req: CniRequest, env: Record<string, string | undefined>): Promise<string> {
  if (req.command === 'STATUS') {
    await status(open, req, env);
    return '';
  }
  const engine = await open(rootsFor(req, env));
  try {
    switch (req.command) {
      case 'ADD':
        return `${JSON.stringify(await cniAdd(engine, req))}\n`;
      case 'DEL':
        await cniDel(engine, req);
        return '';
      case 'CHECK':
        await cniCheck(engine, req);
        return '';
      case 'GC':
        await cniGc(engine, req);
        return '';
      default:
        throw new CniError(CNI_CODES.invalidEnv, `unknown CNI_COMMAND "${req.command}"`);
    }
  } finally {
    engine.close();
  }
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
  open: EngineOpener,
): Promise<PluginAnswer> {
  try {
    if (parseCommand(env) === 'VERSION') return versionAnswer(stdin);
    const req = parseRequest(env, stdin);
    return { stdout: await dispatch(open, req, env), exitCode: 0 };
  } catch (err) {
    return { stdout: `${JSON.stringify(errorJson(toCniError(err), versionOf(stdin)))}\n`, exitCode: 1 };
  }
}

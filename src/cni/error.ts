/**
 * The plugin's error: a spec code, a message and details, rendered as the spec's error
 * JSON; and netctl's own errors mapped to codes. Pure.
 */
import { NetctlError } from '../errors.js';
import { CNI_CODES, type CniErrorJson } from './types.js';

/** An error the plugin reports to the runtime. */
export class CniError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly details?: string,
  ) {
    super(message);
    this.name = 'CniError';
  }
}

/** The code for one of netctl's errors (usage: bad config; conflict: taken or exhausted). */
function codeFor(err: NetctlError): number {
  switch (err.code) {
    case 'usage':
      return CNI_CODES.invalidConfig;
    case 'not-found':
      return CNI_CODES.invalidConfig;
    case 'conflict':
      return CNI_CODES.conflict;
    default:
      return CNI_CODES.system;
  }
}

/** Any thrown value as a CniError. */
export function toCniError(err: unknown): CniError {
  if (err instanceof CniError) return err;
  if (err instanceof NetctlError) return new CniError(codeFor(err), err.message, err.hint);
  const msg = err instanceof Error ? err.message : String(err);
  return new CniError(CNI_CODES.system, `internal error: ${msg}`);
}

/** The error as the spec's JSON object. */
export function errorJson(err: CniError, cniVersion: string): CniErrorJson {
  return { cniVersion, code: err.code, msg: err.message, ...(err.details ? { details: err.details } : {}) };
}

/**
 * CNI spec versions: which ones the plugin speaks and how a configuration's `cniVersion`
 * (or 1.1's `cniVersions` list) is chosen. Pure.
 */
import { CNI_CODES } from './types.js';
import { CniError } from './error.js';

/** The versions netctl's plugin implements, oldest first. */
export const SUPPORTED_VERSIONS = ['1.0.0', '1.1.0'] as const;

/** The newest supported version. */
export const LATEST_VERSION = SUPPORTED_VERSIONS[SUPPORTED_VERSIONS.length - 1]!;

function parts(v: string): number[] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Compares two `X.Y.Z` versions (-1, 0, 1); throws on a malformed one. */
export function compareVersions(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  if (!x || !y) throw new CniError(CNI_CODES.decode, `invalid version "${x ? b : a}"`);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
}

/**
 * The version to speak for a configuration: its `cniVersion` when supported; a 1.1
 * configuration's `cniVersions` list may offer others (the highest supported one wins).
 * Refused with code 1 when none is supported.
 */
export function negotiate(cniVersion: unknown, cniVersions?: unknown): string {
  const offered = [...(Array.isArray(cniVersions) ? cniVersions : []), cniVersion].filter(
    (v): v is string => typeof v === 'string',
  );
  if (offered.length === 0) throw new CniError(CNI_CODES.invalidConfig, 'network configuration has no "cniVersion"');
  const ok = offered.filter((v) => (SUPPORTED_VERSIONS as readonly string[]).includes(v));
  if (ok.length === 0) {
    throw new CniError(
      CNI_CODES.incompatibleVersion,
      `incompatible CNI version "${String(cniVersion ?? offered[0])}"`,
      `plugin supports ${SUPPORTED_VERSIONS.join(', ')}`,
    );
  }
  return ok.sort(compareVersions)[ok.length - 1]!;
}

/** The VERSION command's answer. */
export function versionResult(cniVersion: string = LATEST_VERSION): {
  cniVersion: string;
  supportedVersions: string[];
} {
  return { cniVersion, supportedVersions: [...SUPPORTED_VERSIONS] };
}

/**
 * A service's allow rules: `x-netctl.allow` and the `netctl.allow` / `netctl.allow.from`
 * labels, read by the one allow policy (model/allow-decl.ts, model/allow-labels.ts) and
 * checked against the ports the service publishes; errors point at the file's line. Pure.
 */
import type { AllowRule } from '../model/allow.js';
import { AllowDeclError, checkDeclared, declRules } from '../model/allow-decl.js';
import { ALLOW_LABEL, FROM_LABEL, labelRules } from '../model/allow-labels.js';
import { type PortTarget, portWhat, uniqueRules } from '../model/allow-policy.js';
import type { PortRequest } from '../store/index.js';
import { NetctlError } from '../errors.js';
import type { KeyPath, Mapping } from './types.js';
import type { Where } from './where.js';

/** The labels that declare allow rules. */
export { ALLOW_LABEL };
export const ALLOW_FROM_LABEL = FROM_LABEL;

/** The service's published container ports, as the policy selects them. */
function targets(published: readonly PortRequest[]): PortTarget[] {
  return published.map((p) => ({ port: p.containerPort, proto: p.proto ?? 'tcp' }));
}

function extensionRules(w: Where, path: KeyPath, container: string, raw: Mapping, ports: PortTarget[]): AllowRule[] {
  try {
    return declRules(container, raw['x-netctl'], ports);
  } catch (err) {
    if (err instanceof AllowDeclError) throw w.error([...path, 'x-netctl', ...err.path], err.message);
    throw err;
  }
}

function labelled(w: Where, path: KeyPath, container: string, labels: Record<string, string>, ports: PortTarget[]) {
  let rules: AllowRule[];
  try {
    rules = labelRules(container, labels);
  } catch (err) {
    if (err instanceof NetctlError) throw w.error([...path, 'labels'], err.message);
    throw err;
  }
  const at = [...path, 'labels', ALLOW_LABEL];
  for (const r of rules) {
    try {
      checkDeclared([], portWhat(r).replace(/^port /, ''), { ...r, from: null }, ports);
    } catch (err) {
      if (err instanceof AllowDeclError) throw w.error(at, err.message);
      throw err;
    }
  }
  return rules;
}

/** Every allow rule a service declares, without repeats. */
export function serviceAllows(
  w: Where,
  path: KeyPath,
  container: string,
  raw: Mapping,
  labels: Record<string, string>,
  published: readonly PortRequest[],
): AllowRule[] {
  const ports = targets(published);
  return uniqueRules([
    ...extensionRules(w, path, container, raw, ports),
    ...labelled(w, path, container, labels, ports),
  ]);
}

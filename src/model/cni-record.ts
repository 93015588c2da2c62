/**
 * A CNI attachment as a netctl container record of kind `cni`: no process (the runtime
 * owns the namespace at CNI_NETNS), but an endpoint, addresses from netctl's IPAM and
 * published ports like any container, so the firewall planner, `netctl allow`, `ps`,
 * `rules` and `doctor` treat it as one. What the record keeps of the CNI side is in its
 * config under `cni`.
 */
import type { Container } from './container.js';
import { ConflictError } from '../errors.js';

/** The record's config. */
export interface CniRecordConfig {
  kind: 'cni';
  /** Set when the attachment is a Podman 5 container's, made by netctl's netavark plugin. */
  runtime?: 'podman';
  /** The netctl network (what `run --network` would name). */
  network: string;
  cni: {
    /** The CNI network configuration's name. */
    name: string;
    containerId: string;
    ifname: string;
    netns: string;
    /** CNI_ARGS as given. */
    args: Record<string, string>;
  };
}

/** The image column of a CNI record: what `ps` shows. */
export const CNI_IMAGE = '(cni)';

/** The image column of a Podman 5 container attached by netctl's netavark plugin. */
export const PODMAN_IMAGE = '(podman)';

/** Whether a container record is a CNI attachment. */
export function isCniRecord(c: Container): c is Container & { config: CniRecordConfig } {
  return (c.config as { kind?: unknown }).kind === 'cni';
}

/**
 * Whose container a record is: netctl's own, a CNI runtime's attachment, or a Podman 5
 * container's (an attachment made by netctl's netavark plugin), as `ps --json`, `inspect`,
 * `rules` and the TUI name it.
 */
export type RecordKind = 'netctl' | 'cni' | 'podman';

/** The kind of a container record. */
export function recordKind(c: Pick<Container, 'config'>): RecordKind {
  const cfg = c.config as { kind?: unknown; runtime?: unknown };
  if (cfg.kind !== 'cni') return 'netctl';
  return cfg.runtime === 'podman' ? 'podman' : 'cni';
}

/** The CNI attachments of the configuration `name` among `containers`. */
export function cniRecords(
  containers: readonly Container[],
  name?: string,
): (Container & { config: CniRecordConfig })[] {
  return containers.filter(isCniRecord).filter((c) => name === undefined || c.config.cni.name === name);
}

/** Who owns an attachment, for messages: `Kubernetes pod NS/POD`, else the runtime's container id. */
export function cniOwner(c: Container & { config: CniRecordConfig }): string {
  const { args, containerId } = c.config.cni;
  if (c.config.runtime === 'podman') return `Podman container ${args.K8S_POD_NAME ?? containerId.slice(0, 12)}`;
  if (args.K8S_POD_NAME)
    return `Kubernetes pod ${args.K8S_POD_NAMESPACE ? `${args.K8S_POD_NAMESPACE}/` : ''}${args.K8S_POD_NAME}`;
  return `the CNI runtime's container ${containerId.slice(0, 12)}`;
}

/**
 * Refuses `verb` (stop, start, restart, rm) on a CNI attachment: its process and namespace
 * are the runtime's, which stops and starts the pod and calls DEL; netctl acting beside it
 * would leave the runtime's DEL and the pod's network out of step.
 */
export function refuseCniRecord(c: Container, verb: string): void {
  if (!isCniRecord(c)) return;
  throw new ConflictError(
    `cannot ${verb} "${c.name}": it is a CNI attachment owned by ${cniOwner(c)} (network "${c.config.network}"); ${verb} it with that runtime`,
  );
}

/**
 * A CNI attachment as a netctl container record of kind `cni`: no process (the runtime
 * owns the namespace at CNI_NETNS), but an endpoint, addresses from netctl's IPAM and
 * published ports like any container, so the firewall planner, `netctl allow`, `ps`,
 * `rules` and `doctor` treat it as one. What the record keeps of the CNI side is in its
 * config under `cni`.
 */
import type { Container } from './container.js';

/** The record's config. */
export interface CniRecordConfig {
  kind: 'cni';
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

/** Whether a container record is a CNI attachment. */
export function isCniRecord(c: Container): c is Container & { config: CniRecordConfig } {
  return (c.config as { kind?: unknown }).kind === 'cni';
}

/** The CNI attachments of the configuration `name` among `containers`. */
export function cniRecords(
  containers: readonly Container[],
  name?: string,
): (Container & { config: CniRecordConfig })[] {
  return containers.filter(isCniRecord).filter((c) => name === undefined || c.config.cni.name === name);
}

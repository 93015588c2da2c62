/**
 * How a CNI attachment is recorded: its key (network name, CNI_CONTAINERID, CNI_IFNAME,
 * as the spec identifies an attachment) hashed into the record's 64-hex id, so DEL, CHECK
 * and GC find it without a lookup table; and the names it may carry, the runtime's names
 * first (Kubernetes' namespace and pod, Podman's container name), so `netctl allow NAME`
 * names what the user knows. Pure.
 */
import { createHash } from 'node:crypto';

/** The record id of an attachment. */
export function attachmentId(network: string, containerId: string, ifname: string): string {
  return createHash('sha256').update(`cni\0${network}\0${containerId}\0${ifname}`).digest('hex');
}

/** A name made valid for netctl (letters, digits, `_.-`, starting with a letter or digit). */
export function cleanName(s: string): string {
  const c = s
    .replace(/[^a-zA-Z0-9_.-]/g, '-')
    .replace(/^[^a-zA-Z0-9]+/, '')
    .slice(0, 128);
  return c;
}

/**
 * The names to try, best first: `NAMESPACE.POD` (just `POD` when the namespace is absent
 * or is the pod's own name, as older Podman passes it), then with the interface
 * appended (a second attachment of the same pod), then `cni-<container id>-<ifname>`.
 */
export function nameCandidates(args: Readonly<Record<string, string>>, containerId: string, ifname: string): string[] {
  const pod = args.K8S_POD_NAME ? cleanName(args.K8S_POD_NAME) : '';
  const ns = args.K8S_POD_NAMESPACE ? cleanName(args.K8S_POD_NAMESPACE) : '';
  const out: string[] = [];
  if (pod) {
    const base = ns && ns !== pod ? `${ns}.${pod}` : pod;
    out.push(base, `${base}-${ifname}`);
  }
  out.push(cleanName(`cni-${containerId.slice(0, 12)}-${ifname}`));
  return out.filter((n) => n !== '');
}

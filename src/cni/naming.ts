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

function clean(s: string): string {
  return s.replace(/[^a-zA-Z0-9_.-]/g, '-').replace(/^[^a-zA-Z0-9]+/, '');
}

/** A name made valid for netctl (letters, digits, `_.-`, starting with a letter or digit, 128 at most). */
export function cleanName(s: string): string {
  return fitName(clean(s));
}

/** netctl's longest name (model/names.ts). */
const MAX = 128;

/**
 * A name cut to netctl's 128 characters: a longer one keeps its start and ends in 12 hex of
 * its hash, so two long pod names that share their first 115 characters stay apart.
 */
export function fitName(name: string): string {
  if (name.length <= MAX) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 12);
  return `${name.slice(0, MAX - 13)}-${hash}`;
}

/**
 * The names to try, best first: `NAMESPACE.POD` (just `POD` when the namespace is absent
 * or is the pod's own name, as older Podman passes it), then with the interface
 * appended (a second attachment of the same pod), then `cni-<container id>-<ifname>`.
 */
export function nameCandidates(args: Readonly<Record<string, string>>, containerId: string, ifname: string): string[] {
  const pod = args.K8S_POD_NAME ? clean(args.K8S_POD_NAME) : '';
  const ns = args.K8S_POD_NAMESPACE ? clean(args.K8S_POD_NAMESPACE) : '';
  const out: string[] = [];
  if (pod) {
    const base = ns && ns !== pod ? `${ns}.${pod}` : pod;
    // NAMESPACE.POD may be 63 + 1 + 253 characters.
    out.push(fitName(base), fitName(`${base}-${ifname}`));
  }
  out.push(cleanName(`cni-${containerId.slice(0, 12)}-${ifname}`));
  return out.filter((n) => n !== '');
}

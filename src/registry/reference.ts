/**
 * Registry references, `[HOST[:PORT]/]PATH[:TAG][@sha256:HEX]`, with Docker Hub's
 * conventions: no host means `docker.io` (served by registry-1.docker.io), a one-part path
 * there means `library/NAME`, no tag and no digest means `latest`. Pure.
 */
import { UsageError } from '../errors.js';

/** A parsed registry reference. */
export interface RegistryRef {
  /** The registry as named (`docker.io`, `localhost:5000`): the key of credentials and CA dirs. */
  registry: string;
  /** The host[:port] the HTTP API is reached at. */
  endpoint: string;
  /** The repository path (`library/nginx`). */
  repository: string;
  tag?: string;
  digest?: string;
  /** The local name: `nginx` for Docker Hub's library, else `HOST/PATH` or `PATH`. */
  name: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

function bad(given: string, why: string): UsageError {
  return new UsageError(`invalid image reference "${given}": ${why}`);
}

/** Parses a reference as `netctl pull` takes it. */
export function parseRegistryRef(given: string): RegistryRef {
  let rest = given;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(given, `"${digest}" is not a sha256:HEX digest`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(given, `bad tag "${tag}"`);
  }
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  const hasHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasHost ? first : 'docker.io';
  if (hasHost && !HOST.test(first)) throw bad(given, `bad registry host "${first}"`);
  const path = hasHost ? parts.slice(1) : parts;
  if (path.length === 0 || !path.every((p) => COMPONENT.test(p)) || rest.length > 255)
    throw bad(given, 'use lowercase letters, digits and separators (".", "_", "-", "/")');
  const hub = HUB.has(registry.toLowerCase());
  if (hub) registry = 'docker.io';
  const repository = hub && path.length === 1 ? `library/${path[0]}` : path.join('/');
  const name = hub ? repository.replace(/^library\//, '') : `${registry}/${repository}`;
  if (!tag && !digest) tag = 'latest';
  return { registry, endpoint: hub ? 'registry-1.docker.io' : registry, repository, tag, digest, name };
}

/** The reference as Docker prints it (`nginx:latest`, `host:5000/a/b@sha256:...`). */
export function formatRegistryRef(r: RegistryRef): string {
  return `${r.name}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** The key credentials are kept under in config.json (Docker Hub's is its v1 index URL). */
export function authKey(registry: string): string {
  return HUB.has(registry) ? 'https://index.docker.io/v1/' : registry;
}

/**
 * Image references: `NAME[:TAG]` as Docker spells them. Pure.
 */
import { UsageError } from '../errors.js';

/** A parsed reference. */
export interface ImageRef {
  name: string;
  tag: string;
}

// Docker's grammar: path components of lowercase letters and digits joined by ".", "_",
// "__" or "-" runs, optionally behind a registry host[:port].
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d{1,5})?$/;
const TAG = /^[\w][\w.-]{0,127}$/;

function checkName(name: string, given: string): void {
  const parts = name.split('/');
  const first = parts[0] ?? '';
  const hasHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const path = hasHost ? parts.slice(1) : parts;
  const ok =
    name.length <= 255 && (!hasHost || HOST.test(first)) && path.length > 0 && path.every((p) => COMPONENT.test(p));
  if (!ok) {
    throw new UsageError(
      `invalid image name "${given}": use lowercase letters, digits and separators (".", "_", "-", "/"), with an optional :TAG`,
    );
  }
}

/** Parses and normalizes `NAME[:TAG]` (`docker.io/library/x` becomes `x`, the tag defaults to `latest`). */
export function parseImageRef(ref: string): ImageRef {
  if (ref.includes('@'))
    throw new UsageError(`invalid image reference "${ref}": digests are not supported, use NAME[:TAG]`);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const hasTag = colon > slash;
  let name = hasTag ? ref.slice(0, colon) : ref;
  const tag = hasTag ? ref.slice(colon + 1) : 'latest';
  name = name.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\/(?:library\/)?/, '');
  checkName(name, ref);
  if (!TAG.test(tag)) throw new UsageError(`invalid image tag "${tag}" in "${ref}"`);
  return { name, tag };
}

/** `name:tag`. */
export function formatImageRef(ref: ImageRef): string {
  return `${ref.name}:${ref.tag}`;
}

/** Normalized `name:tag` of a user-given reference. */
export function normalizeImageRef(ref: string): string {
  return formatImageRef(parseImageRef(ref));
}

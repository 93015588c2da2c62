/**
 * Uploading to a registry (the OCI distribution spec's push side): a HEAD to learn whether
 * a blob is there, a cross-repository mount (`POST .../blobs/uploads/?mount=D&from=R`), a
 * monolithic upload (POST for a location, then one PUT with the bytes and `?digest=`), and
 * the manifest PUT, whose answer carries the digest the registry computed.
 */
import { createHash } from 'node:crypto';
import { SystemError } from '../errors.js';
import { expectOk, type RegistryClient } from './client.js';

/** Whether the repository has the blob DIGEST. */
export async function blobExists(client: RegistryClient, digest: string): Promise<boolean> {
  const res = await client.request(`blobs/${digest}`, { method: 'HEAD' });
  res.resume();
  if (res.statusCode === 200) return true;
  if (res.statusCode === 404) return false;
  await expectOk(res, `HEAD blob ${digest}`);
  return false;
}

function location(client: RegistryClient, res: { headers: Record<string, unknown> }, what: string): string {
  const loc = res.headers.location;
  if (typeof loc !== 'string' || loc === '')
    throw new SystemError(`${what}: registry ${client.ref.registry} gave no upload location`);
  return loc;
}

/**
 * Asks the registry to mount DIGEST from the repository FROM; true when it did. A registry
 * that cannot (not there, no access) starts an ordinary upload instead: its location is returned.
 */
export async function mountBlob(client: RegistryClient, digest: string, from: string): Promise<true | string> {
  const q = new URLSearchParams({ mount: digest, from });
  const res = await client.request(`blobs/uploads/?${q}`, { method: 'POST', headers: { 'content-length': '0' } });
  res.resume();
  if (res.statusCode === 201) return true;
  await expectOk(res, `mount blob ${digest} from ${from}`);
  return location(client, res, `mount blob ${digest}`);
}

/** Starts an upload; returns its location. */
export async function startUpload(client: RegistryClient): Promise<string> {
  const res = await client.request('blobs/uploads/', { method: 'POST', headers: { 'content-length': '0' } });
  res.resume();
  await expectOk(res, 'start upload');
  return location(client, res, 'start upload');
}

/** What an upload sends: a file or bytes, with their digest and size. */
export interface UploadBody {
  digest: string;
  size: number;
  file?: string;
  bytes?: Buffer;
}

/** Finishes an upload at LOC with one PUT of the whole blob. */
export async function putBlob(client: RegistryClient, loc: string, body: UploadBody): Promise<void> {
  const u = new URL(loc, 'http://x');
  u.searchParams.set('digest', body.digest);
  const path = /^https?:/.test(loc) ? u.toString() : `${u.pathname}${u.search}`;
  const res = await client.request(path, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.size) },
    ...(body.file ? { bodyFile: body.file } : { body: body.bytes ?? Buffer.alloc(0) }),
  });
  res.resume();
  await expectOk(res, `upload blob ${body.digest}`);
}

/** Uploads BODY unless the repository has it; returns whether it was sent. */
export async function uploadBlob(client: RegistryClient, body: UploadBody): Promise<boolean> {
  if (await blobExists(client, body.digest)) return false;
  await putBlob(client, await startUpload(client), body);
  return true;
}

/** PUTs a manifest under REFERENCE (a tag); returns its digest. */
export async function putManifest(
  client: RegistryClient,
  reference: string,
  body: Buffer,
  mediaType: string,
): Promise<string> {
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  const res = await client.request(`manifests/${reference}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType, 'content-length': String(body.length) },
    body,
  });
  res.resume();
  await expectOk(res, `manifest ${reference}`);
  const said = res.headers['docker-content-digest'];
  if (typeof said === 'string' && said !== digest)
    throw new SystemError(`registry stored manifest ${reference} as ${said}, not ${digest}`);
  return digest;
}

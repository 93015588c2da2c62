/**
 * A client of one repository on an OCI distribution registry: manifests and blobs, with
 * the token dance (a 401 with a Bearer challenge: a token from the realm, with the stored
 * credentials when there are some) or basic auth, and redirects followed (credentials are
 * sent only to the registry itself, never to the storage a blob is redirected to).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { NotFoundError, SystemError } from '../errors.js';
import type { Credentials } from './auth-file.js';
import { parseChallenge, tokenOf, tokenUrl } from './challenge.js';
import type { RegistryRef } from './reference.js';
import { readBody, type HttpRequest, type Transport } from './transport.js';

/** Manifest media types netctl reads, best first. */
export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

/** A fetched manifest, its digest checked. */
export interface FetchedManifest {
  body: Buffer;
  mediaType: string;
  digest: string;
}

const MAX_REDIRECTS = 5;

/** The repository of REF on its registry. */
export class RegistryClient {
  private auth: string | undefined;

  constructor(
    readonly ref: RegistryRef,
    private readonly transport: Transport,
    private readonly creds?: Credentials,
    private readonly actions = 'pull',
  ) {}

  private basic(): string | undefined {
    return this.creds
      ? `Basic ${Buffer.from(`${this.creds.username}:${this.creds.password}`).toString('base64')}`
      : undefined;
  }

  private async authorize(res: IncomingMessage): Promise<boolean> {
    const c = parseChallenge(res.headers['www-authenticate'] as string | undefined);
    res.resume();
    if (!c) return false;
    if (c.scheme === 'basic') {
      this.auth = this.basic();
      return this.auth !== undefined;
    }
    const basic = this.basic();
    const scope = `repository:${this.ref.repository}:${this.actions}`;
    const tr = await this.transport.send(tokenUrl(c, [scope]), { headers: basic ? { authorization: basic } : {} });
    const body = await readBody(tr, 1024 * 1024);
    if (tr.statusCode === 401 || tr.statusCode === 403)
      throw new SystemError(`registry ${this.ref.registry} refused the credentials`, {
        hint: this.creds ? 'check them with netctl login' : `log in first: netctl login ${this.ref.registry}`,
      });
    if (tr.statusCode !== 200) throw new SystemError(`token request to ${c.params.realm} answered ${tr.statusCode}`);
    this.auth = `Bearer ${tokenOf(body, c.params.realm ?? '')}`;
    return true;
  }

  /** GETs (or HEADs) a path of the repository's API, authenticating and following redirects. */
  async request(path: string, req: HttpRequest = {}): Promise<IncomingMessage> {
    let url = `${this.transport.base(this.ref.endpoint)}/v2/${this.ref.repository}/${path}`;
    let authed = false;
    for (let hops = 0; hops <= MAX_REDIRECTS; ) {
      const own = new URL(url).host === this.ref.endpoint;
      const headers = { ...req.headers, ...(own && this.auth ? { authorization: this.auth } : {}) };
      const res = await this.transport.send(url, { ...req, headers });
      const status = res.statusCode ?? 0;
      if (status === 401 && own && !authed) {
        authed = true;
        if (await this.authorize(res)) continue;
        throw new SystemError(`registry ${this.ref.registry} asks for credentials`, {
          hint: `log in first: netctl login ${this.ref.registry}`,
        });
      }
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        url = new URL(res.headers.location, url).toString();
        hops++;
        continue;
      }
      return res;
    }
    throw new SystemError(`too many redirects from ${this.ref.registry}`);
  }

  /** The manifest (or index) at a tag or digest, checked against the digest when one was asked for. */
  async manifest(reference: string): Promise<FetchedManifest> {
    const res = await this.request(`manifests/${reference}`, { headers: { accept: MANIFEST_TYPES.join(', ') } });
    if (res.statusCode === 404) {
      res.resume();
      throw new NotFoundError(
        'image',
        `${this.ref.registry}/${this.ref.repository}:${reference}`.replace(':sha256', '@sha256'),
      );
    }
    await expectOk(res, `manifest ${reference}`);
    const body = await readBody(res);
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (reference.startsWith('sha256:') && digest !== reference)
      throw new SystemError(
        `manifest ${reference} from ${this.ref.registry} does not match its digest (got ${digest})`,
      );
    const type = String(res.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    const declared = (JSON.parse(body.toString('utf8')) as { mediaType?: string }).mediaType;
    return { body, mediaType: declared ?? type, digest };
  }

  /** A blob's response, from byte OFFSET on (206) or whole (200) when the registry ignores ranges. */
  async blob(digest: string, offset = 0): Promise<IncomingMessage> {
    const res = await this.request(`blobs/${digest}`, offset > 0 ? { headers: { range: `bytes=${offset}-` } } : {});
    if (res.statusCode === 416) return res;
    await expectOk(res, `blob ${digest}`);
    return res;
  }
}

/** Throws a SystemError naming WHAT unless RES is a 2xx. */
export async function expectOk(res: IncomingMessage, what: string): Promise<void> {
  const s = res.statusCode ?? 0;
  if (s >= 200 && s < 300) return;
  const text = (await readBody(res, 64 * 1024).catch(() => Buffer.alloc(0))).toString('utf8');
  let detail = '';
  try {
    const errs = (JSON.parse(text) as { errors?: { code?: string; message?: string }[] }).errors ?? [];
    detail = errs.map((e) => `${e.code ?? ''} ${e.message ?? ''}`.trim()).join('; ');
  } catch {
    detail = text.slice(0, 200).trim();
  }
  throw new SystemError(`${what}: registry answered ${s}${detail ? ` (${detail})` : ''}`);
}

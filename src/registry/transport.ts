/**
 * HTTPS to registries: the system CAs plus the registry's own CA directory
 * (`CERTS_DIR/HOST[:PORT]/*.crt`, Docker's `/etc/docker/certs.d` convention, with client
 * `*.cert`/`*.key` pairs), plain HTTP or unchecked TLS only for registries named insecure.
 * Every request has a connect and an idle timeout.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { SystemError, wrap } from '../errors.js';

/** How registries are reached. */
export interface TransportOptions {
  /** Per-registry CA directories (default /etc/docker/certs.d). */
  certsDir: string;
  /** Registries (`host[:port]`) reached over plain HTTP, or HTTPS without verification. */
  insecure: ReadonlySet<string>;
  /** Milliseconds without a byte before a request fails (default 30 s). */
  idleMs?: number;
}

/** The default per-registry CA directory. */
export const DEFAULT_CERTS_DIR = '/etc/docker/certs.d';

/** What one request sends. */
export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** A file sent as the body (read anew for each attempt, so a request can be repeated). */
  bodyFile?: string;
}

interface TlsFiles {
  ca?: string[];
  cert?: Buffer;
  key?: Buffer;
}

async function tlsFiles(certsDir: string, host: string): Promise<TlsFiles> {
  const dir = `${certsDir}/${host}`;
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: TlsFiles = {};
  const cas = names.filter((n) => n.endsWith('.crt'));
  if (cas.length)
    out.ca = [...rootCertificates, ...(await Promise.all(cas.map((n) => readFile(`${dir}/${n}`, 'utf8'))))];
  const cert = names.find((n) => n.endsWith('.cert'));
  if (cert && names.includes(cert.replace(/\.cert$/, '.key'))) {
    out.cert = await readFile(`${dir}/${cert}`);
    out.key = await readFile(`${dir}/${cert.replace(/\.cert$/, '.key')}`);
  }
  return out;
}

/** Sends requests to one registry's hosts (and the hosts it redirects to). */
export class Transport {
  private readonly tls = new Map<string, Promise<TlsFiles>>();

  constructor(private readonly opts: TransportOptions) {}

  /** Whether HOST was named insecure. */
  insecure(host: string): boolean {
    return this.opts.insecure.has(host);
  }

  /** The base URL of a registry's API: https, or http for an insecure one. */
  base(host: string): string {
    return `${this.insecure(host) ? 'http' : 'https'}://${host}`;
  }

  /** Sends one request; the response body is left to the caller to read or destroy. */
  async send(url: string, req: HttpRequest = {}): Promise<IncomingMessage> {
    const u = new URL(url);
    const files = u.protocol === 'https:' ? await this.tlsOf(u.host) : {};
    const mod = u.protocol === 'https:' ? https : http;
    const idle = this.opts.idleMs ?? 30_000;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const r = mod.request(
        u,
        {
          method: req.method ?? 'GET',
          headers: { 'user-agent': 'netctl', ...req.headers },
          ...files,
          rejectUnauthorized: !this.insecure(u.host),
          timeout: idle,
        },
        (res) => {
          res.setTimeout(idle, () => res.destroy(new SystemError(`no data from ${u.host} for ${idle / 1000} s`)));
          resolve(res);
        },
      );
      r.on('timeout', () => r.destroy(new SystemError(`no answer from ${u.host} in ${idle / 1000} s`)));
      r.on('error', (e) => reject(wrap('connect to', u.host, e)));
      if (!req.bodyFile) return void r.end(req.body);
      const body = createReadStream(req.bodyFile);
      body.on('error', (e) => r.destroy(e));
      body.pipe(r);
    });
  }

  private tlsOf(host: string): Promise<TlsFiles> {
    let p = this.tls.get(host);
    if (!p) {
      p = tlsFiles(this.opts.certsDir, host);
      this.tls.set(host, p);
    }
    return p;
  }
}

/** Reads a whole response body, refusing one over LIMIT bytes. */
export async function readBody(res: IncomingMessage, limit = 4 * 1024 * 1024): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of res) {
    n += (chunk as Buffer).length;
    if (n > limit) {
      res.destroy();
      throw new SystemError(`response from ${res.url ?? 'the registry'} is larger than ${limit} bytes`);
    }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

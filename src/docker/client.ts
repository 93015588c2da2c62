/**
 * The Docker Engine API over its unix socket, with node's http (no new dependency): a JSON
 * GET, and the `/events` stream as one callback per event. The effect adapter of the Docker
 * integration; everything that decides what to do with the answers is pure (model.ts,
 * routes.ts). A daemon that is absent, stopped, or on a socket this user cannot read gives
 * one clear line (a NotFoundError / SystemError naming the socket).
 */
import { request, type IncomingMessage } from 'node:http';
import { EventLines } from './events.js';
import { NotFoundError, SystemError, UsageError } from '../errors.js';

/** Where Docker listens when nothing else is said. */
export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/** The socket path of `--docker-host`, `DOCKER_HOST`, or Docker's default. */
export function dockerSocket(host?: string): string {
  const text = host ?? (process.env.DOCKER_HOST || DEFAULT_DOCKER_HOST);
  if (text.startsWith('unix://')) {
    const path = text.slice('unix://'.length);
    if (path.startsWith('/')) return path;
  } else if (text.startsWith('/')) {
    return text;
  }
  throw new UsageError(`invalid Docker host "${text}": expected unix:///path/to/docker.sock`);
}

/** One event of `/events` (the fields netctl reads). */
export interface DockerEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

/** What the integration needs from Docker; tests pass a fake. */
export interface DockerApi {
  readonly socket: string;
  /** GET a JSON document; undefined on 404. */
  get<T>(path: string): Promise<T | undefined>;
  /**
   * Follows `/events` until `signal` aborts or the stream ends; resolves when it ends,
   * rejects when it cannot connect.
   */
  events(query: string, onEvent: (e: DockerEvent) => void, signal: AbortSignal, onOpen?: () => void): Promise<void>;
}

const unreachable = new WeakSet<Error>();

/** Whether `err` says the daemon could not be reached at all (no socket, refused, denied). */
export function isDockerUnreachable(err: unknown): boolean {
  return err instanceof Error && unreachable.has(err);
}

function connectError(socket: string, err: NodeJS.ErrnoException): Error {
  const e = connectErrorOf(socket, err);
  unreachable.add(e);
  return e;
}

function connectErrorOf(socket: string, err: NodeJS.ErrnoException): Error {
  switch (err.code) {
    case 'ENOENT':
      return new NotFoundError(
        'Docker socket',
        socket,
        'is Docker running? (systemctl start docker, or --docker-host unix:///path)',
      );
    case 'ECONNREFUSED':
      return new SystemError(`Docker is not running: nothing answers on "${socket}"`, {
        hint: 'systemctl start docker',
      });
    case 'EACCES':
    case 'EPERM':
      return new SystemError(`cannot use Docker's socket "${socket}": permission denied`, {
        hint: 'run as root (netctl changes the firewall)',
      });
    default:
      return new SystemError(`cannot reach Docker at "${socket}": ${err.message}`);
  }
}

function body(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    res.on('data', (d: Buffer) => parts.push(d));
    res.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    res.on('error', reject);
  });
}

/** The Engine API on `socket`; each request times out after `timeoutMs`. */
export function dockerApi(socket: string, timeoutMs = 10_000): DockerApi {
  const get = <T>(path: string): Promise<T | undefined> =>
    new Promise((resolve, reject) => {
      const req = request(
        { socketPath: socket, path, method: 'GET', timeout: timeoutMs, headers: { host: 'docker' } },
        (res) => {
          body(res).then((text) => {
            if (res.statusCode === 404) return resolve(undefined);
            if (res.statusCode !== 200)
              return reject(
                new SystemError(`Docker answered ${res.statusCode} to GET ${path}: ${text.trim().slice(0, 200)}`),
              );
            try {
              resolve(JSON.parse(text) as T);
            } catch (err) {
              reject(new SystemError(`Docker's answer to GET ${path} is not JSON`, { cause: err }));
            }
          }, reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new SystemError(`Docker did not answer GET ${path} within ${timeoutMs} ms ("${socket}")`)),
      );
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(err instanceof SystemError ? err : connectError(socket, err)),
      );
      req.end();
    });

  const events = (
    query: string,
    onEvent: (e: DockerEvent) => void,
    signal: AbortSignal,
    onOpen?: () => void,
  ): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(
        { socketPath: socket, path: `/events?${query}`, method: 'GET', headers: { host: 'docker' }, signal },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            return reject(new SystemError(`Docker answered ${res.statusCode} to GET /events`));
          }
          onOpen?.();
          const lines = new EventLines();
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            for (const e of lines.push(chunk)) onEvent(e);
          });
          res.on('end', () => resolve());
          res.on('error', () => resolve());
          res.on('close', () => resolve());
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) =>
        err.name === 'AbortError' ? resolve() : reject(connectError(socket, err)),
      );
      req.end();
    });

  return { socket, get, events };
}

/**
 * Host-port thinking: which published port a PORT of `netctl allow NAME PORT` means. PORT is
 * the container port, as in ufw-docker, when NAME has a published container port of that
 * number; when it has none, but PORT is the host port of its published mappings, it means
 * those (`-p 8080:80`: `allow web 8080` opens container port 80); when it is a container port
 * and also the host port of another mapping, it is refused as ambiguous, naming both.
 * `:PORT` always means the host port. Rules stay stored by container port either way (ufw
 * route rules match the packet after DNAT, where only the container port is left), so a
 * rule follows the container to another host port. Pure.
 */
import { NotFoundError, UsageError } from '../errors.js';
import { parsePortArg, type PortArg, type PortTarget } from './allow-policy.js';

/** A PORT argument: the port and protocol, and whether it was written `:PORT` (the host port). */
export interface PortWord {
  arg: PortArg;
  host: boolean;
  text: string;
}

/** What the ports of a request came to: container ports, and a line per host port read as such. */
export interface PortsRead {
  /** `[null]`: every published port. */
  ports: (PortArg | null)[];
  /** `host port 8080/tcp is web's container port 80/tcp`, for the output. */
  matched: string[];
}

/** `:8080/tcp` → host port 8080/tcp; `80` → port 80, whichever side it turns out to be. */
export function parsePortWord(text: string): PortWord {
  if (!text.startsWith(':')) return { arg: parsePortArg(text), host: false, text };
  try {
    return { arg: parsePortArg(text.slice(1)), host: true, text };
  } catch (err) {
    // The message names the word as written, colon and all.
    if (err instanceof UsageError) throw new UsageError(err.message.replace(`"${text.slice(1)}"`, `"${text}"`));
    throw err;
  }
}

function protoOk(a: PortArg, t: PortTarget): boolean {
  return t.proto !== 'sctp' && (a.proto === null || a.proto === t.proto);
}

const pp = (t: { port: number; proto: string | null }): string => `${t.port}/${t.proto ?? 'tcp'}`;

/** The container ports that host port mappings lead to, without repeats. */
function containerPorts(hits: readonly PortTarget[]): PortArg[] {
  const seen = new Set<string>();
  return hits
    .filter((t) => !seen.has(pp(t)) && seen.add(pp(t)) !== undefined)
    .map((t) => ({ port: t.port, proto: t.proto as 'tcp' | 'udp' }));
}

function asHost(name: string, w: PortWord, hits: readonly PortTarget[], out: PortsRead): void {
  const to = containerPorts(hits);
  out.ports.push(...to);
  out.matched.push(`host port ${w.arg.port} is ${name}'s container port ${to.map(pp).join(', ')}`);
}

function readOne(name: string, w: PortWord, published: readonly PortTarget[], out: PortsRead): void {
  const a = w.arg;
  const byHost = published.filter((t) => protoOk(a, t) && t.hostPort === a.port);
  if (w.host) {
    if (byHost.length === 0)
      throw new NotFoundError('published host port', `${name} ${w.text}`, `see netctl port ${name} (or docker port)`);
    asHost(name, w, byHost, out);
    return;
  }
  const byContainer = published.filter((t) => protoOk(a, t) && t.port === a.port);
  const other = byHost.filter((t) => t.port !== a.port);
  if (byContainer.length > 0 && other.length > 0) {
    const hosts = [...new Set(byContainer.map((t) => t.hostPort).filter((h) => h !== undefined))];
    throw new UsageError(
      `port "${w.text}" of "${name}" is ambiguous: container port ${pp(byContainer[0]!)}` +
        `${hosts.length ? ` (host port ${hosts.join(', ')})` : ''} or host port ${a.port}` +
        ` (container port ${containerPorts(other).map(pp).join(', ')}); write :HOSTPORT to name one`,
    );
  }
  if (byContainer.length === 0 && other.length > 0) asHost(name, w, other, out);
  else out.ports.push(a);
}

/**
 * The container ports the PORT words of a request on `name` stand for, given what it
 * publishes (`hostPort` filled). A word that matches nothing stays as written, for the
 * caller's "does not publish" refusal; `published` empty (a container that is gone) reads
 * every plain word as a container port and refuses `:PORT`.
 */
export function readPorts(
  name: string,
  texts: readonly string[] | undefined,
  published: readonly PortTarget[],
): PortsRead {
  const out: PortsRead = { ports: [], matched: [] };
  if (!texts || texts.length === 0) return { ports: [null], matched: [] };
  for (const w of texts.map(parsePortWord)) readOne(name, w, published, out);
  const seen = new Set<string>();
  out.ports = out.ports.filter((p) => {
    const k = `${p!.port}/${p!.proto}`;
    return !seen.has(k) && seen.add(k) !== undefined;
  });
  return out;
}

/**
 * The server's sockets in a container's namespace: on the ports a predecessor had (ports.ts),
 * or on free random ones of PORT_RANGE (a port an app in the container took is skipped).
 */
import type { PortPair } from './ports.js';
import { PORT_RANGE } from './redirect.js';

const EADDRINUSE = 98;

/** Makes a socket bound to 127.0.0.11:`port` inside the namespace at `netns`; returns its fd. */
export type SocketMaker = (netns: string, kind: 'udp' | 'tcp', port: number) => number;

/** What binding needs. */
export interface BindDeps {
  makeSocket: SocketMaker;
  closeFd(fd: number): void;
  /** A port to try (random in PORT_RANGE; injected for tests). */
  port?: () => number;
}

function randomPort(): number {
  return PORT_RANGE[0] + Math.floor(Math.random() * (PORT_RANGE[1] - PORT_RANGE[0]));
}

/** Sockets on the ports a predecessor had, or undefined when one is taken now. */
export function bindKept(deps: BindDeps, netns: string, kept: PortPair): [number, number, PortPair] | undefined {
  let udp: number | undefined;
  try {
    udp = deps.makeSocket(netns, 'udp', kept.udp);
    return [udp, deps.makeSocket(netns, 'tcp', kept.tcp), kept];
  } catch {
    if (udp !== undefined) deps.closeFd(udp);
    return undefined;
  }
}

/** A UDP and a TCP socket on free random ports: [udp fd, tcp fd, ports]. */
export function bindPair(deps: BindDeps, netns: string): [number, number, PortPair] {
  const [udpFd, udp] = bindFree(deps, netns, 'udp');
  try {
    const [tcpFd, tcp] = bindFree(deps, netns, 'tcp');
    return [udpFd, tcpFd, { udp, tcp }];
  } catch (err) {
    deps.closeFd(udpFd);
    throw err;
  }
}

/** A socket on a free random port of 127.0.0.11 in `netns`: [fd, port]. */
function bindFree(deps: BindDeps, netns: string, kind: 'udp' | 'tcp'): [number, number] {
  for (let i = 0; ; i++) {
    const port = (deps.port ?? randomPort)();
    try {
      return [deps.makeSocket(netns, kind, port), port];
    } catch (err) {
      if ((err as { errno?: number }).errno !== EADDRINUSE || i >= 10) throw err;
    }
  }
}

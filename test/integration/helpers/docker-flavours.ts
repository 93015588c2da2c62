/**
 * The real Docker daemons the Docker guard's integration tests run against: Debian 12's
 * docker.io 20.10 (installed on the machine by native/setup.sh) and the docker.io that Debian
 * 13 (trixie) and Debian unstable (sid) ship, each from its own Debian userland
 * (test/platforms/userland.sh builds it once per machine, cached under
 * /var/cache/netctl/userlands) run inside the sandbox on the machine's kernel.
 * NETCTL_DOCKER_FLAVOURS=20.10,28.5 picks some of them (default: all).
 */
import { fileURLToPath } from 'node:url';
import { run } from '../../../src/sys/exec.js';

const USERLAND_SH = fileURLToPath(new URL('../../platforms/userland.sh', import.meta.url));

/** One Docker flavour. */
export interface DockerFlavour {
  /** The Docker version, as the tests name it. */
  name: '20.10' | '26.1' | '28.5';
  /** The Debian suite whose userland it runs from; none: the machine's own docker.io. */
  suite?: 'trixie' | 'sid';
  /** Compose: v1 (docker-compose 1.29, names project_service_1) or v2 (project-service-1). */
  compose: 'v1' | 'v2';
  /**
   * Docker 20.10 puts a new network's IPv6 rules in front of FORWARD's jump to DOCKER-USER
   * (moby/moby#42477, fixed in 23.0); the later ones keep the jump first.
   */
  ipv6JumpFirst: boolean;
  /** Docker 28 drops packets routed straight to a container in the raw table ("DROP DIRECT ACCESS"). */
  rawDirectDrop: boolean;
}

/** Every flavour, oldest first. */
export const ALL_FLAVOURS: readonly DockerFlavour[] = [
  { name: '20.10', compose: 'v1', ipv6JumpFirst: false, rawDirectDrop: false },
  { name: '26.1', suite: 'trixie', compose: 'v2', ipv6JumpFirst: true, rawDirectDrop: false },
  { name: '28.5', suite: 'sid', compose: 'v2', ipv6JumpFirst: true, rawDirectDrop: true },
];

/** The flavours this run tests (NETCTL_DOCKER_FLAVOURS, default all); an unknown name throws. */
export function dockerFlavours(env: string | undefined = process.env.NETCTL_DOCKER_FLAVOURS): DockerFlavour[] {
  if (!env) return [...ALL_FLAVOURS];
  return env.split(',').map((n) => {
    const f = ALL_FLAVOURS.find((x) => x.name === n.trim());
    if (!f) throw new Error(`NETCTL_DOCKER_FLAVOURS: unknown Docker "${n}" (known: 20.10, 26.1, 28.5)`);
    return f;
  });
}

/** The userland's directory for `flavour`, built first when absent or stale; undefined for 20.10. */
export async function userlandOf(flavour: DockerFlavour): Promise<string | undefined> {
  if (!flavour.suite) return undefined;
  const r = await run(['sh', USERLAND_SH, flavour.suite], { timeoutMs: 900_000 });
  if (r.code !== 0) throw new Error(`cannot build the ${flavour.suite} userland: ${r.stderr.trim()}`);
  return r.stdout.trim().split('\n').pop()!;
}

/** How long a beforeAll may take that may build a userland (debootstrap: 1.5-3 min, more under load). */
export const USERLAND_HOOK_MS = 900_000;

/**
 * Real Docker inside a sandbox for integration tests: a private dockerd (Debian's docker.io,
 * or that of a Debian userland: docker-flavours.ts; its own data root, exec root, socket and
 * pidfile under the sandbox's /run, cgroups on the sandbox's own /sys) and a busybox image
 * made from busybox-static and `docker load`ed, no registry. Never the machine's Docker:
 * every call names the private socket.
 */
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../../harness/sandbox.js';

const SCRIPTS = fileURLToPath(new URL('../scripts/', import.meta.url));

/** Debian's client (/usr/local/bin/docker may be a newer one that shadows it). */
export const DOCKER_CLI = '/usr/bin/docker';
/** The image the helper loads. */
export const BUSYBOX = 'netctl-test/busybox';

/** A dockerd running in a sandbox. */
export class SandboxDocker {
  readonly host: string;
  readonly env: Record<string, string>;

  private constructor(
    private readonly sb: Sandbox,
    readonly dir: string,
    private readonly ipv6?: string,
    /** The Debian userland the daemon and its clients run from; none: the machine's docker.io. */
    readonly userland?: string,
  ) {
    this.host = `unix://${dir}/docker.sock`;
    this.env = { DOCKER_HOST: this.host };
  }

  /** The argv prefix running a program of the daemon's own userland (its docker client, compose). */
  private tool(path: string): string[] {
    return this.userland ? ['chroot', this.userland, path] : [path];
  }

  /** The env of a client call (a userland's client keeps its config in the sandbox's private /tmp). */
  private clientEnv(): Record<string, string> | undefined {
    return this.userland ? { ...this.env, HOME: '/tmp' } : undefined;
  }

  /**
   * Runs compose against this daemon: docker-compose 1.29 for the machine's docker.io, the
   * userland's `docker compose` (v2, a CLI plugin) otherwise.
   */
  async compose(args: string[]): Promise<string> {
    const argv = this.userland ? [...this.tool(DOCKER_CLI), 'compose'] : ['docker-compose'];
    return this.sb.sh([...argv, ...args], { env: { ...this.env, HOME: '/tmp' }, timeoutMs: 90_000 });
  }

  /**
   * Starts dockerd under `dir` (default /run/netctl-test-docker) and loads the busybox image;
   * `ipv6`: IPv6 with Docker's ip6tables rules, the default bridge on that CIDR.
   */
  static async start(
    sb: Sandbox,
    dir = '/run/netctl-test-docker',
    args: string[] = [],
    opts: { ipv6?: string; userland?: string } = {},
  ): Promise<SandboxDocker> {
    const d = new SandboxDocker(sb, dir, opts.ipv6, opts.userland);
    await d.startDaemon(args);
    await sb.sh(['sh', `${SCRIPTS}docker-image.sh`, `${dir}/img`]);
    await d.docker('load', '-i', `${dir}/img/busybox-docker.tar`);
    return d;
  }

  /** Starts the daemon (again, after stop). */
  async startDaemon(args: string[] = this.lastArgs): Promise<void> {
    this.lastArgs = args;
    const env = {
      ...(this.ipv6 ? { DOCKERD_IPV6: this.ipv6 } : {}),
      ...(this.userland ? { DOCKERD_USERLAND: this.userland } : {}),
    };
    await this.sb.sh(['sh', `${SCRIPTS}dockerd.sh`, this.dir, ...args], { timeoutMs: 60_000, env });
  }

  private lastArgs: string[] = [];

  /** Stops the daemon and waits (45 s at most: a loaded machine) until it is gone (a zombie counts as gone). */
  async stopDaemon(): Promise<void> {
    const gone = 'kill -0 $p 2>/dev/null || exit 0; grep -q "^State:.Z" /proc/$p/status 2>/dev/null && exit 0';
    await this.sb.sh(
      [
        'sh',
        '-c',
        `p=$(cat ${this.dir}/docker.pid) && kill $p && for i in $(seq 450); do ${gone}; sleep 0.1; done; exit 1`,
      ],
      { timeoutMs: 50_000 },
    );
  }

  /** Runs the daemon's own docker client against it; throws with its stderr on failure. */
  async docker(...args: string[]): Promise<string> {
    return this.sb.sh([...this.tool(DOCKER_CLI), '-H', this.host, ...args], {
      timeoutMs: 60_000,
      env: this.clientEnv(),
    });
  }

  /** A container's IPv6 address on its first network ('' when it has none). */
  async ip6(name: string): Promise<string> {
    return (
      await this.docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.GlobalIPv6Address}} {{end}}', name)
    )
      .trim()
      .split(' ')[0]!;
  }

  /** A container's address on its first network. */
  async ip(name: string): Promise<string> {
    return (await this.docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', name))
      .trim()
      .split(' ')[0]!;
  }
}

/** Waits (5 s at most, 50 tries) until `fn` is true; throws naming `what` otherwise. */
export async function until(fn: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * `netctl docker watch` running in the sandbox against `dk` (log in /run/watch.log), started
 * once its pid file is there; `stop` waits (5 s at most) until it is gone.
 */
export async function startDockerWatch(
  sb: Sandbox,
  dk: SandboxDocker,
): Promise<{ pid: number; stop: () => Promise<void> }> {
  const pid = await sb.background(
    ['sh', '-c', `exec node ${process.cwd()}/dist/bin/netctl.js docker watch >>/run/watch.log 2>&1`],
    dk.env,
  );
  await until(
    async () => (await sb.exec(['test', '-e', '/run/netctl/docker-watch.pid'])).code === 0,
    'the watch pid file',
  );
  const stop = async (): Promise<void> => {
    await sb.sh([
      'sh',
      '-c',
      `kill ${pid}; for i in $(seq 50); do kill -0 ${pid} 2>/dev/null || exit 0; sleep 0.1; done; exit 1`,
    ]);
  };
  return { pid, stop };
}

/** Where the scripts are, for tests that run them directly. */
export const DOCKER_SCRIPTS = SCRIPTS;

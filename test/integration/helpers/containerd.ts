/**
 * Real containerd with its CRI plugin inside a sandbox: Debian 13's containerd 1.7 and Debian
 * unstable's 2.1, each from its Debian userland (test/platforms/userland.sh), started by
 * scripts/containerd.sh with a config.toml of its own (CRI enabled, the native snapshotter, a
 * pause image made from busybox-static and imported with `ctr`, the CNI bin and conf dirs
 * given), its gRPC socket on the machine's /tmp so the tests' CRI client reaches it.
 * NETCTL_CONTAINERD_FLAVOURS=1.7,2.1 picks some of them (default: both).
 */
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../../harness/sandbox.js';
import { containerdConfig } from './containerd-config.mjs';
import { type CriClient, criClient } from './cri.js';

const SCRIPTS = fileURLToPath(new URL('../scripts/', import.meta.url));

/** One containerd flavour. */
export interface ContainerdFlavour {
  name: '1.7' | '2.1';
  suite: 'trixie' | 'sid';
}

/** Both flavours, oldest first. */
export const CONTAINERD_FLAVOURS: readonly ContainerdFlavour[] = [
  { name: '1.7', suite: 'trixie' },
  { name: '2.1', suite: 'sid' },
];

/** The flavours this run tests (NETCTL_CONTAINERD_FLAVOURS, default both). */
export function containerdFlavours(env = process.env.NETCTL_CONTAINERD_FLAVOURS): ContainerdFlavour[] {
  if (!env) return [...CONTAINERD_FLAVOURS];
  return env.split(',').map((n) => {
    const f = CONTAINERD_FLAVOURS.find((x) => x.name === n.trim());
    if (!f) throw new Error(`NETCTL_CONTAINERD_FLAVOURS: unknown containerd "${n}" (known: 1.7, 2.1)`);
    return f;
  });
}

export { PAUSE_IMAGE } from './containerd-config.mjs';

/** Where the CNI configuration comes from. */
export interface CniDirs {
  binDir: string;
  confDir: string;
}

/** A containerd running in a sandbox, and a CRI client on its socket. */
export class SandboxContainerd {
  readonly socket: string;
  cri: CriClient;

  private constructor(
    private readonly sb: Sandbox,
    readonly flavour: ContainerdFlavour,
    readonly userland: string,
    /** A directory on the machine's /tmp (the socket, the log, the overlay's mount point). */
    readonly dir: string,
    private readonly copies: string[],
  ) {
    this.socket = `${dir}/containerd.sock`;
    this.cri = criClient(this.socket);
  }

  /**
   * Starts containerd, `copies` (absolute paths the CNI wrapper execs) carried into its root,
   * and imports the pause image.
   */
  static async start(
    sb: Sandbox,
    flavour: ContainerdFlavour,
    userland: string,
    dir: string,
    cni: CniDirs,
    copies: string[] = [],
  ): Promise<SandboxContainerd> {
    const c = new SandboxContainerd(sb, flavour, userland, dir, copies);
    const config = containerdConfig(flavour.name, dir, cni) as string;
    await sb.sh(['sh', '-c', `mkdir -p ${dir} && cat > ${dir}/config.toml`], { input: config });
    await c.startDaemon();
    await sb.sh(['sh', `${SCRIPTS}make-pause-image.sh`, `${dir}/img`], { timeoutMs: 30_000 });
    await c.ctr('images', 'import', '--snapshotter', 'native', '--platform', 'linux/amd64', `${dir}/img/pause.tar`);
    return c;
  }

  /** Starts the daemon (again, after stopDaemon) and waits until the CRI answers. */
  async startDaemon(): Promise<void> {
    await this.sb.sh(
      ['sh', `${SCRIPTS}containerd.sh`, this.userland, this.dir, `${this.dir}/config.toml`, ...this.copies],
      {
        timeoutMs: 60_000,
      },
    );
    this.cri.close();
    this.cri = criClient(this.socket);
    let last: unknown;
    for (let i = 0; i < 100; i++) {
      try {
        await this.cri.version();
        return;
      } catch (err) {
        last = err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`containerd's CRI does not answer: ${String(last)}\n${await this.log()}`);
  }

  /** Stops the daemon (SIGTERM; its shims and pods keep running, as under systemd) and waits until it is gone. */
  async stopDaemon(): Promise<void> {
    const p = `$(cat ${this.dir}/containerd.pid)`;
    await this.sb.sh(
      [
        'sh',
        '-c',
        // A zombie counts as gone: the sandbox's agent, its new parent, may not reap it at once.
        `p=${p}; kill $p; for i in $(seq 200); do kill -0 $p 2>/dev/null || exit 0; grep -q "^State:.Z" /proc/$p/status && exit 0; sleep 0.1; done; exit 1`,
      ],
      { timeoutMs: 30_000 },
    );
  }

  /** Runs the userland's `ctr` in the k8s.io namespace against this daemon. */
  async ctr(...args: string[]): Promise<string> {
    return this.sb.sh(['chroot', `${this.dir}/root`, '/usr/bin/ctr', '-a', this.socket, '-n', 'k8s.io', ...args], {
      timeoutMs: 60_000,
    });
  }

  /** The last lines of containerd's log. */
  async log(lines = 20): Promise<string> {
    return (await this.sb.exec(['tail', `-${lines}`, `${this.dir}/containerd.log`])).stdout;
  }

  close(): void {
    this.cri.close();
  }
}

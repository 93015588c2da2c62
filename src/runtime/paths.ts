/**
 * Where the runtime keeps things. Images and containers' writable layers live under the
 * state root (`<root>/images/<id>`, `<root>/containers/<id>`); what dies with a reboot
 * (mounted rootfs, launcher config, state file, log) under the run root
 * (`<runRoot>/containers/<id>`).
 */
import { installPath } from '../sys/install-root.js';
import { InternalError } from '../errors.js';

/** The two base directories, as in the CLI's global options. */
export interface RuntimeRoots {
  root: string;
  runRoot: string;
}

// Ids become path components: letters, digits, "_", "." and "-", never "." or "..".
const SAFE_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

function checkId(kind: string, id: string): string {
  if (!SAFE_ID.test(id)) throw new InternalError(`invalid ${kind} id "${id}"`);
  return id;
}

/** `<root>/images`. */
export function imagesDir(r: RuntimeRoots): string {
  return `${r.root}/images`;
}

/** Paths of one image. */
export function imagePaths(r: RuntimeRoots, id: string): { dir: string; rootfs: string; config: string } {
  const dir = `${imagesDir(r)}/${checkId('image', id)}`;
  return { dir, rootfs: `${dir}/rootfs`, config: `${dir}/config.json` };
}

/** Paths of one container. */
export interface ContainerPaths {
  /** `<root>/containers/<id>`: the writable layer (overlay upper and work, or the copy). */
  dir: string;
  upper: string;
  work: string;
  /** The rootfs copy when overlayfs is not available. */
  copy: string;
  /** `<runRoot>/containers/<id>`. */
  runDir: string;
  /** Where the container's root filesystem is mounted. */
  rootfs: string;
  /** The launcher's config file (see launcher-config.ts). */
  config: string;
  /** The launcher's state file (see state.ts). */
  state: string;
  /** The json-lines log (see logs.ts). */
  log: string;
  /** The launcher's own error output (setup failures before the state file exists). */
  launcherErr: string;
  /** Files bind-mounted over /etc/hosts, /etc/resolv.conf and /etc/hostname. */
  hosts: string;
  resolv: string;
  hostname: string;
}

/** Paths of one container. */
export function containerPaths(r: RuntimeRoots, id: string): ContainerPaths {
  const dir = `${r.root}/containers/${checkId('container', id)}`;
  const runDir = `${r.runRoot}/containers/${id}`;
  return {
    dir,
    upper: `${dir}/upper`,
    work: `${dir}/work`,
    copy: `${dir}/rootfs`,
    runDir,
    rootfs: `${runDir}/rootfs`,
    config: `${runDir}/launcher.conf`,
    state: `${runDir}/state.json`,
    log: `${runDir}/container.log`,
    launcherErr: `${runDir}/launcher.err`,
    hosts: `${runDir}/hosts`,
    resolv: `${runDir}/resolv.conf`,
    hostname: `${runDir}/hostname`,
  };
}

/** The launcher binary: `NETCTL_LAUNCHER`, or native/build/netctl-launcher of this package. */
export function launcherPath(): string {
  if (process.env.NETCTL_LAUNCHER) return process.env.NETCTL_LAUNCHER;
  // Both src/runtime (tests) and dist/runtime (the CLI) sit two levels below the package root.
  return installPath('native', 'build', 'netctl-launcher');
}

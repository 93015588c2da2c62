/**
 * Which platforms a build makes: this host's only. netctl runs RUN steps natively and has no
 * emulator (binfmt/QEMU), so a foreign `--platform` or `FROM --platform=` is refused before
 * anything is pulled or run, rather than failing later with "exec format error" as Docker's
 * classic builder does without QEMU. Pure.
 */
import { UsageError } from '../../errors.js';
import { DockerfileError } from './errors.js';
import type { BuildPlan } from './types.js';

// The spellings containerd's platforms.Normalize folds into Go's names.
const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', i386: '386' };

/**
 * TEXT (`linux/amd64[/variant]`, `amd64`, `linux`) as `os/arch[/variant]`, the host's parts
 * filling what is left out, as containerd's platforms.Parse does; undefined when malformed.
 */
export function normalizePlatform(text: string, host: string): string | undefined {
  const [hostOs = 'linux', hostArch = ''] = host.split('/');
  const parts = text.trim().toLowerCase().split('/');
  if (parts.some((p) => !/^[a-z0-9_.-]+$/.test(p)) || parts.length > 3) return undefined;
  const arch = (a: string): string => ARCH_ALIASES[a] ?? a;
  if (parts.length === 1) return parts[0] === hostOs ? `${hostOs}/${hostArch}` : `linux/${arch(parts[0]!)}`;
  return [parts[0], arch(parts[1]!), ...parts.slice(2)].join('/');
}

const sameOsArch = (a: string, b: string): boolean =>
  a.split('/').slice(0, 2).join('/') === b.split('/').slice(0, 2).join('/');

/** `--platform P` normalized; a malformed, multiple or foreign platform refused in one line. */
export function buildPlatformOf(requested: string, host: string): string {
  if (requested.includes(','))
    throw new UsageError(`--platform "${requested}": netctl builds one platform, this host's (${host})`);
  const p = normalizePlatform(requested, host);
  if (!p) throw new UsageError(`invalid --platform "${requested}": give OS/ARCH[/VARIANT], e.g. ${host}`);
  if (!sameOsArch(p, host))
    throw new UsageError(
      `--platform "${requested}": netctl builds for this host's platform only (${host}); it runs no emulator`,
    );
  return p;
}

/** Refuses a `FROM --platform=` naming a foreign platform in a stage the build needs, naming its line. */
export function checkStagePlatforms(plan: BuildPlan, host: string): void {
  for (const i of plan.order) {
    const st = plan.stages[i]!;
    if (st.platform === undefined) continue;
    const p = normalizePlatform(st.platform, host);
    if (!p) throw new DockerfileError(st.line, `FROM --platform=${st.platform}: give OS/ARCH[/VARIANT], e.g. ${host}`);
    if (!sameOsArch(p, host))
      throw new DockerfileError(
        st.line,
        `FROM --platform=${st.platform}: netctl builds for this host's platform only (${host}); it runs no emulator`,
      );
  }
}

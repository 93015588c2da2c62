/**
 * A service's lifecycle hooks, as Docker Compose runs them: `post_start` commands in the
 * container once it has started and `pre_stop` ones before it is stopped, each an exec
 * with the hook's user, working directory, environment (over the container's) and, when
 * `privileged`, every capability. Each output line is passed on as `CONTAINER -> LINE`;
 * a hook that exits non-zero fails the command with its last lines (stderr first), as
 * compose's "SERVICE hook exited with status N: ..." does.
 */
import type { ComposeHook, ComposeProject, ComposeService } from '../compose/types.js';
import { labelsOf } from '../compose/observe.js';
import { SERVICE } from '../compose/labels.js';
import { ConflictError, UsageError } from '../errors.js';
import { containerCgroup } from '../engine/container-cgroup.js';
import type { Container } from '../model/container.js';
import { execCaptured } from '../runtime/exec-captured.js';
import { resolveExecUser } from '../runtime/exec-user.js';
import type { ExecOptions } from '../runtime/launch.js';
import { containerPaths } from '../runtime/paths.js';
import { liveStatus, readState } from '../runtime/state.js';
import type { Host } from './host.js';

const TAIL = 10;

/** The hooks of the service container C belongs to in P (none without a project file). */
export function hooksOf(p: ComposeProject | undefined, c: Container): ComposeService['hooks'] {
  return p?.services.find((s) => s.name === labelsOf(c)[SERVICE])?.hooks;
}

/** Runs HOOKS in order in the running container C of SERVICE; the first that fails ends it. */
export async function runHooks(
  host: Host,
  service: string,
  c: Container,
  hooks: readonly ComposeHook[],
  line: (text: string) => void,
): Promise<void> {
  for (const h of hooks) {
    if (!h.command) continue;
    const st = await readState(containerPaths(host.paths, c.id).state);
    if (!st?.pid || liveStatus(st) !== 'running')
      throw new ConflictError(`${service} hook: container "${c.name}" is not running`);
    const cgroups = containerCgroup(c.id, undefined)?.procs;
    const o: ExecOptions = {
      env: h.environment,
      ...(h.workingDir ? { cwd: h.workingDir } : {}),
      ...(h.privileged ? { privileged: true } : {}),
      ...(cgroups ? { cgroups } : {}),
    };
    if (h.user) o.user = await resolveExecUser(st.pid, h.user);
    const tails = { stdout: [] as string[], stderr: [] as string[] };
    const code = await execCaptured(st.pid, h.command, o, (text, stream) => {
      line(`${c.name} -> ${text}`);
      tails[stream].push(text);
      if (tails[stream].length > TAIL) tails[stream].shift();
    });
    if (code !== 0) {
      const tail = (tails.stderr.length ? tails.stderr : tails.stdout).join('\n');
      throw new UsageError(`${service} hook exited with status ${code}${tail ? `: ${tail}` : ''}`);
    }
  }
}

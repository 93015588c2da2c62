/**
 * `netctl allow` / `netctl deny`: on netctl's own containers, or, for a name netctl does not
 * know, on Docker's. Both run through the one transaction (ops/tx.ts), so `--dry-run` gets
 * the plan (ufw's user rules diffs, the forward chain it would load) and the database rolls
 * back. Also the notes a user should read after allowing (ufw off, a block not installed).
 */
import type { AllowRequest, AllowResult } from '../engine/allow.js';
import { planAllow, planDeny } from '../engine/allow.js';
import type { Engine } from '../engine/context.js';
import type { Planned } from '../engine/plan.js';
import { planDockerAllow, planDockerDeny } from '../docker/allow.js';
import { type DockerApi, dockerApi, dockerSocket, isDockerUnreachable } from '../docker/client.js';
import { DOCKER_BLOCK } from '../docker/block-kind.js';
import { blockInstalled } from '../firewall/ufw/block.js';
import { setting } from '../firewall/ufw/observe.js';
import { NetctlError } from '../errors.js';
import { cleanName } from '../cni/naming.js';
import type { Host } from './host.js';
import { type ChangePlan, transactPreview } from './tx.js';

export type { AllowRequest, AllowResult } from '../engine/allow.js';
export type { RouteRule } from '../firewall/ufw/route-rules.js';
export { parseRouteComment, ufwCommand } from '../firewall/ufw/route-rules.js';

/** What allow or deny did, or with `dryRun` would do: the plan and the rules either way. */
export interface AllowOutcome {
  plan: ChangePlan;
  applied: boolean;
  result: AllowResult;
  /** Whether the container is Docker's. */
  docker: boolean;
}

/** Options: `dockerHost` (or `api`, for tests) reaches Docker for a name netctl does not know. */
export interface AllowOptions {
  dryRun?: boolean;
  dockerHost?: string;
  api?: DockerApi;
}

async function run(
  host: Host,
  opts: AllowOptions,
  docker: boolean,
  fn: (engine: Engine) => Promise<Planned<AllowResult>>,
): Promise<AllowOutcome> {
  const out = await transactPreview(host, { dryRun: opts.dryRun === true }, fn);
  return { ...out, docker };
}

/**
 * Allow (or, with `remove`, deny) on a Docker container. A name that is not netctl's while
 * Docker cannot be asked is reported as the unknown container it is, with Docker's state as
 * the hint.
 */
export async function dockerAllowOrDeny(
  host: Host,
  req: AllowRequest,
  remove: boolean,
  opts: AllowOptions = {},
): Promise<AllowOutcome> {
  const api = opts.api ?? dockerApi(dockerSocket(opts.dockerHost));
  try {
    return await run(host, opts, true, (e) => (remove ? planDockerDeny : planDockerAllow)(e, api, req));
  } catch (err) {
    if (!isDockerUnreachable(err)) throw err;
    const why = err instanceof NetctlError ? err.message : String(err);
    throw new NetctlError(
      'not-found',
      `container "${req.name}" not found: not one of netctl's, and Docker cannot be asked (${why})`,
      { hint: err instanceof NetctlError ? err.hint : undefined },
    );
  }
}

/** Allow (or, with `remove`, deny) on netctl's container of that name, else on Docker's. */
export async function allowOrDeny(
  host: Host,
  req: AllowRequest,
  remove: boolean,
  opts: AllowOptions = {},
): Promise<AllowOutcome> {
  const name = knownName(host, req.name, remove);
  if (name === undefined) return dockerAllowOrDeny(host, req, remove, opts);
  const r = name === req.name ? req : { ...req, name };
  return run(host, opts, false, (e) => (remove ? planDeny : planAllow)(e, r));
}

/**
 * The name netctl knows `name` by: itself, or, for a Kubernetes `NAMESPACE.POD` longer than
 * netctl's 128 characters, the shortened name its CNI attachment carries (cni/naming.ts), so
 * `netctl allow` takes the name kubectl shows; for deny, also a name that only kept rules carry.
 */
function knownName(host: Host, name: string, remove: boolean): string | undefined {
  const store = host.store();
  if (store.containers.get(name) !== undefined) return name;
  const fitted = cleanName(name);
  if (fitted !== name && store.containers.get(fitted)?.name === fitted) return fitted;
  // A Kubernetes pod's rules outlive its sandbox (store/schema-pod-allows.ts): deny finds them by name.
  if (!remove) return undefined;
  return [name, fitted].find((n) => store.allows.list(n).length > 0);
}

async function readOr(host: Host, name: string): Promise<string> {
  return (await host.ufw.files.read(`${host.ufw.etc}/${name}`).catch(() => undefined)) ?? '';
}

/**
 * What a user should know after `netctl allow` (`docker`: on a Docker container's rule): a
 * rule only matters while ufw runs and the block sends published ports through ufw. Files
 * only: no process is started.
 */
export async function allowNotes(host: Host, docker = false): Promise<string[]> {
  const notes: string[] = [];
  // No ufw.conf: ufw is not installed, and allow already failed on user.rules.
  if ((setting(await readOr(host, 'ufw.conf'), 'ENABLED') ?? '').toLowerCase() !== 'yes')
    notes.push('note: ufw is not enabled: the rule takes effect once it is (ufw enable)');
  const after = await readOr(host, 'after.rules');
  if (docker) {
    if (!blockInstalled(after, DOCKER_BLOCK.markers))
      notes.push(
        "note: the netctl-docker block is not installed, so ufw does not decide Docker's published ports yet: run netctl docker install",
      );
  } else if (!blockInstalled(after))
    notes.push(
      "note: netctl's ufw block is not installed, so ufw does not decide published ports yet: run netctl ufw install",
    );
  return notes;
}

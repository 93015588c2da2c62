/**
 * The Docker verbs: `netctl docker install|uninstall|check|status|sync`. The block is the
 * ufw verbs' (ops/ufw.ts) with Docker's kind; sync plans Docker's ufw route rules and the
 * move of FORWARD's jump to DOCKER-USER under the database's lock (ops/tx.ts) and returns
 * that plan. The Docker API client comes from `dockerClient`, built once by the adapter.
 */
import { dockerApi, dockerSocket, type DockerApi } from '../docker/client.js';
import { DOCKER_BLOCK } from '../docker/block-kind.js';
import { runningContainers } from '../docker/containers.js';
import { applyForwardJump, planForwardJump, type ForwardMove } from '../docker/forward-jump.js';
import type { DockerContainer } from '../docker/model.js';
import { watchPidFile, watcherPid } from '../docker/pidfile.js';
import { desiredDockerRoutes, refuseBadLabels } from '../docker/routes.js';
import { effectiveRoutes, familyStatus, ipv6Note, portStatus, type DockerStatus } from '../docker/status.js';
import { applyDockerSync, dockerDrift, planDockerSync } from '../docker/sync.js';
import { bridgesMessage, dockerNftBridges, syncDockerBridges } from '../docker/nft-sync.js';
import { dockerBackend, isNftBackend, type DockerBackend } from '../docker/backend.js';
import type { UfwResult } from '../firewall/ufw/apply.js';
import { observeUfw } from '../firewall/ufw/observe.js';
import type { Family } from '../model/addr.js';
import { ufwFamily } from '../firewall/ufw/names.js';
import { hasChain } from '../firewall/ufw/plan.js';
import type { ChangePlan, Planned } from '../engine/plan.js';
import type { Step } from '../model/steps.js';
import type { Host } from './host.js';
import { type Previewed, transactPreview } from './tx.js';
import { changeBlock, checkBlockOf, type BlockOutcome } from './ufw.js';

export type { DockerApi } from '../docker/client.js';
export type { DockerStatus } from '../docker/status.js';
export { isEmptyPlan } from '../engine/plan.js';

/** The Docker Engine API at `--docker-host`, `DOCKER_HOST` or Docker's default socket. */
export function dockerClient(dockerHost?: string, timeoutMs?: number): DockerApi {
  return dockerApi(dockerSocket(dockerHost), timeoutMs);
}

/** `netctl docker install` / `uninstall`: the netctl-docker block in after.rules and its chains. */
export async function dockerBlock(
  host: Host,
  verb: 'install' | 'uninstall',
  opts: { dryRun?: boolean },
): Promise<BlockOutcome & { bridges?: string[] }> {
  const out = await changeBlock(host, verb, DOCKER_BLOCK, opts);
  if (verb !== 'install' || !out.applied) return out;
  // Under Docker's nftables backend the loaded block lets nothing of Docker's through until
  // its bridges chain is filled (nft-bridges.ts): fill it now, not at the watch's next pass.
  const { changes, errors } = await syncDockerBridges(host.ufw);
  return { ...out, bridges: [...changes.map((c) => bridgesMessage(c)), ...errors] };
}

/** `netctl docker check`: the diff `docker install` would make. */
export function dockerCheck(host: Host): Promise<UfwResult> {
  return checkBlockOf(host, DOCKER_BLOCK);
}

/** `netctl docker status`: the block, Docker, the watch loop and each published port. */
export async function dockerStatus(host: Host, api: DockerApi): Promise<DockerStatus> {
  const view = await observeUfw(host.ufw, DOCKER_BLOCK);
  let containers: DockerContainer[] = [];
  let error: string | undefined;
  let backend: DockerBackend | undefined;
  try {
    containers = await runningContainers(api);
    backend = await dockerBackend(api);
  } catch (err) {
    error = (err as Error).message;
  }
  const store = host.store();
  const live6 = view.families.find((f) => f.family === 6)?.live;
  // Docker's filter chain DOCKER exists in a family exactly when it makes iptables rules there;
  // with its nftables backend, when its ip6 table lists a bridge.
  const nft6 = backend && isNftBackend(backend.firewall) && (await dockerNftBridges(host.ufw, 6)).length > 0;
  const ip6tables = live6 === undefined || hasChain(live6, 'DOCKER') || nft6 === true;
  const routes = effectiveRoutes(desiredDockerRoutes(store.dockerAllows.list(), containers), ip6tables);
  const ipv6 = ipv6Note(containers, ip6tables);
  const pid = watcherPid(watchPidFile(host.paths.runRoot));
  return {
    ufw: { active: view.families[0]?.running ?? false, routedPolicy: view.routedPolicy },
    families: familyStatus(view),
    docker: {
      socket: api.socket,
      containers: containers.length,
      ...(backend?.version ? { version: backend.version } : {}),
      ...(backend ? { firewall: backend.firewall } : {}),
      ...(error ? { error } : {}),
    },
    watch: pid === undefined ? { running: false } : { running: true, pid },
    ports: portStatus(containers, routes),
    drift: error || !view.installed ? { missing: [], stale: [] } : await dockerDrift(store, host.ufw, containers),
    ...(ipv6 ? { ipv6 } : {}),
  };
}

/** What a sync found, known for a dry run too. */
export interface DockerSyncResult {
  /** Families where FORWARD's jump to DOCKER-USER is (or would be) moved back on top. */
  moved: Family[];
  /** Labels that were not understood (their container gets no label rules). */
  errors: string[];
  /** Whether ufw's user rules change. */
  changed: boolean;
  /** The paths of ufw's files that change. */
  paths: string[];
  /** How many Docker route rules are wanted. */
  rules: number;
}

/**
 * Plans one sync of Docker's route rules for `containers` (every running one), with the
 * `moves` of FORWARD's jump (planForwardJump); call it under the store's lock (transact
 * does). A failing move goes to `forwardFailed` when given (the watch goes on without it).
 */
export async function planDockerRoutes(
  host: Host,
  containers: readonly DockerContainer[],
  moves: readonly ForwardMove[],
  forwardFailed?: (err: Error) => void,
): Promise<Planned<DockerSyncResult>> {
  const ufw = host.ufw;
  const move = async (): Promise<void> => {
    if (!forwardFailed) return applyForwardJump(ufw, moves);
    await applyForwardJump(ufw, moves).catch((err: Error) => forwardFailed(err));
  };
  const p = await planDockerSync(host.store(), ufw, containers);
  const plan: ChangePlan = {
    operations: [],
    rules: moves.map((m) => `# ${ufwFamily(m.family).restore} --noflush\n${m.doc}`).join(''),
  };
  if (p.changed) plan.files = [p.diff];
  let undo: (() => Promise<void>) | undefined;
  const steps: Step[] = [];
  if (moves.length > 0) steps.push({ describe: "move FORWARD's jump to DOCKER-USER", apply: move });
  if (p.changed)
    steps.push({
      describe: "write Docker's ufw route rules",
      apply: async () => {
        undo = await applyDockerSync(ufw, p);
      },
      undo: async () => undo?.(),
    });
  const paths = p.plan.files.filter((f) => f.text !== f.next).map((f) => f.path);
  const result = {
    moved: moves.map((m) => m.family),
    errors: p.errors,
    changed: p.changed,
    paths,
    rules: p.desired.length,
  };
  return { plan, steps, result };
}

/**
 * `netctl docker sync`: Docker's route rules brought in line with the running containers and
 * FORWARD's jump put back on top; with `dryRun` only the plan. The result is what the plan
 * found, for a dry run too.
 */
export async function dockerSync(
  host: Host,
  api: DockerApi,
  opts: { dryRun?: boolean },
): Promise<Previewed<DockerSyncResult>> {
  const containers = await runningContainers(api);
  // A label the policy refuses refuses the sync, naming it: nothing is changed.
  refuseBadLabels(containers);
  return transactPreview(host, opts, async () => planDockerRoutes(host, containers, await planForwardJump(host.ufw)));
}

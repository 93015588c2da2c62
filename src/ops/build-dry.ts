/**
 * `build --dry-run`: the stages and steps a build would run, each said cached or not, with
 * nothing stored, pulled or run. A step's cache key needs its parent's id, known while every
 * step before it in its stage (and its base) is cached: from the first step that would run
 * on, the rest of the stage would run too, as in the build. COPY and ADD read their sources'
 * checksums (the context, or a cached stage's files through a read-only view) as the build does.
 */
import {
  applyStep,
  type BuildPlan,
  beginStage,
  type CopyStep,
  cacheKey,
  filesChecksum,
  type OciConfig,
  resolveCopySources,
  resolveStage,
  type Step,
} from '../model/dockerfile/api.js';
import type { ApplyState } from '../model/dockerfile/config.js';
import { NetctlError } from '../errors.js';
import { baseDocument } from '../runtime/image-doc.js';
import { hasImage, resolveImage } from '../runtime/image-store.js';
import { normalizeImageRef } from '../runtime/image-ref.js';
import { withImageView } from '../runtime/image-view.js';
import type { BuildOptions } from './build.js';
import { loadBuildPlan, netName, urlDigests } from './build-load.js';
import { runArgv } from './build-run.js';
import { fileMetas, listTree, readContext, type SourceTree } from './build-tree.js';
import type { Host } from './host.js';
import type { ChangePlan } from './tx.js';

/** One step of the dry run. */
export interface PlannedBuildStep {
  stage: number;
  n: number;
  total: number;
  line: number;
  text: string;
  cached: boolean;
}

/** What `build --dry-run` prints. */
export interface BuildDryRun extends ChangePlan {
  steps: PlannedBuildStep[];
  /** FROM and COPY --from images that would be pulled. */
  pulls: string[];
  tags: string[];
}

interface Walk {
  host: Host;
  plan: BuildPlan;
  o: BuildOptions;
  context: SourceTree;
  /** A stage's image id when every step of it is cached. */
  stageIds: Map<number, string | undefined>;
  stageConfigs: Map<number, OciConfig>;
  pulls: string[];
}

// A stored image's id and config, or undefined (it would be pulled).
async function localImage(w: Walk, ref: string): Promise<{ id: string; config: OciConfig } | undefined> {
  if (w.o.pull) return void w.pulls.push(ref);
  try {
    const rec = await resolveImage(w.host.paths, ref);
    const doc = await baseDocument(w.host.paths, rec.id, rec.layers ?? []);
    return { id: rec.id, config: doc.config as OciConfig };
  } catch (err) {
    if (err instanceof NetctlError && err.code === 'not-found') return void w.pulls.push(ref);
    throw err;
  }
}

async function cachedId(w: Walk, key: string): Promise<string | undefined> {
  if (w.o.noCache) return undefined;
  const hit = w.host.store().buildCache.get(key);
  return hit && (await hasImage(w.host.paths, hit.imageId)) ? hit.imageId : undefined;
}

// The checksum part of a COPY/ADD key, or undefined when its source is not built yet.
async function copyFiles(w: Walk, step: CopyStep, workdir: string): Promise<string | undefined> {
  const from = step.from;
  const id =
    from.kind === 'context'
      ? undefined
      : from.kind === 'stage'
        ? w.stageIds.get(from.index)
        : (await localImage(w, from.ref))?.id;
  if (from.kind !== 'context' && !id) return undefined;
  const sum = async (tree: SourceTree) => {
    const plan = resolveCopySources(step, tree.files, workdir);
    return filesChecksum(await fileMetas(tree, plan.matched)) + (await urlDigests(plan));
  };
  return from.kind === 'context'
    ? sum(w.context)
    : withImageView(w.host.paths, id, async (r) => sum(await listTree(r)));
}

async function stepKey(w: Walk, parent: string, step: Step, config: OciConfig): Promise<string | undefined> {
  if (step.kind !== 'COPY' && step.kind !== 'ADD') return cacheKey({ parent, step });
  const files = await copyFiles(w, step, config.WorkingDir ?? '/');
  return files === undefined ? undefined : cacheKey({ parent, step, files });
}

async function stageBase(
  w: Walk,
  index: number,
): Promise<{ id: string | undefined; known: boolean; config: OciConfig }> {
  const base = w.plan.stages[index]!.base;
  if (base.kind === 'scratch') return { id: undefined, known: true, config: {} };
  if (base.kind === 'stage') {
    const id = w.stageIds.get(base.index);
    return { id, known: id !== undefined, config: w.stageConfigs.get(base.index) ?? {} };
  }
  const img = await localImage(w, base.ref);
  return { id: img?.id, known: img !== undefined, config: img?.config ?? {} };
}

async function walkStage(w: Walk, index: number, out: BuildDryRun): Promise<void> {
  let { id, known, config } = await stageBase(w, index);
  const steps = resolveStage(w.plan, index, config).steps;
  config = beginStage(config);
  let state: ApplyState = { cmdSet: false };
  for (const [i, step] of steps.entries()) {
    const key = known ? await stepKey(w, id ? `sha256:${id}` : 'scratch', step, config) : undefined;
    const hit = key ? await cachedId(w, key) : undefined;
    known = hit !== undefined;
    id = hit;
    ({ config, state } = applyStep(config, step, state));
    out.steps.push({
      stage: index,
      n: i + 1,
      total: steps.length,
      line: step.line,
      text: step.original,
      cached: known,
    });
    if (step.kind === 'RUN' && !known) out.processes!.push(runArgv(step));
  }
  w.stageIds.set(index, known ? id : undefined);
  w.stageConfigs.set(index, config);
}

/** What `build` would do with O, nothing changed (see the module comment). */
export async function planBuildRun(host: Host, o: BuildOptions): Promise<BuildDryRun> {
  const plan = await loadBuildPlan(host, o);
  const w: Walk = {
    host,
    plan,
    o,
    context: await readContext(o.context),
    stageIds: new Map(),
    stageConfigs: new Map(),
    pulls: [],
  };
  const tags = (o.tags ?? []).map((t) => normalizeImageRef(t));
  const out: BuildDryRun = { operations: [], rules: '', processes: [], notes: [], steps: [], pulls: w.pulls, tags };
  for (const index of plan.order) await walkStage(w, index, out);
  const run = out.steps.filter((s) => !s.cached).length;
  out.notes = [
    ...[...new Set(w.pulls)].map((r) => `pull ${r}`),
    ...out.steps.map((s) => `#${s.stage} [${s.n}/${s.total}] ${s.text}${s.cached ? '  CACHED' : ''}`),
    `${run} of ${out.steps.length} steps would run (RUN in containers on network ${netName(o.network)})`,
    ...Object.entries(o.labels ?? {}).map(([k, v]) => `label the image ${k}=${v}`),
    ...tags.map((t) => `tag ${t}`),
  ];
  return out;
}

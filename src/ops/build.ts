/**
 * `build`: a Dockerfile run stage by stage (only those the target needs). Every step makes an
 * image, untagged and stored as any other, whose cache key (parent, step, files' checksum)
 * the build cache maps to it: a step whose key is cached is not run again. Metadata steps
 * change the config only, RUN runs in a container (build-run.ts), COPY/ADD write their files
 * (build-copy.ts). A failing step names its instruction and line; what the failed step
 * started is removed, what earlier steps made stays cached.
 */
import {
  applyStep,
  type BuildPlan,
  type CopyStep,
  cacheKey,
  filesChecksum,
  type OciConfig,
  resolveCopySources,
  resolveStage,
  type Step,
} from '../model/dockerfile/api.js';
import { type ApplyState, beginStage } from '../model/dockerfile/config.js';
import { DockerfileError } from '../model/dockerfile/errors.js';
import {
  baseDocument,
  type ImageDoc,
  imageDocumentId,
  scratchDocument,
  storeImageDocument,
} from '../runtime/image-doc.js';
import { hasImage, readImage, readRawConfig, tagImage } from '../runtime/image-store.js';
import { resolveImageUser } from '../runtime/image-user.js';
import { withImageView } from '../runtime/image-view.js';
import { layeredBase } from '../runtime/layer-from-dir.js';
import { sweepLayerTemps } from '../runtime/layer-store.js';
import { type LayerPin, pinLayers } from '../runtime/layer-pins.js';
import { normalizeImageRef } from '../runtime/image-ref.js';
import type { LogEntry } from '../runtime/logs.js';
import { NetctlError, UsageError } from '../errors.js';
import { loadBuildPlan, netName, urlDigests } from './build-load.js';
import { copyLayer } from './build-copy.js';
import { runLayer } from './build-run.js';
import { sweepBuildContainers } from './build-sweep.js';
import { fileMetas, listTree, readContext, type SourceTree } from './build-tree.js';
import type { Host } from './host.js';
import { ensureImage } from './pull-policy.js';

/** What `build` takes. */
export interface BuildOptions {
  context: string;
  /** The Dockerfile's path (default CONTEXT/Dockerfile). */
  file?: string;
  tags?: string[];
  buildArgs?: Record<string, string>;
  target?: string;
  noCache?: boolean;
  pull?: boolean;
  network?: string;
  labels?: Record<string, string>;
  platform?: string;
}

/** What the build tells as it goes. */
export interface BuildEvents {
  step?(e: { stage: number; n: number; total: number; text: string; cached: boolean }): void;
  output?(e: LogEntry): void;
  warn?(line: string): void;
}

/** What a build made. */
export interface BuildResult {
  id: string;
  tags: string[];
  steps: number;
  cached: number;
}

type StepAt = { stage: number; n: number; total: number };

interface Current {
  id: string | undefined;
  doc: ImageDoc;
  config: OciConfig;
  state: ApplyState;
}

class Builder {
  readonly stages = new Map<number, string>();
  steps = 0;
  cached = 0;
  constructor(
    readonly host: Host,
    readonly plan: BuildPlan,
    readonly context: SourceTree,
    readonly o: BuildOptions,
    readonly ev: BuildEvents,
    readonly pin: LayerPin,
  ) {}

  /** Keeps image ID and its layers from a concurrent prune until the build ends; false: it is gone. */
  private async hold(id: string): Promise<boolean> {
    const rec = await readImage(this.host.paths, id).catch(() => undefined);
    if (!rec) return false;
    await this.pin.add([id, ...(rec.layers ?? [])]);
    // A prune that ran before the pin was written may have taken it.
    return hasImage(this.host.paths, id);
  }

  private readonly pinLayer = (diffId: string): Promise<void> => this.pin.add([diffId]);

  private async base(index: number): Promise<Current> {
    const st = this.plan.stages[index]!;
    let id: string | undefined;
    if (st.base.kind === 'stage') id = this.stages.get(st.base.index);
    else if (st.base.kind === 'image') {
      const policy = this.o.pull ? 'always' : 'missing';
      id = (
        await ensureImage(this.host, st.base.ref, policy).catch((err: Error) => {
          throw new DockerfileError(st.line, `${st.original}: ${err.message}`);
        })
      ).id;
      if (!(await this.hold(id))) throw new DockerfileError(st.line, `${st.original}: the image was removed meanwhile`);
    }
    if (!id) {
      const doc = scratchDocument();
      return { id: undefined, doc, config: {}, state: { cmdSet: false } };
    }
    const raw = await readRawConfig(this.host.paths, id);
    const layers = raw ? (await readImage(this.host.paths, id)).layers! : await layeredBase(this.host.paths, id);
    await this.pin.add(layers);
    const doc = await baseDocument(this.host.paths, id, layers);
    return { id, doc, config: doc.config as OciConfig, state: { cmdSet: false } };
  }

  async stage(index: number): Promise<string | undefined> {
    let cur = await this.base(index);
    const steps = resolveStage(this.plan, index, cur.config).steps;
    cur.config = beginStage(cur.config);
    for (const [i, step] of steps.entries()) {
      this.steps++;
      cur = await this.step(cur, step, { stage: index, n: i + 1, total: steps.length });
    }
    if (index === this.plan.target && this.o.labels && Object.keys(this.o.labels).length) {
      cur.config = { ...cur.config, Labels: { ...cur.config.Labels, ...this.o.labels } };
      cur = await this.store(cur);
    }
    return cur.id;
  }

  private async store(cur: Current): Promise<Current> {
    const doc: ImageDoc = {
      ...cur.doc,
      config: cur.config as Record<string, unknown>,
      created: new Date().toISOString(),
    };
    // Pinned before it is stored: an untagged step image is what `image prune` takes first.
    await this.pin.add([imageDocumentId(doc)]);
    const rec = await storeImageDocument(this.host.paths, doc, 'build', cur.id);
    return { ...cur, id: rec.id, doc };
  }

  private async copySource(step: CopyStep): Promise<{ tree: SourceTree; done: () => Promise<void> }> {
    if (step.from.kind === 'context') return { tree: this.context, done: async () => undefined };
    const id =
      step.from.kind === 'stage'
        ? this.stages.get(step.from.index)
        : (await ensureImage(this.host, step.from.ref, this.o.pull ? 'always' : 'missing')).id;
    if (id && !(await this.hold(id))) throw new UsageError(`the image of --from was removed meanwhile`);
    // The view stays mounted until the copy is done: a promise the caller releases.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let ready!: (t: SourceTree) => void;
    const tree = new Promise<SourceTree>((r) => (ready = r));
    const held = withImageView(this.host.paths, id, async (root) => {
      ready(await listTree(root));
      await released;
    });
    return { tree: await tree, done: () => (release(), held) };
  }

  private async copyStep(cur: Current, step: CopyStep, key: (files?: string) => string): Promise<Current | string> {
    const src = await this.copySource(step);
    try {
      const plan = resolveCopySources(step, src.tree.files, cur.config.WorkingDir ?? '/');
      const metas = await fileMetas(src.tree, plan.matched);
      const k = key(filesChecksum(metas) + (await urlDigests(plan)));
      const hit = await this.cachedImage(k);
      if (hit) return hit;
      const owner = step.chown ? await this.owner(cur, step.chown) : { uid: 0, gid: 0 };
      const job = { step, plan, root: src.tree.root, parent: cur.id, owner, pin: this.pinLayer };
      const layer = await copyLayer(this.host, job);
      const label = `${plan.label}:${filesChecksum(metas).slice(7)}`;
      return this.layered(cur, step, layer, k, label);
    } finally {
      await src.done();
    }
  }

  private async owner(cur: Current, spec: string): Promise<{ uid: number; gid: number }> {
    if (!cur.id) {
      const [u, g] = spec.split(':');
      if (!/^\d+$/.test(u ?? '') || (g !== undefined && !/^\d+$/.test(g)))
        throw new UsageError(`--chown=${spec}: names need an image with /etc/passwd`);
      return { uid: Number(u), gid: Number(g ?? u) };
    }
    return resolveImageUser(this.host.paths, await readImage(this.host.paths, cur.id), spec);
  }

  private async cachedImage(key: string): Promise<string | undefined> {
    if (this.o.noCache) return undefined;
    const hit = this.host.store().buildCache.get(key);
    if (!hit || !(await this.hold(hit.imageId))) return undefined;
    this.host.store().buildCache.touch(key);
    return hit.imageId;
  }

  private async layered(cur: Current, step: Step, layer: string, key: string, source = ''): Promise<Current> {
    const h = applyStep(cur.config, step, cur.state).history;
    const entry =
      step.kind === 'COPY' || step.kind === 'ADD' ? { ...h, created_by: sourceHistory(h.created_by, source) } : h;
    const doc: ImageDoc = {
      ...cur.doc,
      rootfs: { type: 'layers', diff_ids: [...cur.doc.rootfs.diff_ids, layer] },
      history: [...cur.doc.history, { created: new Date().toISOString(), ...entry }],
    };
    const next = await this.store({ ...cur, doc });
    this.host.store().buildCache.put(key, next.id!);
    return next;
  }

  private async fromCache(cur: Current, id: string, step: Step): Promise<Current> {
    const { state } = applyStep(cur.config, step, cur.state);
    const doc = JSON.parse((await readRawConfig(this.host.paths, id))!.toString('utf8')) as ImageDoc;
    return { id, doc, config: doc.config as OciConfig, state };
  }

  private async step(cur: Current, step: Step, at: StepAt): Promise<Current> {
    const text = step.original;
    const parent = cur.id ? `sha256:${cur.id}` : 'scratch';
    const key = (files?: string) => cacheKey({ parent, step, ...(files ? { files } : {}) });
    try {
      if (step.kind === 'COPY' || step.kind === 'ADD') {
        const pre = await this.cachedBefore(cur, step, key, at);
        if (pre) return pre.cur;
        this.ev.step?.({ ...at, text, cached: false });
        const out = await this.copyStep(cur, step, key);
        return typeof out === 'string' ? this.fromCache(cur, out, step) : out;
      }
      const k = key();
      const hit = await this.cachedImage(k);
      this.ev.step?.({ ...at, text, cached: Boolean(hit) });
      if (hit) return this.hit(cur, hit, step);
      if (step.kind === 'RUN') return await this.run(cur, step, k);
      const applied = applyStep(cur.config, step, cur.state);
      const doc = {
        ...cur.doc,
        history: [...cur.doc.history, { created: new Date().toISOString(), ...applied.history }],
      };
      const next = await this.store({ ...cur, doc, config: applied.config, state: applied.state });
      this.host.store().buildCache.put(k, next.id!);
      return next;
    } catch (err) {
      if (err instanceof DockerfileError) throw err;
      const why = err instanceof Error ? err.message : String(err);
      throw new DockerfileError(step.line, `${text}: ${why}`, err instanceof NetctlError ? err.hint : undefined);
    }
  }

  // COPY's key needs its files' checksum: computed first, and the step told cached or not after.
  private async cachedBefore(cur: Current, step: CopyStep, key: (files?: string) => string, at: StepAt) {
    if (this.o.noCache) return undefined;
    const src = await this.copySource(step);
    try {
      const plan = resolveCopySources(step, src.tree.files, cur.config.WorkingDir ?? '/');
      const files = filesChecksum(await fileMetas(src.tree, plan.matched)) + (await urlDigests(plan));
      const hit = await this.cachedImage(key(files));
      if (!hit) return undefined;
      this.ev.step?.({ ...at, text: step.original, cached: true });
      return { cur: await this.hit(cur, hit, step) };
    } finally {
      await src.done();
    }
  }

  private async hit(cur: Current, id: string, step: Step): Promise<Current> {
    this.cached++;
    return this.fromCache(cur, id, step);
  }

  private async run(cur: Current, step: Extract<Step, { kind: 'RUN' }>, key: string): Promise<Current> {
    if (!cur.id) throw new UsageError('RUN needs a base image (FROM scratch has no shell)');
    const layer = await runLayer(this.host, {
      step,
      imageId: cur.id,
      ...(cur.config.User ? { user: cur.config.User } : {}),
      ...(cur.config.WorkingDir ? { workdir: cur.config.WorkingDir } : {}),
      network: this.o.network ?? 'bridge',
      output: (e) => this.ev.output?.(e),
      pin: this.pinLayer,
    });
    return this.layered(cur, step, layer, key);
  }
}

// Docker's COPY history names its source by checksum (`file:<hex>`), not by the words written.
function sourceHistory(createdBy: string, source: string): string {
  return source ? createdBy.replace(/(#\(nop\) (?:COPY|ADD) (?:--chown=\S+ )?).*? in /, `$1${source} in `) : createdBy;
}

/** Builds the image the Dockerfile of O describes; tags it with O.tags. */
export async function buildImage(host: Host, o: BuildOptions, ev: BuildEvents = {}): Promise<BuildResult> {
  const tags = (o.tags ?? []).map((t) => normalizeImageRef(t));
  const plan = await loadBuildPlan(host, o);
  for (const a of plan.unusedArgs) ev.warn?.(`[Warning] one or more build args were not consumed: ${a}`);
  await sweepBuildContainers(host);
  await sweepLayerTemps(host.paths);
  const context = await readContext(o.context);
  const pin = await pinLayers(host.paths, []);
  try {
    const b = new Builder(host, plan, context, { ...o, network: netName(o.network) }, ev, pin);
    let last: string | undefined;
    for (const index of plan.order) {
      last = await b.stage(index);
      if (last) b.stages.set(index, last);
    }
    if (!last) throw new UsageError('the build made no image (an empty FROM scratch stage)');
    for (const t of tags) await tagImage(host.paths, t, last);
    return { id: last, tags, steps: b.steps, cached: b.cached };
  } finally {
    await pin.release();
  }
}

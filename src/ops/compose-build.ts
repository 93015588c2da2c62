/**
 * Compose's builds: `compose build [SERVICE...]`, and what `up` does first for a service with
 * `build:` (its image built when missing or on `up --build`, as compose does; otherwise pulled
 * or taken as the pull policy says). Builds go through `build` itself (ops/build.ts), so they
 * share its layer cache: an unchanged service builds nothing.
 */
import { checkServices } from '../compose/prepare.js';
import type { ComposeProject, ComposeService } from '../compose/types.js';
import { NetctlError } from '../errors.js';
import { resolveImage } from '../runtime/image-store.js';
import { type BuildEvents, type BuildResult, buildImage } from './build.js';
import type { Host } from './host.js';
import type { PullOptions } from './pull.js';
import { ensureImage } from './pull-policy.js';

/** How `compose build` and `up --build` build. */
export interface ComposeBuildOptions {
  noCache?: boolean;
  pull?: boolean;
  /** Progress, with each line's service. */
  events?: (service: string) => BuildEvents;
  /** A service's build ended (FAILED: it threw): a live display closes there. */
  ended?: (service: string, failed: boolean) => void;
}

/** One service's build. */
export async function buildService(
  host: Host,
  svc: ComposeService,
  o: ComposeBuildOptions = {},
): Promise<BuildResult | undefined> {
  const b = svc.build;
  if (!b) return undefined;
  const r = buildImage(
    host,
    {
      context: b.context,
      ...(b.dockerfile ? { file: b.dockerfile } : {}),
      tags: [svc.image, ...b.tags],
      buildArgs: b.args,
      ...(b.target ? { target: b.target } : {}),
      ...(b.network ? { network: b.network } : {}),
      labels: b.labels,
      noCache: o.noCache ?? b.noCache ?? false,
      pull: o.pull ?? b.pull ?? false,
    },
    o.events?.(svc.name) ?? {},
  );
  return r.then(
    (v) => (o.ended?.(svc.name, false), v),
    (err: unknown) => {
      o.ended?.(svc.name, true);
      throw err;
    },
  );
}

/** `compose build`: the services named (all when none) that have `build:`, in file order. */
export async function composeBuild(
  host: Host,
  project: ComposeProject,
  services: readonly string[],
  o: ComposeBuildOptions = {},
): Promise<{ service: string; image: string; id: string }[]> {
  checkServices(project, services);
  const out: { service: string; image: string; id: string }[] = [];
  for (const svc of project.services) {
    if (services.length > 0 && !services.includes(svc.name)) continue;
    const r = await buildService(host, svc, o);
    if (r) out.push({ service: svc.name, image: svc.image, id: r.id });
  }
  return out;
}

async function stored(host: Host, ref: string): Promise<boolean> {
  try {
    await resolveImage(host.paths, ref);
    return true;
  } catch (err) {
    if (err instanceof NetctlError && err.code === 'not-found') return false;
    throw err;
  }
}

/**
 * Before `up`: each service's image. One with `build:` is built when `build` is asked for or
 * its image is not stored (compose's default; netctl does not try a pull first); the others
 * are pulled as their pull_policy says.
 */
export async function ensureServiceImages(
  host: Host,
  project: ComposeProject,
  o: { build?: boolean; pull?: PullOptions; buildOptions?: ComposeBuildOptions } = {},
): Promise<void> {
  for (const svc of project.services) {
    if (svc.build && (o.build || !(await stored(host, svc.image)))) await buildService(host, svc, o.buildOptions);
    else await ensureImage(host, svc.image, svc.pullPolicy ?? 'missing', o.pull);
  }
}

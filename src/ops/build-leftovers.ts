/**
 * What a killed build leaves, for `doctor` to name and `gc` to remove: its RUN containers
 * (labelled with its pid), the half-written layers of the layer store (`.tmp-<pid>-*`, which a
 * killed pull or load leaves too) and its read-only image views under `<run>/build/`
 * (`view-<pid>-*`, still mounted). Only those of processes that are gone: a running build's
 * are its own. And what the build cache holds, for `system df`.
 */
import { readdir, rm, rmdir } from 'node:fs/promises';
import type { Finding } from '../engine/doctor.js';
import { layersDir, sweepLayerTemps } from '../runtime/layer-store.js';
import { mounts } from '../sys/native.js';
import { orphanBuildContainers, sweepBuildContainers } from './build-sweep.js';
import { buildCacheHold } from './builder.js';
import type { Host } from './host.js';
import { allImages, layerSizes } from './image-space.js';

/** Leftovers of killed builds (names, as doctor and gc print them). */
export interface BuildLeftovers {
  containers: string[];
  /** Paths of `.tmp-<pid>-*` entries of the layer store. */
  temps: string[];
  /** Paths of image views under `<run>/build`. */
  views: string[];
}

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

async function deadEntries(dir: string, pattern: RegExp): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => gone(Number(pattern.exec(n)?.[1] ?? process.pid))).map((n) => `${dir}/${n}`);
}

/** What killed builds left; reads only. */
export async function buildLeftovers(host: Host): Promise<BuildLeftovers> {
  return {
    containers: orphanBuildContainers(host),
    temps: await deadEntries(layersDir(host.paths), /^\.tmp-(\d+)-/),
    views: await deadEntries(`${host.paths.runRoot}/build`, /^view-(\d+)-/),
  };
}

/** Removes what killed builds left (views unmounted first); returns what it removed. */
export async function removeBuildLeftovers(host: Host): Promise<BuildLeftovers> {
  const found = await buildLeftovers(host);
  await sweepBuildContainers(host);
  await sweepLayerTemps(host.paths);
  for (const v of found.views) {
    try {
      mounts().unmount(v, true);
    } catch {
      // Not mounted: a view of a one-layer image is a plain directory.
    }
    await rmdir(v).catch(() => rm(v, { recursive: true, force: true }));
  }
  return found;
}

/** Doctor's findings about killed builds' leftovers. */
export async function diagnoseBuilds(host: Host): Promise<Finding[]> {
  const l = await buildLeftovers(host);
  const out: Finding[] = [];
  const fix = 'netctl gc (or the next build) removes it';
  for (const c of l.containers)
    out.push({ area: 'images', problem: `container ${c} of a build that was killed is still there`, fix });
  for (const t of l.temps)
    out.push({ area: 'images', problem: `${t}: a half-written layer of a killed build, pull or load`, fix });
  for (const v of l.views)
    out.push({ area: 'images', problem: `${v}: an image view of a killed build (a mount) is still there`, fix });
  return out;
}

/** The build cache as `system df` shows it. */
export interface BuildCacheUse {
  entries: number;
  /** Step images only the cache holds (untagged, no container made from them). */
  images: number;
  /** Bytes of the layers only those images use: what `builder prune -a` would free. */
  reclaimable: number;
}

/** What the build cache holds. */
export async function buildCacheUse(host: Host): Promise<BuildCacheUse> {
  const { entries, cacheOnly } = await buildCacheHold(host);
  const cacheIds = new Set(entries.map((e) => e.imageId).filter(cacheOnly));
  const images = await allImages(host);
  const kept = new Set(images.filter((r) => !cacheIds.has(r.id)).flatMap((r) => r.layers ?? []));
  const only = new Set(
    images.filter((r) => cacheIds.has(r.id)).flatMap((r) => (r.layers ?? []).filter((l) => !kept.has(l))),
  );
  const sizes = await layerSizes(host);
  return {
    entries: entries.length,
    images: images.filter((r) => cacheIds.has(r.id)).length,
    reclaimable: [...only].reduce((a, l) => a + (sizes.get(l) ?? 0), 0),
  };
}

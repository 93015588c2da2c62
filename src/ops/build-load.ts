/**
 * What a build and its dry run share: the Dockerfile read and planned (its network checked),
 * the digests of what ADD fetches (its cache key), the network name RUN steps use.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  type BuildPlan,
  buildPlatformOf,
  type CopyPlan,
  checkStagePlatforms,
  planBuild,
} from '../model/dockerfile/api.js';
import { hostPlatform } from '../model/platform.js';
import { UsageError } from '../errors.js';
import type { BuildOptions } from './build.js';
import type { Host } from './host.js';

/**
 * The plan of O's Dockerfile (read, parsed, the target's stages picked), its network checked.
 * Only this host's platform is built (platform-check.ts): $BUILDPLATFORM and $TARGETPLATFORM
 * are the host's, a foreign --platform or FROM --platform= is refused before anything runs.
 */
export async function loadBuildPlan(host: Host, o: BuildOptions): Promise<BuildPlan> {
  const hp = hostPlatform();
  const here = `${hp.os}/${hp.architecture}`;
  const target = o.platform === undefined ? here : buildPlatformOf(o.platform, here);
  const file = o.file ?? `${o.context}/Dockerfile`;
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read Dockerfile "${file}": ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  const plan = planBuild(text, {
    buildArgs: o.buildArgs ?? {},
    ...(o.target ? { target: o.target } : {}),
    targetPlatform: target,
    buildPlatform: here,
  });
  checkStagePlatforms(plan, here);
  if (o.network && o.network !== 'bridge' && o.network !== 'default' && !['host', 'none'].includes(o.network))
    host.store().networks.require(o.network);
  return plan;
}

/** ADD of an URL is cached by what it fetches, as Docker's is: fetched once for the key. */
export async function urlDigests(plan: CopyPlan): Promise<string> {
  const out: string[] = [];
  for (const x of plan.items.filter((i) => i.type === 'url')) {
    const res = await fetch(x.source, { signal: AbortSignal.timeout(120_000) });
    if (!res.ok) throw new UsageError(`ADD failed: "${x.source}" answered ${res.status}`);
    out.push(
      ` ${x.source}=${createHash('sha256')
        .update(Buffer.from(await res.arrayBuffer()))
        .digest('hex')}`,
    );
  }
  return out.join('');
}

/** The network RUN steps use: `default` is the default bridge. */
export function netName(n: string | undefined): string {
  return !n || n === 'default' ? 'bridge' : n;
}

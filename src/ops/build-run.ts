/**
 * RUN: the command in a real netctl container of the step's image, on a netctl network (the
 * default bridge unless `--network`), egress masqueraded as any container's and nothing
 * published; its overlay upper directory becomes the layer. The container is labelled with
 * the building process's pid, removed when the step ends however it ends, and removed by the
 * next build when a killed one left it.
 */
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { RunStep } from '../model/dockerfile/api.js';
import { DockerfileError } from '../model/dockerfile/errors.js';
import { resolveImage } from '../runtime/image-store.js';
import { resolveImageUser } from '../runtime/image-user.js';
import { storeDirLayer } from '../runtime/layer-from-dir.js';
import type { LogEntry } from '../runtime/logs.js';
import { containerPaths } from '../runtime/paths.js';
import { isMountArtifact } from './commit.js';
import { removeContainer } from './container.js';
import type { Host } from './host.js';
import { runContainer, type RunRequest } from './run.js';

/** The label naming the build a RUN container belongs to (its pid). */
export const BUILD_PID_LABEL = 'netctl.build.pid';

/** What one RUN needs besides the step. */
export interface RunJob {
  step: RunStep;
  imageId: string;
  user?: string;
  workdir?: string;
  network: string;
  output: (e: LogEntry) => void;
  /** Pins the layer's diff id before it is in place (build.ts). */
  pin?: (diffId: string) => Promise<void>;
}

/** The argv of a RUN step: exec form as given, shell form (or a heredoc script) through its SHELL. Pure. */
export function runArgv(step: RunStep): string[] {
  if (step.form === 'exec') return step.command;
  const text = step.command.join(' ');
  if (step.heredocs.length > 0 && /^\s*<<-?["']?\w+["']?\s*$/.test(text))
    return [...step.shell, step.heredocs[0]!.content];
  return [...step.shell, text];
}

async function request(host: Host, job: RunJob): Promise<RunRequest> {
  const image = await resolveImage(host.paths, job.imageId);
  const user = await resolveImageUser(host.paths, image, job.user);
  const name = `netctl-build-${randomBytes(6).toString('hex')}`;
  return {
    name,
    image: { id: image.id, ref: `sha256:${image.id}` },
    network: job.network,
    ports: [],
    labels: { [BUILD_PID_LABEL]: String(process.pid) },
    launch: {
      hostname: name.slice(-12),
      env: [...job.step.env, ...job.step.proxyEnv],
      uid: user.uid,
      gid: user.gid,
      cwd: job.workdir || '/',
      argv: runArgv(job.step),
      binds: [],
      restart: 'no',
      tty: false,
      interactive: false,
    },
  };
}

/** Runs JOB's command and stores its changes as a layer; returns the diff id. */
export async function runLayer(host: Host, job: RunJob): Promise<string> {
  const req = await request(host, job);
  let id: string | undefined;
  try {
    const r = await runContainer(host, req, {}, { output: job.output });
    id = r.id;
    if (r.exitCode !== 0)
      throw new DockerfileError(
        job.step.line,
        `${job.step.original}: the command returned a non-zero code: ${r.exitCode}`,
      );
    const p = containerPaths(host.paths, id);
    if (!(await stat(p.upper).catch(() => null)))
      throw new DockerfileError(job.step.line, 'RUN needs overlayfs for the container (its root was copied)');
    const opts = { skip: isMountArtifact, ...(job.pin ? { beforePlace: job.pin } : {}) };
    return (await storeDirLayer(host.paths, p.upper, opts)).diffId;
  } finally {
    const ref = id ?? req.name;
    await removeContainer(host, ref, { force: true, volumes: true }).catch(() => undefined);
  }
}

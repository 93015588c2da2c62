/**
 * `netctl docker watch`: runs until SIGTERM or SIGINT, keeping Docker's ufw route rules on
 * the containers' current addresses (see ops/docker-watch.ts) and ufw's incoming rules
 * (bans) mirrored for published ports (ops/ufw-input.ts). Its pid is in
 * RUN_ROOT/docker-watch.pid, which `netctl docker status` and `netctl doctor` read.
 */
import type { CommandContext } from '../context.js';
import { claimPidFile, releasePidFile, watchPidFile } from '../../docker/pidfile.js';
import { dockerClient } from '../../ops/docker.js';
import { watchDocker } from '../../ops/docker-watch.js';
import { followIncoming } from '../../ops/ufw-input.js';
import { configureLog } from '../../sys/log.js';

export default async function dockerWatch(ctx: CommandContext): Promise<void> {
  const api = dockerClient(ctx.opts.dockerHost as string | undefined);
  const pidFile = watchPidFile(ctx.global.runRoot);
  claimPidFile(pidFile);
  const stop = new AbortController();
  const end = (): void => stop.abort();
  process.on('SIGTERM', end);
  process.on('SIGINT', end);
  const log = configureLog({ level: ctx.global.logLevel, stream: ctx.stdout, fd: 1 }).sink();
  try {
    log(`watching Docker at ${api.socket}`);
    // Bans follow ufw into the published ports too: the mirror of ufw's incoming rules.
    await Promise.all([
      watchDocker({ host: ctx.host, api, log }, stop.signal),
      followIncoming(ctx.host, log, stop.signal),
    ]);
  } finally {
    process.off('SIGTERM', end);
    process.off('SIGINT', end);
    releasePidFile(pidFile);
  }
}

/**
 * From `netctl run` options and the image's config to a RunRequest. Only syntax is checked
 * here; addresses and ports are validated again where they are used.
 */
import { randomBytes } from 'node:crypto';
import { type ImageRecord, type PortRequest, parseLink, type RunRequest } from '../ops/run.js';
import { expandPortSpec, parsePortSpec } from '../model/port-spec.js';
import { checkName } from '../model/names.js';
import { UsageError } from '../errors.js';
import { runMounts } from './run-mounts.js';
import { applyProcessOptions } from './run-process.js';
import { applyHealthOptions } from './run-health.js';
import type { PortProto } from '../model/port.js';

function portsOf(o: Record<string, unknown>, image: ImageRecord): PortRequest[] {
  const out: PortRequest[] = [];
  for (const spec of (o.publish as string[] | undefined) ?? []) {
    for (const r of expandPortSpec(parsePortSpec(spec))) {
      const req: PortRequest = { containerPort: r.containerPort, proto: r.proto };
      if (r.hostIp !== undefined) req.hostIp = r.hostIp;
      // A host range for one container port takes its first port (the rest stay free).
      if (r.hostPort !== undefined || r.hostRange) req.hostPort = r.hostPort ?? r.hostRange!.start;
      out.push(req);
    }
  }
  if (o.publishAll) {
    const exposed = [...image.config.exposedPorts, ...((o.expose as string[] | undefined) ?? [])];
    for (const e of exposed) {
      const [port, proto = 'tcp'] = e.split('/');
      const p = parsePortSpec(`${port}/${proto}`);
      for (let c = p.containerPorts.start; c <= p.containerPorts.end; c++) {
        if (!out.some((x) => x.containerPort === c && x.proto === p.proto))
          out.push({ containerPort: c, proto: p.proto as PortProto });
      }
    }
  }
  return out;
}

function envOf(o: Record<string, unknown>, image: ImageRecord): string[] {
  const env = new Map(image.config.env.map((e) => [e.split('=')[0]!, e]));
  for (const e of (o.env as string[] | undefined) ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(e)) throw new UsageError(`invalid --env "${e}": expected KEY=VALUE`);
    env.set(e.split('=')[0]!, e);
  }
  return [...env.values()];
}

/**
 * Builds the request for image `image` (resolved as `ref`) and the command after it;
 * `notes` gets what the user should be told (a `:Z` that relabels nothing).
 */
export function runRequest(
  o: Record<string, unknown>,
  ref: string,
  image: ImageRecord,
  command: string[],
  notes: string[] = [],
): RunRequest {
  const name = checkName('container', (o.name as string | undefined) ?? `netctl-${randomBytes(4).toString('hex')}`);
  const argv = [...(image.config.entrypoint ?? []), ...(command.length > 0 ? command : (image.config.cmd ?? []))];
  const req: RunRequest = {
    name,
    image: { id: image.id, ref },
    network: (o.network as string | undefined) ?? 'bridge',
    ports: portsOf(o, image),
    launch: {
      hostname: (o.hostname as string | undefined) ?? name,
      env: envOf(o, image),
      uid: 0,
      gid: 0,
      cwd: (o.workdir as string | undefined) ?? image.config.workingDir ?? '/',
      argv,
      binds: [],
      restart: 'no',
      tty: false,
      interactive: false,
    },
  };
  if (o.ip !== undefined) req.ip = o.ip as string;
  req.aliases = [...((o.alias as string[] | undefined) ?? []), ...((o.networkAlias as string[] | undefined) ?? [])];
  req.links = ((o.link as string[] | undefined) ?? []).map(parseLink);
  req.mounts = runMounts(o, image.config.volumes ?? [], notes);
  req.exposed = [...image.config.exposedPorts, ...((o.expose as string[] | undefined) ?? [])];
  applyProcessOptions(req, o, image, command);
  applyHealthOptions(req, o, image);
  return req;
}

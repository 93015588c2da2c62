/**
 * `netctl doctor`: what differs between the database and the machine, each finding with the
 * command that repairs it: netctl's networks and rules, CNI attachments, its ufw block and
 * route rules, and Docker's containers' rules. Reads only.
 */
import { diagnoseCni } from '../cni/doctor.js';
import { DOCKER_BLOCK } from '../docker/block-kind.js';
import { diagnoseDocker } from '../docker/doctor.js';
import { diagnoseNetworks, diagnoseUfw, diagnoseVolumes, type Finding } from '../engine/doctor.js';
import { diagnoseCgroups } from '../engine/doctor-cgroups.js';
import { blockInstalled } from '../firewall/ufw/block.js';
import type { DockerApi } from '../docker/client.js';
import { diagnoseDns } from './dns.js';
import { diagnoseHealth } from './health.js';
import { diagnoseImages } from './doctor-images.js';
import { diagnoseBuilds } from './build-leftovers.js';
import { diagnosePodman } from './podman-install.js';
import type { Host } from './host.js';
import { bridgesDrift, incomingDrift } from './ufw-input.js';
import { iptablesProblems } from './flavour.js';

export type { Finding } from '../engine/doctor.js';

/** Everything the doctor looks at; `api` opens Docker's client, asked only when netctl manages Docker rules. */
export async function diagnose(host: Host, api: () => DockerApi): Promise<Finding[]> {
  const engine = await host.engine();
  const net = await diagnoseNetworks(engine);
  const cni = await diagnoseCni(engine, net.fw);
  const ufw = await diagnoseUfw(engine);
  const docker = await diagnoseDocker(
    engine.store,
    host.ufw,
    api,
    host.paths.runRoot,
    ufw.after !== undefined && blockInstalled(ufw.after, DOCKER_BLOCK.markers),
  );
  const incoming = (await incomingDrift(host).catch(() => [])).map((c) => ({
    area: 'ufw' as const,
    problem: `${c.chain} (IPv${c.family}) does not mirror ufw's incoming rules: a ban may not reach published ports`,
    fix: 'netctl ufw sync',
  }));
  const bridges = (await bridgesDrift(host).catch(() => [])).map((c) => ({
    area: 'docker' as const,
    problem: `${c.chain} (IPv${c.family}) does not follow Docker's nftables bridges (${c.bridges.join(',') || 'none'}): their traffic meets ufw's routed policy`,
    fix: 'netctl docker sync (or run netctl docker watch)',
  }));
  const kernel = (await iptablesProblems(host)).map((problem) => ({
    area: 'rules' as const,
    problem,
    fix: problem.startsWith('kernel') ? 'load the module named' : 'use one iptables flavour for all',
  }));
  return [
    ...kernel,
    ...net.findings,
    ...cni.map((f) => ({ area: 'cni' as const, ...f })),
    ...ufw.findings,
    ...incoming,
    ...bridges,
    ...docker,
    ...(await diagnoseVolumes(engine)),
    ...diagnoseCgroups(engine),
    ...(await diagnoseDns(host)),
    ...(await diagnoseHealth(host)),
    ...(await diagnoseImages(host)),
    ...(await diagnoseBuilds(host)),
    ...(await diagnosePodman(host)),
  ];
}

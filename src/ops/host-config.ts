/**
 * A container's `HostConfig` as `inspect` shows it, Docker's field names: limits from its
 * `resources`, process options from its `options` and launch. Pure.
 */
import type { Container } from '../model/container.js';
import { capabilityNames, type ProcessRecord } from '../model/process-options.js';
import type { Resources } from '../model/resources.js';

interface Stored {
  resources?: Resources;
  options?: ProcessRecord;
  labels?: Record<string, string>;
  launch?: { restart?: string; restartMax?: number; proc?: { caps?: string; user?: string } };
}

function restartPolicy(s: Stored): { Name: string; MaximumRetryCount: number } {
  const given = s.options?.restartPolicy?.split(':')[0];
  return { Name: given ?? s.launch?.restart ?? 'no', MaximumRetryCount: s.launch?.restartMax ?? 0 };
}

/** The HostConfig of container C. */
export function hostConfig(c: Pick<Container, 'config'>): object {
  const s = c.config as Stored;
  const r = s.resources ?? {};
  const o = s.options ?? {};
  return {
    Memory: r.memory ?? 0,
    MemorySwap: r.memorySwap ?? (r.memory !== undefined ? r.memory * 2 : 0),
    MemoryReservation: r.memoryReservation ?? 0,
    NanoCpus: r.cpus !== undefined ? Math.round(r.cpus * 1e9) : 0,
    CpuShares: r.cpuShares ?? 0,
    CpusetCpus: r.cpusetCpus ?? '',
    PidsLimit: r.pidsLimit ?? null,
    OomKillDisable: r.oomKillDisable ?? false,
    ShmSize: o.shmSize ?? 64 * 1024 * 1024,
    Ulimits: (o.ulimits ?? []).map((u) => {
      const [name, soft, hard] = u.split(/[=:]/);
      return { Name: name, Soft: Number(soft), Hard: Number(hard) };
    }),
    CapAdd: o.capAdd ?? null,
    CapDrop: o.capDrop ?? null,
    Capabilities: s.launch?.proc?.caps ? capabilityNames(s.launch.proc.caps) : null,
    Privileged: o.privileged ?? false,
    SecurityOpt: o.securityOpt ?? null,
    Sysctls: o.sysctls ?? {},
    ReadonlyRootfs: o.readOnly ?? false,
    Init: o.init ?? false,
    GroupAdd: o.groupAdd ?? null,
    RestartPolicy: restartPolicy(s),
    StopSignal: o.stopSignal ?? 'SIGTERM',
    StopTimeout: o.stopTimeout ?? 10,
  };
}

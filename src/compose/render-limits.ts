/**
 * A service's limits and process options back in compose's keys, for `compose config`.
 * Sizes in bytes, the grace period in seconds. Pure.
 */
import type { Mapping } from './types.js';
import type { ServiceLimits } from './model-limits.js';

/** The compose keys of `l`. */
export function renderLimits(l: ServiceLimits | undefined): Mapping {
  const m: Mapping = {};
  const r = l?.resources ?? {};
  const o = l?.options ?? {};
  const put = (k: string, v: Mapping[string] | undefined): void => {
    if (v !== undefined) m[k] = v;
  };
  put('mem_limit', r.memory);
  put('memswap_limit', r.memorySwap);
  put('mem_reservation', r.memoryReservation);
  put('cpus', r.cpus);
  put('cpu_shares', r.cpuShares);
  put('cpuset', r.cpusetCpus);
  put('pids_limit', r.pidsLimit);
  if (r.oomKillDisable) m.oom_kill_disable = true;
  if (o.capAdd?.length) m.cap_add = o.capAdd;
  if (o.capDrop?.length) m.cap_drop = o.capDrop;
  if (o.privileged) m.privileged = true;
  if (o.securityOpt) m.security_opt = o.securityOpt;
  if (o.sysctls) m.sysctls = o.sysctls;
  if (o.ulimits)
    m.ulimits = Object.fromEntries(
      o.ulimits.map((u) => {
        const [name, soft, hard] = u.split(/[=:]/) as [string, string, string];
        return [name, { soft: Number(soft), hard: Number(hard) }];
      }),
    );
  if (o.init) m.init = true;
  if (o.readOnly) m.read_only = true;
  put('shm_size', o.shmSize);
  if (o.groupAdd) m.group_add = o.groupAdd;
  put('stop_signal', o.stopSignal);
  if (o.stopTimeout !== undefined) m.stop_grace_period = `${o.stopTimeout}s`;
  return m;
}

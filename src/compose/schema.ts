/**
 * Which compose keys netctl runs, per place in the file. Everything else is refused with
 * its file and line (never silently ignored), but for the few keys compose itself only
 * warns about. `x-` extension keys are the user's own, and compose ignores them too.
 */

/** Keys of one kind of mapping. */
export interface KeySet {
  /** What the mapping is, for messages. */
  what: string;
  keys: readonly string[];
  /** Keys accepted with a warning, and what the warning says. */
  warn?: Readonly<Record<string, string>>;
  /** Whether `x-*` keys are allowed (compose allows them at the top and in services, networks). */
  extensions?: boolean;
}

export const TOP: KeySet = {
  what: 'top-level',
  keys: ['services', 'networks', 'volumes', 'name', 'version', 'secrets', 'configs', 'include'],
  warn: { version: 'the attribute "version" is obsolete, it will be ignored' },
  extensions: true,
};

export const SERVICE: KeySet = {
  what: 'service',
  keys: [
    'image',
    'command',
    'entrypoint',
    'environment',
    'env_file',
    'ports',
    'expose',
    'networks',
    'network_mode',
    'links',
    'depends_on',
    'volumes',
    'working_dir',
    'user',
    'restart',
    'labels',
    'container_name',
    'hostname',
    'dns',
    'dns_search',
    'dns_opt',
    'extra_hosts',
    'tmpfs',
    'volumes_from',
    'pull_policy',
    'x-netctl',
    // Resource limits and process options (model-limits.ts).
    'mem_limit',
    'memswap_limit',
    'mem_reservation',
    'cpus',
    'cpu_shares',
    'cpuset',
    'pids_limit',
    'oom_kill_disable',
    'deploy',
    'shm_size',
    'ulimits',
    'sysctls',
    'cap_add',
    'cap_drop',
    'privileged',
    'security_opt',
    'init',
    'read_only',
    'group_add',
    'stop_signal',
    'stop_grace_period',
    // Health checks (model-health.ts).
    'healthcheck',
    // Issue 25: secrets and configs, profiles, replicas, extends... (model-extra.ts).
    'build',
    'secrets',
    'configs',
    'profiles',
    'platform',
    'logging',
    'scale',
    'stdin_open',
    'tty',
    'extends',
    // Issue 25, real apps (model-apps.ts, model-hooks.ts).
    'label_file',
    'blkio_config',
    'post_start',
    'pre_stop',
    'pre_start',
  ],
  warn: {
    develop: 'develop is for compose watch, which netctl does not run: ignored',
  },
  extensions: true,
};

export const NETWORK: KeySet = {
  what: 'network',
  keys: ['driver', 'driver_opts', 'ipam', 'internal', 'enable_ipv6', 'external', 'name', 'labels', 'attachable'],
  extensions: true,
};

export const IPAM: KeySet = { what: 'ipam', keys: ['driver', 'config'] };
export const IPAM_CONFIG: KeySet = { what: 'ipam config', keys: ['subnet', 'gateway', 'ip_range'] };
export const PORT_LONG: KeySet = {
  what: 'port',
  keys: ['target', 'published', 'host_ip', 'protocol', 'mode', 'name', 'app_protocol'],
};
export const SERVICE_NETWORK: KeySet = {
  what: 'service network',
  keys: [
    'aliases',
    'ipv4_address',
    'priority',
    'ipv6_address',
    'gw_priority',
    'interface_name',
    'link_local_ips',
    'driver_opts',
  ],
};
export const HEALTHCHECK: KeySet = {
  what: 'healthcheck',
  keys: ['test', 'interval', 'timeout', 'retries', 'start_period', 'start_interval', 'disable'],
};
export const DEPENDS_ON: KeySet = { what: 'depends_on', keys: ['condition', 'restart', 'required'] };
export const VOLUME_LONG: KeySet = {
  what: 'volume',
  keys: ['type', 'source', 'target', 'read_only', 'bind', 'volume', 'tmpfs', 'consistency'],
  extensions: true,
};
export const VOLUME_BIND: KeySet = { what: 'bind', keys: ['propagation', 'create_host_path', 'selinux'] };
export const VOLUME_VOLUME: KeySet = { what: 'volume options', keys: ['nocopy', 'subpath'] };
export const VOLUME_TMPFS: KeySet = { what: 'tmpfs', keys: ['size', 'mode'] };
/** A top-level volume. */
export const TOP_VOLUME: KeySet = {
  what: 'top-level volume',
  keys: ['driver', 'driver_opts', 'external', 'labels', 'name'],
  extensions: true,
};
export const ENV_FILE: KeySet = { what: 'env_file', keys: ['path', 'required'] };
export const DEPLOY: KeySet = {
  what: 'deploy',
  keys: ['resources', 'replicas', 'mode', 'restart_policy'],
  warn: Object.fromEntries(
    ['labels', 'placement', 'update_config', 'rollback_config', 'endpoint_mode'].map((k) => [
      k,
      `deploy.${k} is for a swarm: ignored on a single host, as compose does`,
    ]),
  ),
};
export const RESTART_POLICY: KeySet = {
  what: 'deploy.restart_policy',
  keys: ['condition', 'max_attempts'],
  warn: { delay: 'ignored, as compose does', window: 'ignored, as compose does' },
};
/** A top-level secret or config. */
export const TOP_SECRET: KeySet = {
  what: 'top-level secret or config',
  keys: ['file', 'environment', 'content', 'external', 'name'],
  extensions: true,
};
/** A service's long-syntax secret or config. */
export const SECRET_REF: KeySet = { what: 'secret or config', keys: ['source', 'target', 'uid', 'gid', 'mode'] };
export const EXTENDS: KeySet = { what: 'extends', keys: ['service', 'file'] };
export const INCLUDE: KeySet = { what: 'include', keys: ['path', 'project_directory', 'env_file'] };
export const LOGGING: KeySet = { what: 'logging', keys: ['driver', 'options'] };
export const DEPLOY_RESOURCES: KeySet = { what: 'deploy.resources', keys: ['limits', 'reservations'] };
export const DEPLOY_LIMITS: KeySet = { what: 'deploy.resources.limits', keys: ['cpus', 'memory', 'pids'] };
export const DEPLOY_RESERVATIONS: KeySet = {
  what: 'deploy.resources.reservations',
  keys: ['memory'],
  warn: { cpus: 'a CPU reservation is not enforced on a single host: netctl ignores it, as compose does' },
};
export const BLKIO: KeySet = {
  what: 'blkio_config',
  keys: ['weight', 'weight_device', 'device_read_bps', 'device_write_bps', 'device_read_iops', 'device_write_iops'],
};
export const BLKIO_DEVICE: KeySet = { what: 'blkio_config device', keys: ['path', 'weight', 'rate'] };
/** A `post_start` or `pre_stop` hook. */
export const HOOK: KeySet = {
  what: 'hook',
  keys: ['command', 'user', 'privileged', 'working_dir', 'environment'],
  extensions: true,
};
/** A `pre_start` step: an ephemeral container. */
export const PRE_START_HOOK: KeySet = {
  what: 'pre_start hook',
  keys: [...HOOK.keys, 'image', 'per_replica'],
  extensions: true,
};
export const X_NETCTL: KeySet = { what: 'x-netctl', keys: ['allow'] };
export const ALLOW_ITEM: KeySet = { what: 'allow rule', keys: ['port', 'proto', 'protocol', 'from'] };

/** Driver options netctl understands on a bridge network. */
export const DRIVER_OPTS = {
  icc: ['com.docker.network.bridge.enable_icc', 'icc'],
  bridge: ['com.docker.network.bridge.name'],
  mtu: ['com.docker.network.driver.mtu'],
} as const;

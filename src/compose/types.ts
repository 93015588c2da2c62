/**
 * The compose model as netctl runs it: what the files say after interpolation, merging
 * and validation, in plain data. Names are the final ones (`PROJECT-web-1`, `PROJECT_front`).
 */
import type { ServiceLimits } from './model-limits.js';
import type { PortRequest } from '../store/index.js';
import type { AllowRule } from '../model/allow.js';
import type { HealthConfig } from '../model/health.js';
import type { MountRequest, VolumesFrom } from '../model/volume.js';

/** Where a value came from, for messages: `compose.yaml:12`. */
export interface Loc {
  file: string;
  line: number;
}

/** A path into a compose document: `["services", "web", "ports", 0]`. */
export type KeyPath = readonly (string | number)[];

/** A plain YAML value after interpolation. */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** A plain mapping. */
export type Mapping = { [key: string]: Value };

/** One top-level network as the project wants it. */
export interface ComposeNetwork {
  /** The key under `networks:`. */
  key: string;
  /** The netctl network name: `name:`, or `PROJECT_KEY`. */
  name: string;
  external: boolean;
  internal: boolean;
  icc: boolean;
  ipv6: boolean;
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  subnet6?: string;
  gateway6?: string;
  mtu?: number;
  bridge?: string;
  labels: Record<string, string>;
}

/** A service's attachment to one network. */
export interface ServiceNetwork {
  /** The key under top-level `networks:` (or `default`). */
  key: string;
  aliases: string[];
  ipv4Address?: string;
  /** Issue 25: `ipv6_address` (the network must have an IPv6 subnet). */
  ipv6Address?: string;
  priority: number;
  /** Issue 25: `interface_name` (or driver_opts' com.docker.network.endpoint.ifname), `link_local_ips`. */
  ifname?: string;
  linkLocal?: string[];
}

/**
 * One mount of a service: a bind (its source made when missing, as compose does), a
 * volume (`name` the final volume name; absent: anonymous) or a tmpfs.
 */
export type ComposeMount = MountRequest & {
  /** A project volume: its key under the top-level `volumes:`. */
  key?: string;
};

/** One top-level volume as the project wants it. */
export interface ComposeVolume {
  /** The key under `volumes:`. */
  key: string;
  /** The volume's name: `name:`, or `PROJECT_KEY` (an external one: `name:` or the key). */
  name: string;
  external: boolean;
  /** `driver_opts` of the local driver. */
  options: Record<string, string>;
  labels: Record<string, string>;
}

/** One service, resolved. */
/** A service's `build:` (model-build.ts): paths absolute. */
export interface ComposeBuild {
  context: string;
  /** The Dockerfile's path (default CONTEXT/Dockerfile). */
  dockerfile?: string;
  args: Record<string, string>;
  labels: Record<string, string>;
  /** More names for the image, besides the service's `image`. */
  tags: string[];
  target?: string;
  /** The network RUN steps use: `default` (the bridge), `none`, `host` or a network's name. */
  network?: string;
  noCache?: boolean;
  pull?: boolean;
}

export interface ComposeService {
  name: string;
  /** `container_name`, or `PROJECT-SERVICE-1`. */
  containerName: string;
  image: string;
  /** `build:`: how `image` is built when it is missing, or on `up --build` / `compose build`. */
  build?: ComposeBuild;
  entrypoint?: string[];
  command?: string[];
  /** `KEY=VALUE`, env_file first, then environment. */
  environment: string[];
  ports: PortRequest[];
  /** `80/tcp`. */
  expose: string[];
  /** Empty with a network_mode. */
  networks: ServiceNetwork[];
  /** `host`, `none`, `bridge`, `service:NAME` or `container:NAME`; absent: the networks. */
  networkMode?: string;
  links: { service: string; alias: string }[];
  /** Services to start first, in file order. */
  dependsOn: string[];
  volumes: ComposeMount[];
  /** `volumes_from`: services' container names, or containers outside the project. */
  volumesFrom: VolumesFrom[];
  workingDir?: string;
  /** `byName`: NAME[:GROUP], resolved in the container. */
  user?: { uid: number; gid: number; byName?: string };
  /** `pull_policy`: when `up` pulls the image (default missing). */
  pullPolicy?: 'always' | 'missing' | 'never';
  restart: 'no' | 'on-failure' | 'always';
  /** `on-failure:N`. */
  restartMax?: number;
  /** Resource limits and process options (model-limits.ts). */
  limits?: ServiceLimits;
  labels: Record<string, string>;
  hostname?: string;
  dns: string[];
  /** `dns_search` and `dns_opt`; absent when not given (the config hash stays as it was). */
  dnsSearch?: string[];
  dnsOptions?: string[];
  extraHosts: string[];
  /** From `x-netctl.allow` and the `netctl.allow` labels, container name filled in. */
  allow: AllowRule[];
  /** `healthcheck` as Docker's HealthConfig (model-health.ts). */
  healthcheck?: HealthConfig;
  /** `depends_on` entries with a condition other than service_started, or required/restart set. */
  waitFor?: DependsCondition[];
  // Issue 25 (model-extra.ts): absent when the file does not say, so config hashes stay as they were.
  /** `secrets` and `configs`, each a file mounted read-only. */
  files?: ComposeFileMount[];
  /** `deploy.replicas`, `scale` or `up --scale`: containers `PROJECT-SERVICE-1..N` (0: none). */
  replicas?: number;
  tty?: boolean;
  stdinOpen?: boolean;
  /** `logging`: a driver netctl's own log stands for (json-file, local). */
  logging?: { driver: string; options: Record<string, string> };
  /** Issue 25: `post_start`, `pre_stop`, `pre_start` (model-hooks.ts). */
  hooks?: { postStart?: ComposeHook[]; preStop?: ComposeHook[]; preStart?: ComposeHook[] };
}

/** One lifecycle hook: a command run in the container (or, for pre_start, in its own). */
export interface ComposeHook {
  command?: string[];
  /** As `exec -u` takes it. */
  user?: string;
  privileged?: boolean;
  workingDir?: string;
  /** `KEY=VALUE`, over the service's environment. */
  environment: string[];
  /** pre_start: the image of its container (default the service's). */
  image?: string;
}

/** One `depends_on` entry. */
export interface DependsCondition {
  service: string;
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  required: boolean;
  restart: boolean;
}

/**
 * A secret or config as a service gets it: a host file bound read-only, or (from
 * `environment:` or `content:`, or with mode/uid/gid) a file `up` writes and binds.
 */
export interface ComposeFileMount {
  kind: 'secret' | 'config';
  /** The key under the top-level `secrets:` or `configs:`. */
  key: string;
  /** Absolute path in the container. */
  target: string;
  /** The host file (`file:`), absolute. */
  file?: string;
  /** The text to write: `environment:` or `content:` (never printed). */
  content?: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

/** A whole project. */
export interface ComposeProject {
  name: string;
  /** The directory relative paths are resolved against. */
  workingDir: string;
  /** The files, in merge order. */
  files: string[];
  /** In dependency order: every service after the ones it depends on. */
  services: ComposeService[];
  networks: ComposeNetwork[];
  volumes: ComposeVolume[];
  /** Things compose too would only warn about, each naming its place. */
  warnings: string[];
}

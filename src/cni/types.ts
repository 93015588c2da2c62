/**
 * The CNI spec's data (1.0.0 and 1.1.0): the network configuration a runtime hands a plugin
 * on stdin, the result an ADD prints, and the error object. Plain data, as the spec names
 * its fields.
 */

/** One interface of a result. `sandbox` is the netns path for interfaces inside the container. */
export interface CniInterface {
  name: string;
  mac?: string;
  mtu?: number;
  sandbox?: string;
}

/** One address of a result: CIDR, its gateway, and the index into `interfaces`. */
export interface CniIp {
  address: string;
  gateway?: string;
  interface?: number;
}

/** One route of a result. */
export interface CniRoute {
  dst: string;
  gw?: string;
}

/** DNS settings, as given in the configuration. */
export interface CniDns {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

/** What ADD prints (and what the next plugin of a chain gets as `prevResult`). */
export interface CniResult {
  cniVersion: string;
  interfaces?: CniInterface[];
  ips?: CniIp[];
  routes?: CniRoute[];
  dns?: CniDns;
}

/** The `portMappings` capability's entries (runtimeConfig.portMappings). */
export interface CniPortMapping {
  hostPort: number;
  containerPort: number;
  protocol?: string;
  hostIP?: string;
}

/** An attachment the runtime still holds (GC's `cni.dev/valid-attachments`). */
export interface CniAttachment {
  containerID: string;
  ifname: string;
}

/** The error object of the spec, printed on stdout with a non-zero exit. */
export interface CniErrorJson {
  cniVersion: string;
  code: number;
  msg: string;
  details?: string;
}

/** The spec's well-known error codes (0-99 are reserved; netctl's own start at 100). */
export const CNI_CODES = {
  incompatibleVersion: 1,
  unsupportedField: 2,
  unknownContainer: 3,
  invalidEnv: 4,
  io: 5,
  decode: 6,
  invalidConfig: 7,
  tryAgain: 11,
  notAvailable: 50,
  notAvailableLimited: 51,
  /** netctl: the request conflicts with what it holds (address taken, pool exhausted, host port in use). */
  conflict: 100,
  /** netctl: the kernel or a program refused a change (rolled back). */
  system: 101,
} as const;

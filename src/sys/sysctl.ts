/**
 * Kernel parameters under /proc/sys. Names come dotted (`net.ipv4.ip_forward`) or, when a
 * part holds a dot itself (an interface such as `eth0.100`), slashed
 * (`net/ipv4/conf/eth0.100/route_localnet`). Reads and writes are synchronous on purpose:
 * /proc/sys/net shows the network namespace of the thread that opens the file, so a write
 * inside `withNetns` lands in that namespace.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SystemError, UsageError, wrap } from '../errors.js';

/** Reading and writing sysctls; the apply layer takes this interface. */
export interface SysctlOps {
  read(name: string): string;
  write(name: string, value: string): void;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/;

/** The sysctl's path relative to the sysctl root, e.g. `net/ipv4/ip_forward`. */
export function sysctlRelPath(name: string): string {
  const rel = name.includes('/') ? name : name.replace(/\./g, '/');
  const parts = rel.split('/');
  if (!NAME.test(name) || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new UsageError(`invalid sysctl name "${name}"`);
  }
  return rel;
}

/** Reads and writes under `root` (default /proc/sys); tests pass a temporary directory. */
export function procSysctl(root = '/proc/sys'): SysctlOps {
  const fileOf = (name: string): string => {
    const rel = sysctlRelPath(name);
    // br_netfilter creates net/bridge; without it the bridge-nf-call-* switches do not exist.
    if (rel.startsWith('net/bridge/') && !existsSync(`${root}/net/bridge`)) {
      throw new SystemError(`sysctl "${name}": br_netfilter is unavailable (no ${root}/net/bridge)`, {
        hint: 'load the module with "modprobe br_netfilter"',
      });
    }
    return `${root}/${rel}`;
  };
  return {
    read(name) {
      const file = fileOf(name);
      try {
        return readFileSync(file, 'utf8').trim();
      } catch (err) {
        throw wrap('read sysctl', name, err);
      }
    },
    write(name, value) {
      if (/[\n\0]/.test(value)) throw new UsageError(`invalid value for sysctl "${name}": ${JSON.stringify(value)}`);
      const file = fileOf(name);
      try {
        writeFileSync(file, value);
      } catch (err) {
        throw wrap('write sysctl', name, err);
      }
    },
  };
}

/** Reads a sysctl from /proc/sys. */
export function readSysctl(name: string): string {
  return procSysctl().read(name);
}

/** Writes a sysctl under /proc/sys. */
export function writeSysctl(name: string, value: string): void {
  procSysctl().write(name, value);
}

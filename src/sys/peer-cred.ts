/**
 * Who is on the other end of a unix socket: the kernel's SO_PEERCRED (uid, gid and pid at
 * connect time, which the caller cannot forge) plus the supplementary groups of that pid, and
 * group names resolved from /etc/group. The CNI daemon lets in root and one group only.
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { UsageError } from '../errors.js';
import { socketPeer } from './native.js';

/** The credentials of a socket's peer. */
export interface PeerCred {
  pid: number;
  uid: number;
  gid: number;
  /** Supplementary groups of the peer's process, when it still runs. */
  groups: number[];
}

/** The `Groups:` line of /proc/PID/status (empty when the process is gone). */
function supplementaryGroups(pid: number): number[] {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Groups:'));
    return (line?.slice('Groups:'.length).trim().split(/\s+/) ?? []).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The peer of an accepted unix socket connection; undefined when node holds no fd for it. */
export function peerOf(conn: Socket): PeerCred | undefined {
  const fd = (conn as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) return undefined;
  const c = socketPeer(fd);
  return { ...c, groups: supplementaryGroups(c.pid) };
}

/** The gid of a group given by name or number; undefined for a name /etc/group does not list. */
export function groupId(group: string, etcGroup = '/etc/group'): number | undefined {
  if (/^\d+$/.test(group)) return Number(group);
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(group)) throw new UsageError(`invalid group name "${group}"`);
  let text: string;
  try {
    text = readFileSync(etcGroup, 'utf8');
  } catch {
    return undefined;
  }
  const line = text.split('\n').find((l) => l.split(':')[0] === group);
  const gid = line?.split(':')[2];
  return gid !== undefined && /^\d+$/.test(gid) ? Number(gid) : undefined;
}

/**
 * `netctl ufw status` as data and as text: ufw's state, the block in each family, and the
 * published ports as ufw lets them through (filled by whoever knows the containers' ports
 * and allow rules; this module only carries and prints them).
 */
import type { BlockState } from './block.js';
import { ufwForwardChain } from './names.js';
import type { Family } from '../../model/addr.js';
import type { UfwView } from './observe.js';
import type { ChainState } from './plan.js';

/** One published port and whether ufw lets new connections to it through. */
export interface PortAccess {
  container: string;
  proto: string;
  /** The host address it is bound to (`0.0.0.0` or `::` for every address of the family). */
  hostIp: string;
  hostPort: number;
  containerPort: number;
  /** The container address the port leads to (its family is the mapping's). */
  containerIp: string;
  open: boolean;
  /** open, closed, restricted to `sources`, or local (bound to 127.0.0.1 or ::1: this host only). */
  state: 'open' | 'closed' | 'restricted' | 'local';
  sources: string[];
  /** Why: the ufw rule that opens it, or the policy that closes it. */
  reason: string;
}

/** The block and its chain in one family. */
export interface FamilyStatus {
  family: Family;
  path: string;
  block: BlockState | 'missing';
  ufwRunning: boolean;
  chain: string;
  chainState: ChainState;
  /** Rules of netctl's jumping to the chain. */
  references: number;
}

/** Everything `netctl ufw status` reports (`--json` prints exactly this). */
export interface UfwStatus {
  ufw: {
    installed: boolean;
    /** ufw's rules are loaded (IPv4). */
    active: boolean;
    /** ufw starts at boot (ENABLED=yes in ufw.conf). */
    enabled: boolean;
    routedPolicy: string | null;
  };
  families: FamilyStatus[];
  ports: PortAccess[];
  /** netctl's route rules missing from or stale in ufw's user rules (`netctl ufw sync` fixes them). */
  routes?: { missing: string[]; stale: string[] };
}

/** The status for an observed ufw and, when known, the published ports' access. */
export function buildStatus(view: UfwView, ports: PortAccess[] = []): UfwStatus {
  return {
    ufw: {
      installed: view.installed,
      active: view.families[0]?.running ?? false,
      enabled: view.enabled,
      routedPolicy: view.routedPolicy,
    },
    families: view.families.map((f) => ({
      family: f.family,
      path: f.path,
      block: f.text === undefined ? 'missing' : f.block,
      ufwRunning: f.running,
      chain: ufwForwardChain(f.family),
      chainState: f.chain,
      references: f.references.length,
    })),
    ports,
  };
}

const BLOCK_TEXT: Record<FamilyStatus['block'], string> = {
  current: 'block installed and current',
  outdated: 'block installed but outdated (netctl ufw install updates it)',
  absent: 'no netctl block (netctl ufw install adds it)',
  malformed: 'netctl block malformed (one marker without the other, or two blocks)',
  missing: 'file missing',
};

function chainText(f: FamilyStatus): string {
  const uses = f.references === 1 ? '1 netctl rule uses it' : `${f.references} netctl rules use it`;
  if (f.chainState === 'absent') return `${f.chain} not loaded`;
  if (f.chainState === 'stale') return `${f.chain} loaded but differs from the block, ${uses}`;
  return `${f.chain} loaded, ${uses}`;
}

function ufwLine(s: UfwStatus): string {
  if (!s.ufw.installed) return 'ufw: not installed';
  const state = s.ufw.active ? 'active' : 'inactive';
  const boot = s.ufw.enabled ? 'enabled at boot' : 'not enabled at boot';
  return `ufw: ${state} (${boot}), routed policy ${s.ufw.routedPolicy ?? 'unknown'}`;
}

function portLine(p: PortAccess): string {
  const host = `${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.hostPort}`;
  const state =
    p.state === 'restricted' ? `open from ${p.sources.join(', ')}` : p.state === 'local' ? 'local only' : p.state;
  return `  ${p.container.padEnd(16)} ${`${host}->${p.containerPort}/${p.proto}`.padEnd(26)} ${state.padEnd(7)}  ${p.reason}`;
}

/** The status as text, one fact per line. */
export function renderStatus(s: UfwStatus): string {
  const lines = [ufwLine(s)];
  for (const f of s.families) {
    const running = f.ufwRunning ? '' : `, ufw not running for IPv${f.family}`;
    lines.push(`IPv${f.family} ${f.path}: ${BLOCK_TEXT[f.block]}; ${chainText(f)}${running}`);
  }
  if (s.ports.length > 0) {
    lines.push('published ports, to new connections from outside:');
    lines.push(...s.ports.map(portLine));
  }
  for (const r of s.routes?.missing ?? []) lines.push(`missing ufw rule (netctl ufw sync restores it): ${r}`);
  for (const r of s.routes?.stale ?? []) lines.push(`stale ufw rule (netctl ufw sync removes it): ${r}`);
  return `${lines.join('\n')}\n`;
}

/**
 * A snapshot of what the test suite must never change on the real machine.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/sys/exec.js';

export type Snapshot = Record<string, string>;

async function hashTree(dir: string, out: Snapshot): Promise<void> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch {
    out[dir] = '<absent>';
    return;
  }
  for (const name of entries) {
    const p = join(dir, name);
    const st = await stat(p);
    if (st.isDirectory()) await hashTree(p, out);
    else
      out[p] = `${createHash('sha256')
        .update(await readFile(p))
        .digest('hex')} mode=${st.mode.toString(8)}`;
  }
}

// Counters move with real traffic on the machine; compare the rules, not the numbers.
function withoutCounters(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/g, '[*]'))
    .join('\n');
}

async function command(argv: string[]): Promise<string> {
  try {
    const r = await run(argv, { timeoutMs: 20_000 });
    return `${r.code}\n${r.stdout}`;
  } catch (e) {
    return `<unavailable: ${(e as Error).message}>`;
  }
}

/** Reads the machine's firewall, links, routes and ufw files. */
export async function hostSnapshot(): Promise<Snapshot> {
  const snap: Snapshot = {
    'iptables-save': withoutCounters(await command(['iptables-save'])),
    'ip6tables-save': withoutCounters(await command(['ip6tables-save'])),
    'ip -br link': await command(['ip', '-br', 'link']),
    'ip -br addr': await command(['ip', '-br', 'addr']),
    'ip route': await command(['ip', 'route', 'show', 'table', 'all']),
    'netns list': await command(['ip', 'netns', 'list']),
    // Which nf_tables tables exist at all (an empty table left behind is a change too).
    'nft list tables': await command(['nft', 'list', 'tables']),
  };
  // Forwarding and friends: netctl sets them in its own namespaces, never here.
  for (const key of ['ipv4/ip_forward', 'ipv6/conf/all/forwarding', 'ipv4/conf/all/route_localnet']) {
    snap[`sysctl net.${key.replace(/\//g, '.')}`] = await readFile(`/proc/sys/net/${key}`, 'utf8').catch(
      () => '<absent>',
    );
  }
  await hashTree('/etc/ufw', snap);
  try {
    snap['/etc/default/ufw'] = createHash('sha256')
      .update(await readFile('/etc/default/ufw'))
      .digest('hex');
  } catch {
    snap['/etc/default/ufw'] = '<absent>';
  }
  return snap;
}

/** Names of the entries that differ between two snapshots. */
export function diffSnapshots(a: Snapshot, b: Snapshot): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => a[k] !== b[k]).map((k) => `${k} changed`);
}

/**
 * Real packets to a published port with the real ufw enabled (routed policy deny), in a
 * sandbox: a hand-made bridge and container namespace, netctl's planned rules applied with
 * iptables-restore --noflush. Without the block the port is open to everyone (Docker's
 * problem); with it ufw's route rules decide, through reload, disable and enable.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { parse } from '../../src/firewall/iptables/parse.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = fileURLToPath(new URL('./scripts/ufw-ports.mjs', import.meta.url));

/** Each client and the host address it sees, where the port is published. */
const CLIENTS = { wan: '198.51.100.2', wan2: '203.0.113.2', lan: '192.168.77.1' } as const;
type Client = keyof typeof CLIENTS;
const ALL = Object.keys(CLIENTS) as Client[];

const SETUP = [
  ['ip', 'link', 'add', 'br-t', 'type', 'bridge'],
  ['ip', 'addr', 'add', '10.77.0.1/24', 'dev', 'br-t'],
  ['ip', 'link', 'set', 'br-t', 'up'],
  ['ip', 'netns', 'add', 'ctr'],
  ['ip', 'link', 'add', 'veth-t', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', 'ctr'],
  ['ip', 'link', 'set', 'veth-t', 'master', 'br-t', 'up'],
  ['ip', '-n', 'ctr', 'addr', 'add', '10.77.0.2/24', 'dev', 'eth0'],
  ['ip', '-n', 'ctr', 'link', 'set', 'eth0', 'up'],
  ['ip', '-n', 'ctr', 'link', 'set', 'lo', 'up'],
  ['ip', '-n', 'ctr', 'route', 'add', 'default', 'via', '10.77.0.1'],
  // The LAN neighbour routes the container subnet through the host: it must still not
  // reach the container except through the published port.
  ['ip', '-n', 'lan', 'route', 'add', '10.77.0.0/24', 'via', '192.168.77.1'],
  ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'],
];

async function reachable(sb: Sandbox, client: Client, target = `${CLIENTS[client]}:8080`): Promise<boolean> {
  const r = await sb.execIn(client, ['socat', '-T2', 'STDIO', `TCP:${target},connect-timeout=2`], { timeoutMs: 8_000 });
  return r.stdout.trim() === 'hi';
}

/** The clients that get the container's answer on the published port. */
async function openTo(sb: Sandbox): Promise<Client[]> {
  const ok = await Promise.all(ALL.map((c) => reachable(sb, c)));
  return ALL.filter((_, i) => ok[i]);
}

async function applyRules(sb: Sandbox, mode: 'plain' | 'ufw'): Promise<string> {
  const r = await sb.exec([process.execPath, script, mode], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`ufw-ports.mjs ${mode}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { doc: string }).doc;
}

async function ufw(sb: Sandbox, ...args: string[]): Promise<void> {
  const r = await sb.exec(['ufw', ...args], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`ufw ${args.join(' ')}: ${r.stdout}${r.stderr}`);
}

function packets(save: string, chain: string): bigint {
  const filter = parse(save).tables.find((t) => t.name === 'filter');
  return (filter?.rules ?? []).filter((r) => r.chain === chain).reduce((n, r) => n + (r.counters?.packets ?? 0n), 0n);
}

describe('published port with ufw enabled and routed policy deny', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    // test/build.ts (global setup) built dist/.
    for (const f of ['firewall/iptables/desired.js', 'cli/commands/ufw-install.js']) {
      if (!existsSync(`${root}dist/${f}`)) throw new Error(`dist/${f} missing: run the tests with npm test`);
    }
    sb = await Sandbox.start({ wan: true, lan: true });
    for (const argv of SETUP) await sb.sh(argv);
    await sb.background(['ip', 'netns', 'exec', 'ctr', 'socat', 'TCP-LISTEN:80,reuseaddr,fork', 'SYSTEM:echo hi']);
    await sb.sh([
      'sh',
      '-c',
      'for i in $(seq 50); do ip netns exec ctr ss -ltn | grep -q ":80 " && exit 0; sleep 0.1; done; exit 1',
    ]);
    await ufw(sb, '--force', 'enable');
    expect(await sb.sh(['ufw', 'status', 'verbose'])).toContain('deny (routed)');
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('without the block the port is open to every client, whatever ufw says', async () => {
    const doc = await applyRules(sb, 'plain');
    expect(doc).toContain('-j ACCEPT');
    expect(doc).not.toContain('ufw-netctl-forward');
    expect(await openTo(sb)).toEqual(ALL);
  });

  it('with the block and the ports sent through it, the port is closed to every client', async () => {
    const install = await sb.netctl(['ufw', 'install']);
    expect(install.code, install.stderr).toBe(0);
    const doc = await applyRules(sb, 'ufw');
    expect(doc).toContain('--ctstate DNAT -m comment --comment "netctl:net=t" -j ufw-netctl-forward');
    const logged = packets(await sb.sh(['iptables-save', '-c', '-t', 'filter']), 'ufw-after-logging-forward');
    expect(await openTo(sb)).toEqual([]);
    // ufw's own routed logging ("[UFW BLOCK]", rate-limited) saw the refused connections.
    expect(packets(await sb.sh(['iptables-save', '-c', '-t', 'filter']), 'ufw-after-logging-forward')).toBeGreaterThan(
      logged,
    );
  });

  it('ufw route allow to the container port opens it to everyone, on the published path only', async () => {
    await ufw(sb, 'route', 'allow', 'proto', 'tcp', 'from', 'any', 'to', '10.77.0.2', 'port', '80');
    expect(await openTo(sb)).toEqual(ALL);
    expect(await reachable(sb, 'lan', '10.77.0.2:80')).toBe(false);
  });

  it('ufw route allow from one source opens it to that source only', async () => {
    await ufw(sb, 'route', 'delete', 'allow', 'proto', 'tcp', 'from', 'any', 'to', '10.77.0.2', 'port', '80');
    expect(await openTo(sb)).toEqual([]);
    await ufw(sb, 'route', 'allow', 'proto', 'tcp', 'from', '203.0.113.1', 'to', '10.77.0.2', 'port', '80');
    expect(await openTo(sb)).toEqual(['wan2']);
  });

  it('keeps that policy through ufw reload, opens when ufw is disabled, closes again on enable', async () => {
    await ufw(sb, 'reload');
    expect(await openTo(sb)).toEqual(['wan2']);
    await ufw(sb, 'disable');
    expect(await openTo(sb)).toEqual(ALL);
    await ufw(sb, '--force', 'enable');
    expect(await openTo(sb)).toEqual(['wan2']);
  });

  it('follows the routed default policy: allow opens the port, deny closes it again', async () => {
    await ufw(sb, 'default', 'allow', 'routed');
    expect(await openTo(sb)).toEqual(ALL);
    expect(await reachable(sb, 'lan', '10.77.0.2:80')).toBe(false);
    await ufw(sb, 'default', 'deny', 'routed');
    expect(await openTo(sb)).toEqual(['wan2']);
  });

  it('after uninstall netctl alone decides again: open to everyone', async () => {
    const r = await sb.netctl(['ufw', 'uninstall']);
    expect(r.code, r.stderr).toBe(0);
    // uninstall re-applies netctl's own rules from its database (empty here: this test wrote
    // its rules by hand), so nothing jumps to the block's chain any more and it is removed.
    expect((await sb.exec(['iptables', '-S', 'ufw-netctl-forward'])).code).not.toBe(0);
    expect((await sb.exec(['ip6tables', '-S', 'ufw6-netctl-forward'])).code).not.toBe(0);
    await applyRules(sb, 'plain');
    expect(await openTo(sb)).toEqual(ALL);
  });
});

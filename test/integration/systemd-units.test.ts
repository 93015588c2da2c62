/**
 * The systemd units in rules/systemd/ are hardened as far as each one's work allows:
 * `systemd-analyze security --offline=true` scores each at or under the threshold stated
 * below (it was 9.6 "UNSAFE" for every one before), `systemd-analyze verify` accepts them, and
 * the work survives the hardening: the CNI daemon answers ADD and DEL, and `ufw sync`
 * replays, run as root with only the capability bounding set and no_new_privs of their unit
 * (setpriv, in a sandbox; the mount-namespace options cannot be applied outside systemd).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/sys/exec.js';
import { NETCTL, Sandbox } from '../harness/sandbox.js';
import { attachEnv, cni, SHIM } from './helpers/cni.js';
import { netctlOk } from './helpers/net.js';

const DIR = fileURLToPath(new URL('../../rules/systemd/', import.meta.url));

/**
 * The highest exposure each unit may score, and why it is not lower. The units that run
 * netctl's write transaction (whose recovery can unmount a container's namespace, kill its
 * processes and delete its files) keep the host's mount namespace and nine capabilities: 5.3.
 * The DNS server mounts nothing and writes only /run and the database: 3.2. The boot unit
 * of containers launches them (every namespace, mounts, their capabilities and system
 * calls), as dockerd's and containerd's units do: not hardened, 9.6.
 */
const THRESHOLD: Record<string, number> = {
  'netctl.service': 5.5,
  'netctl-cni.service': 5.5,
  'netctl-docker.service': 5.5,
  'netctl-ufw-input.service': 5.5,
  'netctl-dns.service': 3.5,
  'netctl-containers.service': 9.7,
};

const units = readdirSync(DIR).filter((f) => f.endsWith('.service'));

function directive(unit: string, key: string): string {
  const line = readFileSync(`${DIR}${unit}`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key}=`));
  return line?.slice(key.length + 1) ?? '';
}

/** setpriv arguments giving root only the unit's bounding set, and no_new_privs. */
function unitPrivileges(unit: string): string[] {
  const caps = directive(unit, 'CapabilityBoundingSet')
    .split(/\s+/)
    .map((c) => `+${c.replace(/^CAP_/, '').toLowerCase()}`);
  return ['setpriv', '--no-new-privs', `--bounding-set=-all,${caps.join(',')}`, '--'];
}

describe('systemd units', () => {
  it('has a threshold for every unit', () => {
    expect(units.sort()).toStrictEqual(Object.keys(THRESHOLD).sort());
  });

  it.each(units)('%s: exposure within its threshold, and it verifies', async (unit) => {
    const r = await run(['systemd-analyze', 'security', '--offline=true', '--no-pager', `${DIR}${unit}`], {
      cwd: '/',
      timeoutMs: 60_000,
    });
    const m = /Overall exposure level for \S+: (\d+\.\d)/.exec(r.stdout);
    expect(m, r.stdout + r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(THRESHOLD[unit]!);
    // Everything netctl needs stays: namespaces and the firewall. The containers' unit keeps
    // every capability and setuid (its containers' processes inherit both).
    if (unit === 'netctl-containers.service') expect(directive(unit, 'KillMode')).toBe('process');
    else {
      expect(directive(unit, 'CapabilityBoundingSet')).toMatch(/CAP_NET_ADMIN.*CAP_SYS_ADMIN/);
      expect(directive(unit, 'NoNewPrivileges')).toBe('yes');
    }
    const v = await run(['systemd-analyze', 'verify', `${DIR}${unit}`], { cwd: '/', timeoutMs: 60_000 });
    expect(v.stderr.split('\n').filter((l) => l.includes(unit) && !/not found|not exist/.test(l))).toStrictEqual([]);
  });

  describe("the work under each unit's privileges", () => {
    let sb: Sandbox;
    beforeAll(async () => {
      sb = await Sandbox.start();
      await sb.sh(['ip', 'netns', 'add', 'pod']);
    });
    afterAll(async () => sb?.close());

    it('netctl.service: ufw sync replays a network and its rules', async () => {
      await netctlOk(sb, ['network', 'create', 'front', '--subnet', '10.97.0.0/24']);
      // As after a reboot: the rules gone (every nat chain flushed).
      await sb.sh(['iptables', '-t', 'nat', '-F']);
      expect(await sb.sh(['iptables-save', '-t', 'nat'])).not.toContain('10.97.0.0/24');
      const r = await sb.exec([...unitPrivileges('netctl.service'), process.execPath, NETCTL, 'ufw', 'sync']);
      expect(r.code, r.stderr).toBe(0);
      expect(await sb.sh(['iptables-save', '-t', 'nat'])).toContain('10.97.0.0/24');
    });

    it('netctl-cni.service: the daemon answers ADD and DEL', async () => {
      const sock = '/run/netctl/cni.sock';
      await sb.background([
        'sh',
        '-c',
        `exec ${unitPrivileges('netctl-cni.service').join(' ')} ${process.execPath} ${NETCTL} cni serve >>/run/cni.log 2>&1`,
      ]);
      const via = { exec: sb.exec.bind(sb), plugin: [SHIM, sock, '/bin/false'] };
      const conf = { cniVersion: '1.0.0', name: 'pods', type: 'netctl', subnet: '10.98.0.0/24' };
      let add = await cni(via, attachEnv('ADD', 'p1', '/run/netns/pod'), conf);
      for (let i = 0; i < 100 && add.code !== 0 && !add.raw.includes('"code"'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        add = await cni(via, attachEnv('ADD', 'p1', '/run/netns/pod'), conf);
      }
      expect(add.code, add.raw + (await sb.sh(['cat', '/run/cni.log']))).toBe(0);
      expect(await sb.sh(['ip', 'netns', 'exec', 'pod', 'ip', '-4', 'addr', 'show', 'eth0'])).toContain('10.98.0.');
      const del = await cni(via, attachEnv('DEL', 'p1', '/run/netns/pod'), conf);
      expect(del.code, del.raw).toBe(0);
    });
  });
});

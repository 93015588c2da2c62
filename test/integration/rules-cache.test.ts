/**
 * The remembered owned rules against the real kernel: after each command the file under the
 * run root holds exactly what iptables-save shows netctl owns, at the generation id the
 * kernel reports; a rule someone deleted by hand (which moves the id) is seen and put back
 * by the next command.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';
import { parse } from '../../src/firewall/iptables/parse.js';
import { renderRule } from '../../src/firewall/iptables/render.js';
import type { Ruleset } from '../../src/firewall/iptables/ast.js';
import { ownedPart } from '../../src/firewall/iptables/plan-owned.js';
import { loadTables } from '../../src/firewall/iptables/rules-cache-file.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const ADDON = fileURLToPath(new URL('../../native/build/Release/netctl_native.node', import.meta.url));
const IMG = `/tmp/netctl-test-${process.pid}-cache-img`;
const TABLES = ['filter', 'nat', 'raw'];
/**
 * Tables, chains and each chain's rules in one order: a save lists tables and chains as the
 * kernel keeps them, a plan as it builds them; only the order of rules within a chain counts.
 */
const canonical = (rs: Ruleset): string =>
  [...rs.tables]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) => {
      const chains = [...new Set([...t.chains.map((c) => c.name), ...t.rules.map((r) => r.chain)])].sort();
      return [
        `*${t.name}`,
        ...t.chains.map((c) => c.name).sort(),
        ...chains.flatMap((c) => t.rules.filter((r) => r.chain === c).map((r) => renderRule(r))),
      ].join('\n');
    })
    .join('\n');

describe('remembered owned rules, real kernel', () => {
  let sb: Sandbox;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  /** The owned part of the live rules of a family, rendered. */
  const liveOwned = async (family: 4 | 6): Promise<string> => {
    const rs = parse(await sb.sh([family === 4 ? 'iptables-save' : 'ip6tables-save']), { family });
    return canonical(ownedPart({ family, tables: rs.tables.filter((t) => TABLES.includes(t.name)) }));
  };
  const generation = async (): Promise<number> =>
    Number(await sb.sh(['node', '-e', `process.stdout.write(String(require(${JSON.stringify(ADDON)}).nftGenId()))`]));
  /** The file, checked to be what is live now. */
  const expectCurrent = async (): Promise<void> => {
    const file = JSON.parse(await sb.sh(['cat', '/run/netctl/firewall-rules.json'])) as {
      gen: number;
      f4: unknown;
      f6: unknown;
    };
    expect(file.gen).toBe(await generation());
    // Chain by chain (rules-cache-file.ts), read as the next command reads it.
    expect(canonical(loadTables(file.f4, 4)!)).toBe(await liveOwned(4));
    expect(canonical(loadTables(file.f6, 6)!)).toBe(await liveOwned(6));
  };

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true });
    await sb.sh(['sh', makeImages, IMG]);
    await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
  });
  afterAll(async () => {
    await sb?.exec(['rm', '-rf', IMG]);
    await sb?.close();
  });

  it('matches the live rules after every kind of change', async () => {
    await netctl('network', 'create', '--subnet', '10.78.0.0/24', '--ipv6', '--subnet', 'fd00:78::/64', 'cache');
    await expectCurrent();
    await netctl(
      'run',
      '-d',
      '--name',
      'a',
      '--network',
      'cache',
      '-p',
      '8080:80',
      '-p',
      '127.0.0.1:8081:81',
      'busybox',
      'sleep',
      '600',
    );
    await expectCurrent();
    await netctl(
      'run',
      '-d',
      '--name',
      'b',
      '--network',
      'cache',
      '-p',
      '8082:80/udp',
      '--link',
      'a',
      'busybox',
      'sleep',
      '600',
    );
    await expectCurrent();
    await netctl('network', 'create', '--subnet', '10.79.0.0/24', 'other');
    await netctl('network', 'connect', 'other', 'b');
    await expectCurrent();
    await netctl('rm', '-f', 'a');
    await expectCurrent();
  });

  it('sees a rule deleted by hand and puts it back with the next command', async () => {
    const dnat = (await sb.sh(['iptables-save', '-t', 'nat'])).split('\n').find((l) => l.includes('--dport 8082'));
    expect(dnat).toBeDefined();
    await sb.sh([
      'iptables',
      '-t',
      'nat',
      ...dnat!
        .replace(/^-A /, '-D ')
        .match(/"[^"]*"|\S+/g)!
        .map((w) => w.replace(/^"|"$/g, '')),
    ]);
    expect(await sb.sh(['iptables-save', '-t', 'nat'])).not.toContain('--dport 8082');
    await netctl('run', '-d', '--name', 'c', '--network', 'cache', '-p', '8083:80', 'busybox', 'sleep', '600');
    const nat = await sb.sh(['iptables-save', '-t', 'nat']);
    expect(nat).toContain('--dport 8082');
    expect(nat).toContain('--dport 8083');
    await expectCurrent();
  });

  it("plans runs and removals from the container's own rows, with the rules every record wants", async () => {
    await netctl('network', 'create', '--subnet', '10.77.0.0/24', '--ipv6', '--subnet', 'fd00:77::/64', 'solo');
    const steps = [
      ['run', '-d', '--name', 's1', '--network', 'solo', '-p', '8090:80', 'busybox', 'sleep', '600'],
      [
        'run',
        '-d',
        '--name',
        's2',
        '--network',
        'solo',
        '-p',
        '127.0.0.1:8091:80',
        '-p',
        '8092:81/udp',
        'busybox',
        'sleep',
        '600',
      ],
      ['run', '-d', '--name', 's3', '--network', 'solo', 'busybox', 'sleep', '600'],
      ['rm', '-f', 's1'],
      ['run', '-d', '--name', 's4', '--network', 'solo', '-p', '8090:80', 'busybox', 'sleep', '600'],
      ['rm', '-f', 's3', 's2', 's4'],
    ];
    const bases: unknown[] = [];
    for (const args of steps) {
      await netctl(...args);
      await expectCurrent();
      // doctor plans from every record against a fresh read: no rule to change. (It has
      // ufw findings here, about this sandbox's ufw.)
      const doctor = await sb.netctl(['doctor']);
      expect(doctor.stdout).not.toContain('rules differ');
      // What the rules were planned from is remembered, for the next command to start from.
      bases.push(
        (JSON.parse(await sb.sh(['cat', '/run/netctl/firewall-rules.json'])) as { basis?: { rev: string } }).basis?.rev,
      );
    }
    expect(bases.every((b) => typeof b === 'string')).toBe(true);
    expect(new Set(bases).size).toBe(bases.length);
    await netctl('network', 'rm', 'solo');
  });

  it('removing the containers and networks takes their rules, and the file says so', async () => {
    await netctl('rm', '-f', 'b', 'c');
    await netctl('network', 'rm', 'cache', 'other');
    const left = await liveOwned(4);
    expect(left).not.toContain('DNAT --to-destination');
    expect(left).not.toContain('10.78.0.0/24');
    await expectCurrent();
  });
});

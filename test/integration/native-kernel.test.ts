/**
 * The addon's kernel calls that replace programs on the teardown path, against the real
 * kernel in a sandbox: conntrack entries deleted by reply source over ctnetlink (only those),
 * a link deleted on a worker thread (gone from the namespace long before the kernel's wait
 * ends), the overlay mount and unmount, and the nf_tables generation id moving once per
 * committed table.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';

const ADDON = fileURLToPath(new URL('../../native/build/Release/netctl_native.node', import.meta.url));

describe('native kernel calls', () => {
  let sb: Sandbox;
  /** Runs `body` in node inside the sandbox with `n` the addon; returns what it printed. */
  const node = (body: string): Promise<string> =>
    sb.sh([
      'node',
      '-e',
      `const n = require(${JSON.stringify(ADDON)}); (async () => { ${body} })().catch((e) => { console.log('ERR ' + e.message); process.exit(1); })`,
    ]);

  beforeAll(async () => {
    sb = await Sandbox.start({});
    for (const argv of [
      ['ip', 'netns', 'add', 'peer'],
      ['ip', 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb', 'netns', 'peer'],
      ['ip', 'addr', 'add', '10.5.0.1/24', 'dev', 'va'],
      ['ip', 'link', 'set', 'va', 'up'],
      ['ip', '-n', 'peer', 'addr', 'add', '10.5.0.2/24', 'dev', 'vb'],
      ['ip', '-n', 'peer', 'link', 'set', 'vb', 'up'],
      ['iptables', '-A', 'OUTPUT', '-m', 'conntrack', '--ctstate', 'NEW', '-j', 'ACCEPT'],
    ]) {
      await sb.sh(argv);
    }
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('deletes the conntrack entries whose replies come from one address, and no others', async () => {
    for (const target of ['10.5.0.2:5000', '10.5.0.2:5001', '10.5.0.9:6000']) {
      await sb.exec(['sh', '-c', `echo x | timeout 0.3 socat - UDP:${target}`]);
    }
    const list = async (): Promise<string> => (await sb.exec(['conntrack', '-L'])).stdout;
    expect((await list()).match(/src=10\.5\.0\.2 dst=10\.5\.0\.1/g)?.length).toBe(2);
    expect(await node(`n.ctFlushReplySrc('10.5.0.2').then(console.log)`)).toBe('2\n');
    const after = await list();
    expect(after).not.toContain('src=10.5.0.2 dst=10.5.0.1');
    expect(after).toContain('dst=10.5.0.9');
    expect(await node(`n.ctFlushReplySrc('fd00::2').then(console.log)`)).toBe('0\n');
    expect(await node(`try { n.ctFlushReplySrc('nope') } catch (e) { console.log(e.message) }`)).toContain('"nope"');
  });

  it('deletes a link on a worker thread: gone at once, settled later, a missing one is fine', async () => {
    const out = await node(`
      const fs = require('fs');
      const t0 = performance.now();
      let gone = 0;
      const p = n.deleteLinkAsync('va').then(() => performance.now() - t0);
      while (fs.existsSync('/sys/class/net/va')) await new Promise((r) => setImmediate(r));
      gone = performance.now() - t0;
      const settled = await p;
      await n.deleteLinkAsync('va');
      console.log(gone <= settled ? 'ok' : 'late', typeof settled);`);
    expect(out).toBe('ok number\n');
    expect((await sb.exec(['ip', 'link', 'show', 'va'])).code).not.toBe(0);
    // The peer end went with it.
    expect((await sb.exec(['ip', '-n', 'peer', 'link', 'show', 'vb'])).code).not.toBe(0);
    expect(await node(`await n.deleteLinkAsync('lo').catch((e) => console.log(e.message))`)).toContain(
      'RTM_DELLINK "lo"',
    );
  });

  it('mounts and unmounts an overlay, and the generation id moves once per committed table', async () => {
    await sb.sh(['mkdir', '-p', '/tmp/ov/l', '/tmp/ov/u', '/tmp/ov/w', '/tmp/ov/m']);
    await sb.sh(['sh', '-c', 'echo low > /tmp/ov/l/f']);
    await node(
      `n.mountFs('overlay', 'overlay', '/tmp/ov/m', 'lowerdir=/tmp/ov/l,upperdir=/tmp/ov/u,workdir=/tmp/ov/w')`,
    );
    expect(await sb.sh(['cat', '/tmp/ov/m/f'])).toBe('low\n');
    await node(`n.unmount('/tmp/ov/m', false)`);
    expect((await sb.exec(['cat', '/tmp/ov/m/f'])).code).not.toBe(0);
    const out = await node(`
      const { execFileSync } = require('child_process');
      const a = n.nftGenId();
      execFileSync('iptables-restore', ['--noflush'], { input: '*filter\\n:NCTEST - [0:0]\\nCOMMIT\\n*nat\\n:NCTEST - [0:0]\\nCOMMIT\\n' });
      const b = n.nftGenId();
      console.log(b - a, n.nftGenId() - b);`);
    expect(out).toBe('2 0\n');
  });

  it('deletes rules by position in one commit bound to the generation id, and changes nothing when the chain or the id differs', async () => {
    const doc = [
      '*filter',
      ':NETCTL-T - [0:0]',
      '-A NETCTL-T -s 10.7.0.1/32 -m comment --comment "netctl:a" -j ACCEPT',
      '-A NETCTL-T -s 10.7.0.2/32 -m comment --comment "netctl:b" -j ACCEPT',
      '-A NETCTL-T -s 10.7.0.3/32 -j ACCEPT',
      '-A NETCTL-T -s 10.7.0.4/32 -m comment --comment "netctl:d" -j DROP',
      'COMMIT',
      '',
    ].join('\n');
    const six = doc.replace(/10\.7\.0\.(\d)\/32/g, 'fd07::$1/128');
    await sb.sh([
      'sh',
      '-c',
      `printf '%s' '${doc}' | iptables-restore --noflush && printf '%s' '${six}' | ip6tables-restore --noflush`,
    ]);
    const rules = async (cmd: string): Promise<string[]> =>
      (await sb.sh([cmd, '-S', 'NETCTL-T'])).split('\n').filter((l) => l.startsWith('-A'));
    const comments = ['netctl:a', 'netctl:b', '', 'netctl:d'];
    const edit = (family: 4 | 6, doomed: number[], c = comments): string =>
      JSON.stringify({ family, table: 'filter', chain: 'NETCTL-T', comments: c, doomed });
    // Refused: a stale id, a comment that differs, a rule too many: nothing changes.
    const refused = await node(`
      const g = n.nftGenId();
      console.log(n.nftDeleteRules(g - 1, [${edit(4, [1])}]));
      console.log(n.nftDeleteRules(g, [${edit(6, [0])}, ${edit(4, [1], ['netctl:a', 'netctl:x', '', 'netctl:d'])}]));
      console.log(n.nftDeleteRules(g, [${edit(4, [1], comments.slice(0, 3))}]));
      console.log(n.nftGenId() - g);`);
    expect(refused.split('\n')).toEqual([
      expect.stringContaining('is gone'),
      'rule 2 of filter/NETCTL-T has comment "netctl:b", not "netctl:x"',
      'chain filter/NETCTL-T holds 4 rules, not 3',
      '0',
      '',
    ]);
    expect(await rules('iptables')).toHaveLength(4);
    expect(await rules('ip6tables')).toHaveLength(4);
    // Done: two rules of one family, one of the other, in one commit.
    const done = await node(`
      const g = n.nftGenId();
      console.log(n.nftDeleteRules(g, [${edit(4, [1, 2])}, ${edit(6, [3])}]), n.nftGenId() - g);`);
    expect(done).toBe('null 1\n');
    expect(await rules('iptables')).toEqual([
      '-A NETCTL-T -s 10.7.0.1/32 -m comment --comment "netctl:a" -j ACCEPT',
      '-A NETCTL-T -s 10.7.0.4/32 -m comment --comment "netctl:d" -j DROP',
    ]);
    expect(await rules('ip6tables')).toEqual([
      '-A NETCTL-T -s fd07::1/128 -m comment --comment "netctl:a" -j ACCEPT',
      '-A NETCTL-T -s fd07::2/128 -m comment --comment "netctl:b" -j ACCEPT',
      '-A NETCTL-T -s fd07::3/128 -j ACCEPT',
    ]);
    expect(
      await node(
        `console.log(n.nftDeleteRules(n.nftGenId(), [{ family: 4, table: 'filter', chain: 'NETCTL-NONE', comments: ['netctl:a'], doomed: [0] }]))`,
      ),
    ).toBe('chain filter/NETCTL-NONE holds 0 rules, not 1\n');
    expect(await node(`try { n.nftDeleteRules(1, [${edit(4, [7])}]) } catch (e) { console.log(e.message) }`)).toBe(
      'position 7 out of range in filter/NETCTL-T\n',
    );
  });

  it('runs a program with posix_spawn on a worker thread: output, exit code, input, timeout, a missing program, the caller thread namespace', async () => {
    const out = await node(`
      const r = await n.spawnAsync(['sh', '-c', 'cat; echo oops >&2; exit 3'], ['A=1'], '', 'hello', 5000);
      console.log(JSON.stringify(r));
      const big = await n.spawnAsync(['wc', '-c'], [], '/', Buffer.alloc(3000000, 65), 5000);
      console.log(big.stdout.trim());
      const env = await n.spawnAsync(['sh', '-c', 'echo "$A"; pwd'], ['A=b c', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin'], '/tmp', '', 5000);
      console.log(JSON.stringify(env.stdout));
      const t0 = performance.now();
      const slow = await n.spawnAsync(['sleep', '10'], [], '', '', 300);
      console.log(slow.code, performance.now() - t0 < 3000);
      await n.spawnAsync(['no-such-program-x'], [], '', '', 1000).catch((e) => console.log(e.message));
      const inside = await n.withNetns('/run/netns/peer', () => n.spawnAsync(['readlink', '/proc/self/ns/net'], ['PATH=' + process.env.PATH], '', '', 5000));
      const outside = await n.spawnAsync(['readlink', '/proc/self/ns/net'], ['PATH=' + process.env.PATH], '', '', 5000);
      const peer = require('fs').statSync('/run/netns/peer').ino;
      console.log(inside.stdout.trim() === 'net:[' + peer + ']', outside.stdout.trim() === require('fs').readlinkSync('/proc/self/ns/net'));`);
    expect(out.split('\n')).toEqual([
      '{"code":3,"stdout":"hello","stderr":"oops\\n"}',
      '3000000',
      '"b c\\n/tmp\\n"',
      '128 true',
      'spawn no-such-program-x No such file or directory',
      'true true',
      '',
    ]);
  });
});

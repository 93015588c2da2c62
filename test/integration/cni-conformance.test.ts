/**
 * netctl's CNI plugin driven as a runtime drives it (env + stdin, namespaces made by the
 * test with `ip netns add`), for every command and both spec versions: results, CHECK
 * catching each missing piece, idempotent DEL, STATUS, GC; and the spec's error cases
 * (bad JSON, unknown version, missing netns, no address left) leaving nothing behind.
 * Twice: the plugin exec'd (node per call), and through the shim with `netctl cni serve`
 * running (its fallback /bin/false, so every call is the daemon's answer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { kernelState, netctlOk } from './helpers/net.js';
import { attachEnv, cni as call, startDaemon, viaShim, type Runner } from './helpers/cni.js';

const conf = (v: string, extra: object = {}): Record<string, unknown> => ({
  cniVersion: v,
  name: 'pods',
  type: 'netctl',
  subnet: '10.93.0.0/24',
  ...extra,
});

for (const mode of ['exec', 'daemon'] as const)
  describe(`CNI plugin conformance (${mode})`, () => {
    let sb: Sandbox;
    let plugin: Runner;
    // The plugin as this mode runs it; everything else (ip, iptables, netctl) in the sandbox.
    const cni = (_sb: Sandbox, env: Record<string, string>, conf: object | string): ReturnType<typeof call> =>
      call(plugin, env, conf);
    beforeAll(async () => {
      sb = await Sandbox.start();
      for (const ns of ['a', 'b', 'c']) await sb.sh(['ip', 'netns', 'add', ns]);
      plugin = sb;
      if (mode === 'daemon') {
        await startDaemon(sb);
        plugin = viaShim(sb);
      }
    });
    afterAll(async () => sb?.close());

    it('answers VERSION for every version', async () => {
      for (const v of ['1.0.0', '1.1.0']) {
        const r = await cni(sb, { CNI_COMMAND: 'VERSION' }, { cniVersion: v });
        expect(r.code).toBe(0);
        expect(r.out).toEqual({ cniVersion: v, supportedVersions: ['1.0.0', '1.1.0'] });
      }
    });

    for (const v of ['1.0.0', '1.1.0']) {
      it(`ADD, CHECK, DEL with spec ${v}`, async () => {
        const add = await cni(
          sb,
          attachEnv('ADD', `ctr-${v}`, '/run/netns/a', {
            CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=ns1;K8S_POD_NAME=pod-${v}`,
          }),
          conf(v),
        );
        expect(add.code, add.raw).toBe(0);
        const res = add.out as {
          cniVersion: string;
          interfaces: { name: string; sandbox?: string; mac?: string }[];
          ips: { address: string; gateway: string; interface: number }[];
          routes: unknown[];
        };
        expect(res.cniVersion).toBe(v);
        const ip = res.ips[0]!;
        expect(ip.address).toMatch(/^10\.93\.0\.\d+\/24$/);
        expect(ip.gateway).toBe('10.93.0.1');
        expect(res.interfaces[ip.interface]).toMatchObject({
          name: 'eth0',
          sandbox: '/run/netns/a',
          mac: expect.stringMatching(/^02:42:/),
        });
        expect(res.routes).toEqual([{ dst: '0.0.0.0/0', gw: '10.93.0.1' }]);
        // The namespace has what the result says, and reaches the gateway.
        expect(await sb.sh(['ip', '-n', 'a', '-o', 'addr', 'show', 'dev', 'eth0'])).toContain(ip.address);
        expect((await sb.exec(['ip', 'netns', 'exec', 'a', 'ping', '-c1', '-W2', '10.93.0.1'])).code).toBe(0);
        expect(await netctlOk(sb, ['ps'])).toMatch(
          new RegExp(`ns1\\.pod-${v.replace(/\./g, '\\.')}\\s+\\(cni\\)\\s+Up\\b.*?\\s+${ip.address.split('/')[0]}`),
        );
        const env = attachEnv('CHECK', `ctr-${v}`, '/run/netns/a');
        const withPrev = conf(v, { prevResult: res });
        expect((await cni(sb, env, withPrev)).code).toBe(0);
        // Each missing piece is named.
        await sb.sh(['ip', '-n', 'a', 'route', 'del', 'default']);
        let chk = await cni(sb, env, withPrev);
        expect(chk.code).not.toBe(0);
        expect(chk.out?.msg).toContain('default route via 10.93.0.1 is missing');
        await sb.sh(['ip', '-n', 'a', 'addr', 'del', ip.address, 'dev', 'eth0']);
        chk = await cni(sb, env, withPrev);
        expect(chk.out?.msg).toContain(`address ${ip.address} is missing`);
        const host = res.interfaces.find((i) => i.name.startsWith('vn'))!.name;
        await sb.sh(['ip', 'link', 'set', host, 'nomaster']);
        chk = await cni(sb, env, withPrev);
        expect(chk.out?.msg).toContain(`"${host}" is not on bridge`);
        await sb.sh(['ip', 'netns', 'exec', 'a', 'ip', 'link', 'del', 'eth0']);
        chk = await cni(sb, env, withPrev);
        expect(chk.out?.msg).toContain('interface "eth0" is missing');
        expect(chk.out).toMatchObject({ cniVersion: v, code: expect.any(Number) });
        // DEL: everything goes; a second DEL (and a DEL without netns) is fine.
        for (const extra of [{}, {}, { CNI_NETNS: '' }]) {
          const del = await cni(sb, { ...attachEnv('DEL', `ctr-${v}`, '/run/netns/a'), ...extra }, conf(v));
          expect(del.code, del.raw).toBe(0);
          expect(del.raw).toBe('');
        }
        expect(await netctlOk(sb, ['ps', '-a'])).not.toContain('pod-');
        const rules = (await sb.sh(['iptables-save'])) + (await sb.sh(['iptables-save', '-t', 'nat']));
        expect(rules).not.toMatch(new RegExp(`${ip.address.split('/')[0]!.replace(/\./g, '\\.')}[/:]`));
        expect(await sb.sh(['ip', '-o', 'link'])).not.toContain(host);
        // CHECK of an attachment that is gone: code 3.
        expect((await cni(sb, env, conf(v))).out?.code).toBe(3);
      });
    }

    it('detects a missing rule', async () => {
      const add = await cni(
        sb,
        attachEnv('ADD', 'ctr-rule', '/run/netns/b'),
        conf('1.0.0', { runtimeConfig: { portMappings: [{ hostPort: 9090, containerPort: 80, protocol: 'tcp' }] } }),
      );
      expect(add.code, add.raw).toBe(0);
      const dnat = (await sb.sh(['iptables-save', '-t', 'nat']))
        .split('\n')
        .find((l) => l.startsWith('-A') && l.includes('--dport 9090'))!;
      expect(dnat).toBeDefined();
      expect((await cni(sb, attachEnv('CHECK', 'ctr-rule', '/run/netns/b'), conf('1.0.0'))).code).toBe(0);
      await sb.sh([
        'iptables',
        '-t',
        'nat',
        ...dnat
          .replace(/^-A /, '-D ')
          .split(' ')
          .filter(Boolean)
          .map((t) => t.replace(/^"|"$/g, '')),
      ]);
      const chk = await cni(sb, attachEnv('CHECK', 'ctr-rule', '/run/netns/b'), conf('1.0.0'));
      expect(chk.code).not.toBe(0);
      expect(chk.out?.msg).toContain('rule missing');
      expect((await cni(sb, attachEnv('DEL', 'ctr-rule', '/run/netns/b'), conf('1.0.0'))).code).toBe(0);
    });

    it('STATUS and GC (1.1.0)', async () => {
      expect((await cni(sb, { CNI_COMMAND: 'STATUS' }, conf('1.1.0'))).code).toBe(0);
      expect((await cni(sb, { CNI_COMMAND: 'STATUS' }, conf('1.0.0'))).out?.code).toBe(1);
      for (const [id, ns] of [
        ['keep', 'b'],
        ['stale', 'c'],
      ] as const)
        expect((await cni(sb, attachEnv('ADD', id, `/run/netns/${ns}`), conf('1.1.0'))).code).toBe(0);
      const gc = await cni(
        sb,
        { CNI_COMMAND: 'GC' },
        conf('1.1.0', { 'cni.dev/valid-attachments': [{ containerID: 'keep', ifname: 'eth0' }] }),
      );
      expect(gc.code, gc.raw).toBe(0);
      expect(await sb.sh(['ip', '-n', 'c', '-o', 'link'])).not.toContain('eth0');
      expect(await sb.sh(['ip', '-n', 'b', '-o', 'link'])).toContain('eth0');
      const ps = await netctlOk(sb, ['ps', '--json']);
      expect((JSON.parse(ps) as { name: string }[]).map((r) => r.name)).toEqual(['cni-keep-eth0']);
      expect((await cni(sb, attachEnv('DEL', 'keep', '/run/netns/b'), conf('1.1.0'))).code).toBe(0);
    });

    it('refuses bad input with the spec codes and leaves nothing behind', async () => {
      const before = await kernelState(sb);
      const db = await netctlOk(sb, ['ps', '-a', '--json']);
      const cases: [Record<string, string>, object | string, number, string][] = [
        [attachEnv('ADD', 'x1', '/run/netns/a'), '{"cniVersion": "1.0.0", "name": ', 6, 'decode'],
        [attachEnv('ADD', 'x1', '/run/netns/a'), conf('0.9.9'), 1, '0.9.9'],
        [attachEnv('ADD', 'x1', '/run/netns/nope'), conf('1.0.0'), 4, '/run/netns/nope'],
        [{ CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'x1', CNI_IFNAME: 'eth0' }, conf('1.0.0'), 4, 'CNI_NETNS'],
        [attachEnv('ADD', 'x1', '/run/netns/a'), conf('1.0.0', { subnet: '10.94.0.0/24' }), 7, 'subnet 10.93.0.0/24'],
        [
          attachEnv('ADD', 'x1', '/run/netns/a'),
          conf('1.0.0', { runtimeConfig: { portMappings: [{ hostPort: 70000, containerPort: 80 }] } }),
          7,
          '70000',
        ],
      ];
      for (const [env, c, code, text] of cases) {
        const r = await cni(sb, env, c);
        expect(r.code, JSON.stringify(c)).not.toBe(0);
        expect(r.out?.code, r.raw).toBe(code);
        expect(String(r.out?.msg)).toContain(text);
      }
      // A network with room for one container: the second ADD finds no address.
      const tiny = { cniVersion: '1.0.0', name: 'tiny', type: 'netctl', subnet: '10.95.0.0/30' };
      expect((await cni(sb, attachEnv('ADD', 't1', '/run/netns/a'), tiny)).code).toBe(0);
      const mid = await kernelState(sb);
      const full = await cni(sb, attachEnv('ADD', 't2', '/run/netns/b'), tiny);
      expect(full.out).toMatchObject({ code: 100, msg: expect.stringContaining('no free IPv4 address') });
      expect(await kernelState(sb)).toBe(mid);
      expect((await cni(sb, attachEnv('DEL', 't1', '/run/netns/a'), tiny)).code).toBe(0);
      await netctlOk(sb, ['network', 'rm', 'tiny']);
      expect(await kernelState(sb)).toBe(before);
      expect(await netctlOk(sb, ['ps', '-a', '--json'])).toBe(db);
    });
  });

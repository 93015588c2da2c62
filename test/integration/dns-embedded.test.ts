/**
 * The embedded DNS server with real packets: busybox `nslookup` (DNS, never /etc/hosts) at
 * 127.0.0.11 from containers; dnsmasq on the sandbox's wan host as the host's upstream,
 * answering an external test zone (large answers too, for UDP truncation then TCP).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { NETCTL, Sandbox } from '../harness/sandbox.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const query = fileURLToPath(new URL('./scripts/dns-query.mjs', import.meta.url));
const follow = fileURLToPath(new URL('../bench/dns-follow.mjs', import.meta.url));
const WAN = '198.51.100.1';

interface View {
  Id: string;
  NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
}

describe('embedded DNS server', () => {
  let sb: Sandbox;
  let tmp = '';
  let env: Record<string, string> = {};
  const netctl = async (...args: string[]): Promise<string> => {
    const r = await sb.netctl(args, { env, timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`netctl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const ip = async (name: string, net: string): Promise<string> =>
    (JSON.parse(await netctl('inspect', name)) as View[])[0]!.NetworkSettings.Networks[net]!.IPAddress;
  /** The addresses nslookup got for `name` from the embedded server, sorted; [] when it failed. */
  const lookup = async (from: string, name: string, type = 'a'): Promise<string[]> => {
    // busybox asks PTR for an address by itself, and only without -type.
    const t = /^[\d.]+$/.test(name) ? [] : [`-type=${type}`];
    const r = await sb.netctl(['exec', from, 'busybox', 'nslookup', ...t, name, '127.0.0.11'], {
      env,
      timeoutMs: 15_000,
    });
    const body = r.stdout.split('\n').slice(2).join('\n');
    return [...body.matchAll(/^(?:Address: |[^\s:]+\s+name = )(\S+)/gm)].map((m) => m[1]!).sort();
  };
  const run = (name: string, ...opts: string[]): Promise<string> =>
    netctl('run', '-d', '--name', name, ...opts, 'busybox', 'sleep', '100000');

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true });
    tmp = (await sb.sh(['mktemp', '-d', '/tmp/netctl-it-XXXXXX'])).trim();
    await sb.sh(['sh', makeImages, `${tmp}/img`]);
    // The host's resolv.conf as netctl reads it: the stub first (left out), the wan resolver.
    await sb.sh(['sh', '-c', `printf 'nameserver 127.0.0.53\\nnameserver ${WAN}\\n' > ${tmp}/resolv.conf`]);
    env = { NETCTL_RESOLV_CONF: `${tmp}/resolv.conf` };
    const txt = Array.from({ length: 24 }, (_, i) => `--txt-record=big.ext.test,${String(i).padStart(60, 'x')}`);
    await sb.background([
      'ip',
      'netns',
      'exec',
      'wan',
      'dnsmasq',
      '-k',
      '-C',
      '/dev/null',
      '-u',
      'root',
      '--no-resolv',
      '--no-hosts',
      '--bind-interfaces',
      `--listen-address=${WAN}`,
      '--address=/www.ext.test/198.51.100.80',
      ...txt,
      `--pid-file=${tmp}/dnsmasq.pid`,
    ]);
    await netctl('image', 'import', `${tmp}/img/busybox.tar`, 'busybox');
    await netctl('network', 'create', '--subnet', '10.81.0.0/24', 'front');
    await netctl('network', 'create', '--subnet', '10.82.0.0/24', 'back');
    await netctl('network', 'create', '--subnet', '10.83.0.0/24', '--internal', 'vault');
  }, 120_000);
  afterAll(async () => {
    if (tmp) await sb?.exec(['rm', '-rf', tmp]);
    await sb?.close();
  });

  it('answers names, aliases and a shared alias with every address, on the asker networks only', async () => {
    await run('web', '--network', 'front', '--alias', 'www', '--alias', 'pool');
    await run('web2', '--network', 'front', '--alias', 'pool');
    await run('db', '--network', 'back');
    const web = await ip('web', 'front');
    const web2 = await ip('web2', 'front');
    expect(await lookup('web2', 'web')).toEqual([web]);
    expect(await lookup('web2', 'WWW.')).toEqual([web]);
    expect(await lookup('web', 'pool')).toEqual([web, web2].sort());
    // db is on another network: not visible, and (not ours) forwarded: the upstream says NXDOMAIN.
    expect(await lookup('web', 'db')).toEqual([]);
    const view = JSON.parse(await netctl('inspect', 'web'))[0].NetworkSettings.Networks.front;
    expect(view.DNSNames).toEqual(['web', 'www', 'pool', expect.stringMatching(/^[0-9a-f]{12}$/)]);
    const status = JSON.parse(await netctl('dns', 'status', '--json')) as { status: { served: number } };
    expect(status.status.served).toBe(3);
  });

  it('answers PTR for container addresses, forwards external names (UDP, then TCP on truncation)', async () => {
    const web = await ip('web', 'front');
    expect(await lookup('web2', web)).toEqual(['web.front']);
    expect(await lookup('web', 'www.ext.test')).toEqual(['198.51.100.80']);
    // 24 TXT records (~1.8 kB): the upstream truncates our 1232-byte EDNS query, we ask again
    // over TCP; a client without EDNS gets TC over UDP, and everything over TCP.
    const id = (JSON.parse(await netctl('inspect', 'web')) as View[])[0]!.Id.slice(0, 12);
    const ask = async (proto: string): Promise<{ tc: boolean; answers: string[] }> =>
      JSON.parse(
        await sb.sh([
          'nsenter',
          `--net=/run/netctl/netns/${id}`,
          process.execPath,
          query,
          '127.0.0.11',
          'big.ext.test',
          'TXT',
          proto,
        ]),
      );
    expect(await ask('udp')).toMatchObject({ tc: true, answers: [] });
    expect((await ask('tcp')).answers).toHaveLength(24);
  });

  it('answers compose service names, and the link aliases of the container that asks', async () => {
    const dir = `${tmp}/shop`;
    const file =
      'services:\n  api:\n    image: busybox\n    command: sleep 100000\n  ui:\n    image: busybox\n    command: sleep 100000\n';
    await sb.sh(['sh', '-c', `mkdir -p ${dir} && printf '%s' "$0" > ${dir}/compose.yaml`, file]);
    const up = await sb.exec(['sh', '-c', `cd ${dir} && "$0" ${NETCTL} compose up -d`, process.execPath], {
      env,
      timeoutMs: 60_000,
    });
    expect(up.code, up.stderr).toBe(0);
    expect(await lookup('shop-ui-1', 'api')).toEqual([await ip('shop-api-1', 'shop_default')]);
    await run('linker', '--network', 'front', '--link', 'web:backend');
    expect(await lookup('linker', 'backend')).toEqual([await ip('web', 'front')]);
    expect(await lookup('web2', 'backend')).toEqual([]);
  });

  it('an internal network sees its own names and nothing outside', async () => {
    await run('safe', '--network', 'vault');
    await run('safe2', '--network', 'vault');
    expect(await lookup('safe2', 'safe')).toEqual([await ip('safe', 'vault')]);
    expect(await lookup('safe2', 'www.ext.test')).toEqual([]);
  });

  it('follows connect, disconnect and a name moving to a new address, within 100 ms', async () => {
    // A probe in web's namespace asks every 2 ms; the answer comes at most 100 ms after the command returns.
    const ns = `/run/netctl/netns/${(JSON.parse(await netctl('inspect', 'web')) as View[])[0]!.Id.slice(0, 12)}`;
    const script = [
      `nsenter --net=${ns} "$0" ${follow} 127.0.0.11 store > ${tmp}/follow & p=$!`,
      `until grep -q ready ${tmp}/follow; do sleep 0.05; done`,
      `"$0" ${NETCTL} network connect --alias store front db >/dev/null && date +%s%N > ${tmp}/returned`,
      'wait $p',
      `echo $(sed -n 2p ${tmp}/follow) $(cat ${tmp}/returned)`,
    ].join('\n');
    const [answered, returned] = (await sb.sh(['sh', '-c', script, process.execPath], { env, timeoutMs: 30_000 }))
      .trim()
      .split(' ')
      .map(Number);
    expect(answered! - returned! / 1e6).toBeLessThan(100);
    expect(await lookup('web', 'store')).toEqual([await ip('db', 'front')]);
    expect(await lookup('db', 'web')).toEqual([await ip('web', 'front')]);
    await netctl('network', 'disconnect', 'front', 'db');
    expect(await lookup('web', 'store')).toEqual([]);
    const before = await ip('web2', 'front');
    await netctl('rm', '-f', 'web2');
    await run('web2', '--network', 'front', '--ip', '10.81.0.200');
    expect(before).not.toBe('10.81.0.200');
    expect(await lookup('web', 'web2')).toEqual(['10.81.0.200']);
  });

  it('a container resolves from its first instruction (sockets made before its process starts)', async () => {
    const out = await netctl(
      'run',
      '--rm',
      '--network',
      'front',
      'busybox',
      'busybox',
      'nslookup',
      'web',
      '127.0.0.11',
    );
    expect(out).toContain(`Address: ${await ip('web', 'front')}`);
  });

  it('a killed server is restarted by the next command or gc, and loses nothing', async () => {
    const pid = (JSON.parse(await netctl('dns', 'status', '--json')) as { pid: number }).pid;
    await sb.sh(['kill', '-9', String(pid)]);
    // (A query while it is down waits for its retry: dns-embedded-gaps.test.ts.)
    const doctor = await sb.netctl(['doctor'], { env });
    expect(doctor.stdout).toContain('dns: the embedded DNS server is not running');
    expect(await netctl('gc')).toContain('started the embedded DNS server');
    expect(await lookup('web2', 'pool')).toEqual([await ip('web', 'front')]);
    expect(await lookup('web', 'web2')).toEqual(['10.81.0.200']);
    expect(await lookup('web', 'www.ext.test')).toEqual(['198.51.100.80']);
  });

  it('under ufw (deny incoming, deny routed, the block installed) resolution works and port 53 stays closed', async () => {
    const ufw = async (...args: string[]): Promise<void> => {
      const r = await sb.exec(['ufw', ...args], { timeoutMs: 60_000 });
      if (r.code !== 0) throw new Error(`ufw ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    };
    await ufw('default', 'deny', 'incoming');
    await ufw('default', 'deny', 'routed');
    await ufw('--force', 'enable');
    await netctl('ufw', 'install');
    await ufw('reload');
    await run('late', '--network', 'front');
    expect(await lookup('late', 'web')).toEqual([await ip('web', 'front')]);
    expect(await lookup('web', 'late')).toEqual([await ip('late', 'front')]);
    expect(await lookup('late', 'www.ext.test')).toEqual(['198.51.100.80']);

    for (const target of ['198.51.100.2', '10.81.0.1']) {
      const r = await sb.execIn('wan', ['busybox', 'nslookup', '-timeout=1', '-retry=0', 'web', target], {
        timeoutMs: 10_000,
      });
      expect(r.stdout).not.toMatch(/Address: 10\.81/);
    }
    const listening = await sb.sh(['ss', '-lnu']);
    expect(listening).not.toMatch(/:53\s/);
  });
});

/**
 * The guard's ufw semantics with real packets, one sandbox with the real ufw (enabled, routed
 * policy deny), a private dockerd 20.10 and netctl's own containers, requests from wan
 * (198.51.100.1), wan2 and lan: doctor clean on a Docker-only host; host-port allows
 * (`allow web 8080` with `-p 8080:80`, `:PORT`, ambiguity refused); ports on 127.0.0.1
 * "local only"; bans added the way fail2ban's ufw action adds them (`ufw insert 1 reject
 * from IP to any`) reaching every published port of both kinds, through `ufw reload`, then
 * removed; `ufw allow 22` and a source allow opening no container port; `ufw limit`.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { httpdServing, netctlOk, pageFrom } from './helpers/net.js';
import { BUSYBOX, SandboxDocker, startDockerWatch, until } from './helpers/docker.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const listen = fileURLToPath(new URL('./scripts/listen.py', import.meta.url));
const IMG = `/tmp/netctl-test-${process.pid}-guard-img`;
const WWW = '/run/netctl-test-www';
const HOST = { wan: '198.51.100.2', wan2: '203.0.113.2', lan: '192.168.77.1' } as const;
type Client = keyof typeof HOST;
const ALL = Object.keys(HOST) as Client[];

describe('the guard: bans, host ports and local-only ports under the real ufw', () => {
  let sb: Sandbox;
  let dk: SandboxDocker;
  let watch: { stop: () => Promise<void> } | undefined;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, [...args]);
  const ufw = async (...args: string[]): Promise<string> => {
    const r = await sb.exec(['ufw', ...args], { timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`ufw ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const openTo = async (port: number, page: string): Promise<Client[]> => {
    const got = await Promise.all(ALL.map((c) => pageFrom(sb, c, HOST[c], port)));
    return ALL.filter((_, i) => got[i] === page);
  };
  const httpd = (name: string, publish: string, page: string): Promise<string> =>
    dk.docker('run', '-d', '--name', name, '-p', publish, ...httpdServing(`${WWW}/${page}`, BUSYBOX));
  const nhttpd = (name: string, publish: string[], page: string): Promise<string> =>
    netctl(
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'own',
      ...publish.flatMap((p) => ['-p', p]),
      ...httpdServing(`${WWW}/${page}`),
    );
  /** Waits until the mirror chain shows what `fn` wants; on a timeout the watch's log says why. */
  const mirrored = async (fn: () => Promise<boolean>, what: string): Promise<void> => {
    try {
      // The watch follows within a moment; three rounds of `until` leave room for a loaded CI machine.
      for (let i = 0; ; i++) {
        try {
          await until(fn, what);
          break;
        } catch (err) {
          if (i === 2) throw err;
        }
      }
    } catch (err) {
      const log = await sb.sh([
        'sh',
        '-c',
        'cat /run/watch.log; iptables -S ufw-netctl-input; iptables -S ufw-netctl-docker-input',
      ]);
      throw new Error(`${(err as Error).message}\n${log}`);
    }
  };
  const mirror = async (chain: string): Promise<string[]> =>
    (await sb.sh(['iptables', '-S', chain])).split('\n').filter((l) => l.startsWith('-A'));

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true, lan: true });
    dk = await SandboxDocker.start(sb);
    await sb.sh(['sh', makeImages, IMG]);
    await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
    // Not netctl's default 172.17.0.0/16: Docker's docker0 has it.
    await netctl('network', 'create', '--subnet', '10.92.0.0/24', 'own');
    await sb.sh([
      'sh',
      '-c',
      `mkdir -p ${WWW}/d ${WWW}/n && echo docker > ${WWW}/d/index.html && echo own > ${WWW}/n/index.html`,
    ]);
    await httpd('web', '8080:80', 'd');
    await httpd('other', '8081:80', 'd');
    await httpd('local', '127.0.0.1:8082:80', 'd');
    await ufw('--force', 'enable');
    await ufw('default', 'deny', 'routed');
  }, 240_000);
  afterAll(async () => {
    await watch?.stop().catch(() => undefined);
    await sb?.sh(['rm', '-rf', IMG]).catch(() => undefined);
    await sb?.close();
  });

  it('doctor is clean on a host that uses only the Docker guard', async () => {
    await netctl('docker', 'install');
    const r = await sb.netctl(['doctor'], { env: dk.env });
    expect(r.stdout).not.toContain("netctl's after.rules block");
    expect(r.code, r.stdout).toBe(0);
    expect(await openTo(8080, 'docker')).toEqual([]);
  });

  it('allow web 8080 on -p 8080:80 reads the host port, says so, and opens it', async () => {
    const out = await netctl('allow', 'web', '8080', '--docker-host', dk.host);
    expect(out).toContain("host port 8080 is web's container port 80/tcp");
    expect(out).toContain('allowed web 80/tcp');
    expect(await openTo(8080, 'docker')).toEqual(ALL);
    expect(await openTo(8081, 'docker')).toEqual([]);
    const status = await netctl('docker', 'status', '--docker-host', dk.host);
    expect(status).toMatch(/web\s+80\/tcp\s+\S+\s+open \(host 0\.0\.0\.0:8080/);
    expect(status).toMatch(/local\s+80\/tcp\s+\S+\s+local only \(host 127\.0\.0\.1:8082\)/);
  });

  it("netctl's own containers: host port, :PORT, an ambiguous PORT refused naming both, local only", async () => {
    await netctl('ufw', 'install');
    await nhttpd('own', ['9090:80'], 'n');
    await nhttpd('cross', ['9091:80', '80:9092'], 'n');
    await nhttpd('nlocal', ['127.0.0.1:9093:80'], 'n');
    expect(await openTo(9090, 'own')).toEqual([]);
    expect(await netctl('allow', 'own', '9090')).toContain("host port 9090 is own's container port 80/tcp");
    expect(await openTo(9090, 'own')).toEqual(ALL);
    const amb = await sb.netctl(['allow', 'cross', '80']);
    expect(amb.code).not.toBe(0);
    expect(amb.stderr.trim()).toContain(
      'port "80" of "cross" is ambiguous: container port 80/tcp (host port 9091) or host port 80 (container port 9092/tcp)',
    );
    expect(await netctl('allow', 'cross', ':9091')).toContain("host port 9091 is cross's container port 80/tcp");
    expect(await openTo(9091, 'own')).toEqual(ALL);
    const status = await netctl('ufw', 'status');
    expect(status).toMatch(/own\s+0\.0\.0\.0:9090->80\/tcp\s+open/);
    expect(status).toMatch(/nlocal\s+127\.0\.0\.1:9093->80\/tcp\s+local only\s+bound to 127\.0\.0\.1/);
  });

  it('a ban as fail2ban adds it reaches every published port, survives ufw reload, and goes with its removal', async () => {
    watch = await startDockerWatch(sb, dk);
    await ufw('insert', '1', 'reject', 'from', '198.51.100.1', 'to', 'any', 'comment', 'f2b-sshd');
    await mirrored(
      async () => (await mirror('ufw-netctl-docker-input')).some((l) => l.includes('198.51.100.1')),
      'the ban mirrored',
    );
    await mirrored(
      async () => (await mirror('ufw-netctl-input')).some((l) => l.includes('198.51.100.1')),
      'the ban mirrored',
    );
    expect(await openTo(8080, 'docker')).toEqual(['wan2', 'lan']);
    expect(await openTo(9090, 'own')).toEqual(['wan2', 'lan']);
    // ufw reload empties the chains the blocks declare; the watch fills them again.
    await ufw('reload');
    await mirrored(async () => (await mirror('ufw-netctl-docker-input')).length > 0, 'the mirror after reload');
    await mirrored(async () => (await mirror('ufw-netctl-input')).length > 0, 'the mirror after reload');
    expect(await openTo(8080, 'docker')).toEqual(['wan2', 'lan']);
    expect(await openTo(9090, 'own')).toEqual(['wan2', 'lan']);
    await ufw('delete', 'reject', 'from', '198.51.100.1', 'to', 'any');
    await mirrored(
      async () => !(await mirror('ufw-netctl-docker-input')).some((l) => l.includes('198.51.100.1')),
      'the unban',
    );
    await mirrored(
      async () => !(await mirror('ufw-netctl-input')).some((l) => l.includes('198.51.100.1')),
      'the unban',
    );
    expect(await openTo(8080, 'docker')).toEqual(ALL);
    expect(await openTo(9090, 'own')).toEqual(ALL);
    const r = await sb.netctl(['doctor'], { env: dk.env });
    expect(r.stdout).not.toContain('does not mirror');
  });

  it('a deny on the host port closes it; ufw allow 22 and a source allow open no container port', async () => {
    await ufw('deny', '9090/tcp');
    await ufw('allow', '22');
    await ufw('allow', 'from', '192.168.77.0/24');
    await mirrored(
      async () => (await mirror('ufw-netctl-input')).some((l) => l.includes('--ctorigdstport 9090')),
      'the port deny',
    );
    expect(await openTo(9090, 'own')).toEqual([]);
    // The LAN source allow ends the evaluation as on the host (the deny after it does not apply to lan) ...
    await ufw('delete', 'allow', 'from', '192.168.77.0/24');
    await ufw('insert', '1', 'allow', 'from', '192.168.77.0/24');
    await mirrored(
      async () => (await mirror('ufw-netctl-input'))[0]?.includes('192.168.77.0/24') === true,
      'the allow first',
    );
    expect(await openTo(9090, 'own')).toEqual(['lan']);
    // ... but opens nothing: a port no route rule allows stays closed to everyone.
    expect(await openTo(8081, 'docker')).toEqual([]);
    await ufw('delete', 'deny', '9090/tcp');
    await ufw('delete', 'allow', 'from', '192.168.77.0/24');
    await ufw('delete', 'allow', '22');
  });

  it('ufw limit on a published host port limits it as it limits a host port', async () => {
    await ufw('limit', '8080/tcp');
    await mirrored(
      async () => (await mirror('ufw-netctl-docker-input')).some((l) => l.includes('--hitcount 6')),
      'the limit',
    );
    const results: boolean[] = [];
    for (let i = 0; i < 8; i++) results.push((await pageFrom(sb, 'wan', HOST.wan, 8080)) === 'docker');
    expect(results.slice(0, 5)).toEqual([true, true, true, true, true]);
    expect(results.slice(6)).toEqual([false, false]);
    expect(await pageFrom(sb, 'wan2', HOST.wan2, 8080)).toBe('docker');
    await ufw('delete', 'limit', '8080/tcp');
  });

  it('audit lists the listeners the test opened, owners, addresses and ufw per source; exit 1 for one no rule allows', async () => {
    await sb.background([
      'python3',
      listen,
      'tcp,0.0.0.0,7070',
      'tcp,0.0.0.0,7071',
      'tcp,127.0.0.1,7072',
      'udp,::,7073',
    ]);
    await ufw('allow', 'from', '203.0.113.0/24', 'to', 'any', 'port', '7071', 'proto', 'tcp');
    await sb.sh(['ip', 'netns', 'add', 'side']);
    await sb.background(['ip', 'netns', 'exec', 'side', 'python3', listen, 'tcp,0.0.0.0,7074']);
    type Row = {
      owner: { kind: string; name: string };
      proto: string;
      address: string;
      port: number;
      state: string;
      sources: string[];
      via: string[];
      unruled: boolean;
    };
    let rows: Row[] = [];
    await until(async () => {
      const r = await sb.netctl(['audit', '--json', '--docker-host', dk.host]);
      rows = JSON.parse(r.stdout) as Row[];
      return rows.some((x) => x.port === 7074) && rows.some((x) => x.port === 7073);
    }, 'the listeners in the audit');
    const row = (kind: string, port: number, name?: string): Row | undefined =>
      rows.find((x) => x.owner.kind === kind && x.port === port && (name === undefined || x.owner.name === name));
    expect(row('host', 7070)).toMatchObject({ state: 'closed', address: '0.0.0.0', unruled: false });
    expect(row('host', 7071)).toMatchObject({ state: 'restricted', sources: ['203.0.113.0/24'], unruled: false });
    expect(row('host', 7072)).toMatchObject({ state: 'local', unruled: false });
    expect(row('host', 7073)).toMatchObject({ proto: 'udp', address: '::', state: 'closed' });
    expect(row('netns', 7074, 'side')).toMatchObject({ state: 'unpublished' });
    expect(row('docker', 80, 'web')).toMatchObject({ state: 'open', via: expect.arrayContaining(['0.0.0.0:8080']) });
    expect(row('docker', 80, 'other')).toMatchObject({ state: 'closed' });
    expect(row('docker', 80, 'local')).toMatchObject({ state: 'local' });
    expect(row('netctl', 80, 'own')).toMatchObject({ state: 'open', via: ['0.0.0.0:9090'] });
    expect(row('netctl', 80, 'nlocal')).toMatchObject({ state: 'local' });
    expect((await sb.netctl(['audit', '--docker-host', dk.host])).code).toBe(0);
    // An incoming policy allow opens 7070 with no rule: that is what the exit status is for.
    await ufw('default', 'allow', 'incoming');
    const open = await sb.netctl(['audit', '--docker-host', dk.host]);
    expect(open.code).toBe(1);
    expect(open.stdout).toMatch(
      /host\s+tcp 0\.0\.0\.0:7070\s+python3 \(pid \d+\)\s+open: incoming policy allow\s+! no ufw rule allows this/,
    );
    await ufw('default', 'deny', 'incoming');
  });

  it("audit judges by ufw's before.rules too: an operator's accept there opens a port no ufw rule names", async () => {
    await sb.background(['python3', listen, 'tcp,0.0.0.0,7075']);
    const rules = await sb.sh(['cat', '/etc/ufw/before.rules']);
    const own = '-A ufw-before-input -p tcp --dport 7075 -j ACCEPT';
    await sb.sh(['sh', '-c', 'cat > /etc/ufw/before.rules'], {
      input: rules.replace('# allow all on loopback', `${own}\n# allow all on loopback`),
    });
    await ufw('reload');
    try {
      type Row = { owner: { kind: string }; port: number; state: string; reason: string; unruled: boolean };
      let rows: Row[] = [];
      await until(async () => {
        rows = JSON.parse((await sb.netctl(['audit', '--json', '--docker-host', dk.host])).stdout) as Row[];
        return rows.some((x) => x.port === 7075);
      }, 'the listener in the audit');
      expect(rows.find((x) => x.owner.kind === 'host' && x.port === 7075)).toMatchObject({
        state: 'open',
        reason: 'ufw before.rules rule "ACCEPT any 7075/tcp"',
        unruled: false,
      });
      expect((await sb.netctl(['audit', '--docker-host', dk.host])).code).toBe(0);
    } finally {
      await sb.sh(['sh', '-c', 'cat > /etc/ufw/before.rules'], { input: rules });
      await ufw('reload');
    }
    const after = JSON.parse((await sb.netctl(['audit', '--json', '--docker-host', dk.host])).stdout) as {
      port: number;
      state: string;
    }[];
    expect(after.find((x) => x.port === 7075)?.state).toBe('closed');
  });

  it('legacy and nf_tables rules together: doctor says which is which, install refuses in one line', async () => {
    // Docker on legacy iptables while ufw and netctl are on nf_tables.
    await sb.sh(['iptables-legacy', '-N', 'DOCKER']);
    try {
      const d = await sb.netctl(['doctor'], { env: dk.env });
      expect(d.code).toBe(1);
      expect(d.stdout).toMatch(
        /^rules: iptables flavours mixed: legacy iptables holds Docker's rules, nf_tables holds .*netctl's; netctl uses nf_tables/m,
      );
      const before = await sb.sh(['cat', '/etc/ufw/after.rules']);
      const r = await sb.netctl(['docker', 'uninstall']);
      expect(r.code).toBe(0);
      const again = await sb.netctl(['docker', 'install']);
      expect(again.code).not.toBe(0);
      expect(again.stderr.trim().split('\n')[0]).toMatch(
        /iptables flavours mixed: legacy iptables holds Docker's rules/,
      );
      expect(await sb.sh(['cat', '/etc/ufw/after.rules'])).not.toContain('# BEGIN netctl-docker');
      expect(before).toContain('# BEGIN netctl-docker');
    } finally {
      await sb.sh(['iptables-legacy', '-X', 'DOCKER']);
    }
    await netctl('docker', 'install');
    expect((await sb.netctl(['doctor'], { env: dk.env })).stdout).not.toContain('flavours mixed');
  });

  it('the IPv6 flavours are checked apart: Docker on legacy ip6tables, ufw on nf_tables', async () => {
    await sb.sh(['ip6tables-legacy', '-N', 'DOCKER']);
    try {
      const d = await sb.netctl(['doctor'], { env: dk.env });
      expect(d.code).toBe(1);
      expect(d.stdout).toMatch(
        /^rules: ip6tables flavours mixed: legacy ip6tables holds Docker's rules, nf_tables holds .*ufw.*; netctl uses nf_tables \(ip6tables-nft\)/m,
      );
      expect(d.stdout).not.toMatch(/^rules: iptables flavours mixed/m);
      await netctl('docker', 'uninstall');
      const again = await sb.netctl(['docker', 'install']);
      expect(again.code).not.toBe(0);
      expect(again.stderr.trim().split('\n')[0]).toMatch(
        /^.*ip6tables flavours mixed: legacy ip6tables holds Docker's/,
      );
      expect(await sb.sh(['cat', '/etc/ufw/after6.rules'])).not.toContain('# BEGIN netctl-docker');
    } finally {
      await sb.sh(['ip6tables-legacy', '-X', 'DOCKER']);
    }
    await netctl('docker', 'install');
    expect((await sb.netctl(['doctor'], { env: dk.env })).stdout).not.toContain('flavours mixed');
  });
});

/**
 * netctl as the drop-in for ufw-docker, with the real Docker (a private dockerd inside the
 * sandbox, once per flavour of docker-flavours.ts: Debian 12's 20.10, Debian 13's 26.1 and
 * Debian unstable's 28.5, the last two from their own Debian userlands), the real ufw (enabled, routed policy deny) and real requests
 * from the wan, wan2 and lan hosts: Docker's published port open despite ufw, closed by the
 * netctl-docker block, opened by `netctl allow` on the Docker name (from one source with
 * --from), and kept on the container by `netctl docker watch` through restarts, a new
 * container under the same name, a dockerd restart, ufw reload and disable/enable, without
 * duplicates; labels with docker-compose 1.29 (20.10) or `docker compose` v2 (26.1, 28.5);
 * doctor's drift; uninstall byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { httpdServing, kernelState, netctlOk } from './helpers/net.js';
import { BUSYBOX, SandboxDocker, startDockerWatch, until } from './helpers/docker.js';
import { USERLAND_HOOK_MS, dockerFlavours, userlandOf } from './helpers/docker-flavours.js';

const HOST = { wan: '198.51.100.2', wan2: '203.0.113.2', lan: '192.168.77.1' } as const;
type Client = keyof typeof HOST;
const ALL = Object.keys(HOST) as Client[];
const WWW = '/run/netctl-test-www';

describe.each(dockerFlavours())("netctl docker on Docker $name: ufw decides Docker's published ports", (flavour) => {
  let sb: Sandbox;
  let dk: SandboxDocker;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  const ufw = async (...args: string[]): Promise<string> => sb.sh(['ufw', ...args], { timeoutMs: 60_000 });
  const get = async (client: Client, port: number): Promise<string> => {
    const r = await sb.execIn(client, ['curl', '-s', '-m', '2', `http://${HOST[client]}:${port}/`], {
      timeoutMs: 6_000,
    });
    return r.code === 0 ? r.stdout.trim() : '';
  };
  const openTo = async (port: number, page: string): Promise<Client[]> => {
    const got = await Promise.all(ALL.map((c) => get(c, port)));
    return ALL.filter((_, i) => got[i] === page);
  };
  const httpd = (name: string, hostPort: number, page: string, extra: string[] = []): Promise<string> =>
    dk.docker(
      'run',
      '-d',
      '--name',
      name,
      '-p',
      `${hostPort}:80`,
      ...extra,
      ...httpdServing(`${WWW}/${page}`, BUSYBOX),
    );
  /** netctl's Docker rules in the live forward chain. */
  const liveRules = async (): Promise<string[]> =>
    (await sb.sh(['iptables', '-S', 'ufw-user-forward'])).split('\n').filter((l) => l.startsWith('-A'));
  const tuples = async (): Promise<number> =>
    (await sb.sh(['cat', '/etc/ufw/user.rules'])).split('\n').filter((l) => l.startsWith('### tuple ###')).length;
  const ruleFor = (ip: string): Promise<void> =>
    until(async () => (await liveRules()).some((l) => l.includes(`-d ${ip}/32`)), `a rule for ${ip}`);
  let watch: { stop: () => Promise<void> } | undefined;
  const startWatch = async (): Promise<void> => {
    watch = await startDockerWatch(sb, dk);
  };
  const stopWatch = async (): Promise<void> => {
    await watch?.stop();
  };
  let afterRules = '';
  /** DOCKER-USER as Docker made it (20.10 and 26.1 end it with a RETURN, 28.5 leaves it empty). */
  let dockerUser = '';

  beforeAll(async () => {
    const userland = await userlandOf(flavour);
    sb = await Sandbox.start({ wan: true, lan: true });
    dk = await SandboxDocker.start(sb, undefined, [], { userland });
    dockerUser = await sb.sh(['iptables', '-S', 'DOCKER-USER']);
    await sb.sh([
      'sh',
      '-c',
      `mkdir -p ${WWW}/one ${WWW}/two && echo one > ${WWW}/one/index.html && echo two > ${WWW}/two/index.html`,
    ]);
    await httpd('web', 8080, 'one');
    await httpd('other', 8081, 'two');
    // The LAN neighbour routes Docker's subnets through the host.
    await sb.sh(['ip', '-n', 'lan', 'route', 'add', '172.16.0.0/12', 'via', '192.168.77.1']);
    await ufw('--force', 'enable');
    await ufw('default', 'deny', 'routed');
    afterRules = await sb.sh(['cat', '/etc/ufw/after.rules', '/etc/ufw/after6.rules']);
  }, USERLAND_HOOK_MS);
  afterAll(async () => {
    await sb?.close();
  });

  it("before the block, ufw says deny and Docker's published port is open anyway", async () => {
    expect(await openTo(8080, 'one')).toEqual(ALL);
  });

  it('docker install closes the published ports to wan, wan2 and lan, and to the LAN routing to the container', async () => {
    const out = await netctl('docker', 'install');
    expect(out).toMatch(
      /wrote \/etc\/ufw\/after\.rules \(previous version saved as \/etc\/ufw\/after\.rules\.netctl-\d+T\d+\.bak\)/,
    );
    expect(out).toContain('loaded ufw-netctl-docker into the running firewall');
    expect(await netctl('docker', 'install')).toContain(
      '/etc/ufw/after.rules: the netctl-docker block is already current',
    );
    expect((await sb.netctl(['docker', 'check'])).code).toBe(0);
    expect(await openTo(8080, 'one')).toEqual([]);
    expect(await openTo(8081, 'two')).toEqual([]);
    const direct = await sb.execIn('lan', ['curl', '-s', '-m', '2', `http://${await dk.ip('web')}:80/`], {
      timeoutMs: 6000,
    });
    expect(direct.code).not.toBe(0);
    expect(await netctl('docker', 'status', '--docker-host', dk.host)).toMatch(
      /web\s+80\/tcp\s+\S+\s+closed \(no allow rule\)/,
    );
  });

  it('refuses an unknown container, an unpublished port, a bad CIDR, sctp and an absent Docker, changing nothing', async () => {
    const rules = async (): Promise<string> =>
      (await sb.sh(['iptables-save', '-t', 'filter']))
        .split('\n')
        .filter((l) => !l.startsWith('#'))
        .join('\n');
    const before = [await sb.sh(['cat', '/etc/ufw/user.rules']), await rules()];
    const cases: [string[], RegExp][] = [
      [['allow', 'nope', '80'], /nope/],
      [['allow', 'web', '81'], /web port 81/],
      [['allow', 'web', '80', '--from', '203.0.113.0/33'], /203\.0\.113\.0\/33/],
      [['allow', 'web', '80/sctp'], /sctp/],
      [['allow', 'web', 'x80'], /x80/],
    ];
    for (const [args, msg] of cases) {
      const r = await sb.netctl([...args, '--docker-host', dk.host]);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n')[0], args.join(' ')).toMatch(msg);
    }
    const absent = await sb.netctl(['allow', 'web', '80', '--docker-host', 'unix:///run/no-docker.sock']);
    expect(absent.code).not.toBe(0);
    expect(absent.stderr.trim().split('\n')[0]).toMatch(/Docker socket "\/run\/no-docker\.sock"/);
    expect([await sb.sh(['cat', '/etc/ufw/user.rules']), (await rules()).replace(/\[\d+:\d+\]/g, '')]).toEqual([
      before[0],
      before[1]!.replace(/\[\d+:\d+\]/g, ''),
    ]);
  });

  it('allow on the Docker name opens exactly that port, in ufw status, ufw list and docker status', async () => {
    const out = await netctl('allow', 'web', '80', '--docker-host', dk.host);
    const ip = await dk.ip('web');
    expect(out).toContain(`ufw route allow proto tcp to ${ip} port 80 comment 'netctl:docker:web 80/tcp'`);
    expect(await openTo(8080, 'one')).toEqual(ALL);
    expect(await openTo(8081, 'two')).toEqual([]);
    expect(await ufw('status')).toMatch(
      new RegExp(`${ip.replace(/\./g, '\\.')} 80/tcp\\s+ALLOW FWD\\s+Anywhere\\s+# netctl:docker:web 80/tcp`),
    );
    expect(await netctl('ufw', 'list', '--docker-host', dk.host)).toContain(
      `web 80/tcp (docker)\n  IPv4 Docker: ufw route allow proto tcp to ${ip} port 80`,
    );
    expect(await netctl('docker', 'status', '--docker-host', dk.host)).toMatch(
      /web\s+80\/tcp\s+\S+\s+open \(host 0\.0\.0\.0:8080 \[::\]:8080\)\n/,
    );
    // Routed straight to the container, not through the published port: still closed.
    expect((await sb.execIn('lan', ['curl', '-s', '-m', '2', `http://${ip}:80/`], { timeoutMs: 6000 })).code).not.toBe(
      0,
    );
  });

  it('--from opens it for that source only; deny closes it', async () => {
    await netctl('deny', 'web', '80', '--docker-host', dk.host);
    expect(await openTo(8080, 'one')).toEqual([]);
    await netctl('allow', 'web', '80', '--from', '203.0.113.1', '--docker-host', dk.host);
    expect(await openTo(8080, 'one')).toEqual(['wan2']);
  });

  it('several ports in one allow on a Docker name: opened together, all refused when one is unpublished; deny the same', async () => {
    await dk.docker(
      'run',
      '-d',
      '--name',
      'multi',
      '-p',
      '8082:80',
      '-p',
      '8083:81',
      '-v',
      `${WWW}/two:/www:ro`,
      BUSYBOX,
      'sh',
      '-c',
      'httpd -p 81 -h /www && exec httpd -f -p 80 -h /www',
    );
    const userRules = (): Promise<string> => sb.sh(['cat', '/etc/ufw/user.rules']);
    const before = await userRules();
    const bad = await sb.netctl(['allow', 'multi', '80', '81', '82', '--docker-host', dk.host]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')[0]).toMatch(/multi port 82/);
    expect(await userRules()).toBe(before);
    expect(await openTo(8082, 'two')).toEqual([]);
    const ip = await dk.ip('multi');
    const out = await netctl('allow', 'multi', '80', '81/tcp', '--docker-host', dk.host);
    expect(out).toContain(`ufw route allow proto tcp to ${ip} port 80 comment 'netctl:docker:multi 80/tcp'`);
    expect(out).toContain(`ufw route allow proto tcp to ${ip} port 81 comment 'netctl:docker:multi 81/tcp'`);
    expect(await openTo(8082, 'two')).toEqual(ALL);
    expect(await openTo(8083, 'two')).toEqual(ALL);
    const denyBad = await sb.netctl(['deny', 'multi', '80', '82', '--docker-host', dk.host]);
    expect(denyBad.code).not.toBe(0);
    expect(denyBad.stderr.trim().split('\n')[0]).toMatch(/multi 82/);
    expect(await openTo(8082, 'two')).toEqual(ALL);
    await netctl('deny', 'multi', '80', '81', '--docker-host', dk.host);
    expect(await openTo(8082, 'two')).toEqual([]);
    expect(await openTo(8083, 'two')).toEqual([]);
    expect(await userRules()).toBe(before);
    await dk.docker('rm', '-f', 'multi');
  });

  it('egress and container-to-container traffic keep working', async () => {
    await sb.background(['ip', 'netns', 'exec', 'wan', 'socat', 'TCP-LISTEN:7000,reuseaddr,fork', 'SYSTEM:echo out']);
    await sb.sh([
      'sh',
      '-c',
      'for i in $(seq 50); do ip netns exec wan ss -ltn | grep -q ":7000 " && exit 0; sleep 0.1; done; exit 1',
    ]);
    expect((await dk.docker('exec', 'web', 'sh', '-c', 'nc 198.51.100.1 7000 </dev/null')).trim()).toBe('out');
    expect((await dk.docker('exec', 'web', 'wget', '-q', '-O', '-', `http://${await dk.ip('other')}/`)).trim()).toBe(
      'two',
    );
  });

  it('the watch keeps the rule on the container: restart, rm + a new container with another address, 20 restarts without duplicates', async () => {
    await startWatch();
    expect(await netctl('docker', 'status', '--docker-host', dk.host)).toMatch(/watch: running \(pid \d+\)/);
    await dk.docker('restart', '-t', '0', 'web');
    await ruleFor(await dk.ip('web'));
    expect(await openTo(8080, 'one')).toEqual(['wan2']);
    const old = await dk.ip('web');
    await dk.docker('rm', '-f', 'web');
    await until(
      async () => !(await liveRules()).some((l) => l.includes(`-d ${old}/32`)),
      'the rule to go with the container',
    );
    await dk.docker('run', '-d', '--name', 'filler', BUSYBOX, 'sleep', '1000');
    await httpd('web', 8080, 'one');
    const ip = await dk.ip('web');
    expect(ip).not.toBe(old);
    await ruleFor(ip);
    expect(await openTo(8080, 'one')).toEqual(['wan2']);
    for (let i = 0; i < 20; i++) await dk.docker('restart', '-t', '0', 'web');
    await ruleFor(await dk.ip('web'));
    await new Promise((r) => setTimeout(r, 300));
    expect(await liveRules()).toEqual([
      `-A ufw-user-forward -s 203.0.113.1/32 -d ${await dk.ip('web')}/32 -p tcp -m tcp --dport 80 -j ACCEPT`,
    ]);
    expect(await tuples()).toBe(1);
    expect(await openTo(8080, 'one')).toEqual(['wan2']);
  });

  it('stays through ufw reload, disable/enable and a dockerd restart', async () => {
    await ufw('reload');
    expect(await openTo(8080, 'one')).toEqual(['wan2']);
    await ufw('disable');
    await ufw('--force', 'enable');
    expect(await openTo(8080, 'one')).toEqual(['wan2']);
    expect(await openTo(8081, 'two')).toEqual([]);
    await dk.stopDaemon();
    await dk.startDaemon();
    await dk.docker('start', 'filler', 'other', 'web');
    await ruleFor(await dk.ip('web'));
    expect(await openTo(8080, 'one')).toEqual(['wan2']);
    expect(await openTo(8081, 'two')).toEqual([]);
    expect(await tuples()).toBe(1);
  });

  it(`labels declare the policy beside the ports, with compose ${flavour.compose} up and down`, async () => {
    const yml = [
      'version: "2.4"',
      'services:',
      '  site:',
      `    image: ${BUSYBOX}`,
      '    command: ["httpd", "-f", "-p", "80", "-h", "/www"]',
      `    volumes: ["${WWW}/two:/www:ro"]`,
      '    ports: ["8090:80"]',
      '    labels:',
      '      netctl.allow: "80/tcp,443"',
      '      netctl.allow.from: "203.0.113.0/24"',
      '',
    ].join('\n');
    await sb.sh(['sh', '-c', `mkdir -p /run/compose && cat > /run/compose/docker-compose.yml`], { input: yml });
    const compose = (...args: string[]): Promise<string> =>
      dk.compose(['-p', 'lbl', '-f', '/run/compose/docker-compose.yml', ...args]);
    // Compose v2 names containers project-service-1, v1 project_service_1.
    const site = flavour.compose === 'v1' ? 'lbl_site_1' : 'lbl-site-1';
    await compose('up', '-d');
    const ip = await dk.ip(site);
    await ruleFor(ip);
    expect(await openTo(8090, 'two')).toEqual(['wan2']);
    expect(await ufw('status')).toContain(`# netctl:docker:${site} 80/tcp`);
    expect(await netctl('ufw', 'list', '--docker-host', dk.host)).toContain(
      `${site} 80/tcp from 203.0.113.0/24 (docker label)`,
    );
    // The LAN neighbour routing to the compose network's subnet is kept out.
    expect((await sb.execIn('lan', ['curl', '-s', '-m', '2', `http://${ip}:80/`], { timeoutMs: 6000 })).code).not.toBe(
      0,
    );
    await compose('down');
    await until(async () => !(await ufw('status')).includes(site), 'the label rule to go');
    expect(await openTo(8090, 'two')).toEqual([]);
  });

  it('doctor reports drift while the watch is down; its restart reconciles', async () => {
    await stopWatch();
    const old = await dk.ip('web');
    await dk.docker('rm', '-f', 'web');
    await dk.docker('run', '-d', '--name', 'filler2', BUSYBOX, 'sleep', '1000');
    await httpd('web', 8080, 'one');
    const ip = await dk.ip('web');
    expect(ip).not.toBe(old);
    const doctor = await sb.netctl(['doctor'], { env: dk.env });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(
      `docker: ufw route rule missing: ufw route allow proto tcp from 203.0.113.1 to ${ip} port 80`,
    );
    expect(doctor.stdout).toContain(`docker: stale netctl ufw route rule: netctl:docker:web 80/tcp`);
    expect(doctor.stdout).toContain('docker: netctl docker watch is not running');
    expect(await openTo(8080, 'one')).toEqual([]);
    await startWatch();
    await ruleFor(ip);
    expect(await openTo(8080, 'one')).toEqual(['wan2']);
    // netctl's own block is not installed here (doctor reports that apart): no Docker finding is left.
    const clean = await sb.netctl(['doctor'], { env: dk.env });
    expect(clean.stdout).not.toContain('docker:');
  });

  it('docker sync --dry-run prints the plan (the user.rules diff) and changes nothing; docker sync applies it', async () => {
    await stopWatch();
    const old = await dk.ip('web');
    await dk.docker('rm', '-f', 'web');
    await dk.docker('run', '-d', '--name', 'filler3', BUSYBOX, 'sleep', '1000');
    await httpd('web', 8080, 'one');
    const ip = await dk.ip('web');
    expect(ip).not.toBe(old);
    const files = async (): Promise<string> => sb.sh(['cat', '/etc/ufw/user.rules', '/etc/ufw/user6.rules']);
    const before = [await files(), await kernelState(sb)];
    const dry = await netctl('docker', 'sync', '--dry-run', '--docker-host', dk.host);
    expect(dry).toContain('files:\n--- /etc/ufw/user.rules\n+++ /etc/ufw/user.rules\n');
    const esc = (s: string): string => s.replace(/\./g, '\\.');
    expect(dry).toMatch(new RegExp(String.raw`\n\+-A ufw-user-forward [^\n]*-d ${esc(ip)} [^\n]*203\.0\.113\.1`));
    expect(dry).toMatch(new RegExp(String.raw`\n-### tuple ### route:allow tcp 80 ${esc(old)} `));
    expect([await files(), await kernelState(sb)]).toEqual(before);
    expect(await openTo(8080, 'one')).toEqual([]);
    expect(await netctl('docker', 'sync', '--docker-host', dk.host)).toMatch(/^synced: \d+ Docker rule\(s\)\n$/m);
    expect(await openTo(8080, 'one')).toEqual(['wan2']);
    await startWatch();
  });

  it('the rules go when the container goes; uninstall gives the files back byte for byte', async () => {
    await dk.docker('rm', '-f', 'web');
    await until(async () => !(await ufw('status')).includes('netctl:docker:web'), 'the rule to go');
    expect(await netctl('ufw', 'list', 'web', '--docker-host', dk.host)).toContain(
      'web 80/tcp from 203.0.113.1 (docker)\n  (no published port matches now: nothing open)',
    );
    await stopWatch();
    await netctl('docker', 'uninstall');
    expect(await sb.sh(['cat', '/etc/ufw/after.rules', '/etc/ufw/after6.rules'])).toBe(afterRules);
    expect(await sb.sh(['iptables', '-S', 'DOCKER-USER'])).toBe(dockerUser);
    expect((await sb.exec(['iptables', '-S', 'ufw-netctl-docker'])).code).not.toBe(0);
  });
});

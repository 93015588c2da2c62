/**
 * `netctl compose` with compose files as users write them, real containers, the real ufw
 * (enabled, routed policy deny, netctl's block installed) and real packets from the wan
 * (198.51.100.1), wan2 (203.0.113.1) and lan hosts: a web + db + cache app on two
 * networks with an override file and .env, and the icc=false/links case.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETCTL, Sandbox } from '../harness/sandbox.js';
import { kernelState, netctlOk, pageFrom } from './helpers/net.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const BASE = `/tmp/netctl-test-${process.pid}-compose`;
const IMG = `${BASE}/img`;
const SHOP = `${BASE}/shop`;
const HOST = { wan: '198.51.100.2', wan2: '203.0.113.2', lan: '192.168.77.1' } as const;
type Client = keyof typeof HOST;
const ALL = Object.keys(HOST) as Client[];

function files(dir: string, contents: Record<string, string>): void {
  for (const [f, text] of Object.entries(contents)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
}

const SHOP_FILE = `# A shop: the web front, its database and cache behind it.
name: shop
services:
  web:
    image: busybox
    command: httpd -f -p 80 -h /www
    volumes: ["./web:/www:ro"]
    ports: ["8080:80"]
    networks: [front, back]
    depends_on: [db, cache]
  db:
    image: busybox
    command: ["httpd", "-f", "-p", "80", "-h", "/www"]
    volumes: ["./db:/www:ro"]
    networks:
      back:
        aliases: [database]
  cache:
    image: busybox
    command: httpd -f -p 6379 -h /www
    volumes:
      - type: bind
        source: ./cache
        target: /www
        read_only: true
    environment:
      MODE: \${CACHE_MODE:-lru}
    ports:
      - target: 6379
        published: "16379"
        protocol: tcp
    labels:
      netctl.allow: 6379/tcp
      netctl.allow.from: 198.51.100.0/24
    networks: [back]
networks:
  front: {}
  back:
    ipam:
      config:
        - subnet: 10.96.0.0/24
`;

const SHOP_OVERRIDE = `services:
  web:
    x-netctl:
      allow:
        - port: 80
          from: 203.0.113.0/24
`;

describe('netctl compose with real packets', () => {
  let sb: Sandbox;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  /** netctl compose run in a directory, as a user would (the files found there). */
  const composeIn = async (dir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    sb.exec(['sh', '-c', `cd "$1" && shift && exec "$@"`, 'sh', dir, process.execPath, NETCTL, 'compose', ...args], {
      timeoutMs: 90_000,
    });
  const composeOk = async (dir: string, ...args: string[]): Promise<string> => {
    const r = await composeIn(dir, ...args);
    if (r.code !== 0) throw new Error(`compose ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const ufw = async (...args: string[]): Promise<string> => sb.sh(['ufw', ...args], { timeoutMs: 60_000 });
  const get = (client: Client, port: number, host: string = HOST[client]): Promise<string> =>
    pageFrom(sb, client, host, port);
  const openTo = async (port: number, page: string): Promise<Client[]> => {
    const got = await Promise.all(ALL.map((c) => get(c, port)));
    return ALL.filter((_, i) => got[i] === page);
  };
  /** The page container `from` gets from `host`:`port` over HTTP, or '' when it failed (nc resolves through /etc/hosts). */
  const fetchIn = async (from: string, host: string, port = 80): Promise<string> => {
    const script = `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${host} ${port} 2>/dev/null | tail -1`;
    const r = await sb.netctl(['exec', from, 'sh', '-c', script], { timeoutMs: 10_000 });
    return r.code === 0 ? r.stdout.trim() : '';
  };
  const address = async (container: string, network: string): Promise<string> => {
    const rows = JSON.parse(await composeOk(SHOP, 'ps', '--json')) as { name: string; networks: string[] }[];
    return rows
      .find((r) => r.name === container)!
      .networks.find((n) => n.startsWith(`${network}=`))!
      .split('=')[1]!;
  };

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true, lan: true });
    mkdirSync(BASE, { recursive: true });
    await sb.sh(['sh', makeImages, IMG]);
    await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
    files(SHOP, {
      'compose.yaml': SHOP_FILE,
      '.env': 'CACHE_MODE=lru\n',
      'web/index.html': 'web\n',
      'db/index.html': 'db\n',
      'cache/index.html': 'cache\n',
    });
    await ufw('--force', 'enable');
    await ufw('default', 'deny', 'routed');
    await netctl('ufw', 'install');
    await ufw('reload');
  });
  afterAll(async () => {
    rmSync(BASE, { recursive: true, force: true });
    await sb?.close();
  });

  it('refuses a bad file naming file, line and key, and changes nothing', async () => {
    files(`${BASE}/bad`, {
      'compose.yaml': 'services:\n  web:\n    image: busybox\n    ports: ["8080:80"]\n    isolation: default\n',
    });
    const rows = [
      await netctl('ps', '-a', '--format', '{{.ID}} {{.Names}} {{.State}} {{.Addresses}} {{.Ports}}'),
      await netctl('network', 'ls'),
    ];
    const before = [await kernelState(sb), ...rows];
    const r = await composeIn(`${BASE}/bad`, 'up', '-d');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')[0]).toBe(
      `netctl: ${BASE}/bad/compose.yaml:5: services.web.isolation: key "isolation" is not supported by netctl compose (service keys it runs: image, command, entrypoint, environment, env_file, ports, expose, networks, network_mode, links, depends_on, volumes, working_dir, user, restart, labels, container_name, hostname, dns, dns_search, dns_opt, extra_hosts, tmpfs, volumes_from, pull_policy, x-netctl, mem_limit, memswap_limit, mem_reservation, cpus, cpu_shares, cpuset, pids_limit, oom_kill_disable, deploy, shm_size, ulimits, sysctls, cap_add, cap_drop, privileged, security_opt, init, read_only, group_add, stop_signal, stop_grace_period, healthcheck, build, secrets, configs, profiles, platform, logging, scale, stdin_open, tty, extends, label_file, blkio_config, post_start, pre_stop, pre_start)`,
    );
    expect([
      await kernelState(sb),
      await netctl('ps', '-a', '--format', '{{.ID}} {{.Names}} {{.State}} {{.Addresses}} {{.Ports}}'),
      await netctl('network', 'ls'),
    ]).toEqual(before);
  });

  it('up --dry-run prints its actions and their plan (bridges, veths, rules, launchers) and changes nothing', async () => {
    const state = async (): Promise<string[]> => [
      await kernelState(sb),
      await netctl('ps', '-a', '--format', '{{.ID}} {{.Names}} {{.State}} {{.Addresses}} {{.Ports}}'),
      await netctl('network', 'ls'),
      await netctl('ufw', 'list'),
      await sb.sh(['cat', '/etc/ufw/user.rules']),
      await sb.sh(['sh', '-c', 'ls -R /run/netctl /var/lib/netctl/containers 2>/dev/null || true']),
    ];
    const before = await state();
    const out = await composeOk(SHOP, 'up', '-d', '--dry-run');
    const [actions, plan] = out.split('\nnetlink and sysctl operations:\n');
    expect(actions).toBe(
      'create network shop_front\ncreate network shop_back\ncreate container shop-db-1\ncreate container shop-cache-1\nallow shop-cache-1 6379/tcp from 198.51.100.0/24\ncreate container shop-web-1\n',
    );
    // The project's two bridges (and the default network's, when it is not there yet).
    expect(plan!.match(/^ {2}ip link add \S+( mtu \d+)? type bridge$/gm)!.length).toBeGreaterThanOrEqual(2);
    expect(plan).toMatch(/ip addr add 10\.96\.0\.\d+\/24 brd \+ dev eth\d/);
    expect(plan).toContain('*nat\n');
    expect(plan).toMatch(/--dport 8080 .*-j DNAT/);
    const processes = plan!.split('\nprocesses:\n')[1]!.trim().split('\n');
    expect(processes).toHaveLength(3);
    for (const p of processes) expect(p).toMatch(/netctl-launcher run \S+\/containers\/[0-9a-f]+\/launcher\.conf$/);
    expect(await state()).toEqual(before);
  });

  it("up starts the app: names as compose makes them, the published port closed until its rule, the labels' rule applied", async () => {
    const out = await composeOk(SHOP, '-f', 'compose.yaml', 'up', '-d');
    expect(out.trim().split('\n')).toEqual([
      'network shop_front created',
      'network shop_back created',
      'container shop-db-1 started',
      'container shop-cache-1 started',
      'allowed shop-cache-1 6379/tcp from 198.51.100.0/24',
      'container shop-web-1 started',
    ]);
    // Docker Compose's columns (the networks are in --json, checked above).
    const ps = await composeOk(SHOP, 'ps');
    expect(ps).toMatch(/shop-web-1\s+busybox\s+"[^"]*"\s+web\s+\S.* ago\s+Up .*\s+0\.0\.0\.0:8080->80\/tcp/);
    expect(await openTo(8080, 'web')).toEqual([]);
    expect(await openTo(16379, 'cache')).toEqual(['wan']);
  });

  it('service names and aliases resolve across the project network, and networks stay apart', async () => {
    expect(await fetchIn('shop-web-1', 'db')).toBe('db');
    expect(await fetchIn('shop-web-1', 'database')).toBe('db');
    expect(await fetchIn('shop-cache-1', 'db')).toBe('db');
    expect(await fetchIn('shop-db-1', 'cache', 6379)).toBe('cache');
    // db is on back only: front's address of web is out of its reach.
    expect(await fetchIn('shop-db-1', await address('shop-web-1', 'shop_front'))).toBe('');
  });

  it('the override file (found beside compose.yaml) adds the x-netctl rule in place: wan2 only', async () => {
    files(SHOP, { 'compose.override.yaml': SHOP_OVERRIDE });
    expect(await composeOk(SHOP, 'up', '-d', '--dry-run')).toBe(
      'container shop-db-1 is up to date\ncontainer shop-cache-1 is up to date\ncontainer shop-web-1 is up to date\nallow shop-web-1 80 from 203.0.113.0/24\n',
    );
    const out = await composeOk(SHOP, 'up', '-d');
    expect(out).toBe(
      'container shop-db-1 running\ncontainer shop-cache-1 running\ncontainer shop-web-1 running\nallowed shop-web-1 80 from 203.0.113.0/24\n',
    );
    expect(await openTo(8080, 'web')).toEqual(['wan2']);
    expect(await ufw('status')).toMatch(
      /\d+\.\d+\.\d+\.\d+ 80\/tcp\s+ALLOW FWD\s+203\.0\.113\.0\/24\s+# netctl:shop-web-1 80\/tcp net=shop_front/,
    );
  });

  it('up twice changes nothing', async () => {
    const before = [await kernelState(sb), await sb.sh(['cat', '/etc/ufw/user.rules'])];
    expect(await composeOk(SHOP, 'up', '-d')).toBe(
      'container shop-db-1 running\ncontainer shop-cache-1 running\ncontainer shop-web-1 running\n',
    );
    expect([await kernelState(sb), await sb.sh(['cat', '/etc/ufw/user.rules'])]).toEqual(before);
  });

  it('after an edit only the changed service and what depends on it are recreated', async () => {
    files(SHOP, { '.env': 'CACHE_MODE=lfu\n' });
    const out = await composeOk(SHOP, 'up', '-d');
    expect(out.trim().split('\n')).toEqual([
      'container shop-web-1 removed',
      'container shop-cache-1 removed',
      'container shop-db-1 running',
      'container shop-cache-1 recreated (config changed)',
      'allowed shop-cache-1 6379/tcp from 198.51.100.0/24',
      'container shop-web-1 recreated (depends on recreated cache)',
      'allowed shop-web-1 80 from 203.0.113.0/24',
    ]);
    expect(await sb.sh([process.execPath, NETCTL, 'exec', 'shop-cache-1', 'sh', '-c', 'echo $MODE'])).toBe('lfu\n');
    expect(await openTo(8080, 'web')).toEqual(['wan2']);
    expect(await openTo(16379, 'cache')).toEqual(['wan']);
  });

  it('down leaves no bridge, veth, rule or row; up again keeps the policy with new addresses', async () => {
    const oldWeb = await address('shop-web-1', 'shop_front');
    const bridges = JSON.parse(await netctl('network', 'inspect', 'shop_front', 'shop_back')) as {
      Options: Record<string, string>;
    }[];
    await composeOk(SHOP, 'down');
    const links = await sb.sh(['ip', '-o', 'link', 'show']);
    for (const b of bridges) expect(links).not.toContain(b.Options['com.docker.network.bridge.name']);
    expect(links).not.toMatch(/ vn/);
    expect(await sb.sh(['iptables-save'])).not.toMatch(/10\.96\.0\.|shop/);
    expect(await sb.sh(['cat', '/etc/ufw/user.rules'])).not.toContain('netctl:shop');
    expect(await netctl('ps', '-a')).not.toContain('shop');
    expect(await netctl('network', 'ls')).not.toContain('shop');
    expect(await netctl('ufw', 'list')).not.toContain('shop');
    expect(await openTo(16379, 'cache')).toEqual([]);
    // Another network takes the pool shop_front had: the new web gets another address.
    await netctl('network', 'create', 'squatter');
    await composeOk(SHOP, 'up', '-d');
    expect(await address('shop-web-1', 'shop_front')).not.toBe(oldWeb);
    expect(await openTo(8080, 'web')).toEqual(['wan2']);
    expect(await openTo(16379, 'cache')).toEqual(['wan']);
    expect(await fetchIn('shop-web-1', 'database')).toBe('db');
  });

  it('stop, start and restart --dry-run print their plans and change nothing', async () => {
    const snapshot = async (): Promise<string[]> => [
      // The state word, not ps's "Up 9 seconds", which moves on by itself.
      await netctl('ps', '-a', '--format', '{{.ID}} {{.Names}} {{.State}} {{.Addresses}} {{.Ports}}'),
      await composeOk(SHOP, 'ps', '-a', '--format', '{{.Name}} {{.Service}} {{.State}} {{.Ports}}'),
      await sb.sh(['iptables', '-S']),
      await sb.sh(['ip', '-o', 'link', 'show']),
    ];
    const before = await snapshot();
    const stop = await composeOk(SHOP, 'stop', '--dry-run', '-t', '3', 'cache');
    expect(stop).toMatch(
      /^stop shop-cache-1: send SIGTERM to its monitor \(pid \d+\)\n {2}send SIGKILL to its process \(pid \d+\) if it still runs after 3s\n {2}record it as exited\n\nnetlink and sysctl operations:\n {2}\(none\)\n/,
    );
    expect(await composeOk(SHOP, 'start', '--dry-run')).toBe(
      'start shop-db-1: already running\nstart shop-cache-1: already running\nstart shop-web-1: already running\n\n' +
        'netlink and sysctl operations:\n  (none)\n\nrules: no change\n',
    );
    const restart = await composeOk(SHOP, 'restart', '--dry-run', 'db');
    expect(restart).toMatch(/^stop shop-db-1: send SIGTERM to its monitor/);
    expect(restart).toContain('\nstart shop-db-1: ');
    expect(restart).toContain('  start the container process\n');
    expect(restart.split('\nprocesses:\n')[1]).toMatch(/^ {2}\S*netctl-launcher/);
    expect(await snapshot()).toEqual(before);
  });

  it('stop, start, restart and logs work on the services', async () => {
    expect(await composeOk(SHOP, 'stop', 'cache')).toBe('container shop-cache-1 stopped\n');
    expect(await composeOk(SHOP, 'ps')).not.toContain('shop-cache-1');
    expect(await composeOk(SHOP, 'ps', '-a')).toMatch(
      /shop-cache-1\s+busybox\s+".*"\s+cache\s+.* ago\s+Exited \(\d+\)/,
    );
    expect(await composeOk(SHOP, 'start')).toBe(
      'container shop-db-1 already running\ncontainer shop-cache-1 started\ncontainer shop-web-1 already running\n',
    );
    expect(await openTo(16379, 'cache')).toEqual(['wan']);
    expect(await composeOk(SHOP, 'restart', 'db')).toBe('container shop-db-1 stopped\ncontainer shop-db-1 started\n');
    expect(await fetchIn('shop-web-1', 'db')).toBe('db');
    files(`${BASE}/logger`, {
      'compose.yaml':
        'services:\n  talk:\n    image: busybox\n    command: sh -c "echo one; echo two >&2; sleep 600"\n',
    });
    await composeOk(`${BASE}/logger`, 'up', '-d');
    let logs = '';
    for (let i = 0; i < 50 && !logs.includes('one'); i++) logs = (await composeIn(`${BASE}/logger`, 'logs')).stdout;
    expect(logs).toBe('logger-talk-1 | one\n');
    expect((await composeIn(`${BASE}/logger`, 'logs')).stderr).toBe('logger-talk-1 | two\n');
    await composeOk(`${BASE}/logger`, 'down');
    await composeOk(SHOP, 'down');
    await netctl('network', 'rm', 'squatter');
  });

  it("icc off: a link opens only the linked service's exposed port, with its variables", async () => {
    files(`${BASE}/locked`, {
      'www/index.html': 'page\n',
      'compose.yaml': [
        'services:',
        '  server:',
        '    image: busybox',
        '    command: sh -c "httpd -p 81 -h /www; httpd -f -p 80 -h /www"',
        '    volumes: ["./www:/www:ro"]',
        '    expose: ["80"]',
        '    networks: [locked]',
        '  client:',
        '    image: busybox',
        '    command: sleep 600',
        '    links: ["server:srv"]',
        '    networks: [locked]',
        '  other:',
        '    image: busybox',
        '    command: sleep 600',
        '    networks: [locked]',
        'networks:',
        '  locked:',
        '    driver_opts: {com.docker.network.bridge.enable_icc: "false"}',
        '',
      ].join('\n'),
    });
    await composeOk(`${BASE}/locked`, 'up', '-d');
    expect(await fetchIn('locked-client-1', 'srv')).toBe('page');
    expect(await fetchIn('locked-client-1', 'srv', 81)).toBe('');
    expect(await fetchIn('locked-other-1', 'server')).toBe('');
    expect(
      await sb.sh([process.execPath, NETCTL, 'exec', 'locked-client-1', 'sh', '-c', 'echo $SRV_PORT_80_TCP_PORT']),
    ).toBe('80\n');
    await composeOk(`${BASE}/locked`, 'down');
  });

  it('IPv6: a dual-stack network publishes over v6, closed from the wan host until x-netctl allows it', async () => {
    // The sandbox and the wan host share 2001:db8:1::/64 on wan0 (as in ufw-allow.test.ts); nodad so it is usable at once.
    await sb.sh(['ip', 'addr', 'add', '2001:db8:1::2/64', 'dev', 'wan0', 'nodad']);
    await sb.sh(['ip', '-n', 'wan', 'addr', 'add', '2001:db8:1::1/64', 'dev', 'eth0', 'nodad']);
    const six = (allow: boolean): string =>
      [
        'services:',
        '  web:',
        '    image: busybox',
        '    command: httpd -f -p 80 -h /www',
        '    volumes: ["./www:/www:ro"]',
        '    ports: ["8086:80"]',
        '    networks: [six]',
        ...(allow ? ['    x-netctl:', '      allow: ["80/tcp"]'] : []),
        'networks:',
        '  six:',
        '    enable_ipv6: true',
        '    ipam:',
        '      config:',
        '        - subnet: 10.97.0.0/24',
        '        - subnet: fd00:97::/64',
        '',
      ].join('\n');
    files(`${BASE}/six`, { 'www/index.html': 'six\n', 'compose.yaml': six(false) });
    await composeOk(`${BASE}/six`, 'up', '-d');
    expect(await get('wan', 8086, '2001:db8:1::2')).toBe('');
    expect(await get('wan', 8086)).toBe('');
    files(`${BASE}/six`, { 'compose.yaml': six(true) });
    await composeOk(`${BASE}/six`, 'up', '-d');
    expect(await get('wan', 8086, '2001:db8:1::2')).toBe('six');
    expect(await get('wan', 8086)).toBe('six');
    await composeOk(`${BASE}/six`, 'down');
  });
});

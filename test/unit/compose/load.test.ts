import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { interpolate } from '../../../src/compose/interpolate.js';
import { parseDotenv } from '../../../src/compose/dotenv.js';
import { splitWords } from '../../../src/compose/words.js';
import { loadProject, normalizeProjectName } from '../../../src/compose/load.js';

const dirs: string[] = [];
/** A project directory holding these files. */
function project(files: Record<string, string>, name = 'My App'): string {
  const root = mkdtempSync(join(tmpdir(), 'netctl-compose-'));
  dirs.push(root);
  const dir = join(root, name);
  for (const [f, text] of Object.entries(files)) {
    const p = join(dir, f);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const load = (dir: string, opts: Parameters<typeof loadProject>[0] = {}) => loadProject({ cwd: dir, env: {}, ...opts });
const refused = (dir: string, opts: Parameters<typeof loadProject>[0] = {}): string => {
  try {
    load(dir, opts);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('not refused');
};

describe('interpolation', () => {
  const vars = { A: 'a', EMPTY: '', N: '5' };
  it('substitutes every form compose knows', () => {
    expect(interpolate('$A ${A} x${N}y', vars)).toBe('a a x5y');
    expect(interpolate('${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d}', vars)).toBe('d d  d');
    expect(interpolate('${A:+set} ${EMPTY:+set} ${EMPTY+set} ${UNSET+set}', vars)).toBe('set  set ');
    expect(interpolate('$$A $${A} ${UNSET:-${A}-${N}}', vars)).toBe('$A ${A} a-5');
    expect(interpolate('${UNSET}', vars)).toBe('');
  });
  it('refuses a required variable without a value and bad syntax', () => {
    expect(() => interpolate('${UNSET:?set it}', vars)).toThrow('required variable UNSET is missing a value: set it');
    expect(() => interpolate('${EMPTY:?}', vars)).toThrow('required variable EMPTY');
    expect(interpolate('${EMPTY?}', vars)).toBe('');
    expect(() => interpolate('${A', vars)).toThrow('no closing');
    expect(() => interpolate('${1A}', vars)).toThrow('invalid interpolation format');
  });
});

describe('.env files and words', () => {
  it('parses comments, export, quotes and bare names', () => {
    const m = parseDotenv('# c\nexport A=1\nB="x\\ny" \nC=\'$lit\'\nD=plain # comment\nE\n\nF=\n');
    expect([...m]).toEqual([
      ['A', '1'],
      ['B', 'x\ny'],
      ['C', '$lit'],
      ['D', 'plain'],
      ['E', undefined],
      ['F', ''],
    ]);
    expect(() => parseDotenv('ok=1\n1bad=2')).toThrow('invalid variable name "1bad"');
  });
  it('splits commands as a shell would quote them', () => {
    expect(splitWords(`sh -c 'echo "hi there"' a\\ b "x\\"y"`)).toEqual(['sh', '-c', 'echo "hi there"', 'a b', 'x"y']);
    expect(() => splitWords("sh -c 'oops")).toThrow('unterminated single quote');
  });
});

describe('loading a project', () => {
  it('finds compose.yaml and its override, names the project after the directory, reads .env under the environment', () => {
    const dir = project({
      'compose.yaml':
        'services:\n  web:\n    image: busybox:${TAG:-latest}\n    environment: ["GREETING=${GREETING}"]\n',
      'compose.override.yaml': 'services:\n  web:\n    ports: ["8080:80"]\n',
      '.env': 'TAG=1.36\nGREETING=from-dotenv\n',
    });
    const p = load(dir);
    expect(p.name).toBe('myapp');
    expect(p.files.map((f) => f.slice(dir.length + 1))).toEqual(['compose.yaml', 'compose.override.yaml']);
    const web = p.services[0]!;
    expect(web.image).toBe('busybox:1.36');
    expect(web.containerName).toBe('myapp-web-1');
    expect(web.environment).toEqual(['GREETING=from-dotenv']);
    expect(web.ports).toEqual([{ containerPort: 80, proto: 'tcp', hostPort: 8080 }]);
    expect(web.networks).toEqual([{ key: 'default', aliases: [], priority: 0 }]);
    expect(p.networks.map((n) => n.name)).toEqual(['myapp_default']);
    expect(load(dir, { env: { GREETING: 'from-shell' } }).services[0]!.environment).toEqual(['GREETING=from-shell']);
  });

  it('takes the name from -p, then COMPOSE_PROJECT_NAME, then name:', () => {
    const dir = project({ 'docker-compose.yml': 'name: fromfile\nservices:\n  a: {image: busybox}\n' });
    expect(load(dir).name).toBe('fromfile');
    expect(load(dir, { env: { COMPOSE_PROJECT_NAME: 'fromenv' } }).name).toBe('fromenv');
    expect(load(dir, { project: 'fromflag', env: { COMPOSE_PROJECT_NAME: 'fromenv' } }).name).toBe('fromflag');
    expect(refused(dir, { project: 'Bad Name' })).toContain('invalid project name "Bad Name"');
    expect(normalizeProjectName('My.App_1')).toBe('myapp_1');
  });

  it('merges -f files in order: maps by key, ports appended, command replaced, volumes by target', () => {
    const dir = project({
      'base.yml':
        'services:\n  web:\n    image: busybox\n    command: sleep 1\n    ports: ["80"]\n    environment: {A: "1", B: "2"}\n    labels: [x=1]\n    volumes: ["./a:/data", "./b:/b:ro"]\n',
      'prod.yml':
        'services:\n  web:\n    command: ["sleep", "2"]\n    ports: ["443"]\n    environment: [B=3]\n    labels: {y: "2"}\n    volumes: ["./c:/data"]\n',
    });
    const web = load(dir, { files: ['base.yml', 'prod.yml'] }).services[0]!;
    expect(web.command).toEqual(['sleep', '2']);
    expect(web.ports.map((p) => p.containerPort)).toEqual([80, 443]);
    expect(web.environment).toEqual(['A=1', 'B=3']);
    expect(web.labels).toEqual({ x: '1', y: '2' });
    expect(web.volumes).toEqual([
      { type: 'bind', source: join(dir, 'c'), target: '/data', readOnly: false, create: true },
      { type: 'bind', source: join(dir, 'b'), target: '/b', readOnly: true, create: true },
    ]);
  });

  it('refuses unsupported keys with file, line and key, and warns where compose would', () => {
    const dir = project({
      'compose.yaml': 'version: "3"\nservices:\n  web:\n    image: busybox\n    isolation: default\n',
    });
    expect(refused(dir)).toBe(
      `${dir}/compose.yaml:5: services.web.isolation: key "isolation" is not supported by netctl compose (service keys it runs: image, command, entrypoint, environment, env_file, ports, expose, networks, network_mode, links, depends_on, volumes, working_dir, user, restart, labels, container_name, hostname, dns, dns_search, dns_opt, extra_hosts, tmpfs, volumes_from, pull_policy, x-netctl, mem_limit, memswap_limit, mem_reservation, cpus, cpu_shares, cpuset, pids_limit, oom_kill_disable, deploy, shm_size, ulimits, sysctls, cap_add, cap_drop, privileged, security_opt, init, read_only, group_add, stop_signal, stop_grace_period, healthcheck, build, secrets, configs, profiles, platform, logging, scale, stdin_open, tty, extends, label_file, blkio_config, post_start, pre_stop, pre_start)`,
    );
    const ok = project({
      'compose.yaml': 'version: "3"\nx-common: &c {image: busybox}\nservices:\n  web:\n    <<: *c\n    x-note: mine\n',
    });
    const p = load(ok);
    expect(p.warnings).toEqual([
      `${ok}/compose.yaml:1: version: the attribute "version" is obsolete, it will be ignored`,
    ]);
    expect(p.services[0]!.image).toBe('busybox');
  });

  it('names the line of bad values, YAML errors, a missing variable and the override that set them', () => {
    const cases: [string, RegExp][] = [
      [
        'services:\n  web:\n    image: busybox\n    ports:\n      - "80"\n      - "99999:80"\n',
        /compose\.yaml:6: services\.web\.ports\[1\]: invalid port spec "99999:80"/,
      ],
      ['services:\n  web:\n    image: busybox\n    image: other\n', /compose\.yaml:4: Map keys must be unique/],
      [
        'services:\n  web:\n    image: ${NEED:?give NEED}\n',
        /compose\.yaml:3: required variable NEED is missing a value: give NEED \(at services\.web\.image\)/,
      ],
      [
        'services:\n  web:\n    image: busybox\n    depends_on: [db]\n',
        /compose\.yaml:4: services\.web\.depends_on\.db: depends on "db", which is not a service/,
      ],
      [
        'services:\n  a: {image: busybox, depends_on: [b]}\n  b: {image: busybox, depends_on: [a]}\n',
        /dependency cycle: a -> b -> a/,
      ],
      [
        'services:\n  web:\n    image: busybox\n    volumes: ["data:/data"]\n',
        /compose\.yaml:4: services\.web\.volumes\[0\]: volume "data" is not defined under the top-level volumes/,
      ],
      [
        'services:\n  web:\n    image: busybox\n    networks: [nope]\n',
        /compose\.yaml:4: services\.web\.networks\.nope: network "nope" is not defined/,
      ],
      [
        'services:\n  web:\n    image: busybox\n    ports: ["8080:80"]\n    x-netctl:\n      allow: ["81/tcp"]\n',
        /compose\.yaml:6: services\.web\.x-netctl\.allow\[0\]: allow 81\/tcp: the service publishes no container port 81/,
      ],
      [
        'services:\n  web: {image: busybox}\nnetworks:\n  n:\n    enable_ipv6: true\n',
        /compose\.yaml:5: networks\.n\.enable_ipv6: enable_ipv6 needs an IPv6 subnet/,
      ],
      [
        'services:\n  web: {image: busybox}\nnetworks:\n  n:\n    driver: overlay\n',
        /compose\.yaml:5: networks\.n\.driver: driver "overlay" is not supported/,
      ],
      [
        'services:\n  web:\n    build: {context: ., ssh: [default]}\n',
        /compose\.yaml:3: services\.web\.build\.ssh: key "ssh" is not supported by netctl compose \(build keys/,
      ],
      [
        'services:\n  web:\n    build: https://github.com/x/y.git\n',
        /compose\.yaml:3: services\.web\.build\.context: "https:\/\/github\.com\/x\/y\.git": a remote build context/,
      ],
      ['services:\n  web: {image: busybox, user: "no body"}\n', /services\.web\.user: invalid --user "no body"/],
      [
        'services:\n  web: {image: busybox, pull_policy: build}\n',
        /services\.web\.pull_policy: pull_policy "build": netctl takes always, missing or never/,
      ],
    ];
    for (const [text, re] of cases) expect(refused(project({ 'compose.yaml': text }))).toMatch(re);
    const dir = project({
      'a.yml': 'services:\n  web: {image: busybox}\n',
      'b.yml': '\nservices:\n  web:\n    ports: ["x:80"]\n',
    });
    expect(refused(dir, { files: ['a.yml', 'b.yml'] })).toMatch(
      /b\.yml:4: services\.web\.ports\[0\]: invalid port spec "x:80"/,
    );
  });
});

describe('service keys', () => {
  const one = (text: string, env: Record<string, string> = {}) =>
    load(project({ 'compose.yaml': text }), { env }).services;
  it('takes ports in every short and long form', () => {
    const [web] = one(
      [
        'services:',
        '  web:',
        '    image: busybox',
        '    ports:',
        '      - 80',
        '      - "8080:80"',
        '      - "127.0.0.1:8081:81"',
        '      - "127.0.0.1::82"',
        '      - "9000-9001:90-91"',
        '      - "53:53/udp"',
        '      - "[::1]:8083:83"',
        '      - target: 84',
        '        published: "8084"',
        '        host_ip: 127.0.0.1',
        '        protocol: udp',
        '        mode: host',
        '      - {target: 85}',
        '      - {target: 86, published: 8086, host_ip: "::1"}',
      ].join('\n'),
    );
    expect(web!.ports).toEqual([
      { containerPort: 80, proto: 'tcp' },
      { containerPort: 80, proto: 'tcp', hostPort: 8080 },
      { containerPort: 81, proto: 'tcp', hostIp: '127.0.0.1', hostPort: 8081 },
      { containerPort: 82, proto: 'tcp', hostIp: '127.0.0.1' },
      { containerPort: 90, proto: 'tcp', hostPort: 9000 },
      { containerPort: 91, proto: 'tcp', hostPort: 9001 },
      { containerPort: 53, proto: 'udp', hostPort: 53 },
      { containerPort: 83, proto: 'tcp', hostIp: '::1', hostPort: 8083 },
      { containerPort: 84, proto: 'udp', hostIp: '127.0.0.1', hostPort: 8084 },
      { containerPort: 85, proto: 'tcp' },
      { containerPort: 86, proto: 'tcp', hostIp: '::1', hostPort: 8086 },
    ]);
  });

  it('takes networks with aliases, addresses and priority, network_mode, links and depends_on order', () => {
    const services = one(
      [
        'services:',
        '  web:',
        '    image: busybox',
        '    links: ["db:database"]',
        '    depends_on: {cache: {condition: service_started}}',
        '    networks:',
        '      back: {aliases: [w], ipv4_address: 10.5.0.9}',
        '      front: {priority: 10}',
        '  side: {image: busybox, network_mode: "service:web"}',
        '  db: {image: busybox, networks: [back]}',
        '  cache: {image: busybox, networks: [back], hostname: c1, dns: 10.0.0.1, extra_hosts: ["h:10.0.0.2"], working_dir: /srv, user: "1000:1001", restart: unless-stopped}',
        'networks:',
        '  front: {}',
        '  back:',
        '    ipam: {config: [{subnet: 10.5.0.0/24, gateway: 10.5.0.254}]}',
        '    driver_opts: {com.docker.network.bridge.enable_icc: "false"}',
      ].join('\n'),
    );
    expect(services.map((s) => s.name)).toEqual(['cache', 'db', 'web', 'side']);
    const web = services.find((s) => s.name === 'web')!;
    expect(web.networks).toEqual([
      { key: 'front', aliases: [], priority: 10 },
      { key: 'back', aliases: ['w'], ipv4Address: '10.5.0.9', priority: 0 },
    ]);
    expect(web.links).toEqual([{ service: 'db', alias: 'database' }]);
    expect(web.dependsOn).toEqual(['cache', 'db']);
    expect(services.find((s) => s.name === 'side')!.networkMode).toBe('service:web');
    const cache = services.find((s) => s.name === 'cache')!;
    expect(cache).toMatchObject({
      hostname: 'c1',
      dns: ['10.0.0.1'],
      extraHosts: ['10.0.0.2\th'],
      workingDir: '/srv',
      user: { uid: 1000, gid: 1001 },
      restart: 'always',
    });
  });

  it('reads dns, dns_search and dns_opt as strings or lists, and refuses bad values where they stand', () => {
    const [web] = one(
      'services:\n  web: {image: busybox, dns: [192.0.2.1], dns_search: corp.example, dns_opt: [ndots:2, edns0]}\n',
    );
    expect(web).toMatchObject({ dns: ['192.0.2.1'], dnsSearch: ['corp.example'], dnsOptions: ['ndots:2', 'edns0'] });
    const [plain] = one('services:\n  web: {image: busybox}\n');
    expect(plain).not.toHaveProperty('dnsSearch');
    const bad = (line: string): string =>
      refused(project({ 'compose.yaml': `services:\n  web:\n    image: busybox\n${line}\n` }));
    expect(bad('    dns: [192.0.2.1, 8.8.8]')).toMatch(
      /compose\.yaml:4: services\.web\.dns\[1\]: invalid --dns "8\.8\.8"/,
    );
    expect(bad('    dns_search: "corp example"')).toMatch(
      /services\.web\.dns_search: invalid --dns-search "corp example"/,
    );
    expect(bad('    dns_opt: ["ndots: 1"]')).toMatch(/services\.web\.dns_opt\[0\]: invalid --dns-option "ndots: 1"/);
    expect(bad('    networks: {default: {aliases: ["a..b"]}}')).toMatch(
      /aliases\[0\]: invalid alias "a\.\.b": not a DNS name/,
    );
  });

  it('reads allow rules from x-netctl and from the netctl.allow labels', () => {
    const [web] = one(
      [
        'services:',
        '  web:',
        '    image: busybox',
        '    container_name: site',
        '    ports: ["8080:80", "8443:443", "5353:53/udp"]',
        '    labels: ["netctl.allow=53/udp", "netctl.allow.from=203.0.113.0/24,198.51.100.7/32"]',
        '    x-netctl:',
        '      allow:',
        '        - 80/tcp',
        '        - {port: 443, from: 203.0.113.0/24}',
      ].join('\n'),
    );
    expect(web!.allow).toEqual([
      { container: 'site', port: 80, proto: 'tcp', from: null, network: null },
      { container: 'site', port: 443, proto: null, from: '203.0.113.0/24', network: null },
      { container: 'site', port: 53, proto: 'udp', from: '203.0.113.0/24', network: null },
      { container: 'site', port: 53, proto: 'udp', from: '198.51.100.7', network: null },
    ]);
  });

  it('refuses an empty allow source (an unset variable) instead of opening the port to anywhere', () => {
    const svc = (lines: string[]) =>
      ['services:', '  web:', '    image: busybox', '    ports: ["8080:80"]', ...lines].join('\n');
    expect(() => one(svc(['    labels: ["netctl.allow=80", "netctl.allow.from="]']))).toThrow(
      /netctl\.allow\.from is empty/,
    );
    expect(() => one(svc(['    labels: {netctl.allow: "80", netctl.allow.from: " , "}']))).toThrow(
      /netctl\.allow\.from is empty/,
    );
    expect(() => one(svc(['    x-netctl: {allow: [{port: 80, from: ""}]}']))).toThrow(/from.*is empty/);
    expect(() => one(svc(['    x-netctl: {allow: [{port: 80, from: []}]}']))).toThrow(/from.*is empty/);
    expect(one(svc(['    x-netctl: {allow: [{port: 80}]}']))[0]!.allow).toEqual([
      { container: 'myapp-web-1', port: 80, proto: null, from: null, network: null },
    ]);
  });

  it('reads env_file under environment and takes bare names from the environment', () => {
    const dir = project({
      'compose.yaml': 'services:\n  web:\n    image: busybox\n    env_file: [web.env]\n    environment: [B=env, C]\n',
      'web.env': 'A=file\nB=file\n',
    });
    expect(load(dir, { env: { C: 'shell' } }).services[0]!.environment).toEqual(['A=file', 'B=env', 'C=shell']);
  });
});

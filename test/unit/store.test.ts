import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, SystemError, UsageError } from '../../src/errors.js';
import { Store } from '../../src/store/index.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from '../../src/store/migrations.js';

let root: string;
let store: Store;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'netctl-store-'));
  store = Store.open({ root: join(root, 'state') });
});

afterEach(() => {
  store.close();
  rmSync(root, { recursive: true, force: true });
});

function reopen(): Store {
  store.close();
  store = Store.open({ root: join(root, 'state') });
  return store;
}

describe('opening and migrations', () => {
  it('creates the root 0700 and a WAL database at the latest schema version', () => {
    expect(statSync(join(root, 'state')).mode & 0o777).toBe(0o700);
    const db = new Database(store.path, { readonly: true });
    try {
      expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      expect(tables).toEqual([
        'allow_rules',
        'build_cache',
        'container_health',
        'containers',
        'docker_allow_rules',
        'endpoints',
        'firewall_revision',
        'images',
        'ip_allocations',
        'links',
        'networks',
        'port_mappings',
        'tx_committed',
        'volume_users',
        'volumes',
      ]);
    } finally {
      db.close();
    }
  });

  it('keeps data across a reopen', () => {
    const n = store.networks.create({ name: 'keep', subnet: '10.10.0.0/24' });
    const c = store.containers.create({ name: 'web', image: 'alpine' });
    const ip = store.ipam.allocate(n.id, { owner: c.id });
    reopen();
    expect(store.networks.require('keep')).toEqual(n);
    expect(store.containers.require('web')).toEqual(c);
    expect(store.ipam.list(n.id).map((a) => [a.address, a.owner])).toEqual([
      ['10.10.0.1', 'gateway'],
      [ip, c.id],
    ]);
  });

  it('applies pending migrations in order, each once, and rolls back a failing one', () => {
    const db = new Database(':memory:');
    try {
      const steps = [
        { version: 1, description: 'a', up: 'CREATE TABLE a (x)' },
        { version: 2, description: 'b', up: (d: Database.Database) => d.exec('INSERT INTO a VALUES (2)') },
      ];
      migrate(db, steps);
      migrate(db, steps);
      expect(schemaVersion(db)).toBe(2);
      expect(db.prepare('SELECT count(*) FROM a').pluck().get()).toBe(1);
      const broken = [
        ...steps,
        { version: 3, description: 'c', up: 'INSERT INTO a VALUES (3); INSERT INTO nope VALUES (1)' },
      ];
      expect(() => migrate(db, broken)).toThrow(/nope/);
      expect(schemaVersion(db)).toBe(2);
      expect(db.prepare('SELECT count(*) FROM a').pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });

  it('refuses a database from a newer netctl', () => {
    store.close();
    const db = new Database(join(root, 'state', 'netctl.db'));
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => Store.open({ root: join(root, 'state') })).toThrow(/newer than this netctl/);
    store = Store.open({ root: join(root, 'other') });
  });

  it('reports an unusable root as a SystemError naming the file', () => {
    writeFileSync(join(root, 'file'), '');
    expect(() => Store.open({ root: join(root, 'file') })).toThrow(SystemError);
    expect(() => Store.open({ root: join(root, 'file') })).toThrow(
      `open database "${join(root, 'file', 'netctl.db')}"`,
    );
  });
});

describe('transactions', () => {
  it('roll back everything when the function throws', () => {
    const n = store.networks.create({ name: 'n', subnet: '10.0.0.0/24' });
    expect(() =>
      store.tx(() => {
        store.ipam.allocate(n.id, { owner: 'x' });
        store.containers.create({ name: 'ghost', image: 'i' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.ipam.list(n.id)).toHaveLength(1);
    expect(store.containers.get('ghost')).toBeUndefined();
  });

  it('refuse an async function, and roll it back', () => {
    const n = store.networks.create({ name: 'n', subnet: '10.0.0.0/24' });
    expect(() => store.tx(async () => store.ipam.allocate(n.id, { owner: 'x' }))).toThrow('returned a promise');
    expect(store.ipam.list(n.id)).toHaveLength(1);
  });
});

describe('networks', () => {
  it('take the first free default pool, with the gateway reserved', () => {
    const a = store.networks.create({ name: 'a' });
    const b = store.networks.create({ name: 'b' }, { hostRoutes: ['172.18.0.0/16'] });
    expect([a.subnet, a.gateway, a.bridge]).toEqual(['172.17.0.0/16', '172.17.0.1', `nc-${a.id}`]);
    expect(b.subnet).toBe('172.19.0.0/16');
    expect(a.id).toMatch(/^[0-9a-f]{12}$/);
    expect(store.ipam.list(a.id)).toEqual([{ networkId: a.id, address: '172.17.0.1', family: 4, owner: 'gateway' }]);
  });

  it('keep every field', () => {
    const n = store.networks.create({
      name: 'full',
      bridge: 'br-full',
      subnet: '10.1.0.0/16',
      gateway: '10.1.0.254',
      ipRange: '10.1.2.0/24',
      subnet6: 'fd00:1::/64',
      mtu: 1400,
      internal: true,
      icc: false,
      labels: { a: 'b' },
      options: { icc: 'false' },
    });
    expect(store.networks.require(n.id)).toMatchObject({
      name: 'full',
      driver: 'bridge',
      bridge: 'br-full',
      gateway: '10.1.0.254',
      ipRange: '10.1.2.0/24',
      subnet6: 'fd00:1::/64',
      gateway6: 'fd00:1::1',
      mtu: 1400,
      internal: true,
      icc: false,
      labels: { a: 'b' },
      options: { icc: 'false' },
    });
    expect(store.ipam.list(n.id).map((a) => a.address)).toEqual(['10.1.0.254', 'fd00:1::1']);
  });

  it('refuse a taken name, bridge or subnet', () => {
    store.networks.create({ name: 'a', bridge: 'br0', subnet: '10.0.0.0/16' });
    expect(() => store.networks.create({ name: 'a' })).toThrow('network with name "a" already exists');
    expect(() => store.networks.create({ name: 'b', bridge: 'br0' })).toThrow(
      'bridge "br0" is already used by network "a"',
    );
    expect(() => store.networks.create({ name: 'c', subnet: '10.0.5.0/24' })).toThrow(ConflictError);
    expect(() => store.networks.create({ name: 'bad name' })).toThrow(UsageError);
    expect(store.networks.list().map((n) => n.name)).toEqual(['a']);
  });

  it('are found by id, name or unique id prefix, listed in creation order', () => {
    const names = ['zeta', 'alpha', 'mid'];
    const made = names.map((name) => store.networks.create({ name }));
    expect(store.networks.list().map((n) => n.name)).toEqual(names);
    const first = made[0]!;
    expect(store.networks.get(first.id)?.name).toBe('zeta');
    expect(store.networks.get(first.id.slice(0, 10))?.name).toBe('zeta');
    expect(store.networks.get('nope')).toBeUndefined();
    expect(() => store.networks.require('nope')).toThrow(NotFoundError);
  });

  it('cannot be removed while containers are attached', () => {
    const n = store.networks.create({ name: 'n' });
    const c = store.containers.create({ name: 'web', image: 'alpine' });
    const address = store.ipam.allocate(n.id, { owner: c.id });
    store.endpoints.add({ containerId: c.id, networkId: n.id, ifname: 'eth0', address, aliases: ['w'] });
    expect(() => store.networks.remove('n')).toThrow('network "n" has active endpoints: web');
    store.endpoints.remove(c.id, n.id);
    expect(store.networks.remove('n').id).toBe(n.id);
    expect(store.networks.list()).toEqual([]);
    expect(store.ipam.list(n.id)).toEqual([]);
  });
});

describe('containers', () => {
  it('create, update, list and remove', () => {
    const c = store.containers.create({ name: 'web', image: 'alpine:3', config: { cmd: ['sh'] } });
    expect(c).toMatchObject({ name: 'web', image: 'alpine:3', state: 'created', config: { cmd: ['sh'] } });
    expect(c.id).toMatch(/^[0-9a-f]{64}$/);
    expect(() => store.containers.create({ name: 'web', image: 'x' })).toThrow(
      /container name "web" is already in use/,
    );
    expect(store.containers.list()).toEqual([]);
    const running = store.containers.update(c.id, { state: 'running', pid: 42, startedAt: '2026-01-01T00:00:00.000Z' });
    expect(running).toMatchObject({ state: 'running', pid: 42, startedAt: '2026-01-01T00:00:00.000Z' });
    expect(store.containers.list().map((x) => x.name)).toEqual(['web']);
    const stopped = store.containers.update(c.id, { state: 'exited', pid: null, exitCode: 0 });
    expect(stopped.pid).toBeUndefined();
    expect(stopped.exitCode).toBe(0);
    expect(store.containers.list({ all: true })).toHaveLength(1);
    expect(() => store.containers.update('0'.repeat(64), { state: 'dead' })).toThrow(NotFoundError);
    expect(store.containers.remove(c.id)).toBe(true);
    expect(store.containers.remove(c.id)).toBe(false);
  });

  it('removal releases addresses, ports and endpoints', () => {
    const n = store.networks.create({ name: 'n', subnet: '10.0.0.0/24' });
    const c = store.containers.create({ name: 'web', image: 'alpine' });
    const address = store.ipam.allocate(n.id, { owner: c.id });
    store.endpoints.add({ containerId: c.id, networkId: n.id, ifname: 'eth0', address, aliases: [] });
    store.ports.reserve(c.id, [{ hostPort: 8080, containerPort: 80 }]);
    store.containers.remove(c.id);
    expect(store.ipam.list(n.id).map((a) => a.owner)).toEqual(['gateway']);
    expect(store.ports.list()).toEqual([]);
    expect(store.endpoints.forNetwork(n.id)).toEqual([]);
  });
});

describe('ports', () => {
  let web: string;
  let db: string;
  beforeEach(() => {
    web = store.containers.create({ name: 'web', image: 'i' }).id;
    db = store.containers.create({ name: 'db', image: 'i' }).id;
  });

  it('refuse the same host ip, port and protocol', () => {
    store.ports.reserve(web, [{ hostPort: 8080, containerPort: 80 }]);
    expect(() => store.ports.reserve(db, [{ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 5432 }])).toThrow(
      'cannot publish 0.0.0.0:8080/tcp: container "web" already publishes 0.0.0.0:8080/tcp',
    );
  });

  it('refuse a specific address next to every address, both ways, per family', () => {
    store.ports.reserve(web, [{ hostPort: 8080, containerPort: 80 }]);
    expect(() => store.ports.reserve(db, [{ hostIp: '10.1.2.3', hostPort: 8080, containerPort: 80 }])).toThrow(
      ConflictError,
    );
    store.ports.reserve(web, [{ hostIp: '10.1.2.3', hostPort: 9090, containerPort: 80 }]);
    expect(() => store.ports.reserve(db, [{ hostPort: 9090, containerPort: 80 }])).toThrow(
      /already publishes 10\.1\.2\.3:9090\/tcp/,
    );
    store.ports.reserve(db, [{ hostIp: '::', hostPort: 8080, containerPort: 80 }]);
    expect(() => store.ports.reserve(db, [{ hostIp: '::1', hostPort: 8080, containerPort: 80 }])).toThrow(
      'cannot publish [::1]:8080/tcp',
    );
  });

  it('allow the same port for another protocol, port or address', () => {
    store.ports.reserve(web, [{ hostIp: '10.1.2.3', hostPort: 53, containerPort: 53 }]);
    const more = store.ports.reserve(db, [
      { hostIp: '10.1.2.3', hostPort: 53, containerPort: 53, proto: 'udp' },
      { hostIp: '10.1.2.4', hostPort: 53, containerPort: 53 },
      { hostIp: '10.1.2.3', hostPort: 54, containerPort: 53 },
    ]);
    expect(more.map((p) => `${p.hostIp}:${p.hostPort}/${p.proto}`)).toEqual([
      '10.1.2.3:53/udp',
      '10.1.2.4:53/tcp',
      '10.1.2.3:54/tcp',
    ]);
  });

  it('reserve a batch all or nothing, a clash inside the batch included', () => {
    expect(() =>
      store.ports.reserve(web, [
        { hostPort: 80, containerPort: 80 },
        { hostIp: '127.0.0.1', hostPort: 80, containerPort: 81 },
      ]),
    ).toThrow(ConflictError);
    expect(store.ports.list()).toEqual([]);
    expect(() => store.ports.reserve(web, [{ hostPort: 70000, containerPort: 80 }])).toThrow(UsageError);
    expect(() => store.ports.reserve(web, [{ hostPort: 80, containerPort: 80, proto: 'icmp' as 'tcp' }])).toThrow(
      'invalid protocol "icmp"',
    );
  });

  it('pick the first free host port of the range, and say when none is left', () => {
    store.ports.reserve(web, [
      { hostIp: '127.0.0.1', hostPort: 40000, containerPort: 1 },
      { hostPort: 40002, containerPort: 1, proto: 'udp' },
    ]);
    const picked = store.ports.reserve(db, [{ containerPort: 80 }, { containerPort: 81 }], {
      ephemeral: [40000, 40002],
    });
    expect(picked.map((p) => p.hostPort)).toEqual([40001, 40002]);
    expect(() => store.ports.reserve(db, [{ containerPort: 82 }], { ephemeral: [40000, 40002] })).toThrow(
      'no free host port left in 40000-40002',
    );
    expect(store.ports.release(db)).toBe(2);
    expect(store.ports.list().map((p) => p.containerId)).toEqual([web, web]);
  });
});

describe('ipam', () => {
  it('never hands out the network, broadcast or gateway address, and reports exhaustion', () => {
    const n = store.networks.create({ name: 'small', subnet: '10.9.0.0/29' });
    const got = Array.from({ length: 5 }, () => store.ipam.allocate(n.id, { owner: 'c' }));
    expect(got).toEqual(['10.9.0.2', '10.9.0.3', '10.9.0.4', '10.9.0.5', '10.9.0.6']);
    expect(() => store.ipam.allocate(n.id, { owner: 'c' })).toThrow(
      'no free IPv4 address left in 10.9.0.0/29 on network "small"',
    );
  });

  it('reuses the lowest released address', () => {
    const n = store.networks.create({ name: 'n', subnet: '10.9.0.0/24' });
    for (let i = 0; i < 4; i++) store.ipam.allocate(n.id, { owner: 'c' });
    expect(store.ipam.release(n.id, '10.9.0.3')).toBe(true);
    expect(store.ipam.release(n.id, '10.9.0.3')).toBe(false);
    expect(store.ipam.allocate(n.id, { owner: 'd' })).toBe('10.9.0.3');
    expect(store.ipam.releaseOwner('c')).toBe(3);
  });

  it('allocates from the ip range, and a requested address anywhere in the subnet', () => {
    const n = store.networks.create({ name: 'n', subnet: '10.9.0.0/16', ipRange: '10.9.8.0/30' });
    expect(store.ipam.allocate(n.id, { owner: 'c' })).toBe('10.9.8.0');
    expect(store.ipam.allocate(n.id, { owner: 'c', requested: '10.9.200.7' })).toBe('10.9.200.7');
    expect(() => store.ipam.allocate(n.id, { owner: 'c', requested: '10.9.200.7' })).toThrow(
      'address 10.9.200.7 is already in use on network "n"',
    );
    expect(() => store.ipam.allocate(n.id, { owner: 'c', requested: '10.9.0.1' })).toThrow(ConflictError);
    expect(() => store.ipam.allocate(n.id, { owner: 'c', requested: '10.10.0.1' })).toThrow(
      'not in subnet 10.9.0.0/16',
    );
    expect(() => store.ipam.allocate(n.id, { owner: 'c', requested: '10.9.255.255' })).toThrow(
      'network or broadcast address',
    );
    expect(() => store.ipam.allocate(n.id, { owner: 'c', requested: '10.9.0.x' })).toThrow(
      'invalid IP address "10.9.0.x"',
    );
  });

  it('allocates IPv6 only on IPv6 networks', () => {
    const v6 = store.networks.create({ name: 'v6', subnet: '10.9.0.0/24', subnet6: 'fd00:9::/64' });
    expect(store.ipam.allocate(v6.id, { owner: 'c', family: 6 })).toBe('fd00:9::2');
    expect(store.ipam.allocate(v6.id, { owner: 'c', requested: 'FD00:9::00aa' })).toBe('fd00:9::aa');
    const v4 = store.networks.create({ name: 'v4', subnet: '10.8.0.0/24' });
    expect(() => store.ipam.allocate(v4.id, { owner: 'c', family: 6 })).toThrow('network "v4" has no IPv6 subnet');
    expect(() => store.ipam.allocate('f00', { owner: 'c' })).toThrow(NotFoundError);
  });
});

describe('Store.locked', () => {
  it('commits what an async command wrote, and rolls it all back when it throws', async () => {
    const root = mkdtempSync(join(tmpdir(), 'netctl-locked-'));
    const store = Store.open({ root });
    await store.locked(async () => {
      store.networks.create({ name: 'kept', subnet: '10.50.0.0/24' });
      await new Promise((r) => setTimeout(r, 5));
    });
    await expect(
      store.locked(async () => {
        store.networks.create({ name: 'lost', subnet: '10.51.0.0/24' });
        await new Promise((r) => setTimeout(r, 5));
        throw new Error('kernel said no');
      }),
    ).rejects.toThrow('kernel said no');
    expect(store.networks.list().map((n) => n.name)).toEqual(['kept']);
    store.close();
  });
});

describe('firewall revision', () => {
  /** Whether `fn` changes the token. */
  const changes = (fn: () => unknown): boolean => {
    const before = store.firewallRevision();
    fn();
    return store.firewallRevision() !== before;
  };

  it('changes with every write to what the rules are planned from', () => {
    let n = store.networks.create({ name: 'a', subnet: '10.20.0.0/24' });
    expect(changes(() => (n = store.networks.create({ name: 'b', subnet: '10.21.0.0/24' })))).toBe(true);
    const c = store.containers.create({ name: 'web', image: 'alpine' });
    let ip = '';
    // Addresses alone are not in the rules: the endpoint that uses one is.
    expect(changes(() => (ip = store.ipam.allocate(n.id, { owner: c.id })))).toBe(false);
    expect(
      changes(() =>
        store.endpoints.add({
          containerId: c.id,
          networkId: n.id,
          ifname: 'eth0',
          hostIfname: 'veth1',
          address: ip,
          aliases: [],
        }),
      ),
    ).toBe(true);
    expect(changes(() => store.ports.reserve(c.id, [{ hostPort: 8080, containerPort: 80 }]))).toBe(true);
    expect(changes(() => store.ports.release(c.id))).toBe(true);
    expect(changes(() => store.endpoints.remove(c.id, n.id))).toBe(true);
    expect(changes(() => store.networks.remove('b'))).toBe(true);
  });

  it('follows containers only while links exist (a link names its target)', () => {
    const c = store.containers.create({ name: 'web', image: 'alpine' });
    expect(changes(() => store.containers.create({ name: 'db', image: 'alpine' }))).toBe(false);
    expect(
      changes(() => store.containers.update(c.id, { state: 'running', pid: 42, config: { expose: ['80/tcp'] } })),
    ).toBe(false);
    expect(changes(() => store.links.add({ containerId: c.id, target: 'db', alias: 'db' }))).toBe(true);
    expect(changes(() => store.containers.create({ name: 'cache', image: 'alpine' }))).toBe(true);
    expect(changes(() => store.containers.update(c.id, { config: { expose: ['81/tcp'] } }))).toBe(true);
    expect(changes(() => store.containers.update(c.id, { state: 'exited', exitCode: 0 }))).toBe(false);
    // Removing the container takes its links (a cascade), which counts too.
    expect(changes(() => store.containers.remove(c.id))).toBe(true);
    expect(store.hasLinks()).toBe(false);
  });

  it('is never reused: a rolled-back change leaves the old token, the next change a new one', () => {
    const n = store.networks.create({ name: 'a', subnet: '10.20.0.0/24' });
    const c = store.containers.create({ name: 'web', image: 'alpine' });
    const before = store.firewallRevision();
    let inside = '';
    expect(() =>
      store.tx(() => {
        store.ports.reserve(c.id, [{ hostPort: 8080, containerPort: 80 }]);
        inside = store.firewallRevision();
        throw new Error('fail');
      }),
    ).toThrow('fail');
    expect(inside).not.toBe(before);
    expect(store.firewallRevision()).toBe(before);
    store.ports.reserve(c.id, [{ hostPort: 8080, containerPort: 80 }]);
    expect([before, inside]).not.toContain(store.firewallRevision());
    expect(reopen().firewallRevision()).toBe(store.firewallRevision());
    void n;
  });
});

describe("a removed container's allow rules", () => {
  it("outlive a Kubernetes pod's CNI record only; every other record takes them with it", () => {
    const cni = (runtime?: 'podman', pod = true) => ({
      kind: 'cni',
      ...(runtime ? { runtime } : {}),
      network: 'pods',
      cni: { name: 'pods', containerId: 'x', ifname: 'eth0', netns: '/n', args: pod ? { K8S_POD_NAME: 'web' } : {} },
    });
    const made = [
      store.containers.create({ name: 'shop.web', image: '(cni)', config: cni() }),
      store.containers.create({ name: 'pm', image: '(podman)', config: cni('podman') }),
      store.containers.create({ name: 'plain', image: '(cni)', config: cni(undefined, false) }),
      store.containers.create({ name: 'own', image: 'alpine' }),
    ];
    for (const c of made) store.allows.add({ container: c.name, port: 80, proto: 'tcp', from: null, network: null });
    for (const c of made) store.containers.remove(c.id);
    expect(store.allows.list().map((a) => a.container)).toEqual(['shop.web']);
  });
});

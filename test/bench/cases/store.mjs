// The state store: opening the database (on every command's startup path) and one IPAM
// round trip (an IMMEDIATE transaction each way).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dist = new URL('../../../dist/store/index.js', import.meta.url);
const { Store } = await import(dist.href);

function freshRoot() {
  const root = mkdtempSync(join(tmpdir(), 'netctl-bench-store-'));
  Store.open({ root }).close();
  return root;
}

const coldScript = `const { Store } = await import(${JSON.stringify(dist.href)}); Store.open({ root: process.argv[1] }).networks.list();`;

export const cases = [
  {
    name: 'store: open db (existing, migrated) + list networks + close',
    iterations: 200,
    setup: async () => ({ root: freshRoot() }),
    run: ({ root }) => {
      const s = Store.open({ root });
      s.networks.list();
      s.close();
    },
    teardown: async ({ root }) => rmSync(root, { recursive: true, force: true }),
  },
  {
    name: 'store: cold process: node + import store + open + list networks',
    iterations: 10,
    setup: async () => ({ root: freshRoot() }),
    run: ({ root }) => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', coldScript, root], { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`cold open exited ${r.status}`);
    },
    teardown: async ({ root }) => rmSync(root, { recursive: true, force: true }),
  },
  {
    name: 'store: ipam allocate+release (/16 with 200 taken)',
    iterations: 500,
    setup: async () => {
      const root = freshRoot();
      const store = Store.open({ root });
      const net = store.networks.create({ name: 'bench', subnet: '10.200.0.0/16' });
      for (let i = 0; i < 200; i++) store.ipam.allocate(net.id, { owner: 'filler' });
      return { root, store, id: net.id };
    },
    run: ({ store, id }) => {
      const a = store.ipam.allocate(id, { owner: 'bench' });
      store.ipam.release(id, a);
    },
    teardown: async ({ root, store }) => {
      store.close();
      rmSync(root, { recursive: true, force: true });
    },
  },
];

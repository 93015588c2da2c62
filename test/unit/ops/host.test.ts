/**
 * The host context opens each part once, on first use, and closes what it opened: a
 * command that closes its store or engine early gets a fresh one on the next call.
 */
import { describe, expect, it } from 'vitest';
import { makeHost, type HostParts } from '../../../src/ops/host.js';
import type { Engine } from '../../../src/engine/context.js';
import type { Store } from '../../../src/store/index.js';
import type { UfwDeps } from '../../../src/firewall/ufw/observe.js';

function fakeParts() {
  const log: string[] = [];
  let stores = 0;
  let engines = 0;
  const parts: HostParts = {
    ufw: { etc: '/nowhere/ufw' } as UfwDeps,
    store: () => {
      const n = ++stores;
      log.push(`open store ${n}`);
      return { close: () => log.push(`close store ${n}`) } as unknown as Store;
    },
    engine: async (_paths, store) => {
      const n = ++engines;
      log.push(`open engine ${n}`);
      return { store, close: () => log.push(`close engine ${n}`) } as unknown as Engine;
    },
  };
  return { parts, log };
}

const PATHS = { root: '/nowhere/root', runRoot: '/nowhere/run' };

describe('host context', () => {
  it('opens the store and the engine once, the engine over the same store', async () => {
    const { parts, log } = fakeParts();
    const host = makeHost(PATHS, parts);
    const s = host.store();
    expect(host.store()).toBe(s);
    const e = await host.engine();
    expect(await host.engine()).toBe(e);
    expect(e.store).toBe(s);
    host.close();
    expect(log).toEqual(['open store 1', 'open engine 1', 'close engine 1', 'close store 1']);
  });

  it('keeps the store open while an engine works over it, and reopens after an early close', async () => {
    const { parts, log } = fakeParts();
    const host = makeHost(PATHS, parts);
    const e = await host.engine();
    host.store().close();
    expect(log).toEqual(['open store 1', 'open engine 1']);
    e.close();
    e.close();
    expect(log).toEqual(['open store 1', 'open engine 1', 'close engine 1', 'close store 1']);
    await host.engine();
    host.close();
    host.close();
    expect(log.slice(4)).toEqual(['open store 2', 'open engine 2', 'close engine 2', 'close store 2']);
  });

  it('opens nothing it is not asked for', () => {
    const { parts, log } = fakeParts();
    const host = makeHost(PATHS, parts);
    expect(host.ufw.etc).toBe('/nowhere/ufw');
    host.close();
    expect(log).toEqual([]);
  });
});

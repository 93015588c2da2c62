/**
 * `rm` at scale: route_localnet on the networks a removed container leaves is planned from the
 * rows of one other container that still wants it, not from every port and endpoint of the
 * host, and says the same as the whole database would. The store is real (a temporary
 * database); its whole-table reads are counted.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { localnetViewAfter } from '../../../src/engine/container-steps.js';
import { planLocalnet } from '../../../src/engine/localnet.js';
import { Store } from '../../../src/store/index.js';

const N = 40;
let s: Store;

beforeEach(() => {
  s = Store.open({ root: mkdtempSync(join(tmpdir(), 'netctl-localnet-')) });
});
afterEach(() => s.close());

function container(name: string, nets: { id: string; address: string }[], hostIp?: string): string {
  const c = s.containers.create({ name, image: 'img' });
  for (const n of nets)
    s.endpoints.add({
      containerId: c.id,
      networkId: n.id,
      ifname: `eth${nets.indexOf(n)}`,
      address: n.address,
      aliases: [],
    });
  if (hostIp !== undefined) s.ports.reserve(c.id, [{ hostIp, containerPort: 80 }]);
  return c.id;
}

/** Takes a container's rows out, as rm does before it plans the steps. */
function release(id: string): void {
  for (const e of s.endpoints.forContainer(id)) s.endpoints.remove(id, e.networkId);
  s.ports.release(id);
}

function whole(ids: string[]) {
  return planLocalnet(s.networks.list(), s.ports.list(), s.endpoints.all(), ids);
}

describe('route_localnet after rm', () => {
  it(`reads one other container's rows, not all ${N}, and plans what the whole database says`, () => {
    const net = s.networks.create({ name: 'big', subnet: '10.60.0.0/16' });
    const ids = Array.from({ length: N }, (_, i) =>
      container(`c${i}`, [{ id: net.id, address: `10.60.0.${i + 2}` }], ''),
    );
    release(ids[7]!);
    const all = vi.spyOn(s.endpoints, 'all');
    const list = vi.spyOn(s.ports, 'list');
    const forContainer = vi.spyOn(s.endpoints, 'forContainer');
    const v = localnetViewAfter(s, ids[7]!, [net.id]);
    expect(all).not.toHaveBeenCalled();
    expect(list.mock.calls.filter((c) => c[0] === undefined)).toEqual([]);
    expect(forContainer.mock.calls.length).toBe(1);
    vi.restoreAllMocks();
    expect(planLocalnet(v.networks, v.ports, v.endpoints, [net.id])).toEqual(whole([net.id]));
    expect(whole([net.id])[0]).toMatchObject({ value: '1' });
  });

  it('turns it off with the last port that wanted it, and skips a port that goes to another network', () => {
    const a = s.networks.create({ name: 'a', subnet: '10.61.0.0/24' });
    const b = s.networks.create({ name: 'b', subnet: '10.62.0.0/24' });
    const leaving = container('leaving', [{ id: a.id, address: '10.61.0.2' }], '');
    // On both networks, its port goes to the first: it says nothing of b.
    container(
      'both',
      [
        { id: a.id, address: '10.61.0.3' },
        { id: b.id, address: '10.62.0.3' },
      ],
      '',
    );
    const onB = container('onB', [{ id: b.id, address: '10.62.0.4' }], '127.0.0.1');
    container('v6only', [{ id: b.id, address: '10.62.0.5' }], '::');
    release(onB);
    const v = localnetViewAfter(s, onB, [b.id]);
    expect(planLocalnet(v.networks, v.ports, v.endpoints, [b.id])).toEqual(whole([b.id]));
    expect(whole([b.id])[0]).toMatchObject({ value: '0' });
    release(leaving);
    const va = localnetViewAfter(s, leaving, [a.id]);
    expect(planLocalnet(va.networks, va.ports, va.endpoints, [a.id])).toEqual(whole([a.id]));
    expect(whole([a.id])[0]).toMatchObject({ value: '1' });
  });
});

/**
 * The CNI use cases (ops/cni.ts) over a Host with fakes: STATUS reports an engine that
 * cannot open as code 50; DEL of an attachment netctl does not know changes nothing, and
 * one an interrupted ADD left a veth of is planned as that veth's removal; the dispatcher
 * refuses an unknown command.
 */
import { describe, expect, it } from 'vitest';
import { makeHost } from '../../../src/ops/host.js';
import { runCni } from '../../../src/ops/cni.js';
import { planDel } from '../../../src/cni/del.js';
import { attachmentId } from '../../../src/cni/naming.js';
import { CniError } from '../../../src/cni/error.js';
import type { CniRequest } from '../../../src/cni/request.js';
import type { Engine } from '../../../src/engine/context.js';
import type { Store } from '../../../src/store/index.js';
import type { UfwDeps } from '../../../src/firewall/ufw/observe.js';

const PATHS = { root: '/nowhere/root', runRoot: '/nowhere/run' };

function request(command: CniRequest['command']): CniRequest {
  return {
    command,
    containerId: 'c0ffee',
    netns: '/nowhere/netns',
    ifname: 'eth0',
    args: {},
    path: [],
    conf: { name: 'pods', validAttachments: [] } as unknown as CniRequest['conf'],
  };
}

/** An engine whose store has no records and whose kernel has the links named. */
function fakeEngine(links: string[], log: string[]): Engine {
  const store = {
    locked: async <T>(fn: () => Promise<T>): Promise<T> => {
      log.push('lock');
      return fn();
    },
    containers: { get: () => undefined, list: () => [] },
    // An empty journal: nothing to repair, nothing to record.
    journal: { any: () => false, begin: () => undefined, commit: () => undefined, end: () => undefined },
    close: () => undefined,
  } as unknown as Store;
  const client = { getLink: async (name: string) => (links.includes(name) ? { name } : undefined) };
  return { store, kernel: { client }, roots: PATHS, close: () => undefined } as unknown as Engine;
}

function hostWith(engine: () => Promise<Engine>) {
  return makeHost(PATHS, {
    ufw: { etc: '/nowhere/ufw' } as UfwDeps,
    store: () => ({ close: () => undefined }) as unknown as Store,
    engine,
  });
}

describe('CNI use cases', () => {
  it('STATUS: an engine that cannot open is code 50, naming why', async () => {
    const host = hostWith(async () => {
      throw new Error('no netlink');
    });
    const err = await runCni(host, request('STATUS')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CniError);
    expect((err as CniError).code).toBe(50);
    expect((err as CniError).message).toBe('netctl is not available: no netlink');
  });

  it('DEL of an unknown attachment changes nothing, in one transaction', async () => {
    const log: string[] = [];
    const host = hostWith(async () => fakeEngine([], log));
    expect(await runCni(host, request('DEL'))).toBe('');
    expect(log).toEqual(['lock']);
  });

  it('DEL of an attachment without a record plans the removal of the veth an interrupted ADD left', async () => {
    const id = attachmentId('pods', 'c0ffee', 'eth0');
    const veth = `vn${id.slice(0, 10)}`;
    const planned = await planDel(fakeEngine([veth], []), request('DEL'));
    expect(planned.plan.operations).toEqual([`ip link del ${veth}`]);
    expect(planned.steps).toHaveLength(1);
  });

  it('refuses a command it does not know (code 4)', async () => {
    const host = hostWith(async () => fakeEngine([], []));
    const err = await runCni(host, { ...request('ADD'), command: 'BOGUS' as CniRequest['command'] }).catch(
      (e: unknown) => e,
    );
    expect((err as CniError).code).toBe(4);
  });
});

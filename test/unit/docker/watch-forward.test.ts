/**
 * The watch loop keeping FORWARD's jump to DOCKER-USER in front of Docker's rules, pure:
 * DockerWatch over a fake Engine API and a runner playing iptables-save/-restore on the
 * restore model, starting from Docker 20.10's real filter tables with the block loaded.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../src/store/index.js';
import { eventsQuery } from '../../../src/docker/watch.js';
import { DockerWatch } from '../../../src/ops/docker-watch.js';
import { makeHost, type Host } from '../../../src/ops/host.js';
import type { Engine } from '../../../src/engine/context.js';
import type { DockerApi } from '../../../src/docker/client.js';
import { dockerLoadDoc, FORWARD_JUMP } from '../../../src/docker/block-kind.js';
import { parse } from '../../../src/firewall/iptables/parse.js';
import type { ExecOptions, ExecResult, Runner } from '../../../src/sys/exec.js';
import { MemFiles } from '../ufw/fakes.js';
import { load, restore, save, type SimState } from '../rules/restore-sim.js';

const read = (rel: string): string => readFileSync(new URL(`../../${rel}`, import.meta.url), 'latin1');
const LIVE6 = read('fixtures/docker/ip6tables-filter.rules');
const LIVE4 = read('fixtures/docker/iptables-filter.rules');
const TEMPLATE6 = read('../rules/ufw/docker-after6.rules.block');
const TEMPLATE4 = read('../rules/ufw/docker-after.rules.block');
/** What `docker network create` does to IPv6 FORWARD: its rules inserted on top. */
const NEW_NETWORK =
  '*filter\n-I FORWARD 1 -o br-new -j DOCKER\n-D FORWARD -j DOCKER-ISOLATION-STAGE-1\n-I FORWARD 1 -j DOCKER-ISOLATION-STAGE-1\nCOMMIT\n';

class SimRunner implements Runner {
  readonly state: Record<4 | 6, SimState>;
  readonly restores: { family: 4 | 6; input: string }[] = [];
  constructor(v4: string, v6: string) {
    this.state = { 4: load(v4), 6: load(v6) };
  }
  async run(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const family = argv[0]!.startsWith('ip6') ? 6 : 4;
    if (argv[0]!.endsWith('-save')) return { code: 0, stdout: save(this.state[family]), stderr: '' };
    if (argv[0]!.endsWith('-restore')) {
      const input = String(opts.input ?? '');
      this.restores.push({ family, input });
      this.state[family] = restore(this.state[family], input);
      return { code: 0, stdout: '', stderr: '' };
    }
    return { code: 127, stdout: '', stderr: `not in the fake: ${argv[0]}` };
  }
  forward(family: 4 | 6): string[] {
    return this.state[family]
      .get('filter')!
      .get('FORWARD')!
      .rules.map((r) => `-A FORWARD ${r}`);
  }
}

/** Docker with no containers. */
const api: DockerApi = {
  socket: '/run/docker.sock',
  get: async <T>(path: string) => (path === '/containers/json' ? ([] as T) : undefined),
  events: async () => undefined,
};

let host: Host;
let runner: SimRunner;
let log: string[];
let watch: DockerWatch;

beforeEach(() => {
  const root = mkdtempSync(join(tmpdir(), 'netctl-docker-watch-'));
  const installed = (text: string, tpl: string, family: 4 | 6): string =>
    save(restore(load(text), dockerLoadDoc(parse(text, { family }), tpl)));
  runner = new SimRunner(installed(LIVE4, TEMPLATE4, 4), installed(LIVE6, TEMPLATE6, 6));
  log = [];
  const ufw = {
    files: new MemFiles(),
    runner,
    now: () => new Date(0),
    etc: '/etc/ufw',
    defaults: '/etc/default/ufw',
    templates: '/pkg/rules/ufw',
  };
  // The engine's kernel and firewall are never reached: the watch writes only ufw's files.
  host = makeHost(
    { root, runRoot: root },
    {
      ufw,
      store: (p) => Store.open({ root: p.root }),
      engine: async (roots, store) => ({ store, ufw, roots, close: () => undefined }) as unknown as Engine,
    },
  );
  watch = new DockerWatch({ host, api, log: (l) => log.push(l) });
});
afterEach(() => host.close());

describe("the watch and FORWARD's jump to DOCKER-USER", () => {
  it('listens to network create events', () => {
    expect(JSON.parse(decodeURIComponent(eventsQuery().slice('filters='.length))).event).toContain('create');
  });

  it('moves the jump back on top after Docker creates a network, once', async () => {
    runner.state[6] = restore(runner.state[6], NEW_NETWORK);
    expect(runner.forward(6)[0]).toBe('-A FORWARD -j DOCKER-ISOLATION-STAGE-1');
    watch.onEvent({
      Type: 'network',
      Action: 'create',
      Actor: { ID: 'n2', Attributes: { name: 'late', type: 'bridge' } },
    });
    await watch.idle();
    expect(runner.forward(6)[0]).toBe(FORWARD_JUMP);
    expect(runner.forward(6).filter((r) => r === FORWARD_JUMP)).toHaveLength(1);
    expect(runner.restores.map((r) => r.family)).toEqual([6]);
    expect(log).toEqual(["moved FORWARD's jump to DOCKER-USER in front of Docker's rules (IPv6)"]);
    // Nothing out of place: nothing restored.
    watch.onEvent({ Type: 'network', Action: 'create', Actor: { ID: 'n3' } });
    await watch.idle();
    expect(runner.restores).toHaveLength(1);
  });

  it('moves it at every reconciliation (the watch starting, Docker back after a restart)', async () => {
    runner.state[6] = restore(runner.state[6], NEW_NETWORK);
    await watch.reconcileAll();
    await watch.idle();
    expect(runner.forward(6)[0]).toBe(FORWARD_JUMP);
  });

  it('leaves FORWARD alone on container events and where the block is not loaded', async () => {
    runner.state[6] = restore(runner.state[6], NEW_NETWORK);
    watch.onEvent({ Type: 'container', Action: 'start', Actor: { ID: 'c1' } });
    await watch.idle();
    expect(runner.restores).toEqual([]);
    // Without the block's chains (not installed), a reconciliation does not add the jump.
    runner.state[6] = load(LIVE6);
    await watch.reconcileAll();
    expect(runner.forward(6)).not.toContain(FORWARD_JUMP);
    expect(runner.restores).toEqual([]);
  });
});

/**
 * `netctl allow` / `deny` as one change to ufw's route rules: the work they do (programs
 * run, documents loaded, allow rows read) is the same beside 1 rule and beside 2,000; the
 * file gets only its own entry, written into the file as it is under ufw's lock; `-D` that
 * could hit someone's identical rule, or that fails, loads the chain whole instead.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Store } from '../../../src/store/index.js';
import { makeHost, type Host } from '../../../src/ops/host.js';
import { allowOrDeny } from '../../../src/ops/allow.js';
import type { Engine } from '../../../src/engine/context.js';
import type { ExecOptions, ExecResult, Runner } from '../../../src/sys/exec.js';
import { routeComment, tupleLine, iptablesLine, type RouteRule } from '../../../src/firewall/ufw/route-rules.js';
import { fakeHost, type MemFiles } from './fakes.js';

const USER_RULES = readFileSync(new URL('../../fixtures/ufw/user.rules.docker', import.meta.url), 'utf8');
const PATH = '/etc/ufw/user.rules';

/** Records every program; `iptables -S` says ufw runs; a restore fails while `failing` matches its document. */
class Recorder implements Runner {
  readonly calls: { argv: string[]; input: string }[] = [];
  failing?: RegExp;
  async run(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const input = typeof opts.input === 'string' ? opts.input : '';
    this.calls.push({ argv: [...argv], input });
    if (argv[0]!.endsWith('-restore') && this.failing?.test(input))
      return { code: 1, stdout: '', stderr: 'iptables-restore: line 2 failed' };
    return { code: 0, stdout: '', stderr: '' };
  }
  restores(): string[] {
    return this.calls.filter((c) => c.argv[0]!.endsWith('-restore')).map((c) => c.input);
  }
}

const route = (from: string | null): RouteRule => ({
  family: 4,
  proto: 'tcp',
  to: '10.1.0.2',
  port: 80,
  from,
  comment: routeComment('web', 80, 'tcp', 'front'),
});
const entry = (r: RouteRule): string => `\n${tupleLine(r)}\n${iptablesLine(r)}\n`;
const source = (i: number): string => `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`;

/** A host whose container `web` publishes 80/tcp on `front` and has `rules` allow rules already. */
function world(rules: number): { host: Host; store: Store; files: MemFiles; runner: Recorder } {
  const root = mkdtempSync(join(tmpdir(), 'netctl-allow-delta-'));
  const store = Store.open({ root });
  const { files, deps } = fakeHost();
  const runner = new Recorder();
  deps.runner = runner;
  const net = store.networks.create({ name: 'front', subnet: '10.1.0.0/24' });
  const c = store.containers.create({ name: 'web', image: 'img' });
  store.endpoints.add({ containerId: c.id, networkId: net.id, ifname: 'eth0', address: '10.1.0.2', aliases: [] });
  store.ports.reserve(c.id, [{ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, proto: 'tcp' }]);
  let text = USER_RULES;
  const more = Array.from({ length: rules }, (_, i) => {
    store.allows.add({ container: 'web', port: 80, proto: null, from: source(i), network: null });
    return entry(route(source(i)));
  });
  text = text.replace('\n### END RULES ###', `${more.join('')}\n### END RULES ###`);
  files.put(PATH, text);
  files.put('/etc/ufw/user6.rules', '### RULES ###\n\n### END RULES ###\n');
  const host = makeHost(
    { root, runRoot: join(root, 'run') },
    {
      ufw: deps,
      store: () => store,
      engine: async (p, s, ufw) => ({ store: s, ufw, roots: p, close: () => undefined }) as unknown as Engine,
    },
  );
  return { host, store, files, runner };
}

const allow = (h: Host, from: string, remove = false) =>
  allowOrDeny(h, { name: 'web', ports: ['80'], from: [from] }, remove);

describe('allow and deny as one change to ufw route rules', () => {
  it('do the same work beside 1 rule and beside 2,000, never reading the table or every rule', async () => {
    const work = async (n: number) => {
      const w = world(n);
      const list = vi.spyOn(w.store.allows, 'list');
      const before = w.files.text(PATH)!;
      await allow(w.host, '198.19.0.1');
      expect(w.files.text(PATH)).toBe(
        before.replace('\n### END RULES ###', `${entry(route('198.19.0.1'))}\n### END RULES ###`),
      );
      await allow(w.host, '198.19.0.1', true);
      expect(w.files.text(PATH)).toBe(before);
      expect(list).not.toHaveBeenCalled();
      w.host.close();
      return w.runner.calls.map((c) => `${c.argv.join(' ')}\n${c.input}`);
    };
    const one = await work(1);
    expect(await work(2000)).toStrictEqual(one);
    expect(one.filter((c) => c.includes('-save'))).toStrictEqual([]);
    const rule = '-p tcp -d 10.1.0.2 --dport 80 -s 198.19.0.1 -j ACCEPT';
    expect(one.filter((c) => c.includes('-restore'))).toStrictEqual([
      `iptables-restore -w 10 --noflush\n*filter\n-A ufw-user-forward ${rule}\nCOMMIT\n`,
      `iptables-restore -w 10 --noflush\n*filter\n-D ufw-user-forward ${rule}\nCOMMIT\n`,
    ]);
  });

  it("keeps a ufw rule written between netctl's plan and its write", async () => {
    const w = world(3);
    const deps = w.host.ufw;
    const theirs =
      '\n### tuple ### allow tcp 9999 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 9999 -j ACCEPT\n';
    deps.lock = async (fn) => {
      const now = w.files.text(PATH)!;
      if (!now.includes('9999')) w.files.put(PATH, now.replace('\n### END RULES ###', `${theirs}\n### END RULES ###`));
      return fn();
    };
    await allow(w.host, '198.19.0.2');
    const text = w.files.text(PATH)!;
    expect(text).toContain(theirs);
    expect(text.indexOf(theirs)).toBeLessThan(text.indexOf(entry(route('198.19.0.2'))));
    w.host.close();
  });

  it('loads the chain whole when -D could take an identical rule, or when it fails', async () => {
    const w = world(2);
    const mine = iptablesLine(route(source(0)));
    // Someone's own copy of the rule, without netctl's comment.
    w.files.put(
      PATH,
      w.files.text(PATH)!.replace('\n### END RULES ###', `\n### tuple ### x\n${mine}\n\n### END RULES ###`),
    );
    await allow(w.host, source(0), true);
    expect(w.runner.restores()).toStrictEqual([expect.stringContaining(':ufw-user-forward - [0:0]')]);
    expect(w.files.text(PATH)).toContain(mine);

    w.runner.calls.length = 0;
    w.runner.failing = /^-D /m;
    await allow(w.host, source(1), true);
    const docs = w.runner.restores();
    expect(docs).toHaveLength(2);
    expect(docs[0]).toMatch(/^-D ufw-user-forward .*198\.18\.0\.2 /m);
    expect(docs[1]).toContain(':ufw-user-forward - [0:0]');
    expect(docs[1]).not.toContain('198.18.0.2 ');
    w.host.close();
  });

  it('keeps a route another rule still opens when deny removes one of them', async () => {
    const w = world(0);
    await allowOrDeny(w.host, { name: 'web', ports: ['80'], from: ['198.19.0.3'], network: 'front' }, false);
    await allow(w.host, '198.19.0.3');
    const text = w.files.text(PATH)!;
    await allowOrDeny(w.host, { name: 'web', ports: ['80'], from: ['198.19.0.3'], network: 'front' }, true);
    expect(w.files.text(PATH)).toBe(text);
    await allow(w.host, '198.19.0.3', true);
    expect(w.files.text(PATH)).not.toContain('198.19.0.3');
    w.host.close();
  });
});

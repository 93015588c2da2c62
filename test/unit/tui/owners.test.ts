/**
 * Whose containers the TUI shows: CNI attachments beside netctl's own (an OWNER column, the
 * CNI side in the details), Docker's allow rules in a section of the Rules pane, each route
 * with its live counters; and how the source turns the database and ufw's files into them.
 */
import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { App } from '../../../src/tui/app.js';
import { routeLines as tuiRoutes } from '../../../src/ops/read-routes.js';
import { parse } from '../../../src/firewall/iptables/parse.js';
import type { RouteRule } from '../../../src/firewall/ufw/route-rules.js';
import { KEYS, SNAP, fakeActions, flat, frameWith, frameWithout, type, until } from './fixture.js';

const app = (width = 100) =>
  render(createElement(App, { snapshot: SNAP, actions: fakeActions([]), width, height: 30 }));

describe('CNI attachments and Docker rules on screen', () => {
  it("the details of a CNI attachment say whose it is, its CNI side and the runtime's namespace", async () => {
    const { lastFrame, stdin } = app();
    await type(stdin, KEYS.down, KEYS.down, KEYS.down, KEYS.enter);
    const f = await frameWith(lastFrame, 'container ns1.api', 'namespace /var/run/netns/cni-1234');
    expect(f).toContain('container ns1.api (cccccccccccc)  state running  owner cni');
    expect(f).toContain(
      'cni network pods, runtime container c0ffee, ifname eth0, args K8S_POD_NAMESPACE=ns1 K8S_POD_NAME=api',
    );
    expect(f).toContain('namespace /var/run/netns/cni-1234');
    expect(f).toMatch(/3 pkts {2}filter NETCTL-P-0aaaaaaaaaaa: -d 10\.9\.0\.2\/32/);
    await type(stdin, KEYS.escape, '/', 'd', 'b', KEYS.enter, KEYS.enter);
    await frameWith(lastFrame, 'container db (bbbbbbbbbbbb)  state exited  owner netctl');
    expect(lastFrame()).not.toContain('cni network');
  });

  it("a Podman container (netctl's netavark plugin) is owned by podman in the list, its details and its rules", async () => {
    const podman = {
      ...SNAP,
      containers: SNAP.containers.map((c) => (c.kind === 'cni' ? { ...c, kind: 'podman' as const } : c)),
      rules: SNAP.rules.map((r) => (r.owner === 'cni' ? { ...r, owner: 'podman' as const } : r)),
      routes: SNAP.routes.map((r) => (r.owner === 'cni' ? { ...r, owner: 'podman' as const } : r)),
    };
    const { lastFrame, stdin } = render(
      createElement(App, { snapshot: podman, actions: fakeActions([]), width: 100, height: 30 }),
    );
    expect(lastFrame()).toMatch(/ns1\.api\s+podman\s+running\s+10\.9\.0\.2/);
    await type(stdin, KEYS.down, KEYS.down, KEYS.down, KEYS.enter);
    const owner = flat("owner podman (a container attached through netctl's netavark plugin)");
    await until(lastFrame, (f) => flat(f).includes(owner), owner);
    await type(stdin, KEYS.escape, KEYS.tab, KEYS.down, KEYS.down, KEYS.enter);
    await frameWith(lastFrame, 'owner podman, about ns1.api');
  });

  it('a CNI attachment whose namespace is gone is stale, and its details say why', async () => {
    const stale = {
      ...SNAP,
      containers: SNAP.containers.map((c) => (c.kind === 'cni' ? { ...c, state: 'stale' } : c)),
    };
    const { lastFrame, stdin } = render(
      createElement(App, { snapshot: stale, actions: fakeActions([]), width: 100, height: 30 }),
    );
    expect(lastFrame()).toMatch(/ns1\.api\s+cni\s+stale\s+10\.9\.0\.2/);
    await type(stdin, KEYS.down, KEYS.down, KEYS.down, KEYS.enter);
    const gone = flat('namespace /var/run/netns/cni-1234 (gone: the runtime removed it without CNI DEL');
    await until(lastFrame, (f) => flat(f).includes(gone), gone);
  });

  it('the details of a CNI rule, a Docker route and a stored Docker rule without a route', async () => {
    const { lastFrame, stdin } = app();
    await type(stdin, KEYS.tab, KEYS.down, KEYS.down, KEYS.enter);
    await frameWith(lastFrame, 'owner cni, about ns1.api');
    await type(stdin, KEYS.escape, KEYS.down, KEYS.down, KEYS.down, KEYS.enter);
    const f = await frameWith(
      lastFrame,
      'a ufw route rule for Docker container shop, by netctl allow shop 80/tcp',
      "owner docker, live in ufw's forward chain: 11 packets, 660 bytes",
    );
    expect(flat(f)).toContain(
      flat("ufw route allow proto tcp to 172.18.0.2 port 80 comment 'netctl:docker:shop 80/tcp'"),
    );
    await type(stdin, KEYS.escape, KEYS.down, KEYS.enter);
    await frameWith(
      lastFrame,
      'a Docker allow rule stored by netctl allow: cache 6379/tcp from 10.0.0.0/8',
      'no ufw route rule now',
    );
  });

  it('filters by owner', async () => {
    const { lastFrame, stdin } = app();
    await type(stdin, '/', ...'cni', KEYS.enter);
    await frameWithout(lastFrame, /web\s+netctl/);
    expect(lastFrame()).toMatch(/ns1\.api\s+cni/);
    await type(stdin, KEYS.tab, '/', KEYS.escape, '/', ...'docker', KEYS.enter);
    // Only the frame of the whole filter shows Docker's rules without the others.
    const only = (f: string) => /docker\s+shop: ufw route allow/.test(f) && !/NETCTL-DNAT|web:/.test(f);
    const f = await until(lastFrame, only, "Docker's rules alone");
    expect(f).toMatch(/docker\s+shop: ufw route allow/);
    expect(f).toMatch(/docker\s+cache 6379\/tcp/);
    expect(f).not.toContain('NETCTL-DNAT');
    expect(f).not.toContain('web:');
  });
});

describe('the route lines the source builds', () => {
  const shop = (port: number, from: string | null, to = '172.18.0.2'): RouteRule => ({
    family: 4,
    proto: 'tcp',
    to,
    port,
    from,
    comment: `netctl:docker:shop ${port}/tcp`,
  });
  const live = parse(
    '*filter\n:ufw-user-forward - [0:0]\n[9:540] -A ufw-user-forward -d 172.18.0.2/32 -p tcp -m tcp --dport 80 -j ACCEPT\nCOMMIT\n',
    { family: 4 },
  );
  const empty = parse('', { family: 6 });
  const ownRoute: RouteRule = {
    family: 4,
    proto: 'tcp',
    to: '10.9.0.2',
    port: 80,
    from: null,
    comment: 'netctl:ns1.api 80/tcp net=pods',
  };

  it("netctl's and CNI's from the database, Docker's from ufw's files matched to the stored rules", () => {
    const routes = tuiRoutes({
      own: [{ rule: { container: 'ns1.api', port: 80, proto: 'tcp', from: null, network: null }, routes: [ownRoute] }],
      kinds: new Map([['ns1.api', 'cni' as const]]),
      docker: [
        { container: 'shop', port: null, proto: null, from: null, network: null },
        { container: 'gone', port: 6379, proto: 'tcp', from: null, network: null },
      ],
      // A label's rule (443 from a source), a stored rule's (80), and netctl's own (ignored: the database has it).
      files: [shop(80, null), shop(443, '203.0.113.0/24'), ownRoute],
      live: { 4: live, 6: empty },
    });
    expect(
      routes.map((r) => [r.owner, r.container, r.source, r.allow, r.live?.packets ?? '-', r.command !== '']),
    ).toEqual([
      ['cni', 'ns1.api', 'stored', 'ns1.api 80/tcp', '-', true],
      ['docker', 'shop', 'stored', 'shop every published port', 9, true],
      ['docker', 'gone', 'stored', 'gone 6379/tcp', '-', false],
      ['docker', 'shop', 'label', 'shop 443/tcp from 203.0.113.0/24', '-', true],
    ]);
    expect(routes[1]!.command).toBe(
      "ufw route allow proto tcp to 172.18.0.2 port 80 comment 'netctl:docker:shop 80/tcp'",
    );
  });

  it('a stored rule with a source does not claim a route from anywhere', () => {
    const routes = tuiRoutes({
      own: [],
      kinds: new Map(),
      docker: [{ container: 'shop', port: 80, proto: 'tcp', from: '198.51.100.7', network: null }],
      files: [shop(80, null)],
      live: { 4: live, 6: empty },
    });
    expect(routes.map((r) => [r.source, r.allow, r.command === ''])).toEqual([
      ['stored', 'shop 80/tcp from 198.51.100.7', true],
      ['label', 'shop 80/tcp', false],
    ]);
  });
});

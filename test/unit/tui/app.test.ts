import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { App } from '../../../src/tui/app.js';
import { KEYS, SNAP, fakeActions, frameWith, frameWithout, type } from './fixture.js';

describe('the TUI screen against a fixed snapshot', () => {
  it('shows the containers pane first: a row per published port with what ufw does to it', () => {
    const { lastFrame } = render(
      createElement(App, { snapshot: SNAP, actions: fakeActions([]), width: 80, height: 24 }),
    );
    const f = lastFrame()!;
    expect(f).toContain('[2 Containers]');
    expect(f).toMatch(/NAME +OWNER +STATE +ADDRESS/);
    expect(f).toMatch(/web\s+netctl\s+running\s+10\.1\.0\.2\s+front\s+0\.0\.0\.0:8080->80\/tcp\s+closed/);
    // The CNI attachment beside netctl's own, saying whose it is.
    expect(f).toMatch(/ns1\.api\s+cni\s+running\s+10\.9\.0\.2\s+pods\s+0\.0\.0\.0:9090->80\/tcp\s+open/);
    expect(f).toMatch(/0\.0\.0\.0:8443->443\/tcp\s+limited/);
    expect(f).toMatch(/db\s+netctl\s+exited/);
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(f.split('\n').length).toBeLessThanOrEqual(24);
  });

  it('moves between panes with tab: networks with their state, rules with counters and the ufw route rules', async () => {
    const { lastFrame, stdin } = render(
      createElement(App, { snapshot: SNAP, actions: fakeActions([]), width: 100, height: 24 }),
    );
    await type(stdin, KEYS.tab);
    await frameWith(lastFrame, '[3 Rules]', /PKTS +BYTES +OWNER +RULE/, 'no route now');
    expect(lastFrame()).toMatch(/IPv4 nat NETCTL-DNAT\n\s+42\s+2520\s+netctl\s+-p tcp -m tcp --dport 8080 -j DNAT/);
    expect(lastFrame()).toMatch(/IPv4 filter NETCTL-FORWARD\n\s+7\s+420\s+netctl\s+-o nc-0123456789ab/);
    expect(lastFrame()).toMatch(/\n\s+3\s+180\s+cni\s+-d 10\.9\.0\.2\/32 -p tcp/);
    expect(lastFrame()).toMatch(
      /ufw route rules made by netctl allow\n\s+5\s+300\s+netctl\s+web: ufw route allow proto tcp from 203\.0\.113\.1/,
    );
    expect(lastFrame()).toMatch(/\n\s+3\s+180\s+cni\s+ns1\.api: ufw route allow proto tcp to 10\.9\.0\.2 port 80\n/);
    // Docker's section: a live rule with its counters, a stored one with no route now.
    expect(lastFrame()).toMatch(
      /ufw route rules for Docker containers.*\n\s+11\s+660\s+docker\s+shop: ufw route allow proto tcp to 172\.18\.0\.2 port 80\n/,
    );
    expect(lastFrame()).toMatch(/\n\s+-\s+-\s+docker\s+cache 6379\/tcp from 10\.0\.0\.0\/8: no route now/);
    await type(stdin, KEYS.tab);
    await frameWith(lastFrame, '[1 Networks]', /back .*down/);
    expect(lastFrame()).toMatch(/front\s+nc-0123456789ab\s+10\.1\.0\.0\/24\s+10\.1\.0\.1\s+on\s+no\s+2\s+up/);
    expect(lastFrame()).toMatch(/back .*down/);
  });

  it('a asks for a source and allows the selected port; d denies it; errors go to the status line', async () => {
    const log: string[] = [];
    const { lastFrame, stdin } = render(
      createElement(App, { snapshot: SNAP, actions: fakeActions(log), width: 80, height: 24 }),
    );
    await type(stdin, 'a');
    await frameWith(lastFrame, 'allow web 80/tcp from (CIDR, empty: anywhere):');
    await type(stdin, ...'203.0.113.0/24', KEYS.enter);
    expect(log).toEqual(['allow web 80/tcp 203.0.113.0/24']);
    await frameWith(lastFrame, 'allowed web 80/tcp');
    await type(stdin, KEYS.down, 'd');
    expect(log).toContain('deny web 443/tcp');
    await frameWith(lastFrame, 'denied web 443/tcp');
    const failing = render(
      createElement(App, { snapshot: SNAP, actions: fakeActions([], true), width: 80, height: 24 }),
    );
    await type(failing.stdin, 'a', KEYS.enter);
    await frameWith(failing.lastFrame, 'error: ufw rules file "/etc/ufw/user.rules" not found', '[2 Containers]');
  });

  it("enter opens the details with the container's veth, namespace and rules; / filters; ? shows help", async () => {
    const { lastFrame, stdin } = render(
      createElement(App, { snapshot: SNAP, actions: fakeActions([]), width: 100, height: 24 }),
    );
    await type(stdin, KEYS.enter);
    await frameWith(lastFrame, 'namespace /run/netctl/netns/aaaaaaaaaaaa');
    expect(lastFrame()).toContain('veth vnaaaaaaaaaa <-> eth0 10.1.0.2 on front');
    expect(lastFrame()).toContain('ufw: from 203.0.113.1 (only from 203.0.113.1)');
    expect(lastFrame()).toMatch(
      /42 pkts {2}nat NETCTL-DNAT: -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10\.1\.0\.2:80/,
    );
    expect(lastFrame()).not.toContain('NETCTL-FORWARD');
    await type(stdin, KEYS.escape, '/', ...'db', KEYS.enter);
    await frameWithout(lastFrame, '8080->80', 'namespace /run');
    expect(lastFrame()).toMatch(/db\s+netctl\s+exited/);
    await type(stdin, '?');
    await frameWith(lastFrame, 'allow the selected port through ufw');
  });

  it('a on a container without ports says so instead of acting', async () => {
    const log: string[] = [];
    const { lastFrame, stdin } = render(
      createElement(App, { snapshot: SNAP, actions: fakeActions(log), width: 80, height: 24 }),
    );
    await type(stdin, KEYS.down, KEYS.down, 'a');
    await frameWith(lastFrame, 'select a published port');
    expect(log).toEqual([]);
  });
});

import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { App } from '../../../src/tui/app.js';
import { KEYS, SNAP, fakeActions, type } from './fixture.js';

describe('the TUI screen against a fixed snapshot', () => {
  it('shows the containers pane first: a row per published port with what ufw does to it', () => {
    const { lastFrame } = render(createElement(App, { snapshot: SNAP, actions: fakeActions([]), width: 80, height: 24 }));
    const f = lastFrame()!;
    expect(f).toContain('[2 Containers]');
    expect(f).toMatch(/web\s+running\s+10\.1\.0\.2\s+front\s+0\.0\.0\.0:8080->80\/tcp\s+closed/);
    expect(f).toMatch(/0\.0\.0\.0:8443->443\/tcp\s+limited/);
    expect(f).toMatch(/db\s+exited/);
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(f.split('\n').length).toBeLessThanOrEqual(24);
  });

  it('moves between panes with tab: networks with their state, rules with counters and the ufw route rules', async () => {
    const { lastFrame, stdin } = render(createElement(App, { snapshot: SNAP, actions: fakeActions([]), width: 100, height: 24 }));
    await type(stdin, KEYS.tab);
    expect(lastFrame()).toContain('[3 Rules]');
    expect(lastFrame()).toMatch(/IPv4 nat NETCTL-DNAT\n\s+42\s+2520\s+-p tcp -m tcp --dport 8080 -j DNAT/);
    expect(lastFrame()).toMatch(/IPv4 filter NETCTL-FORWARD\n\s+7\s+420\s+-o nc-0123456789ab/);
    expect(lastFrame()).toContain('ufw route allow proto tcp from 203.0.113.1');
    await type(stdin, KEYS.tab);
    expect(lastFrame()).toMatch(/front\s+nc-0123456789ab\s+10\.1\.0\.0\/24\s+10\.1\.0\.1\s+on\s+no\s+2\s+up/);
    expect(lastFrame()).toMatch(/back .*down/);
  });

  it('a asks for a source and allows the selected port; d denies it; errors go to the status line', async () => {
    const log: string[] = [];
    const { lastFrame, stdin } = render(createElement(App, { snapshot: SNAP, actions: fakeActions(log), width: 80, height: 24 }));
    await type(stdin, 'a');
    expect(lastFrame()).toContain('allow web 80/tcp from (CIDR, empty: anywhere):');
    await type(stdin, ...'203.0.113.0/24', KEYS.enter);
    expect(log).toEqual(['allow web 80/tcp 203.0.113.0/24']);
    expect(lastFrame()).toContain('allowed web 80/tcp');
    await type(stdin, KEYS.down, 'd');
    expect(log).toContain('deny web 443/tcp');
    const failing = render(createElement(App, { snapshot: SNAP, actions: fakeActions([], true), width: 80, height: 24 }));
    await type(failing.stdin, 'a', KEYS.enter);
    expect(failing.lastFrame()).toContain('error: ufw rules file "/etc/ufw/user.rules" not found');
    expect(failing.lastFrame()).toContain('[2 Containers]');
  });

  it('enter opens the details with the container\'s veth, namespace and rules; / filters; ? shows help', async () => {
    const { lastFrame, stdin } = render(createElement(App, { snapshot: SNAP, actions: fakeActions([]), width: 100, height: 24 }));
    await type(stdin, KEYS.enter);
    expect(lastFrame()).toContain('namespace /run/netctl/netns/aaaaaaaaaaaa');
    expect(lastFrame()).toContain('veth vnaaaaaaaaaa <-> eth0 10.1.0.2 on front');
    expect(lastFrame()).toContain('ufw: from 203.0.113.1 (only from 203.0.113.1)');
    expect(lastFrame()).toMatch(/42 pkts  nat NETCTL-DNAT: -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10\.1\.0\.2:80/);
    expect(lastFrame()).not.toContain('NETCTL-FORWARD');
    await type(stdin, KEYS.escape, '/', ...'db', KEYS.enter);
    expect(lastFrame()).not.toContain('8080->80');
    expect(lastFrame()).toMatch(/db\s+exited/);
    await type(stdin, '?');
    expect(lastFrame()).toContain('allow the selected port through ufw');
  });

  it('a on a container without ports says so instead of acting', async () => {
    const log: string[] = [];
    const { lastFrame, stdin } = render(createElement(App, { snapshot: SNAP, actions: fakeActions(log), width: 80, height: 24 }));
    await type(stdin, KEYS.down, KEYS.down, 'a');
    expect(log).toEqual([]);
    expect(lastFrame()).toContain('select a published port');
  });
});

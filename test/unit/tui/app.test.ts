import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { App } from '../../../src/tui/app.js';
import type { TuiActions } from '../../../src/tui/actions.js';
import type { TuiSnapshot } from '../../../src/tui/snapshot.js';

const SNAP: TuiSnapshot = {
  at: '2026-11-22T10:00:00.000Z',
  ufw: 'ufw: active, routed policy deny, netctl block loaded',
  networks: [
    { name: 'front', bridge: 'nc-0123456789ab', subnet: '10.1.0.0/24', gateway: '10.1.0.1', icc: true, internal: false, containers: 2, up: true },
    { name: 'back', bridge: 'nc-ba9876543210', subnet: '10.2.0.0/24', gateway: '10.2.0.1', icc: false, internal: true, containers: 0, up: false },
  ],
  containers: [
    {
      id: 'a'.repeat(64), name: 'web', state: 'running', address: '10.1.0.2', network: 'front', veths: ['vnaaaaaaaaaa'], netns: '/run/netctl/netns/aaaaaaaaaaaa', links: [],
      ports: [
        { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, proto: 'tcp', exposure: 'closed', sources: [], reason: 'routed policy deny, no ufw route rule allows it' },
        { hostIp: '0.0.0.0', hostPort: 8443, containerPort: 443, proto: 'tcp', exposure: 'restricted', sources: ['203.0.113.1'], reason: 'only from 203.0.113.1' },
      ],
    },
    { id: 'b'.repeat(64), name: 'db', state: 'exited', address: '10.1.0.3', network: 'front', veths: ['vnbbbbbbbbbb'], netns: '/run/netctl/netns/bbbbbbbbbbbb', links: ['web:w'], ports: [] },
  ],
  rules: [
    { family: 4, table: 'nat', chain: 'NETCTL-DNAT', text: '-A NETCTL-DNAT -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.1.0.2:80', packets: 42, bytes: 2520 },
    { family: 4, table: 'filter', chain: 'NETCTL-FORWARD', text: '-A NETCTL-FORWARD -o nc-0123456789ab -j NETCTL-N-0123456789ab', packets: 7, bytes: 420 },
  ],
  routes: ["ufw route allow proto tcp from 203.0.113.1 to 10.1.0.2 port 443 comment 'netctl:web 443/tcp net=front'"],
};

function fakeActions(log: string[], fail = false): TuiActions {
  return {
    allow: async (name, port, from) => {
      log.push(`allow ${name} ${port} ${from ?? '-'}`);
      if (fail) throw new Error('ufw rules file "/etc/ufw/user.rules" not found');
      return `allowed ${name} ${port}`;
    },
    deny: async (name, port) => {
      log.push(`deny ${name} ${port}`);
      return `denied ${name} ${port}`;
    },
  };
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 30));
// Ink reads keys from stdin: escape sequences for the arrows and tab.
const KEYS = { down: '\u001B[B', tab: '\t', enter: '\r', escape: '\u001B' };

async function type(stdin: { write(s: string): void }, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    stdin.write(k);
    await tick();
  }
}

describe('the TUI screen against a fixed snapshot', () => {
  it('shows the containers pane first: a row per published port with what ufw does to it', () => {
    const { lastFrame } = render(createElement(App, { snapshot: SNAP, actions: fakeActions([]), width: 80, height: 24 }));
    const f = lastFrame()!;
    expect(f).toContain('[2 Containers]');
    expect(f).toMatch(/web\s+running\s+10\.1\.0\.2\s+front\s+0\.0\.0\.0:8080->80\/tcp\s+closed/);
    expect(f).toMatch(/0\.0\.0\.0:8443->443\/tcp\s+from 2/);
    expect(f).toMatch(/db\s+exited/);
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(f.split('\n').length).toBeLessThanOrEqual(24);
  });

  it('moves between panes with tab: networks with their state, rules with counters and the ufw route rules', async () => {
    const { lastFrame, stdin } = render(createElement(App, { snapshot: SNAP, actions: fakeActions([]), width: 100, height: 24 }));
    await type(stdin, KEYS.tab);
    expect(lastFrame()).toContain('[3 Rules]');
    expect(lastFrame()).toMatch(/42\s+2520\s+v4 nat\s+-A NETCTL-DNAT/);
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
    expect(lastFrame()).toContain('veth vnaaaaaaaaaa <-> eth0 in namespace /run/netctl/netns/aaaaaaaaaaaa');
    expect(lastFrame()).toContain('-A NETCTL-DNAT -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.1.0.2:80');
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

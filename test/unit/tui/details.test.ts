import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { App } from '../../../src/tui/app.js';
import { NetworkDetails, ruleOfNetwork } from '../../../src/tui/components/network-details.js';
import type { TuiRule, TuiSnapshot } from '../../../src/tui/snapshot.js';
import { KEYS, SNAP, fakeActions, flat, frameWith, type, until } from './fixture.js';

const LONG: TuiRule = {
  family: 4,
  table: 'filter',
  chain: 'NETCTL-P-0123456789ab',
  packets: 123_456_789,
  bytes: 9_876_543_210,
  text: '-A NETCTL-P-0123456789ab -d 10.1.0.2/32 -p tcp -m tcp --dport 80 -m conntrack --ctstate DNAT --ctorigdstport 8080 -m comment --comment "netctl:web 80/tcp" -j ACCEPT',
  owner: 'netctl',
  containers: ['web'],
};
const snap: TuiSnapshot = { ...SNAP, rules: [LONG, ...SNAP.rules] };
const app = (width = 80) => render(createElement(App, { snapshot: snap, actions: fakeActions([]), width, height: 24 }));

describe("details of each pane's selection", () => {
  it('a network: bridge and addressing, its containers with their veths, the rules naming its bridge', async () => {
    const { lastFrame, stdin } = app(100);
    await type(stdin, KEYS.tab, KEYS.tab, KEYS.enter);
    const f = await frameWith(lastFrame, 'network front  bridge', 'NETCTL-FORWARD');
    expect(f).toContain('network front  bridge nc-0123456789ab up');
    expect(f).toContain('subnet 10.1.0.0/24  gateway 10.1.0.1  icc on  external');
    expect(f).toContain('containers (2): web 10.1.0.2 (running, vnaaaaaaaaaa), db 10.1.0.3 (exited, vnbbbbbbbbbb)');
    expect(f).toMatch(/7 pkts {2}IPv4 filter NETCTL-FORWARD: -o nc-0123456789ab -j NETCTL-N-0123456789ab/);
    expect(f).not.toContain('NETCTL-DNAT');
  });

  it('a rule cut in the 80-column pane: all of it, wrapped, with exact counters', async () => {
    const { lastFrame, stdin } = app(80);
    await type(stdin, KEYS.tab);
    expect(flat(await frameWith(lastFrame, 'PKTS'))).not.toContain(flat('-j ACCEPT  # web 80/tcp'));
    await type(stdin, KEYS.enter);
    const f = await frameWith(lastFrame, 'IPv4 table filter, chain', 'bytes');
    expect(f).toContain('IPv4 table filter, chain NETCTL-P-0123456789ab');
    expect(f).toContain('123456789 packets, 9876543210 bytes');
    expect(flat(f)).toContain(flat(LONG.text));
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('a ufw route rule, and back to the pane with escape', async () => {
    const { lastFrame, stdin } = app(100);
    await type(stdin, KEYS.tab, KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.enter);
    await until(lastFrame, (f) => flat(f).includes(flat("port 443 comment 'netctl:web 443/tcp net=front'")));
    expect(lastFrame()).toContain('a ufw route rule for container web, by netctl allow web 443/tcp from 203.0.113.1');
    expect(lastFrame()).toContain("owner netctl, live in ufw's forward chain: 5 packets, 300 bytes");
    expect(flat(lastFrame()!)).toContain(
      flat("ufw route allow proto tcp from 203.0.113.1 to 10.1.0.2 port 443 comment 'netctl:web 443/tcp net=front'"),
    );
    await type(stdin, KEYS.escape);
    await frameWith(lastFrame, 'PKTS  BYTES  OWNER  RULE');
  });
});

describe('NetworkDetails on its own', () => {
  it('renders from props alone, without colours marking its rules with *', () => {
    const net = SNAP.networks[1]!;
    const { lastFrame } = render(
      createElement(NetworkDetails, {
        network: net,
        containers: [],
        rules: [{ ...LONG, text: '-A NETCTL-FORWARD -i nc-ba9876543210 -j DROP', chain: 'NETCTL-FORWARD' }],
        height: 10,
        width: 80,
        color: false,
      }),
    );
    expect(lastFrame()).toContain('network back  bridge nc-ba9876543210 down');
    expect(lastFrame()).toContain('icc off  internal (no way out)');
    expect(lastFrame()).toContain('containers (0): -');
    expect(lastFrame()).toMatch(/^ \*\s+123M pkts {2}IPv4 filter NETCTL-FORWARD: -i nc-ba9876543210 -j DROP/m);
  });

  it('cuts what does not fit its height, keeping the lines above whole and apart', () => {
    const net = SNAP.networks[0]!;
    const many = Array.from({ length: 20 }, (_, i) => ({
      ...LONG,
      chain: 'NETCTL-FORWARD',
      text: `-A NETCTL-FORWARD -o nc-0123456789ab -p tcp --dport ${1000 + i} -m comment --comment "netctl:a rather long comment that wraps at sixty" -j ACCEPT`,
    }));
    const lines = render(
      createElement(NetworkDetails, { network: net, containers: [], rules: many, height: 6, width: 60 }),
    )
      .lastFrame()!
      .split('\n');
    expect(lines.length).toBe(6);
    expect(lines.slice(0, 4)).toEqual([
      'network front  bridge nc-0123456789ab up',
      'subnet 10.1.0.0/24  gateway 10.1.0.1  icc on  external',
      'containers (2): -',
      'rules (20):',
    ]);
    expect(lines[4]).toMatch(/^\s+123M pkts {2}IPv4 filter NETCTL-FORWARD: -o$/);
    expect(lines[5]).toMatch(/^nc-0123456789ab -p tcp --dport 1000/);
  });

  it("counts a rule as the network's by its whole bridge name or its subnet", () => {
    const net = SNAP.networks[0]!;
    const r = (text: string): TuiRule => ({ ...LONG, text });
    expect(ruleOfNetwork(r('-A X -o nc-0123456789ab -j ACCEPT'), net)).toBe(true);
    expect(ruleOfNetwork(r('-A X -o nc-0123456789abc -j ACCEPT'), net)).toBe(false);
    expect(ruleOfNetwork(r('-A X -s 10.1.0.0/24 ! -o nc-x -j MASQUERADE'), net)).toBe(true);
  });
});

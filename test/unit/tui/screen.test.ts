import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { App, stackHeights } from '../../../src/tui/app.js';
import { count, ruleBody } from '../../../src/tui/components/rules.js';
import { keysOf, splitKeys } from '../../../src/tui/keys.js';
import { KEYS, SNAP, fakeActions, frameWith, frameWithout, type, until } from './fixture.js';

const app = (props: Partial<Parameters<typeof App>[0]> = {}) =>
  render(createElement(App, { snapshot: SNAP, actions: fakeActions([]), width: 80, height: 24, ...props }));

describe('keys arriving together', () => {
  it('splits a chunk of plain input into keys', () => {
    expect(splitKeys('\ta\r\x7f')).toEqual([
      { input: '', tab: true },
      { input: 'a' },
      { input: '', return: true },
      { input: '', backspace: true },
    ]);
  });

  it('applies every key of one chunk, in order', async () => {
    const log: string[] = [];
    const { lastFrame, stdin } = app({ actions: fakeActions(log) });
    stdin.write('a203.0.113.0/24\r');
    await frameWith(lastFrame, 'allowed web 80/tcp');
    expect(log).toEqual(['allow web 80/tcp 203.0.113.0/24']);
    stdin.write('\t\t');
    await frameWith(lastFrame, '[1 Networks]');
  });

  it('takes an escape that came with the next key as escape, then that key', () => {
    expect(keysOf('\t', {})).toEqual([
      { input: '', escape: true },
      { input: '', tab: true },
    ]);
    expect(keysOf('', { meta: true, downArrow: true })).toEqual([
      { input: '', escape: true },
      { input: '', meta: false, downArrow: true },
    ]);
    expect(keysOf('', { meta: true, escape: true })).toEqual([{ input: '', meta: true, escape: true }]);
    expect(keysOf('', { tab: true })).toEqual([{ input: '', tab: true }]);
  });

  it('leaves the filter with an escape that arrives glued to a tab', async () => {
    const { lastFrame, stdin } = app();
    await type(stdin, '/', 'db');
    await frameWithout(lastFrame, '8080->80');
    await type(stdin, '\u001B\t');
    // One chunk, one update: the pane and the filter change in the same frame.
    await until(lastFrame, (f) => f.includes('[3 Rules]'), 'the Rules pane');
    expect(lastFrame()).not.toContain('filter:');
    await type(stdin, '\u001B\t', KEYS.tab);
    await frameWith(lastFrame, '[2 Containers]', '8080->80');
  });

  it('applies keys written in the same tick on top of each other', async () => {
    const { lastFrame, stdin } = app();
    stdin.write(KEYS.tab);
    stdin.write(KEYS.tab);
    await frameWith(lastFrame, '[1 Networks]');
  });
});

describe('80x24 and larger', () => {
  it('fits every pane in 80 columns with the column titles and the key hint whole', async () => {
    const { lastFrame, stdin } = app();
    const check = (f: string): void => {
      const lines = f.split('\n');
      expect(lines.length).toBeLessThanOrEqual(24);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
      expect(lines[0]).not.toContain('…');
      expect(f).toContain('q:quit');
    };
    check(lastFrame()!);
    expect(lastFrame()).toMatch(/NAME +OWNER +STATE +ADDRESS +NETWORK +PORT +UFW/);
    await type(stdin, KEYS.tab);
    check(await frameWith(lastFrame, '[3 Rules]', /PKTS +BYTES/));
    await type(stdin, KEYS.tab);
    check(await frameWith(lastFrame, '[1 Networks]', /NETWORK +BRIDGE +SUBNET +GATEWAY +ICC INT CTRS STATE/));
  });

  it('shows the three panes at once on a tall terminal and the wider hint on a wide one', () => {
    const f = app({ width: 120, height: 50 }).lastFrame()!;
    expect(f).toMatch(/Networks\n/);
    expect(f).toMatch(/front\s+nc-0123456789ab/);
    expect(f).toMatch(/web\s+netctl\s+running/);
    expect(f).toContain('IPv4 nat NETCTL-DNAT');
    expect(f).toContain('tab pane  ↑↓ move  enter details');
    expect(f).toMatch(/8443->443\/tcp\s+from 203\.0\.113\.1/);
  });
});

describe('without colours', () => {
  it("marks the selected row with > and the selected container's rules with *", async () => {
    const { lastFrame, stdin } = app({ color: false });
    expect(lastFrame()).toMatch(/^> web\s+netctl\s+running\s+10\.1\.0\.2/m);
    expect(lastFrame()).toMatch(/^ {2}db\s+netctl\s+exited/m);
    await type(stdin, KEYS.tab);
    await frameWith(lastFrame, /^>\*\s+42\s+2520\s+netctl -p tcp/m);
    await type(stdin, KEYS.down);
    await frameWith(lastFrame, /^> \s+7\s+420\s+netctl -o nc-0123456789ab/m);
    await type(stdin, KEYS.down, KEYS.down);
    await frameWith(
      lastFrame,
      /^>\*\s+5\s+300\s+netctl web: ufw route allow proto tcp from 203\.0\.113\.1 to 10\.1\./m,
    );
    // The CNI attachment's and Docker's route rules are not web's.
    expect(lastFrame()).toMatch(/^ {2}\s+3\s+180\s+cni\s+ns1\.api: /m);
    expect(lastFrame()).toMatch(/^ {2}\s+11\s+660\s+docker shop: /m);
  });
});

describe('the status line', () => {
  it('shows a failed refresh instead of the last message, and the screen stays', () => {
    const f = app({ sourceError: 'iptables-save: Permission denied' }).lastFrame()!;
    expect(f).toContain('error: refresh failed: iptables-save: Permission denied');
    expect(f).toMatch(/web\s+netctl\s+running/);
  });
});

describe('counters', () => {
  it('keep to iptables -v units past five digits', () => {
    expect([count(0), count(99_999), count(100_000), count(123_456_789), count(5e15)]).toEqual([
      '0',
      '99999',
      '100K',
      '123M',
      '5000T',
    ]);
  });
});

describe('rule lines', () => {
  const rule = (chain: string, text: string) => ({
    family: 4 as const,
    table: 'filter',
    chain,
    text,
    packets: 0,
    bytes: 0,
  });
  it('drop the chain the heading names and move the netctl comment to the end', () => {
    expect(
      ruleBody(
        rule('NETCTL-RAW', '-A NETCTL-RAW -d 10.66.0.2/32 ! -i nc-1 -m comment --comment "netctl:net=front" -j DROP'),
      ),
    ).toBe('-d 10.66.0.2/32 ! -i nc-1 -j DROP  # net=front');
    expect(ruleBody(rule('FORWARD', '-A FORWARD -m comment --comment netctl:jump -j NETCTL-FORWARD'))).toBe(
      '-j NETCTL-FORWARD  # jump',
    );
    expect(ruleBody(rule('X', '-A X -m comment --comment "other" -j ACCEPT'))).toBe(
      '-m comment --comment "other" -j ACCEPT',
    );
  });
});

describe('the stacked layout', () => {
  it('gives networks and containers what they need and the rules the rest', () => {
    expect(stackHeights(40, 3, 5)).toEqual([3, 5, 32]);
    expect(stackHeights(40, 30, 50)).toEqual([10, 15, 15]);
    expect(stackHeights(40, 0, 0)).toEqual([1, 1, 38]);
  });
});

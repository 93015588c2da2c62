import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Details } from '../../../src/tui/components/details.js';
import { mountLines, mountsView } from '../../../src/ops/volume.js';
import { SNAP } from './fixture.js';

const config = {
  mounts: [
    {
      type: 'volume',
      name: 'dbdata',
      source: '/var/lib/netctl/volumes/dbdata/_data',
      target: '/var/lib/db',
      readOnly: false,
    },
    { type: 'bind', source: '/srv/conf', target: '/etc/db', readOnly: true },
    { type: 'tmpfs', source: '', target: '/run', readOnly: false, options: 'size=64m' },
  ],
};

describe('mounts where users look', () => {
  it("inspect's Mounts as Docker shows them", () => {
    expect(mountsView(config)).toEqual([
      {
        Type: 'volume',
        Name: 'dbdata',
        Source: '/var/lib/netctl/volumes/dbdata/_data',
        Destination: '/var/lib/db',
        Driver: 'local',
        Mode: '',
        RW: true,
        Propagation: '',
      },
      { Type: 'bind', Source: '/srv/conf', Destination: '/etc/db', Mode: 'ro', RW: false, Propagation: 'rprivate' },
      { Type: 'tmpfs', Source: '', Destination: '/run', Mode: 'size=64m', RW: true, Propagation: '' },
    ]);
    // A record from before volumes: its binds, without the /etc files netctl writes.
    const old = {
      launch: {
        binds: [
          { source: '/run/x/hosts', target: '/etc/hosts', readOnly: false },
          { source: '/srv/www', target: '/www', readOnly: true },
        ],
      },
    };
    expect(mountsView(old).map((m) => `${m.Type} ${m.Source} ${m.Destination}`)).toEqual(['bind /srv/www /www']);
  });

  it("the TUI's container details list them", () => {
    const container = { ...SNAP.containers[0]!, mounts: mountLines(config) };
    const { lastFrame } = render(createElement(Details, { container, rules: [], height: 30, width: 100 }));
    const f = lastFrame()!;
    expect(f).toContain('mount volume dbdata -> /var/lib/db');
    expect(f).toContain('mount bind /srv/conf -> /etc/db (ro)');
    expect(f).toContain('mount tmpfs size=64m -> /run');
  });
});

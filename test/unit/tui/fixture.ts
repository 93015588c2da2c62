/**
 * What the TUI tests share: a fixed snapshot, recording actions, key helpers.
 */
import type { TuiActions } from '../../../src/tui/actions.js';
import type { HistoryRow } from '../../../src/ops/image-history.js';
import type { TuiImage, TuiSnapshot } from '../../../src/tui/snapshot.js';

/**
 * A fixed snapshot: two networks, a container with two ports (one closed, one limited), one
 * without, a CNI attachment with a port open; rules of both; ufw route rules of netctl's
 * container, the CNI attachment and a Docker container (one live, one stored with no route).
 */
export const SNAP: TuiSnapshot = {
  at: '2026-11-22T10:00:00.000Z',
  ufw: 'ufw: active, routed policy deny, netctl block loaded',
  networks: [
    {
      name: 'front',
      bridge: 'nc-0123456789ab',
      subnet: '10.1.0.0/24',
      gateway: '10.1.0.1',
      icc: true,
      internal: false,
      containers: 2,
      up: true,
    },
    {
      name: 'back',
      bridge: 'nc-ba9876543210',
      subnet: '10.2.0.0/24',
      gateway: '10.2.0.1',
      icc: false,
      internal: true,
      containers: 0,
      up: false,
    },
  ],
  containers: [
    {
      id: 'a'.repeat(64),
      name: 'web',
      kind: 'netctl',
      state: 'running',
      address: '10.1.0.2',
      network: 'front',
      veths: [{ host: 'vnaaaaaaaaaa', peer: 'eth0', network: 'front', address: '10.1.0.2' }],
      netns: '/run/netctl/netns/aaaaaaaaaaaa',
      links: [],
      ports: [
        {
          hostIp: '0.0.0.0',
          hostPort: 8080,
          containerPort: 80,
          proto: 'tcp',
          exposure: 'closed',
          sources: [],
          reason: 'routed policy deny, no ufw route rule allows it',
        },
        {
          hostIp: '0.0.0.0',
          hostPort: 8443,
          containerPort: 443,
          proto: 'tcp',
          exposure: 'restricted',
          sources: ['203.0.113.1'],
          reason: 'only from 203.0.113.1',
        },
      ],
    },
    {
      id: 'b'.repeat(64),
      name: 'db',
      kind: 'netctl',
      state: 'exited',
      address: '10.1.0.3',
      network: 'front',
      veths: [{ host: 'vnbbbbbbbbbb', peer: 'eth0', network: 'front', address: '10.1.0.3' }],
      netns: '/run/netctl/netns/bbbbbbbbbbbb',
      links: ['web:w'],
      ports: [],
    },
    {
      id: 'c'.repeat(64),
      name: 'ns1.api',
      kind: 'cni',
      cni: {
        config: 'pods',
        containerId: 'c0ffee',
        ifname: 'eth0',
        args: ['K8S_POD_NAMESPACE=ns1', 'K8S_POD_NAME=api'],
      },
      state: 'running',
      address: '10.9.0.2',
      network: 'pods',
      veths: [{ host: 'vncccccccccc', peer: 'eth0', network: 'pods', address: '10.9.0.2' }],
      netns: '/var/run/netns/cni-1234',
      links: [],
      ports: [
        {
          hostIp: '0.0.0.0',
          hostPort: 9090,
          containerPort: 80,
          proto: 'tcp',
          exposure: 'open',
          sources: [],
          reason: 'ufw route rule allows it',
        },
      ],
    },
  ],
  rules: [
    {
      family: 4,
      table: 'nat',
      chain: 'NETCTL-DNAT',
      text: '-A NETCTL-DNAT -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.1.0.2:80',
      packets: 42,
      bytes: 2520,
      owner: 'netctl',
      containers: ['web'],
    },
    {
      family: 4,
      table: 'filter',
      chain: 'NETCTL-FORWARD',
      text: '-A NETCTL-FORWARD -o nc-0123456789ab -j NETCTL-N-0123456789ab',
      packets: 7,
      bytes: 420,
      owner: 'netctl',
      containers: [],
    },
    {
      family: 4,
      table: 'filter',
      chain: 'NETCTL-P-0aaaaaaaaaaa',
      text: '-A NETCTL-P-0aaaaaaaaaaa -d 10.9.0.2/32 -p tcp -m tcp --dport 80 -j ACCEPT',
      packets: 3,
      bytes: 180,
      owner: 'cni',
      containers: ['ns1.api'],
    },
  ],
  routes: [
    {
      owner: 'netctl',
      container: 'web',
      command: "ufw route allow proto tcp from 203.0.113.1 to 10.1.0.2 port 443 comment 'netctl:web 443/tcp net=front'",
      allow: 'web 443/tcp from 203.0.113.1',
      source: 'stored',
      live: { packets: 5, bytes: 300 },
    },
    {
      owner: 'cni',
      container: 'ns1.api',
      command: "ufw route allow proto tcp to 10.9.0.2 port 80 comment 'netctl:ns1.api 80/tcp net=pods'",
      allow: 'ns1.api 80/tcp',
      source: 'stored',
      live: { packets: 3, bytes: 180 },
    },
    {
      owner: 'docker',
      container: 'shop',
      command: "ufw route allow proto tcp to 172.18.0.2 port 80 comment 'netctl:docker:shop 80/tcp'",
      allow: 'shop 80/tcp',
      source: 'stored',
      live: { packets: 11, bytes: 660 },
    },
    {
      owner: 'docker',
      container: 'cache',
      command: '',
      allow: 'cache 6379/tcp from 10.0.0.0/8',
      source: 'stored',
      live: null,
    },
  ],
};

/** Actions that record their calls; `fail` makes allow throw. */
export function fakeActions(log: string[], fail = false): TuiActions {
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
    history: async (ref) => {
      log.push(`history ${ref}`);
      if (fail) throw new Error(`image "${ref}" not found`);
      return HISTORY;
    },
  };
}

/** Two images on one base (each shares its base layer with the other), and an untagged one. */
export const IMAGES: TuiImage[] = [
  {
    repository: 'registry.test/app',
    tag: 'v1',
    id: 'c'.repeat(64),
    created: '2026-11-20T09:00:00.000Z',
    source: 'registry',
    size: 52_040_000,
    layers: 4,
    sharedLayers: 2,
  },
  {
    repository: 'registry.test/other',
    tag: 'v1',
    id: 'd'.repeat(64),
    created: '2026-11-21T09:00:00.000Z',
    source: 'registry',
    size: 21_300_000,
    layers: 3,
    sharedLayers: 2,
  },
  {
    repository: '<none>',
    tag: '<none>',
    id: 'e'.repeat(64),
    created: '2026-11-22T09:00:00.000Z',
    source: 'import',
    size: 1_200_000,
    layers: 1,
    sharedLayers: 0,
  },
];

/** The history `h` shows for any image. */
export const HISTORY: HistoryRow[] = [
  {
    id: 'd'.repeat(64),
    created: '2026-11-21T09:00:00.000Z',
    createdBy: '/bin/sh -c #(nop) COPY dir:mime in /usr/share/mime',
    size: 4_100_000,
    comment: '',
    layer: `sha256:${'1'.repeat(64)}`,
  },
  {
    id: null,
    created: '2026-11-20T08:00:00.000Z',
    createdBy: '/bin/sh -c #(nop) ADD file:busybox in /',
    size: 1_200_000,
    comment: 'base',
    layer: `sha256:${'2'.repeat(64)}`,
  },
];

/** Lets Ink handle the input and render. */
export const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 30));
// Ink reads keys from stdin: escape sequences for the arrows and tab.
export const KEYS = { down: '\u001B[B', tab: '\t', enter: '\r', escape: '\u001B' };

/** A frame source: ink-testing-library's `lastFrame`. */
export type Frames = () => string | undefined;

/** How long a test waits for a frame: a machine under load may hold Ink's render back for seconds. */
export const FRAME_WAIT_MS = 10_000;

/**
 * The frame once `ok` holds for it, polled every 10 ms for at most {@link FRAME_WAIT_MS}: Ink
 * draws a key's effect (and an action's result) on its own schedule, which no fixed tick
 * matches on a loaded machine. Throws with `what` and the last frame when it never holds.
 */
export async function until(frames: Frames, ok: (f: string) => boolean, what = 'the awaited frame'): Promise<string> {
  const end = Date.now() + FRAME_WAIT_MS;
  for (;;) {
    const f = frames() ?? '';
    if (ok(f)) return f;
    if (Date.now() > end) throw new Error(`no frame showed ${what} within ${FRAME_WAIT_MS} ms; the last:\n${f}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const shows = (f: string, m: string | RegExp): boolean => (typeof m === 'string' ? f.includes(m) : m.test(f));

/** The frame once it shows every mark: a string it contains or a pattern it matches. */
export function frameWith(frames: Frames, ...marks: (string | RegExp)[]): Promise<string> {
  return until(frames, (f) => marks.every((m) => shows(f, m)), marks.map(String).join(' and '));
}

/** The frame once it shows none of the marks (after a key that takes something away). */
export function frameWithout(frames: Frames, ...marks: (string | RegExp)[]): Promise<string> {
  return until(frames, (f) => f !== '' && !marks.some((m) => shows(f, m)), `no ${marks.map(String).join(' nor ')}`);
}

/** A frame without its whitespace, to find text the screen wrapped. */
export const flat = (frame: string): string => frame.replace(/\s+/g, '');

/** Types keys one at a time. */
export async function type(stdin: { write(s: string): void }, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    stdin.write(k);
    await tick();
  }
}

/**
 * What the TUI tests share: a fixed snapshot, recording actions, key helpers.
 */
import type { TuiActions } from '../../../src/tui/actions.js';
import type { TuiSnapshot } from '../../../src/tui/snapshot.js';

/** A fixed snapshot: two networks, a container with two ports (one closed, one limited), one without. */
export const SNAP: TuiSnapshot = {
  at: '2026-11-22T10:00:00.000Z',
  ufw: 'ufw: active, routed policy deny, netctl block loaded',
  networks: [
    { name: 'front', bridge: 'nc-0123456789ab', subnet: '10.1.0.0/24', gateway: '10.1.0.1', icc: true, internal: false, containers: 2, up: true },
    { name: 'back', bridge: 'nc-ba9876543210', subnet: '10.2.0.0/24', gateway: '10.2.0.1', icc: false, internal: true, containers: 0, up: false },
  ],
  containers: [
    {
      id: 'a'.repeat(64), name: 'web', state: 'running', address: '10.1.0.2', network: 'front', veths: [{ host: 'vnaaaaaaaaaa', peer: 'eth0', network: 'front', address: '10.1.0.2' }], netns: '/run/netctl/netns/aaaaaaaaaaaa', links: [],
      ports: [
        { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, proto: 'tcp', exposure: 'closed', sources: [], reason: 'routed policy deny, no ufw route rule allows it' },
        { hostIp: '0.0.0.0', hostPort: 8443, containerPort: 443, proto: 'tcp', exposure: 'restricted', sources: ['203.0.113.1'], reason: 'only from 203.0.113.1' },
      ],
    },
    { id: 'b'.repeat(64), name: 'db', state: 'exited', address: '10.1.0.3', network: 'front', veths: [{ host: 'vnbbbbbbbbbb', peer: 'eth0', network: 'front', address: '10.1.0.3' }], netns: '/run/netctl/netns/bbbbbbbbbbbb', links: ['web:w'], ports: [] },
  ],
  rules: [
    { family: 4, table: 'nat', chain: 'NETCTL-DNAT', text: '-A NETCTL-DNAT -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.1.0.2:80', packets: 42, bytes: 2520 },
    { family: 4, table: 'filter', chain: 'NETCTL-FORWARD', text: '-A NETCTL-FORWARD -o nc-0123456789ab -j NETCTL-N-0123456789ab', packets: 7, bytes: 420 },
  ],
  routes: ["ufw route allow proto tcp from 203.0.113.1 to 10.1.0.2 port 443 comment 'netctl:web 443/tcp net=front'"],
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
  };
}

/** Lets Ink handle the input and render. */
export const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 30));
// Ink reads keys from stdin: escape sequences for the arrows and tab.
export const KEYS = { down: '\u001B[B', tab: '\t', enter: '\r', escape: '\u001B' };

/** Types keys one at a time. */
export async function type(stdin: { write(s: string): void }, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    stdin.write(k);
    await tick();
  }
}


/**
 * The Docker block's side of Docker 29's nftables backend (docker/nft-bridges.ts): the bridges
 * read from nft's JSON of Docker's verdict map, the chain's lines, and the hook kept single
 * across a reload and taken out by uninstall (played on the restore model).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from '../../../src/firewall/iptables/parse.js';
import { bridgesFromNftJson, bridgesLines } from '../../../src/docker/nft-bridges.js';
import { dockerChainState, dockerLoadDoc, dockerUnloadDoc } from '../../../src/docker/block-kind.js';
import { load, restore, save } from '../rules/restore-sim.js';

const TEMPLATE = readFileSync(new URL('../../../rules/ufw/docker-after.rules.block', import.meta.url), 'latin1');
/** nft 1.0.6's `nft -j list map ip docker-bridges filter-forward-out-jumps`. */
const MAP = JSON.stringify({
  nftables: [
    { metainfo: { version: '1.0.6', json_schema_version: 1 } },
    {
      map: {
        family: 'ip',
        name: 'filter-forward-out-jumps',
        table: 'docker-bridges',
        type: 'ifname',
        map: 'verdict',
        elem: [
          ['docker0', { jump: { target: 'filter-forward-out__docker0' } }],
          ['br-5f1e0c3a9b2d', { jump: { target: 'filter-forward-out__br-5f1e0c3a9b2d' } }],
        ],
      },
    },
  ],
});
/** ufw running, Docker's nftables backend: no DOCKER-USER, nothing of Docker's in iptables. */
const LIVE = [
  '*filter',
  ':INPUT DROP [0:0]',
  ':FORWARD DROP [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':ufw-before-forward - [0:0]',
  ':ufw-user-forward - [0:0]',
  ':ufw-before-logging-forward - [0:0]',
  ':ufw-after-forward - [0:0]',
  ':ufw-after-logging-forward - [0:0]',
  ':ufw-reject-forward - [0:0]',
  ':ufw-track-forward - [0:0]',
  ':ufw-skip-to-policy-forward - [0:0]',
  '-A FORWARD -j ufw-before-forward',
  '-A ufw-before-forward -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  '-A ufw-before-forward -j ufw-user-forward',
  'COMMIT',
  '',
].join('\n');

describe("the Docker block under Docker's nftables backend", () => {
  it("reads Docker's bridges from its verdict map, sorted, and refuses a name that is no interface", () => {
    expect(bridgesFromNftJson(MAP)).toEqual(['br-5f1e0c3a9b2d', 'docker0']);
    expect(bridgesFromNftJson('{"nftables":[{"metainfo":{}}]}')).toEqual([]);
    const bad = MAP.replace('br-5f1e0c3a9b2d', 'x -j ACCEPT');
    expect(() => bridgesFromNftJson(bad)).toThrow(/"x -j ACCEPT"/);
  });

  it('lets each bridge on to Docker and sends DNATed connections through the ban mirror; nothing without bridges', () => {
    expect(bridgesLines(4, ['br-1'])).toEqual([
      '-A ufw-netctl-docker-bridges -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN',
      '-A ufw-netctl-docker-bridges -i br-1 -j ACCEPT',
      '-A ufw-netctl-docker-bridges -o br-1 -m conntrack --ctstate DNAT -j ufw-netctl-docker-input',
    ]);
    expect(bridgesLines(6, ['br-1'])[1]).toBe('-A ufw6-netctl-docker-bridges -i br-1 -j ACCEPT');
    expect(bridgesLines(4, [])).toEqual([]);
  });

  it('install hooks the chain first in ufw-before-forward once, a reload keeps one hook, uninstall gives it all back', () => {
    const once = save(restore(load(LIVE), dockerLoadDoc(parse(LIVE, { family: 4 }), TEMPLATE, 4)));
    const twice = save(restore(load(once), dockerLoadDoc(parse(once, { family: 4 }), TEMPLATE, 4)));
    for (const text of [once, twice]) {
      const hooks = text.split('\n').filter((l) => l === '-A ufw-before-forward -j ufw-netctl-docker-bridges');
      expect(hooks).toHaveLength(1);
      expect(text.split('\n').find((l) => l.startsWith('-A ufw-before-forward'))).toBe(hooks[0]);
      expect(dockerChainState(parse(text, { family: 4 }), 4, TEMPLATE)).toBe('current');
    }
    // The block declared DOCKER-USER (nothing of Docker's jumps to it): uninstall deletes it too.
    const gone = save(restore(load(twice), dockerUnloadDoc(4, parse(twice, { family: 4 }))));
    expect(gone).toBe(save(load(LIVE)));
  });
});

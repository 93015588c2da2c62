/**
 * The netctl-docker block's pure side: how the running firewall compares with the template
 * (Docker 20.10's real filter tables as fixtures), what install loads (played on the
 * restore model) and what uninstall takes out.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from '../../../src/firewall/iptables/parse.js';
import type { Family } from '../../../src/model/addr.js';
import { chainRules } from '../../../src/firewall/ufw/plan.js';
import {
  DOCKER_BLOCK,
  dockerChainState,
  dockerLoadDoc,
  dockerUnloadDoc,
  forwardJumpDoc,
  forwardJumpInPlace,
  forwardJumpLines,
  FORWARD_JUMP,
} from '../../../src/docker/block-kind.js';
import { load, restore, save } from '../rules/restore-sim.js';

const read = (rel: string): string => readFileSync(new URL(`../../${rel}`, import.meta.url), 'latin1');
const TEMPLATE: Record<Family, string> = {
  4: read('../rules/ufw/docker-after.rules.block'),
  6: read('../rules/ufw/docker-after6.rules.block'),
};
/** Docker 20.10 with --ip6tables and ufw running, no block: DOCKER-USER in IPv4 only. */
const LIVE: Record<Family, string> = {
  4: read('fixtures/docker/iptables-filter.rules'),
  6: read('fixtures/docker/ip6tables-filter.rules'),
};
const parsed = (text: string, family: Family) => parse(text, { family });
/** Plays `doc` on `text` as iptables-restore -n would and returns the result. */
const play = (text: string, doc: string): string => save(restore(load(text), doc));
const forward = (text: string, family: Family): string[] => chainRules(parsed(text, family), 'FORWARD');

describe('the netctl-docker block in the running firewall', () => {
  it('is absent before install; Docker 20.10 jumps to DOCKER-USER first in IPv4 only', () => {
    for (const f of [4, 6] as const) expect(dockerChainState(parsed(LIVE[f], f), f, TEMPLATE[f])).toBe('absent');
    expect(forward(LIVE[4], 4)[0]).toBe(FORWARD_JUMP);
    expect(forward(LIVE[6], 6)).not.toContain(FORWARD_JUMP);
    expect(forwardJumpInPlace(parsed(LIVE[4], 4))).toBe(true);
    expect(forwardJumpInPlace(parsed(LIVE[6], 6))).toBe(false);
  });

  it('loading the template alone leaves IPv6 stale: nothing jumps to DOCKER-USER before Docker accepts', () => {
    const v6 = play(LIVE[6], TEMPLATE[6]);
    expect(chainRules(parsed(v6, 6), 'DOCKER-USER')).toEqual([
      '-A DOCKER-USER -j ufw6-netctl-docker',
      '-A DOCKER-USER -j RETURN',
    ]);
    expect(dockerChainState(parsed(v6, 6), 6, TEMPLATE[6])).toBe('stale');
    const v4 = play(LIVE[4], TEMPLATE[4]);
    expect(dockerChainState(parsed(v4, 4), 4, TEMPLATE[4])).toBe('current');
  });

  it('what install loads puts one jump on top of IPv6 FORWARD, and leaves IPv4 to Docker', () => {
    for (const f of [4, 6] as const) {
      const live = parsed(LIVE[f], f);
      const after = play(LIVE[f], DOCKER_BLOCK.load!(f, live, TEMPLATE[f]));
      const rules = forward(after, f);
      expect(rules[0], `IPv${f}`).toBe(FORWARD_JUMP);
      expect(
        rules.filter((r) => r === FORWARD_JUMP),
        `IPv${f}`,
      ).toHaveLength(1);
      // Docker's and ufw's rules are all still there, in their order.
      expect(rules.slice(1), `IPv${f}`).toEqual(forward(LIVE[f], f).filter((r) => r !== FORWARD_JUMP));
      expect(dockerChainState(parsed(after, f), f, TEMPLATE[f]), `IPv${f}`).toBe('current');
      // Loading it again changes nothing.
      expect(play(after, DOCKER_BLOCK.load!(f, parsed(after, f), TEMPLATE[f]))).toBe(after);
    }
    expect(dockerLoadDoc(parsed(LIVE[4], 4), TEMPLATE[4])).toBe(TEMPLATE[4]);
  });

  it("moves a jump that Docker pushed behind a new network's rules, without duplicating it", () => {
    const installed = play(LIVE[6], dockerLoadDoc(parsed(LIVE[6], 6), TEMPLATE[6]));
    // What `docker network create` does in IPv6: its rules inserted on top.
    const pushed = play(
      installed,
      '*filter\n-I FORWARD 1 -i br-new -o br-new -j ACCEPT\n-I FORWARD 1 -o br-new -j DOCKER\n-D FORWARD -j DOCKER-ISOLATION-STAGE-1\n-I FORWARD 1 -j DOCKER-ISOLATION-STAGE-1\nCOMMIT\n',
    );
    const live = parsed(pushed, 6);
    expect(forwardJumpInPlace(live)).toBe(false);
    expect(dockerChainState(live, 6, TEMPLATE[6])).toBe('stale');
    expect(forwardJumpLines(live)).toEqual(['-D FORWARD -j DOCKER-USER', '-I FORWARD 1 -j DOCKER-USER']);
    const fixed = play(pushed, forwardJumpDoc(live)!);
    expect(forward(fixed, 6)[0]).toBe(FORWARD_JUMP);
    expect(forward(fixed, 6).filter((r) => r === FORWARD_JUMP)).toHaveLength(1);
    expect(forwardJumpDoc(parsed(fixed, 6))).toBeUndefined();
  });

  it("accepts rules of others (netctl's own jump) in front of the jump, only not Docker's", () => {
    const mine = play(
      play(LIVE[6], dockerLoadDoc(parsed(LIVE[6], 6), TEMPLATE[6])),
      '*filter\n:NETCTL-FORWARD - [0:0]\n-I FORWARD 1 -j NETCTL-FORWARD\nCOMMIT\n',
    );
    expect(forward(mine, 6).slice(0, 2)).toEqual(['-A FORWARD -j NETCTL-FORWARD', FORWARD_JUMP]);
    expect(forwardJumpInPlace(parsed(mine, 6))).toBe(true);
    // A firewall where Docker has no rules in the family asks for nothing.
    const bare = parsed(
      '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -o nc-1 -j ACCEPT\nCOMMIT\n',
      6,
    );
    expect(forwardJumpInPlace(bare)).toBe(true);
    expect(forwardJumpLines(bare)).toEqual([]);
  });

  it('is stale when its chains differ from the template or DOCKER-USER does not jump to it first', () => {
    const installed = play(LIVE[6], dockerLoadDoc(parsed(LIVE[6], 6), TEMPLATE[6]));
    const edited = play(installed, '*filter\n-D ufw6-netctl-docker -o br-+ -j DROP\nCOMMIT\n');
    expect(dockerChainState(parsed(edited, 6), 6, TEMPLATE[6])).toBe('stale');
    const firstNotOurs = play(installed, '*filter\n-I DOCKER-USER 1 -s 2001:db8::1 -j RETURN\nCOMMIT\n');
    expect(dockerChainState(parsed(firstNotOurs, 6), 6, TEMPLATE[6])).toBe('stale');
  });

  it("uninstall takes out its jumps and chains only: Docker's RETURN, others' rules and FORWARD stay", () => {
    const installed = play(LIVE[4], TEMPLATE[4]);
    const withMine = play(installed, '*filter\n-I DOCKER-USER 1 -s 192.0.2.9/32 -j DROP\nCOMMIT\n');
    const after = play(withMine, dockerUnloadDoc(4, parsed(withMine, 4)));
    expect(chainRules(parsed(after, 4), 'DOCKER-USER')).toEqual([
      '-A DOCKER-USER -s 192.0.2.9/32 -j DROP',
      '-A DOCKER-USER -j RETURN',
    ]);
    expect(after).not.toContain('ufw-netctl-docker');
    expect(forward(after, 4)).toEqual(forward(LIVE[4], 4));
    // Nothing loaded: nothing to take out but an empty table section.
    expect(dockerUnloadDoc(6, parsed(LIVE[6], 6))).toBe('*filter\nCOMMIT\n');
  });

  it("on Docker 28.5 (DOCKER-FORWARD, DOCKER-USER empty) uninstall gives back Docker's empty DOCKER-USER", () => {
    for (const f of [4, 6] as const) {
      const live = read(`fixtures/docker/${f === 4 ? 'iptables' : 'ip6tables'}-filter-28.rules`);
      expect(chainRules(parsed(live, f), 'DOCKER-USER')).toEqual([]);
      // Docker 28 jumps to DOCKER-USER first in both families: nothing to move.
      expect(forwardJumpInPlace(parsed(live, f))).toBe(true);
      const installed = play(live, dockerLoadDoc(parsed(live, f), TEMPLATE[f]));
      expect(dockerChainState(parsed(installed, f), f, TEMPLATE[f])).toBe('current');
      const after = play(installed, dockerUnloadDoc(f, parsed(installed, f)));
      expect(chainRules(parsed(after, f), 'DOCKER-USER')).toEqual([]);
      expect(after).toBe(live);
      // Not loaded: Docker's chain is left alone.
      expect(dockerUnloadDoc(f, parsed(live, f))).toBe('*filter\nCOMMIT\n');
    }
  });
});

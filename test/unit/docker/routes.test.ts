/**
 * Docker's containers to ufw route rules, pure: the inspect document (real ones from Docker
 * 20.10, fixtures), the `netctl.allow` / `netctl.allow.from` labels, and the route rules an
 * allow rule gives on every address of the container, per family.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromInspect, type DockerContainer, type DockerInspect } from '../../../src/docker/model.js';
import {
  desiredDockerRoutes,
  dockerComment,
  dockerRoutesOf,
  labelRules,
  parseDockerComment,
  rulesFor,
} from '../../../src/docker/routes.js';
import type { AllowRule } from '../../../src/model/allow.js';

const inspect = (name: string): DockerInspect =>
  JSON.parse(readFileSync(new URL(`../../fixtures/docker/${name}`, import.meta.url), 'utf8')) as DockerInspect;
const WEB = fromInspect(inspect('inspect-web.json'));
const STOPPED = fromInspect(inspect('inspect-web-stopped.json'));
const labelled = (labels: Record<string, string>): ReturnType<typeof labelRules> => labelRules({ name: 'web', labels });
const rule = (over: Partial<AllowRule> = {}): AllowRule => ({
  container: 'web',
  port: null,
  proto: null,
  from: null,
  network: null,
  ...over,
});
const show = (c: DockerContainer, a: AllowRule): string[] =>
  dockerRoutesOf(c, a).map((r) => `${r.family} ${r.to} ${r.port}/${r.proto} from ${r.from ?? 'any'} # ${r.comment}`);

describe('a Docker inspect document', () => {
  it('gives the name, both addresses on each network, the published ports (not the only exposed one) and the labels', () => {
    expect(WEB.name).toBe('web');
    expect(WEB.running).toBe(true);
    expect(WEB.addresses).toEqual([
      { network: 'bridge', ipv4: '172.17.0.2', ipv6: 'fd00:d0c:1::242:ac11:2' },
      { network: 'v6net', ipv4: '172.18.0.2', ipv6: 'fd00:d0c::2' },
    ]);
    const both = (port: number) => [
      { ip: '0.0.0.0', port },
      { ip: '::', port },
    ];
    expect(WEB.ports).toEqual([
      { port: 53, proto: 'udp', hosts: both(5353) },
      { port: 80, proto: 'tcp', hosts: both(8080) },
    ]);
    expect(WEB.labels).toEqual({
      'netctl.allow': '80/tcp,53/udp',
      'netctl.allow.from': '203.0.113.0/24,2001:db8:2::/64',
    });
  });

  it('of a stopped container gives no address, no port and so no rule', () => {
    expect(STOPPED.running).toBe(false);
    expect(STOPPED.ports).toEqual([]);
    expect(dockerRoutesOf(STOPPED, rule())).toEqual([]);
    expect(desiredDockerRoutes([rule()], [STOPPED])).toEqual([]);
  });
});

describe('labels', () => {
  it('netctl.allow=80/tcp,443 opens 80 over tcp and 443 over either protocol, from anywhere', () => {
    expect(labelled({ 'netctl.allow': '80/tcp,443' })).toEqual({
      rules: [rule({ port: 80, proto: 'tcp' }), rule({ port: 443 })],
      errors: [],
    });
    expect(labelled({ 'netctl.allow': ' 80 , ,443/udp ' }).rules).toEqual([
      rule({ port: 80 }),
      rule({ port: 443, proto: 'udp' }),
    ]);
  });

  it('netctl.allow.from restricts every port to each source (canonical, IPv4 and IPv6, no duplicates)', () => {
    expect(labelled({ 'netctl.allow': '80/tcp,443', 'netctl.allow.from': '203.0.113.0/24' }).rules).toEqual([
      rule({ port: 80, proto: 'tcp', from: '203.0.113.0/24' }),
      rule({ port: 443, from: '203.0.113.0/24' }),
    ]);
    expect(
      labelled({ 'netctl.allow': '80', 'netctl.allow.from': '203.0.113.7/24, 2001:DB8:0::1,203.0.113.0/24' }).rules.map(
        (r) => r.from,
      ),
    ).toEqual(['203.0.113.0/24', '2001:db8::1']);
  });

  it('refuses the whole label set for one bad value, saying which container, label and value', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ 'netctl.allow': '80,x' }, /^container "web": label netctl\.allow: .*"x"/],
      [{ 'netctl.allow': '0' }, /label netctl\.allow: .*"0"/],
      [{ 'netctl.allow': '80/sctp' }, /label netctl\.allow: .*sctp/],
      [{ 'netctl.allow': '80-90' }, /"80-90"/],
      [
        { 'netctl.allow': '80', 'netctl.allow.from': '203.0.113.0/33,2001:db8::/32' },
        /label netctl\.allow\.from: .*"203\.0\.113\.0\/33"/,
      ],
      [{ 'netctl.allow': '80', 'netctl.allow.from': 'example.com' }, /"example\.com"/],
    ];
    for (const [labels, msg] of cases) {
      const r = labelled(labels);
      expect(r.rules, JSON.stringify(labels)).toEqual([]);
      expect(r.errors, JSON.stringify(labels)).toHaveLength(1);
      expect(r.errors[0], JSON.stringify(labels)).toMatch(msg);
    }
  });

  it('an empty netctl.allow.from (an unset compose variable) opens nothing instead of everything', () => {
    for (const from of ['', ' ', ' , ']) {
      const r = labelled({ 'netctl.allow': '80', 'netctl.allow.from': from });
      expect(r.rules).toEqual([]);
      expect(r.errors).toEqual([
        'container "web": label netctl.allow.from is empty: nothing opened (leave it out to open to anywhere)',
      ]);
    }
  });

  it('netctl.allow.from alone opens nothing and says so; no labels or other labels say nothing', () => {
    expect(labelled({ 'netctl.allow.from': '203.0.113.0/24' })).toEqual({
      rules: [],
      errors: ['container "web": label netctl.allow.from without netctl.allow: nothing opened'],
    });
    expect(labelled({})).toEqual({ rules: [], errors: [] });
    expect(labelled({ 'NETCTL.ALLOW': '80', 'com.docker.compose.service': 'web' })).toEqual({ rules: [], errors: [] });
    expect(labelled({ 'netctl.allow': '' })).toEqual({ rules: [], errors: [] });
  });
});

describe('route rules of a Docker container', () => {
  it('open the selected published port on every address, per family, with the Docker comment', () => {
    expect(show(WEB, rule({ port: 80 }))).toEqual([
      '4 172.17.0.2 80/tcp from any # netctl:docker:web 80/tcp',
      '6 fd00:d0c:1::242:ac11:2 80/tcp from any # netctl:docker:web 80/tcp',
      '4 172.18.0.2 80/tcp from any # netctl:docker:web 80/tcp',
      '6 fd00:d0c::2 80/tcp from any # netctl:docker:web 80/tcp',
    ]);
    expect(show(WEB, rule({ proto: 'udp', network: 'v6net' }))).toEqual([
      '4 172.18.0.2 53/udp from any # netctl:docker:web 53/udp',
      '6 fd00:d0c::2 53/udp from any # netctl:docker:web 53/udp',
    ]);
  });

  it('keep a source to its own family', () => {
    expect(show(WEB, rule({ port: 80, network: 'v6net', from: '2001:db8:2::/64' }))).toEqual([
      '6 fd00:d0c::2 80/tcp from 2001:db8:2::/64 # netctl:docker:web 80/tcp',
    ]);
    expect(show(WEB, rule({ port: 80, network: 'v6net', from: '203.0.113.0/24' }))).toEqual([
      '4 172.18.0.2 80/tcp from 203.0.113.0/24 # netctl:docker:web 80/tcp',
    ]);
  });

  it("give nothing for a port it does not publish, another container's name or a network it is not on", () => {
    expect(dockerRoutesOf(WEB, rule({ port: 9000 }))).toEqual([]);
    expect(dockerRoutesOf(WEB, rule({ port: 80, proto: 'udp' }))).toEqual([]);
    expect(dockerRoutesOf(WEB, rule({ container: 'other' }))).toEqual([]);
    expect(dockerRoutesOf(WEB, rule({ network: 'none' }))).toEqual([]);
  });

  it('come from the stored rules of its name and its labels, once each', () => {
    const stored = [rule({ port: 80, from: '203.0.113.0/24' }), rule({ container: 'other', port: 80 })];
    expect(rulesFor(stored, WEB)).toEqual([
      rule({ port: 80, from: '203.0.113.0/24' }),
      rule({ port: 80, proto: 'tcp', from: '203.0.113.0/24' }),
      rule({ port: 80, proto: 'tcp', from: '2001:db8:2::/64' }),
      rule({ port: 53, proto: 'udp', from: '203.0.113.0/24' }),
      rule({ port: 53, proto: 'udp', from: '2001:db8:2::/64' }),
    ]);
    const routes = desiredDockerRoutes(stored, [WEB]);
    // The stored 80 from 203.0.113.0/24 and the label's 80/tcp from it are the same rule.
    expect(routes).toHaveLength(8);
    expect(new Set(routes.map((r) => `${r.family} ${r.to} ${r.port}/${r.proto} ${r.from}`)).size).toBe(8);
    expect(routes.every((r) => (r.family === 6) === r.from!.includes(':'))).toBe(true);
  });

  it('have comments that name the container and port, and only those parse back', () => {
    expect(dockerComment('lbl_site_1', 443, 'udp')).toBe('netctl:docker:lbl_site_1 443/udp');
    expect(parseDockerComment('netctl:docker:lbl_site_1 443/udp')).toEqual({
      container: 'lbl_site_1',
      port: 443,
      proto: 'udp',
    });
    for (const c of [
      'netctl:web 80/tcp net=front',
      'my proxy',
      'netctl:docker:web 80',
      'netctl:docker:web 80/sctp',
      'netctl:docker: 80/tcp',
    ])
      expect(parseDockerComment(c), c).toBeNull();
  });
});

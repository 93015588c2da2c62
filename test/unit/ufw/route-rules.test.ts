import { describe, expect, it } from 'vitest';
import {
  iptablesLine,
  parseRouteComment,
  routeComment,
  tupleComment,
  tupleLine,
  ufwCommand,
  type RouteRule,
} from '../../../src/firewall/ufw/route-rules.js';
import {
  forwardChainDoc,
  hasRulesSection,
  parseUserRules,
  renderUserRules,
  spliceRoutes,
  transplantOwned,
} from '../../../src/firewall/ufw/user-rules.js';

const web: RouteRule = {
  family: 4,
  proto: 'tcp',
  to: '172.18.0.2',
  port: 80,
  from: null,
  comment: routeComment('web', 80, 'tcp', 'n1'),
};
const web6: RouteRule = { ...web, family: 6, to: 'fd00::2', from: '2001:db8::/32' };

// Lines as `ufw route allow` wrote them in a sandbox (ufw 0.36.2, Debian 12).
const UFW_WEB = [
  '### tuple ### route:allow tcp 80 172.18.0.2 any 0.0.0.0/0 in comment=6e657463746c3a7765622038302f746370206e65743d6e31',
  '-A ufw-user-forward -p tcp -d 172.18.0.2 --dport 80 -j ACCEPT',
];

function file(entries: string[][]): string {
  const body = entries.map((e) => `\n${e.join('\n')}\n`).join('');
  return `*filter\n:ufw-user-input - [0:0]\n### RULES ###\n${body}\n### END RULES ###\n\n### LOGGING ###\n-A ufw-after-logging-forward -j LOG\n### END LOGGING ###\nCOMMIT\n`;
}

const FOREIGN = [
  '### tuple ### route:allow tcp 22 10.0.0.1 any 0.0.0.0/0 in_netctl0',
  '-A ufw-user-forward -i netctl0 -p tcp -d 10.0.0.1 --dport 22 -j ACCEPT',
];

describe("ufw route rules in ufw's format", () => {
  it('renders the tuple and rule lines exactly as ufw writes them', () => {
    expect([tupleLine(web), iptablesLine(web)]).toEqual(UFW_WEB);
    expect(tupleLine({ ...web, from: '203.0.113.1' })).toContain(' 172.18.0.2 any 203.0.113.1 in comment=');
    expect(iptablesLine({ ...web, from: '203.0.113.0/24' })).toBe(
      '-A ufw-user-forward -p tcp -d 172.18.0.2 --dport 80 -s 203.0.113.0/24 -j ACCEPT',
    );
    expect(iptablesLine(web6)).toBe('-A ufw6-user-forward -p tcp -d fd00::2 --dport 80 -s 2001:db8::/32 -j ACCEPT');
    expect(tupleLine({ ...web6, from: null })).toContain(' fd00::2 any ::/0 in ');
  });

  it("round-trips comments and recognizes only netctl's", () => {
    expect(tupleComment(UFW_WEB[0]!)).toBe('netctl:web 80/tcp net=n1');
    expect(parseRouteComment('netctl:web 80/tcp net=n1')).toEqual({
      container: 'web',
      port: 80,
      proto: 'tcp',
      network: 'n1',
    });
    expect(parseRouteComment('my web server')).toBeNull();
    expect(tupleComment(FOREIGN[0]!)).toBe('');
    expect(ufwCommand(web)).toBe("ufw route allow proto tcp to 172.18.0.2 port 80 comment 'netctl:web 80/tcp net=n1'");
  });
});

describe('splicing user.rules', () => {
  it('re-renders a parsed file byte for byte', () => {
    for (const text of [file([]), file([FOREIGN]), file([FOREIGN, UFW_WEB])])
      expect(renderUserRules(parseUserRules(text))).toBe(text);
  });

  it('appends wanted rules, keeps foreign ones in place, removes unwanted netctl ones', () => {
    const start = parseUserRules(file([FOREIGN]));
    const added = spliceRoutes(start, [web]);
    expect(renderUserRules(added)).toBe(file([FOREIGN, UFW_WEB]));
    expect(renderUserRules(spliceRoutes(added, [web]))).toBe(file([FOREIGN, UFW_WEB]));
    expect(renderUserRules(spliceRoutes(added, []))).toBe(file([FOREIGN]));
    // A duplicate wanted rule is written once.
    expect(spliceRoutes(start, [web, web]).entries).toHaveLength(2);
  });

  it('keeps a kept netctl rule where it is when another is added before it in the list', () => {
    const two = spliceRoutes(parseUserRules(file([UFW_WEB, FOREIGN])), [{ ...web, port: 81 }, web]);
    expect(two.entries.map((e) => e.lines[0]!.split(' ')[5])).toEqual(['80', '22', '81']);
  });

  it("moves netctl's planned entries into a file someone changed since the plan read it", () => {
    // Planned from [FOREIGN]: add web. Meanwhile `ufw allow` added OTHER.
    const OTHER = [
      '### tuple ### allow tcp 2222 0.0.0.0/0 any 0.0.0.0/0 in',
      '-A ufw-user-input -p tcp --dport 2222 -j ACCEPT',
    ];
    const planned = spliceRoutes(parseUserRules(file([FOREIGN])), [web]);
    const now = parseUserRules(file([FOREIGN, OTHER]));
    expect(renderUserRules(transplantOwned(now, planned))).toBe(file([FOREIGN, OTHER, UFW_WEB]));
    // The undo: the entries of the text before, into the file as it is then.
    const undone = transplantOwned(parseUserRules(file([FOREIGN, OTHER, UFW_WEB])), parseUserRules(file([FOREIGN])));
    expect(renderUserRules(undone)).toBe(file([FOREIGN, OTHER]));
  });

  it('loads only the forward chain, flushed and refilled in file order', () => {
    const doc = forwardChainDoc(parseUserRules(file([FOREIGN, UFW_WEB])), 4);
    expect(doc).toBe(`*filter\n:ufw-user-forward - [0:0]\n${FOREIGN[1]}\n${UFW_WEB[1]}\nCOMMIT\n`);
  });

  it('tells a file as the ufw package ships it (no END RULES yet) from a written one', () => {
    expect(hasRulesSection('*filter\n### RULES ###\n-A ufw-user-limit -j REJECT\nCOMMIT\n')).toBe(false);
    expect(hasRulesSection(file([]))).toBe(true);
    expect(() => parseUserRules('*filter\nCOMMIT\n')).toThrow(/RULES/);
  });
});

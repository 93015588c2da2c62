/**
 * ufw's incoming rules mirrored for published ports, pure, from a real ufw 0.36 dump: bans
 * and port denies kept with the original destination, allows turned into RETURN (they open
 * nothing), the limit kept, logging left out, what cannot be read reported.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from '../../../src/firewall/iptables/parse.js';
import { mirrorCurrent, mirrorDoc, mirrorInput } from '../../../src/firewall/ufw/input-mirror.js';
import { mirrorPlan } from '../../../src/firewall/ufw/input-sync.js';

const DUMP = readFileSync(new URL('../../fixtures/ufw/user-input-bans.save', import.meta.url), 'utf8');
const live = parse(DUMP, { family: 4 });
const C = 'ufw-netctl-input';

describe("the mirror of ufw's incoming rules", () => {
  it('keeps bans and denies, reads ports and addresses as the original destination, and never accepts', () => {
    const m = mirrorInput(live, 4, C);
    expect(m.lines).toEqual([
      `-A ${C} -s 198.51.100.8/32 -j REJECT --reject-with icmp-port-unreachable`,
      `-A ${C} -s 198.51.100.7/32 -j DROP`,
      `-A ${C} -p tcp -m conntrack --ctorigdstport 8080 -m conntrack --ctstate NEW -m recent --set --name DEFAULT --mask 255.255.255.255 --rsource`,
      `-A ${C} -p tcp -m conntrack --ctorigdstport 8080 -m conntrack --ctstate NEW -m recent --update --seconds 30 --hitcount 6 --name DEFAULT --mask 255.255.255.255 --rsource -j ufw-user-limit`,
      `-A ${C} -p tcp -m conntrack --ctorigdstport 8080 -j RETURN`,
      `-A ${C} -p tcp -m conntrack --ctorigdstport 22 -j RETURN`,
      `-A ${C} -p udp -m conntrack --ctorigdstport 22 -j RETURN`,
      `-A ${C} -p tcp -m conntrack --ctorigdstport 9090 -j DROP`,
      `-A ${C} -s 203.0.113.0/24 -p tcp -m conntrack --ctorigdstport 80 -j DROP`,
      `-A ${C} -s 203.0.113.0/24 -p tcp -m conntrack --ctorigdstport 443 -j DROP`,
      `-A ${C} -s 198.51.100.9/32 -i eth9 -j DROP`,
      `-A ${C} -s 198.51.100.10/32 -j DROP`,
      `-A ${C} -p tcp -m conntrack --ctorigdst 198.51.100.2/32 --ctorigdstport 7000 -j DROP`,
    ]);
    expect(m.lines.some((l) => l.includes('-j ACCEPT'))).toBe(false);
    expect(m.skipped).toEqual(['-A ufw-user-input -p tcp -m tcp --dport 25 -m tcp --tcp-flags SYN SYN -j DROP']);
  });

  it('is current when the live chain holds it, and planned as one restore per chain otherwise', () => {
    const m = mirrorInput(live, 4, C);
    expect(mirrorCurrent(live, 4, C, m.lines)).toBe(false);
    const filled = parse(DUMP.replace('COMMIT', `${m.lines.join('\n')}\nCOMMIT`), { family: 4 });
    expect(mirrorCurrent(filled, 4, C, m.lines)).toBe(true);
    expect(mirrorPlan(filled, 4)).toEqual([]);
    const [p] = mirrorPlan(live, 4);
    expect(p).toMatchObject({ family: 4, chain: C, rules: 13 });
    expect(p!.doc).toBe(mirrorDoc(C, m.lines));
    expect(p!.doc.startsWith(`*filter\n:${C} - [0:0]\n`)).toBe(true);
  });

  it('is not planned where ufw does not run or no block declared the chain', () => {
    const noBlock = parse(DUMP.replace(`:${C} - [0:0]\n`, ''), { family: 4 });
    expect(mirrorPlan(noBlock, 4)).toEqual([]);
    const noUfw = parse(`*filter\n:${C} - [0:0]\nCOMMIT\n`, { family: 4 });
    expect(mirrorPlan(noUfw, 4)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { denied, requestPorts, rulesOfRequest, type AllowRequest } from '../../../src/model/allow-policy.js';
import type { AllowRule } from '../../../src/model/allow.js';

const rule = (port: number | null, proto: 'tcp' | 'udp' | null = null, from: string | null = null): AllowRule => ({
  container: 'web',
  port,
  proto,
  from,
  network: null,
});
const req = (ports: string[], from: string[] = []): AllowRequest => ({ name: 'web', ports, from });

describe('allow requests with several ports', () => {
  it('one rule per port and source, repeats dropped, no port meaning every port', () => {
    expect(rulesOfRequest('web', req(['80', '443/tcp', '80', '53/udp']))).toEqual([
      rule(80),
      rule(443, 'tcp'),
      rule(53, 'udp'),
    ]);
    expect(rulesOfRequest('web', req(['80', '443'], ['203.0.113.0/24', '198.51.100.7/32']))).toEqual([
      rule(80, null, '203.0.113.0/24'),
      rule(80, null, '198.51.100.7'),
      rule(443, null, '203.0.113.0/24'),
      rule(443, null, '198.51.100.7'),
    ]);
    expect(rulesOfRequest('web', { name: 'web', from: [] })).toEqual([rule(null)]);
    expect(rulesOfRequest('web', req([]))).toEqual([rule(null)]);
  });

  it('refuses the whole request when one port is bad, naming it', () => {
    expect(() => requestPorts(req(['80', '8x0', '443']))).toThrow('invalid port "8x0"');
    expect(() => rulesOfRequest('web', req(['80', '70000']))).toThrow(/70000/);
    expect(() => rulesOfRequest('web', req(['80', '9/sctp']))).toThrow(/not sctp/);
  });

  it('deny removes what the ports match, and nothing when one port matches no stored rule', () => {
    const stored = [rule(80, 'tcp'), rule(443, 'tcp'), rule(8080, null, '203.0.113.0/24')];
    const r = req(['80', '443']);
    expect(denied(stored, rulesOfRequest('web', r), r)).toEqual([rule(80, 'tcp'), rule(443, 'tcp')]);
    const bad = req(['80', '81']);
    expect(() => denied(stored, rulesOfRequest('web', bad), bad)).toThrow(/allow rule "web 81\b/);
    const all = req([]);
    expect(denied(stored, rulesOfRequest('web', all), all)).toEqual(stored);
    expect(() => denied([], rulesOfRequest('web', all), all)).toThrow(/not found/);
  });
});

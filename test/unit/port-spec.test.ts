import { describe, expect, it } from 'vitest';
import { expandPortSpec, parsePortSpec } from '../../src/model/port-spec.js';

describe('-p specs', () => {
  it.each([
    ['80', { containerPorts: { start: 80, end: 80 }, proto: 'tcp' }],
    ['8080:80', { hostPorts: { start: 8080, end: 8080 }, containerPorts: { start: 80, end: 80 }, proto: 'tcp' }],
    [
      '127.0.0.1:8080:80/udp',
      {
        hostIp: '127.0.0.1',
        hostPorts: { start: 8080, end: 8080 },
        containerPorts: { start: 80, end: 80 },
        proto: 'udp',
      },
    ],
    ['10.0.0.1::53/udp', { hostIp: '10.0.0.1', containerPorts: { start: 53, end: 53 }, proto: 'udp' }],
    [
      '8000-8002:9000-9002',
      { hostPorts: { start: 8000, end: 8002 }, containerPorts: { start: 9000, end: 9002 }, proto: 'tcp' },
    ],
    [
      '[::1]:8080:80',
      { hostIp: '::1', hostPorts: { start: 8080, end: 8080 }, containerPorts: { start: 80, end: 80 }, proto: 'tcp' },
    ],
    ['[2001:db8::1]::80/sctp', { hostIp: '2001:db8::1', containerPorts: { start: 80, end: 80 }, proto: 'sctp' }],
  ])('parses %s', (spec, want) => {
    expect(parsePortSpec(spec)).toEqual(want);
  });

  it.each([
    ['', /no port/],
    ['80/icmp', /unknown protocol "icmp"/],
    ['0:80', /port 0 is outside/],
    ['70000', /port 70000/],
    ['a:80', /"a" is not a port/],
    ['8000-8001:80-82', /differ in length/],
    ['90-80', /ends before it starts/],
    ['::1:8080:80', /needs brackets/],
    ['[::1]8080:80', /\[ADDR\]:HOST:CONTAINER/],
    ['300.1.1.1:80:80', /300\.1\.1\.1/],
  ])('refuses %s naming the value', (spec, why) => {
    expect(() => parsePortSpec(spec)).toThrow(why);
    expect(() => parsePortSpec(spec)).toThrow(`invalid port spec "${spec}"`);
  });

  it('expands ranges pairwise and keeps a host range for one container port', () => {
    expect(expandPortSpec(parsePortSpec('8000-8001:90-91/udp'))).toEqual([
      { hostPort: 8000, containerPort: 90, proto: 'udp' },
      { hostPort: 8001, containerPort: 91, proto: 'udp' },
    ]);
    expect(expandPortSpec(parsePortSpec('8000-8010:80'))).toEqual([
      { hostRange: { start: 8000, end: 8010 }, containerPort: 80, proto: 'tcp' },
    ]);
    expect(expandPortSpec(parsePortSpec('80-81'))).toEqual([
      { containerPort: 80, proto: 'tcp' },
      { containerPort: 81, proto: 'tcp' },
    ]);
  });
});

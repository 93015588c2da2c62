/**
 * Host-port thinking, pure: which published port `netctl allow NAME PORT` means for the
 * container port, the host port, both (refused, naming both) and `:PORT`.
 */
import { describe, expect, it } from 'vitest';
import { parsePortWord, readPorts } from '../../src/model/allow-ports.js';
import type { PortTarget } from '../../src/model/allow-policy.js';

const web: PortTarget[] = [
  { port: 80, proto: 'tcp', hostPort: 8080 },
  { port: 80, proto: 'tcp', hostPort: 8080, v6: true },
  { port: 53, proto: 'udp', hostPort: 5353 },
];
const crossed: PortTarget[] = [
  { port: 80, proto: 'tcp', hostPort: 8080 },
  { port: 8080, proto: 'tcp', hostPort: 80 },
];

describe('a PORT of netctl allow', () => {
  it('is the container port when the container has it', () => {
    expect(readPorts('web', ['80'], web)).toEqual({ ports: [{ port: 80, proto: null }], matched: [] });
    expect(readPorts('web', ['80/tcp', '80'], web).ports).toEqual([
      { port: 80, proto: 'tcp' },
      { port: 80, proto: null },
    ]);
  });

  it('is the host port when no container port has that number, and says so', () => {
    expect(readPorts('web', ['8080'], web)).toEqual({
      ports: [{ port: 80, proto: 'tcp' }],
      matched: ["host port 8080 is web's container port 80/tcp"],
    });
    expect(readPorts('web', ['5353/udp'], web).ports).toEqual([{ port: 53, proto: 'udp' }]);
    // The protocol keeps to the mapping's: 5353/tcp is published by nothing.
    expect(readPorts('web', ['5353/tcp'], web).ports).toEqual([{ port: 5353, proto: 'tcp' }]);
  });

  it('is the host port when written :PORT, whatever container ports there are', () => {
    expect(readPorts('x', [':80'], crossed)).toEqual({
      ports: [{ port: 8080, proto: 'tcp' }],
      matched: ["host port 80 is x's container port 8080/tcp"],
    });
    expect(() => readPorts('web', [':80'], web)).toThrow(/published host port "web :80" not found/);
  });

  it('is refused as ambiguous when it is a container port and another mapping host port, naming both', () => {
    expect(() => readPorts('x', ['80'], crossed)).toThrow(
      'port "80" of "x" is ambiguous: container port 80/tcp (host port 8080) or host port 80 (container port 8080/tcp); write :HOSTPORT to name one',
    );
    // -p 80:80 is one port, not two.
    expect(readPorts('y', ['80'], [{ port: 80, proto: 'tcp', hostPort: 80 }]).matched).toEqual([]);
  });

  it('stays as written when nothing matches (the caller refuses it), or when the container is gone', () => {
    expect(readPorts('web', ['81'], web).ports).toEqual([{ port: 81, proto: null }]);
    expect(readPorts('web', ['8080'], []).ports).toEqual([{ port: 8080, proto: null }]);
    expect(readPorts('web', undefined, web)).toEqual({ ports: [null], matched: [] });
  });

  it('refuses a bad word in one line naming it', () => {
    expect(() => parsePortWord('::80')).toThrow('invalid port "::80"');
    expect(() => parsePortWord(':80/sctp')).toThrow('invalid port ":80/sctp"');
    expect(parsePortWord(':8080/tcp')).toEqual({ arg: { port: 8080, proto: 'tcp' }, host: true, text: ':8080/tcp' });
  });
});

import { describe, expect, it } from 'vitest';
import { clientHosts, sandboxArgv } from '../../src/sys/sandbox.js';

describe('sandbox plan', () => {
  it('creates new net, mount and pid namespaces with private propagation', () => {
    const argv = sandboxArgv({}, ['true']);
    expect(argv.slice(0, 8)).toEqual([
      'unshare',
      '--net',
      '--mount',
      '--pid',
      '--fork',
      '--mount-proc',
      '--propagation',
      'private',
    ]);
    expect(argv.slice(-2)).toEqual(['{}', 'true']);
  });
  it('lists the documented client hosts', () => {
    expect(clientHosts({})).toEqual([]);
    expect(
      clientHosts({ wan: true, lan: true }).map((h) => [h.name, h.clientCidr, h.hostCidr, h.defaultRoute]),
    ).toEqual([
      ['wan', '198.51.100.1/24', '198.51.100.2/24', true],
      ['wan2', '203.0.113.1/24', '203.0.113.2/24', false],
      ['lan', '192.168.77.2/24', '192.168.77.1/24', false],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  encodeAnswer,
  encodeCall,
  MAX_ENV,
  netstring,
  parseAnswer,
  parseCall,
  parseEnv,
} from '../../../src/cni/wire.js';
import { cniSocketPath, wrapperText } from '../../../src/cni/install-plan.js';

describe('CNI shim wire format', () => {
  it('frames as netstrings, counting bytes not characters', () => {
    expect(netstring('ab').toString()).toBe('2:ab,');
    expect(netstring('é').toString()).toBe('2:é,');
    expect(netstring('').toString()).toBe('0:,');
  });

  it('round-trips a call, waiting for all of it', () => {
    const call = {
      env: { CNI_COMMAND: 'ADD', CNI_ARGS: 'A=1;B=2', CNI_NETNS: '' },
      stdin: '{"cniVersion":"1.0.0","name":"é"}',
    };
    const buf = encodeCall(call);
    expect(parseCall(buf)).toEqual(call);
    for (const cut of [0, 1, 5, buf.length - 1]) expect(parseCall(buf.subarray(0, cut))).toBeUndefined();
  });

  it('refuses malformed and oversized calls', () => {
    expect(() => parseCall(Buffer.from('x:'))).toThrow('malformed frame header');
    expect(() => parseCall(Buffer.from('1:ab'))).toThrow('not terminated');
    expect(() => parseCall(Buffer.from(`${MAX_ENV + 1}:`))).toThrow(`larger than ${MAX_ENV}`);
    expect(() => parseCall(Buffer.concat([encodeCall({ env: {}, stdin: '' }), Buffer.from('0')]))).toThrow(
      'bytes after',
    );
    expect(() => parseEnv(Buffer.from('NOEQUALS\0'))).toThrow('NOEQUALS');
    expect(parseEnv(Buffer.from('A=b=c\0\0'))).toEqual({ A: 'b=c' });
  });

  it('round-trips an answer', () => {
    expect(parseAnswer(encodeAnswer(1, '{"code":7}\n'))).toEqual({ exitCode: 1, stdout: '{"code":7}\n' });
    expect(parseAnswer(encodeAnswer(0, '').subarray(0, 4))).toBeUndefined();
  });
});

describe('cni install wrapper', () => {
  it('execs the shim with the socket and the node fallback, or node alone', () => {
    expect(
      wrapperText('/usr/bin/node', '/opt/n/netctl-cni.cjs', { shim: "/opt/n/it's", socket: '/run/netctl/cni.sock' }),
    ).toContain(`exec '/opt/n/it'\\''s' '/run/netctl/cni.sock' '/usr/bin/node' '/opt/n/netctl-cni.cjs' "$@"\n`);
    expect(wrapperText('/usr/bin/node', '/opt/n/netctl-cni.cjs')).toMatch(
      /\nexec '\/usr\/bin\/node' '\/opt\/n\/netctl-cni.cjs' "\$@"\n$/,
    );
    expect(cniSocketPath('/run/netctl/')).toBe('/run/netctl/cni.sock');
  });
});

// procSysctl against a temporary directory standing in for /proc/sys.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { procSysctl, sysctlRelPath } from '../../src/sys/sysctl.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function fakeProc(withBridge: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'netctl-sysctl-'));
  roots.push(root);
  mkdirSync(join(root, 'net/ipv4/conf/eth0.100'), { recursive: true });
  writeFileSync(join(root, 'net/ipv4/ip_forward'), '0\n');
  writeFileSync(join(root, 'net/ipv4/conf/eth0.100/route_localnet'), '0\n');
  if (withBridge) {
    mkdirSync(join(root, 'net/bridge'));
    writeFileSync(join(root, 'net/bridge/bridge-nf-call-iptables'), '1\n');
  }
  return root;
}

describe('sysctl names', () => {
  it('maps dotted names to paths and keeps slashed ones (dots in interface names)', () => {
    expect(sysctlRelPath('net.ipv4.ip_forward')).toBe('net/ipv4/ip_forward');
    expect(sysctlRelPath('net/ipv4/conf/eth0.100/route_localnet')).toBe('net/ipv4/conf/eth0.100/route_localnet');
  });

  it.each(['../etc/passwd', 'net/../../x', '/net/ipv4', 'net//ipv4', 'net.ipv4.ip forward', ''])(
    'refuses %j',
    (name) => {
      expect(() => sysctlRelPath(name)).toThrow(`invalid sysctl name "${name}"`);
    },
  );
});

describe('procSysctl', () => {
  it('reads trimmed values and writes them', () => {
    const root = fakeProc(true);
    const s = procSysctl(root);
    expect(s.read('net.ipv4.ip_forward')).toBe('0');
    s.write('net.ipv4.ip_forward', '1');
    s.write('net/ipv4/conf/eth0.100/route_localnet', '1');
    expect(readFileSync(join(root, 'net/ipv4/ip_forward'), 'utf8')).toBe('1');
    expect(s.read('net/ipv4/conf/eth0.100/route_localnet')).toBe('1');
    expect(s.read('net.bridge.bridge-nf-call-iptables')).toBe('1');
  });

  it('says br_netfilter is unavailable when net/bridge is missing', () => {
    const s = procSysctl(fakeProc(false));
    expect(() => s.read('net.bridge.bridge-nf-call-iptables')).toThrow(/br_netfilter is unavailable/);
    expect(() => s.write('net.bridge.bridge-nf-call-iptables', '1')).toThrow(/br_netfilter is unavailable/);
  });

  it('names the sysctl when it does not exist, and refuses a value with a newline', () => {
    const s = procSysctl(fakeProc(true));
    expect(() => s.read('net.ipv4.nope')).toThrow(/^read sysctl "net.ipv4.nope": ENOENT/);
    expect(() => s.write('net.ipv4.ip_forward', '1\n0')).toThrow(/invalid value/);
  });
});

/**
 * The installed command (dist/bin/netctl.js run through its first line, as `netctl` is):
 * node starts without NODE_EXTRA_CA_CERTS, which Node 20 would read and parse before any
 * code runs, and the programs netctl starts get the variable back unchanged.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSync } from '../../src/sys/exec.js';

const BIN = fileURLToPath(new URL('../../dist/bin/netctl.js', import.meta.url));
// A path that does not exist: node warns on stderr when it tries to load it.
const CA = '/nonexistent/netctl-test ca.pem';
const WARNING = /Ignoring extra certs/;

describe('the netctl command', () => {
  it('does not make node load NODE_EXTRA_CA_CERTS (control: plain node does)', () => {
    const control = runSync([process.execPath, BIN, '--version'], { env: { NODE_EXTRA_CA_CERTS: CA } });
    expect(control.stderr).toMatch(WARNING);
    const r = runSync([BIN, '--version'], { env: { NODE_EXTRA_CA_CERTS: CA } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.stderr).not.toMatch(WARNING);
  });

  it('gives the programs it runs the environment it was given', () => {
    const show = ['sh', '-c', 'echo "[${NODE_EXTRA_CA_CERTS-unset}][${NETCTL_EXTRA_CA_CERTS-unset}]"'];
    const withCa = runSync([BIN, 'sandbox', '--', ...show], { env: { NODE_EXTRA_CA_CERTS: CA }, timeoutMs: 20_000 });
    expect(withCa.code, withCa.stderr).toBe(0);
    expect(withCa.stdout.trim()).toBe(`[${CA}][unset]`);
    const without = runSync(['env', '-u', 'NODE_EXTRA_CA_CERTS', BIN, 'sandbox', '--', ...show], { timeoutMs: 20_000 });
    expect(without.code, without.stderr).toBe(0);
    expect(without.stdout.trim()).toBe('[unset][unset]');
  });
});

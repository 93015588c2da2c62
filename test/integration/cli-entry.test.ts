/**
 * The installed command (dist/bin/netctl.js run through its first line, as `netctl` is):
 * node starts without NODE_EXTRA_CA_CERTS, which Node 20 would read and parse before any
 * code runs, and the programs netctl starts get the variable back unchanged. It compiles the
 * CLI with V8's code cache (dist/bin/code-cache/, one file per verb), which a corrupt file
 * does not disturb.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
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

  it('uses its code cache, and replaces a corrupt one after a command that ran as without', () => {
    const cache = fileURLToPath(new URL('../../dist/bin/code-cache/completion.v8', import.meta.url));
    const plain = runSync([BIN, 'completion', 'bash'], { env: { NETCTL_CODE_CACHE: 'off' } });
    expect(plain.code, plain.stderr).toBe(0);
    mkdirSync(dirname(cache), { recursive: true });
    writeFileSync(cache, Buffer.alloc(4096, 0x5a));
    const spoilt = runSync([BIN, 'completion', 'bash']);
    expect(spoilt.code, spoilt.stderr).toBe(0);
    expect(spoilt.stdout).toBe(plain.stdout);
    const written = readFileSync(cache);
    expect(written.subarray(0, 4).toString()).toBe('NCC1');
    // A cache V8 took is not written again: the file (renamed into place when written) stays.
    const before = statSync(cache).ino;
    const cached = runSync([BIN, 'completion', 'bash']);
    expect(cached.code, cached.stderr).toBe(0);
    expect(cached.stdout).toBe(plain.stdout);
    expect(statSync(cache).ino).toBe(before);
  });

  it('runs tui from its ES module build (Ink cannot load from CommonJS)', () => {
    const r = runSync([BIN, 'sandbox', '--', BIN, 'tui'], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('netctl tui needs a terminal');
  });
});

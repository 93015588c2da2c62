/**
 * The framing between the CNI shim (native/cni-shim/shim.c) and `netctl cni serve`:
 * netstrings (`<len>:<bytes>,`). A call is two frames, the environment (NUL-terminated
 * `KEY=VALUE` entries: the CNI_* variables, NETCTL_ROOT, NETCTL_RUN_ROOT) and stdin; the
 * answer two, the exit code (decimal) and stdout. Sizes are capped as in the shim. Pure.
 */

/** The largest environment frame the shim sends. */
export const MAX_ENV = 256 * 1024;
/** The largest stdin frame the shim sends. */
export const MAX_STDIN = 8 * 1024 * 1024;
/** The largest whole call: both frames and their headers. */
export const MAX_CALL = MAX_ENV + MAX_STDIN + 64;

/** One call as the daemon reads it. */
export interface WireCall {
  env: Record<string, string>;
  stdin: string;
}

/** One frame. */
export function netstring(payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]);
}

/** Reads one frame at `pos`: its bytes and where the next starts; `undefined` when more bytes are needed. Throws on a malformed frame or one over `max`. */
function frameAt(buf: Buffer, pos: number, max: number): { body: Buffer; next: number } | undefined {
  let len = 0;
  let i = pos;
  for (; i < buf.length && buf[i]! >= 0x30 && buf[i]! <= 0x39; i++) {
    len = len * 10 + (buf[i]! - 0x30);
    if (len > max) throw new Error(`frame larger than ${max} bytes`);
  }
  if (i === buf.length) return undefined;
  if (i === pos || buf[i] !== 0x3a) throw new Error('malformed frame header');
  const end = i + 1 + len;
  if (buf.length < end + 1) return undefined;
  if (buf[end] !== 0x2c) throw new Error('frame not terminated by ","');
  return { body: buf.subarray(i + 1, end), next: end + 1 };
}

/** The environment frame's entries (an entry without "=" is refused). */
export function parseEnv(block: Buffer): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of block.toString('utf8').split('\0')) {
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new Error(`malformed environment entry "${entry.slice(0, 40)}"`);
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** The call in `buf` once it is whole (`undefined`: wait for more); throws on a malformed one. Bytes after it are refused. */
export function parseCall(buf: Buffer): WireCall | undefined {
  const env = frameAt(buf, 0, MAX_ENV);
  if (!env) return undefined;
  const stdin = frameAt(buf, env.next, MAX_STDIN);
  if (!stdin) return undefined;
  if (stdin.next !== buf.length) throw new Error('bytes after the call');
  return { env: parseEnv(env.body), stdin: stdin.body.toString('utf8') };
}

/** The answer's bytes. */
export function encodeAnswer(exitCode: number, stdout: string): Buffer {
  return Buffer.concat([netstring(String(exitCode)), netstring(stdout)]);
}

/** Encodes a call (as the shim does; for tests and clients in JavaScript). */
export function encodeCall(call: WireCall): Buffer {
  const env = Object.entries(call.env)
    .map(([k, v]) => `${k}=${v}\0`)
    .join('');
  return Buffer.concat([netstring(env), netstring(call.stdin)]);
}

/** Parses an answer (`undefined` when incomplete). */
export function parseAnswer(buf: Buffer): { exitCode: number; stdout: string } | undefined {
  const code = frameAt(buf, 0, 3);
  if (!code) return undefined;
  const out = frameAt(buf, code.next, 16 * 1024 * 1024);
  if (!out) return undefined;
  return { exitCode: Number(code.body.toString()), stdout: out.body.toString('utf8') };
}

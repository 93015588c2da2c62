/**
 * The client side of attaching to a detached container (native/launcher/attach.c has the
 * frame format): output frames to stdout/stderr, input from a stream scanned for the
 * detach keys, the terminal's size on connect and on each resize.
 */
import { closeSync, openSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname, basename } from 'node:path';
import { DetachScanner } from '../model/detach-keys.js';
import { SystemError } from '../errors.js';
import { enterRawTerminal } from '../sys/raw-terminal.js';

/** Where the output goes and the input comes from. */
export interface AttachIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** This terminal's input, or none (`--no-stdin`, `start -a` without -i). */
  stdin?: NodeJS.ReadStream;
  /** The detach key bytes (none: never detach). */
  keys: readonly number[];
  /** The container has a pty: put this terminal in raw mode and pass its size on. */
  tty: boolean;
}

/** How an attachment ended. */
export type AttachEnd = 'detached' | 'exited';

function frame(type: number, payload: Uint8Array): Buffer {
  const h = Buffer.alloc(5);
  h[0] = type;
  h.writeUInt32BE(payload.length, 1);
  return Buffer.concat([h, payload]);
}

/** Connects to the socket at PATH (through /proc/self/fd: a run directory may be longer than an address). */
export function connectAttach(path: string, timeoutMs = 30_000): Promise<Socket> {
  const end = Date.now() + timeoutMs;
  const tryOnce = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      let fd: number;
      try {
        fd = openSync(dirname(path), 'r');
      } catch (e) {
        reject(e);
        return;
      }
      const s = connect(`/proc/self/fd/${fd}/${basename(path)}`);
      const onError = (e: Error): void => {
        closeSync(fd);
        reject(e);
      };
      s.once('error', onError);
      s.once('connect', () => {
        s.off('error', onError);
        closeSync(fd);
        resolve(s);
      });
    });
  const loop = async (): Promise<Socket> => {
    for (;;) {
      try {
        return await tryOnce();
      } catch (e) {
        if (Date.now() > end) throw new SystemError(`cannot attach: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  return loop();
}

function pumpOutput(s: Socket, io: AttachIo): void {
  let buf = Buffer.alloc(0);
  s.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 5 && buf.length >= 5 + buf.readUInt32BE(1)) {
      const len = buf.readUInt32BE(1);
      (buf[0] === 2 ? io.stderr : io.stdout).write(buf.subarray(5, 5 + len));
      buf = buf.subarray(5 + len);
    }
  });
}

/** Runs an attachment on a connected socket until the container exits or the keys detach. */
export function runAttach(s: Socket, io: AttachIo): Promise<AttachEnd> {
  const { stdin } = io;
  const raw = Boolean(io.tty && stdin?.isTTY);
  const scanner = new DetachScanner(io.keys);
  const out = io.stdout as NodeJS.WriteStream;
  const sendSize = (): void => {
    if (!out.isTTY || !io.tty) return;
    const b = Buffer.alloc(4);
    b.writeUInt16BE(out.rows ?? 24, 0);
    b.writeUInt16BE(out.columns ?? 80, 2);
    s.write(frame(1, b));
  };
  return new Promise((resolve, reject) => {
    let restore = (): void => undefined;
    let ended: AttachEnd = 'exited';
    const onData = (d: Buffer): void => {
      const r = scanner.feed(d);
      for (let i = 0; i < r.forward.length; i += 4096) s.write(frame(0, r.forward.subarray(i, i + 4096)));
      if (r.detach) {
        ended = 'detached';
        stdin?.off('data', onData);
        stdin?.off('end', onEnd);
        s.end();
      }
    };
    const onEnd = (): void => void s.write(frame(2, Buffer.alloc(0)));
    const cleanup = (): void => {
      stdin?.off('data', onData);
      stdin?.off('end', onEnd);
      out.off?.('resize', sendSize);
      restore();
      // Detached while the input is still open: a paused pipe or terminal would keep this
      // process alive (it never reads the end of it). The attachment owns the input.
      stdin?.destroy();
      resolve(ended);
    };
    pumpOutput(s, io);
    s.on('close', cleanup);
    s.on('error', () => undefined);
    sendSize();
    out.on?.('resize', sendSize);
    if (stdin) {
      try {
        if (raw) restore = enterRawTerminal({ stdin, stdout: out });
      } catch (e) {
        s.destroy();
        reject(e);
        return;
      }
      stdin.on('data', onData);
      stdin.on('end', onEnd);
      stdin.resume();
    }
  });
}

/**
 * This terminal in raw mode for an attachment to a container's pty, as cfmakeraw(3) (moby/term's
 * MakeRaw) makes it: Node's setRawMode is libuv's raw mode, which keeps output processing
 * (OPOST) on, so each CR LF of the container's pty would reach the screen as CR CR LF.
 */
import { ttyOpost } from './native.js';

/** The input and output of this process's terminal, as far as raw mode needs them. */
export interface RawTerminalIo {
  stdin: Pick<NodeJS.ReadStream, 'isTTY' | 'setRawMode'>;
  /** Where the container's output goes; its fd's OPOST is cleared when it is a terminal. */
  stdout: { isTTY?: boolean; fd?: number };
}

/** Sets the OPOST of a terminal fd; `native/src/tty.cc` in production, a fake in unit tests. */
export type SetOpost = (fd: number, on: boolean) => boolean;

/**
 * Puts the terminal in raw mode, input and output, and returns the function that restores it
 * (idempotent: the cleanup and an error path may both call it). Restoring OPOST comes before
 * setRawMode(false), which restores the rest. A signal that ends the process (SIGINT, SIGTERM)
 * or process.exit restores the terminal too: node resets its stdio to the state it started with.
 */
export function enterRawTerminal(io: RawTerminalIo, setOpost: SetOpost = ttyOpost): () => void {
  io.stdin.setRawMode(true);
  const fd = io.stdout.isTTY && typeof io.stdout.fd === 'number' ? io.stdout.fd : -1;
  let restoreOpost = false;
  try {
    restoreOpost = fd >= 0 && setOpost(fd, false);
  } catch (e) {
    io.stdin.setRawMode(false);
    throw e;
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    try {
      if (restoreOpost) setOpost(fd, true);
    } finally {
      io.stdin.setRawMode(false);
    }
  };
}

/**
 * A failed compose action exits 1, as netctl-compose(8) says: a launcher's own code
 * (125 could not set up, 126 cannot exec, 127 not found) is a netctl failure here, not
 * the container's answer, and must not leak through as the exit code.
 */
import { NetctlError, SystemError } from '../errors.js';

/** Runs `fn`, turning a launcher's failure into an error that exits 1. */
export async function composeAction<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NetctlError && err.exitCode >= 100 && err.exitCode < 128)
      throw new SystemError(err.message, { ...(err.hint ? { hint: err.hint } : {}), cause: err });
    throw err;
  }
}

/**
 * Errors the kernel returns over netlink. The `netlink` package rejects with
 * `Request rejected: EEXIST`; this turns that into an error whose message is the strerror
 * text (`File exists`) and whose `code` is the errno name, so callers can test for EEXIST
 * and users read what `ip` would have printed. Pure.
 */

const TEXT: Readonly<Record<string, string>> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ESRCH: 'No such process',
  EBADF: 'Bad file descriptor',
  ENOMEM: 'Cannot allocate memory',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  ENODEV: 'No such device',
  EINVAL: 'Invalid argument',
  ERANGE: 'Numerical result out of range',
  ENOTSUP: 'Operation not supported',
  EOPNOTSUPP: 'Operation not supported',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENETDOWN: 'Network is down',
  ENETUNREACH: 'Network is unreachable',
  ENOBUFS: 'No buffer space available',
  EMSGSIZE: 'Message too long',
  ENOSPC: 'No space left on device',
  ENOTEMPTY: 'Directory not empty',
  ELOOP: 'Too many levels of symbolic links',
};

/** A kernel refusal: `code` is the errno name, the message its description. */
export class KernelError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'KernelError';
    this.code = code;
  }
}

/** Converts the `netlink` package's rejection into a KernelError; other errors pass through. */
export function kernelError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const m = /^Request rejected: (E[A-Z0-9]+|-?\d+)$/.exec(err.message);
  if (!m) return err;
  const code = m[1]!;
  return new KernelError(code, TEXT[code] ?? code);
}

/** True when `err` is a kernel (or native addon) error with errno name `code`. */
export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

/**
 * netctl's error types. Only the entry point (cli/main.ts) catches and prints them;
 * everything else throws, adding context at each boundary as `action "object": cause`.
 */

/** Base class: every error netctl means to show a user. */
export class NetctlError extends Error {
  /** Stable machine-readable code, e.g. `usage`, `not-found`, `conflict`. */
  readonly code: string;
  /** Process exit code when this error ends a command. */
  readonly exitCode: number;
  /** One line telling the user what to do next, if there is something useful to say. */
  readonly hint?: string;

  constructor(code: string, message: string, opts: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = opts.exitCode ?? 1;
    this.hint = opts.hint;
  }
}

/** Bad command-line usage or invalid input value: exit code 2. */
export class UsageError extends NetctlError {
  constructor(message: string, hint?: string) {
    super('usage', message, { exitCode: 2, hint });
  }
}

/** A command registered from SPEC.md whose implementation lands in a later issue: exit code 3. */
export class NotImplementedError extends NetctlError {
  constructor(command: string) {
    super('not-implemented', `${command}: not implemented yet`, { exitCode: 3 });
  }
}

/** A named object does not exist. */
export class NotFoundError extends NetctlError {
  constructor(kind: string, name: string, hint?: string) {
    super('not-found', `${kind} "${name}" not found`, { exitCode: 1, hint });
  }
}

/** The request conflicts with existing state (duplicate name, port taken, overlap...). */
export class ConflictError extends NetctlError {
  constructor(message: string, hint?: string) {
    super('conflict', message, { exitCode: 1, hint });
  }
}

/** An external program or the kernel refused an operation. */
export class SystemError extends NetctlError {
  constructor(message: string, opts: { hint?: string; cause?: unknown } = {}) {
    super('system', message, { exitCode: 1, ...opts });
  }
}

/** A bug: something that should not happen. */
export class InternalError extends NetctlError {
  constructor(message: string, cause?: unknown) {
    super('internal', message, { exitCode: 70, cause });
  }
}

/** Short text of any thrown value. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The first of ERR and the errors it wraps (`cause`, 8 deep at most) that TEST accepts. */
export function causeWhere(err: unknown, test: (e: unknown) => boolean): unknown {
  for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) if (test(e)) return e;
  return undefined;
}

/**
 * Adds context to an error at a boundary: `action "object": cause`.
 * NetctlErrors keep their code and exit code; anything else becomes a SystemError.
 */
export function wrap(action: string, object: string, err: unknown): NetctlError {
  const message = `${action} "${object}": ${messageOf(err)}`;
  if (err instanceof NetctlError) {
    return new NetctlError(err.code, message, { exitCode: err.exitCode, hint: err.hint, cause: err });
  }
  return new SystemError(message, { cause: err });
}

/** Collects failures so teardown can finish what it can and report everything at the end. */
export class ErrorList {
  readonly errors: NetctlError[] = [];

  /** Runs `fn`, recording (not throwing) its failure under `action "object"`. */
  async attempt(action: string, object: string, fn: () => unknown | Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.errors.push(wrap(action, object, err));
    }
  }

  /** Throws one error naming every recorded failure, if there was any. */
  throwIfAny(): void {
    if (this.errors.length === 0) return;
    if (this.errors.length === 1) throw this.errors[0];
    throw new SystemError(this.errors.map((e) => e.message).join('; '));
  }
}

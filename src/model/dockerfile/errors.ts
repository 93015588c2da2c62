/** The one error a Dockerfile's text raises: `Dockerfile:LINE: message`. */
import { NetctlError } from '../../errors.js';

/** A Dockerfile the planner cannot take; the message names the line and the bad token. */
export class DockerfileError extends NetctlError {
  /** 1-based line of the offending instruction. */
  readonly line: number;
  constructor(line: number, message: string, hint?: string) {
    super('dockerfile', `Dockerfile:${line}: ${message}`, { exitCode: 1, hint });
    this.line = line;
  }
}

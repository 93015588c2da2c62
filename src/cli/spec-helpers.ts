/**
 * Small parsers for option values, used by the command tree. Each throws a UsageError
 * naming the bad value, so commander's errors and ours look alike.
 */
import { UsageError } from '../errors.js';

/** Parses a decimal integer option within [min, max]. */
export function intOption(flag: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new UsageError(`invalid ${flag} "${value}": not a whole number`);
    const n = Number(value);
    if (n < min || n > max) throw new UsageError(`invalid ${flag} "${value}": must be between ${min} and ${max}`);
    return n;
  };
}

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

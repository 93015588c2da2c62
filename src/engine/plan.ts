/**
 * The one plan type: what a mutating verb would do, as data. The same value is printed by
 * `--dry-run`, shown by the TUI and, with its steps, applied. Every part is optional text a
 * user can read or replay: netlink/sysctl operations as the equivalent `ip`/`sysctl`
 * commands, iptables-restore documents, unified diffs of ufw's files, and the argv of every
 * process it would start.
 */
import type { Step } from '../model/steps.js';

/** A planned change. */
export interface ChangePlan {
  /** Netlink and sysctl operations, one line each. */
  operations: string[];
  /** The iptables-restore / ip6tables-restore documents ('' when the rules stay as they are). */
  rules: string;
  /** Unified diffs of the files it would write (ufw's user rules, after.rules...). */
  files?: string[];
  /** Processes it would start, as argv arrays (never a shell string). */
  processes?: string[][];
  /** Other effects, one line each (database records, directories, signals). */
  notes?: string[];
}

/** A plan with the steps that carry it out and what the verb returns once applied. */
export interface Planned<T> {
  plan: ChangePlan;
  steps: Step[];
  result: T;
  /**
   * Ids of the containers (or CNI attachments) whose removal this is: when the command is
   * killed half-way, the next one finishes the removal (engine/recover.ts) instead of
   * leaving a record whose namespace, veth or files are partly gone.
   */
  removing?: string[];
}

/** The empty plan. */
export function emptyPlan(): ChangePlan {
  return { operations: [], rules: '' };
}

/** Plans one after the other, as one. */
export function joinPlans(...plans: readonly ChangePlan[]): ChangePlan {
  const out: ChangePlan = { operations: plans.flatMap((p) => p.operations), rules: plans.map((p) => p.rules).join('') };
  const files = plans.flatMap((p) => p.files ?? []);
  const processes = plans.flatMap((p) => p.processes ?? []);
  const notes = plans.flatMap((p) => p.notes ?? []);
  if (files.length > 0) out.files = files;
  if (processes.length > 0) out.processes = processes;
  if (notes.length > 0) out.notes = notes;
  return out;
}

/** Whether applying the plan would change nothing. */
export function isEmptyPlan(p: ChangePlan): boolean {
  return (
    p.operations.length === 0 &&
    p.rules === '' &&
    (p.files ?? []).length === 0 &&
    (p.processes ?? []).length === 0 &&
    (p.notes ?? []).length === 0
  );
}

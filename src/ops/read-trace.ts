/**
 * `netctl trace`: which rules a new connection to HOSTIP:PORT meets in the live ruleset, and
 * which one decides it (engine/trace.ts walks it with the packet evaluator).
 */
import type { Rule } from '../firewall/iptables/ast.js';
import { renderRule } from '../firewall/iptables/render.js';
import { type TraceReport, type TraceRequest, trace } from '../engine/trace.js';
import type { Host } from './host.js';

export type { TraceReport, TraceRequest } from '../engine/trace.js';
export type { ChainResult } from '../firewall/trace/packet-eval.js';

/** Follows a new connection through the live ruleset, read with the host's programs. */
export function traceConnection(host: Host, req: TraceRequest): Promise<TraceReport> {
  return trace(host.store(), host.ufw.runner, req);
}

/** A rule of a trace as iptables-save prints it, without counters. */
export function ruleText(rule: Rule): string {
  return renderRule({ ...rule, counters: undefined });
}

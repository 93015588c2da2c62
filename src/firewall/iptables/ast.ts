/**
 * The typed form of an `iptables-save` / `ip6tables-save` dump. Pure data: the parser
 * builds it, the renderer prints it back, the planner builds the desired one.
 *
 * Order is kept everywhere, so that render(parse(dump)) reproduces the dump.
 */

/** Packet and byte counters, as `[packets:bytes]`. */
export interface Counters {
  packets: bigint;
  bytes: bigint;
}

/** A whole dump: the tables in the order they appeared, plus stray comment lines. */
export interface Ruleset {
  /** `4` for iptables, `6` for ip6tables (as far as the caller knows). */
  family?: 4 | 6;
  tables: Table[];
  /** Comment lines outside tables (`# Warning: iptables-legacy tables present...`), with the index of the table they preceded. */
  comments?: { before: number; text: string }[];
}

/** One `*table` ... `COMMIT` section. */
export interface Table {
  name: string;
  /** Chain declarations (`:NAME POLICY [p:b]`), in order. */
  chains: Chain[];
  /** Rules (`-A CHAIN ...`) in the order they appeared, across chains. */
  rules: Rule[];
  /**
   * Comment lines inside the table, each with the number of chain declarations plus rules
   * before it (declarations render first, then rules).
   */
  comments?: { before: number; text: string }[];
}

/** A chain declaration. Built-in chains have a policy; user chains have `-`. */
export interface Chain {
  name: string;
  /** `ACCEPT`, `DROP`, ... for built-in chains, `null` for user chains (`-`). */
  policy: string | null;
  counters?: Counters;
}

/** One option of a match or target: `--dport 80`, `! -s 10.0.0.0/8`, `--syn` (no values). */
export interface Option {
  /** Option name without dashes: `dport`, `s`, `to-destination`. */
  name: string;
  /** True for one dash (`-s`), false for two (`--dport`). */
  short?: boolean;
  /** Preceded by `!`. */
  negated?: boolean;
  /** The option's argument tokens, unquoted (a comment with spaces is one value). */
  values: string[];
}

/**
 * A match: `module` is the `-m` name, or `null` for the basic criteria that come
 * before any `-m` (`-s`, `-d`, `-i`, `-o`, `-p`, `-f`).
 */
export interface Match {
  module: string | null;
  options: Option[];
}

/** `-j TARGET opts` or `-g CHAIN`. */
export interface Target {
  /** `jump` for `-j`, `goto` for `-g`. */
  kind: 'jump' | 'goto';
  name: string;
  options: Option[];
}

/** One `-A CHAIN ...` line. */
export interface Rule {
  chain: string;
  /** From `iptables-save -c`: `[p:b] -A ...`. */
  counters?: Counters;
  matches: Match[];
  target?: Target;
}

/** The comment tag every netctl rule carries: `-m comment --comment "netctl:..."`. */
export const OWNED_COMMENT_PREFIX = 'netctl:';
/** The prefix of every chain netctl owns. */
export const OWNED_CHAIN_PREFIX = 'NETCTL-';

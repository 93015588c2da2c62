/**
 * ufw's incoming rules as they apply to published ports. A ban (`ufw deny from 198.51.100.7`,
 * `ufw insert 1 reject from ...` as fail2ban's ufw action and CrowdSec's bouncer write it)
 * lands in `ufw-user-input`, which sees only packets to the host itself: a connection to a
 * published port is DNATed to a container and routed, so it never meets it. netctl mirrors
 * that chain into one chain per block (`ufw-netctl-input`, `ufw-netctl-docker-input`), which
 * the block runs first for each new connection to a published port, evaluating every rule
 * as if the connection were to the host port it was made to:
 *
 * - `--dport`/`-d` of the rule match the connection's original destination (conntrack's
 *   `--ctorigdstport`/`--ctorigdst`), so `ufw deny 8080` and `ufw deny to HOSTIP` mean the
 *   host port and address the client used, as for a host service;
 * - DROP and REJECT decide (a ban reaches every published port); `ufw limit`'s rate limit
 *   applies (over 6 new connections in 30 s from one source: rejected);
 * - ACCEPT (and the accepting half of `limit`) only ends the evaluation, as a first match
 *   does on the host (a later deny does not apply), and never opens anything: `ufw allow 22`
 *   or `ufw allow from 10.0.0.0/8` cannot open a container port by accident; opening stays
 *   `netctl allow` / `ufw route allow`, and the routed policy decides the rest;
 * - the incoming default policy does not apply (it would close every published port);
 *   logging-only rules are left out.
 *
 * Pure: translates a parsed ruleset's chain into iptables-restore lines.
 */
import type { Match, Option, Rule, Ruleset } from '../iptables/ast.js';
import { renderRule } from '../iptables/render.js';
import { parse } from '../iptables/parse.js';
import { chainRules } from './plan.js';
import { ufwFamily } from './names.js';
import type { Family } from '../../model/addr.js';

/** netctl's block's mirror chain: `ufw-netctl-input` (`ufw6-netctl-input`). */
export function netctlInputChain(family: Family): string {
  return `${ufwFamily(family).prefix}-netctl-input`;
}

/** The Docker block's: `ufw-netctl-docker-input` (`ufw6-...`). */
export function dockerInputChain(family: Family): string {
  return `${ufwFamily(family).prefix}-netctl-docker-input`;
}

/** Both mirror chains of a family. */
export function inputChains(family: Family): string[] {
  return [netctlInputChain(family), dockerInputChain(family)];
}

/** The mirror of one chain: its rule lines, and the rules of ufw's that have no mirror. */
export interface InputMirror {
  lines: string[];
  skipped: string[];
}

const opt = (name: string, values: string[], negated?: boolean): Option =>
  negated ? { name, values, negated } : { name, values };

/** The target a mirrored rule gets; null: the rule is left out (logging, unknown chains). */
function mirrorTarget(r: Rule, prefix: string): Rule['target'] | null | undefined {
  const t = r.target;
  if (!t) return undefined; // `-m recent --set`: the limit's bookkeeping, kept as it is
  if (t.name === 'DROP' || t.name === 'REJECT' || t.name === `${prefix}-user-limit`) return t;
  if (t.name === 'ACCEPT' || t.name === `${prefix}-user-limit-accept`)
    return { kind: 'jump', name: 'RETURN', options: [] };
  return null;
}

/**
 * One rule's matches with the destination moved to the original one; several when a
 * multiport list is split (conntrack matches one port or range); null when a match cannot
 * be read that way.
 */
function mirrorMatches(r: Rule): Match[][] | null {
  const base: Match[] = [];
  const orig: Option[] = [];
  const rest: Match[] = [];
  let ports: Option | undefined;
  for (const m of r.matches) {
    if (m.module === null) {
      const keep = m.options.filter((o) => o.name !== 'd');
      const d = m.options.find((o) => o.name === 'd');
      if (d) orig.push(opt('ctorigdst', d.values, d.negated));
      base.push({ module: null, options: keep });
    } else if (m.module === 'tcp' || m.module === 'udp') {
      for (const o of m.options) {
        if (o.name === 'dport' || o.name === 'destination-port') orig.push(opt('ctorigdstport', o.values, o.negated));
        else if (o.name === 'sport' || o.name === 'source-port') orig.push(opt('ctorigsrcport', o.values, o.negated));
        else return null;
      }
    } else if (m.module === 'multiport') {
      if (m.options.length !== 1 || m.options[0]!.name !== 'dports' || m.options[0]!.negated) return null;
      ports = m.options[0];
    } else rest.push(m);
  }
  const lists = ports ? ports.values.join(',').split(',') : [undefined];
  return lists.map((p) => {
    const o = p === undefined ? orig : [...orig, opt('ctorigdstport', [p])];
    return [...base, ...(o.length > 0 ? [{ module: 'conntrack', options: o }] : []), ...rest];
  });
}

/** The mirror of `${prefix}-user-input` of `live` as lines of `chain`. */
export function mirrorInput(live: Ruleset, family: Family, chain: string): InputMirror {
  const prefix = ufwFamily(family).prefix;
  const filter = live.tables.find((t) => t.name === 'filter');
  const out: InputMirror = { lines: [], skipped: [] };
  for (const r of filter?.rules ?? []) {
    if (r.chain !== `${prefix}-user-input`) continue;
    const target = mirrorTarget(r, prefix);
    const matches = target === null ? null : mirrorMatches(r);
    const { counters: _, ...bare } = r;
    if (target === null || matches === null) {
      if (r.target?.name !== `${prefix}-user-logging-input`) out.skipped.push(renderRule(bare));
      continue;
    }
    for (const ms of matches) out.lines.push(renderRule({ chain, matches: ms, ...(target ? { target } : {}) }));
  }
  return out;
}

/** `iptables-restore --noflush` input replacing the chain's rules with `lines`, in one commit. */
export function mirrorDoc(chain: string, lines: readonly string[]): string {
  return ['*filter', `:${chain} - [0:0]`, ...lines, 'COMMIT', ''].join('\n');
}

/** Whether the live chain holds exactly `lines` (compared as iptables-save prints them). */
export function mirrorCurrent(live: Ruleset, family: Family, chain: string, lines: readonly string[]): boolean {
  const want = chainRules(parse(mirrorDoc(chain, lines), { family }), chain);
  const have = chainRules(live, chain);
  return want.length === have.length && want.every((l, i) => l === have[i]);
}

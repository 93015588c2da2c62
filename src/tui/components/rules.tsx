/**
 * The Rules pane: netctl's own rules grouped by family, table and chain with live counters,
 * then the ufw route rules netctl made for its containers and CNI attachments, then those
 * for Docker's containers. An OWNER column says whose container each is about (netctl, cni,
 * docker). Rules of the highlighted container stand out.
 */
import { Box, Text } from 'ink';
import type { TuiContainer, TuiRoute, TuiRule } from '../snapshot.js';
import { ruleOf } from '../snapshot.js';
import { gutter } from './table.js';

/** Props of RulesPane. */
export interface RulesProps {
  rules: TuiRule[];
  routes: TuiRoute[];
  selected: number;
  height: number;
  focused: boolean;
  width: number;
  highlight?: TuiContainer;
  color?: boolean;
}

/** One screen line: a group heading, or a selectable rule with its index. */
interface Line {
  text: string;
  index?: number;
  mark: boolean;
}

/** `999`, `12345`, `123K`, `45M`: iptables -v's units, so the columns stay narrow. */
export function count(n: number): string {
  if (n < 100_000) return String(n);
  const units = ['K', 'M', 'G', 'T', 'P'];
  let v = n;
  let u = -1;
  while (v >= 100_000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${Math.floor(v)}${units[u]}`;
}

function counters(r: { packets: number; bytes: number } | null): string {
  return r ? `${count(r.packets).padStart(6)} ${count(r.bytes).padStart(6)}` : `${'-'.padStart(6)} ${'-'.padStart(6)}`;
}

/** The owner column: `netctl`, `cni`, `docker`. */
function owner(o: string): string {
  return o.padEnd(6);
}

/**
 * A route line's text: the container, then the ufw command without its comment (which
 * names the container again; the details show all of it), or for a stored Docker rule with
 * no route now, the rule and why.
 */
export function routeBody(r: TuiRoute): string {
  if (r.command === '') return `${r.allow}: no route now (the container is not running, or Docker was not synced)`;
  return `${r.container}: ${r.command.replace(/ comment (?:'[^']*'|\S+)$/, '')}`;
}

/** The section heading of a route. */
function routeGroup(r: TuiRoute): string {
  return r.owner === 'docker'
    ? 'ufw route rules for Docker containers (netctl allow, netctl.allow labels)'
    : 'ufw route rules made by netctl allow';
}

/** Whether a route is the highlighted container's (by name: a Docker name never is netctl's). */
function routeMark(r: TuiRoute, c?: TuiContainer): boolean {
  return c !== undefined && r.owner !== 'docker' && r.container === c.name;
}

/**
 * The rule without its `-A CHAIN`, which the group heading already says, and with its
 * `netctl:` comment moved to the end as `# ...`, so the matches and target come first.
 */
export function ruleBody(r: TuiRule): string {
  const prefix = `-A ${r.chain} `;
  const text = r.text.startsWith(prefix) ? r.text.slice(prefix.length) : r.text;
  const m = / ?-m comment --comment ("netctl:[^"]*"|netctl:\S*)/.exec(text);
  if (!m) return text;
  const note = m[1]!.replace(/^"|"$/g, '').slice('netctl:'.length);
  return `${text.slice(0, m.index)}${text.slice(m.index + m[0].length)}  # ${note}`.trimStart();
}

/** Headings and rule lines, in ruleset order (iptables-save keeps a chain's rules together). */
export function ruleLines(rules: readonly TuiRule[], routes: readonly TuiRoute[], highlight?: TuiContainer): Line[] {
  const out: Line[] = [];
  let group = '';
  rules.forEach((r, index) => {
    const g = `IPv${r.family} ${r.table} ${r.chain}`;
    if (g !== group) out.push({ text: (group = g), mark: false });
    out.push({
      text: `${counters(r)}  ${owner(r.owner)} ${ruleBody(r)}`,
      index,
      mark: highlight !== undefined && ruleOf(r, highlight),
    });
  });
  routes.forEach((r, i) => {
    const g = routeGroup(r);
    if (g !== group) out.push({ text: (group = g), mark: false });
    out.push({
      text: `${counters(r.live)}  ${owner(r.owner)} ${routeBody(r)}`,
      index: rules.length + i,
      mark: routeMark(r, highlight),
    });
  });
  return out;
}

/** The lines around the selection that fit in `height`, cut to the width. */
export function RulesPane({ rules, routes, selected, height, focused, width, highlight, color = true }: RulesProps) {
  const lines = ruleLines(rules, routes, highlight);
  const at = Math.max(
    0,
    lines.findIndex((l) => l.index === selected),
  );
  const first = Math.max(0, Math.min(at - height + 1, lines.length - height));
  return (
    <Box flexDirection="column">
      <Text bold>{`${gutter(color, false)}${'PKTS'.padStart(6)} ${'BYTES'.padStart(6)}  ${owner('OWNER')} RULE`}</Text>
      {lines.length === 0 ? <Text dimColor>(no rules owned by netctl)</Text> : null}
      {lines.slice(first, first + height).map((l, i) => {
        const on = focused && l.index !== undefined && l.index === selected;
        const text = l.index === undefined ? l.text : gutter(color, on, l.mark) + l.text;
        return (
          <Text
            key={first + i}
            bold={l.index === undefined}
            inverse={on}
            color={l.mark ? 'cyan' : undefined}
            wrap="truncate-end"
          >
            {text.slice(0, width)}
          </Text>
        );
      })}
    </Box>
  );
}

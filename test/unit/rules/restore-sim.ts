/**
 * A strict, text-level model of `iptables-restore --noflush`, for pure tests of plans:
 * a declaration of an existing user chain flushes it (a built-in's sets the policy), `-D` removes the first identical
 * rule (or fails), `-I C 1` puts a rule on top, `-X` fails while anything still jumps to
 * the chain. The integration test checks the same documents against the real program.
 */

interface SimChain {
  policy: string;
  rules: string[];
}

/** Tables by name; chains in declaration order (built-ins first). */
export type SimState = Map<string, Map<string, SimChain>>;

const BUILTIN: Record<string, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
};

function table(state: SimState, name: string): Map<string, SimChain> {
  let t = state.get(name);
  if (!t) {
    t = new Map((BUILTIN[name] ?? []).map((c) => [c, { policy: 'ACCEPT', rules: [] }]));
    state.set(name, t);
  }
  return t;
}

function chain(t: Map<string, SimChain>, name: string, line: string): SimChain {
  const c = t.get(name);
  if (!c) throw new Error(`no chain "${name}": ${line}`);
  return c;
}

function apply(t: Map<string, SimChain>, line: string): void {
  const decl = /^:(\S+) (\S+) \[\d+:\d+\]$/.exec(line);
  if (decl) {
    const old = t.get(decl[1]!);
    // A built-in chain's declaration only sets its policy; a user chain's flushes it.
    if (old && old.policy !== '-') old.policy = decl[2]!;
    else t.set(decl[1]!, { policy: decl[2]!, rules: [] });
    return;
  }
  const [op = '', name = '', ...rest] = line.split(' ');
  if (op === '-X') {
    const refs = [...t.values()].flatMap((c) => c.rules).filter((r) => new RegExp(`(^| )-[jg] ${name}( |$)`).test(r));
    if (refs.length > 0) throw new Error(`chain still referenced: ${line}`);
    if (!t.delete(name)) throw new Error(`no chain: ${line}`);
    return;
  }
  const c = chain(t, name, line);
  if (op === '-A') c.rules.push(rest.join(' '));
  else if (op === '-I' && rest[0] === '1') c.rules.unshift(rest.slice(1).join(' '));
  else if (op === '-D') {
    const i = c.rules.indexOf(rest.join(' '));
    if (i < 0) throw new Error(`no such rule: ${line}`);
    c.rules.splice(i, 1);
  } else throw new Error(`unsupported line: ${line}`);
}

/** Loads `iptables-save`-style text. */
export function load(text: string): SimState {
  return restore(new Map(), text);
}

/** Applies a restore document to a copy of `state`; throws like iptables-restore would. */
export function restore(state: SimState, doc: string): SimState {
  const next: SimState = new Map(
    [...state].map(([n, t]) => [n, new Map([...t].map(([c, v]) => [c, { policy: v.policy, rules: [...v.rules] }]))]),
  );
  let current: Map<string, SimChain> | undefined;
  for (const line of doc.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) current = table(next, line.slice(1));
    else if (line === 'COMMIT') current = undefined;
    else if (!current) throw new Error(`line outside a table: ${line}`);
    else apply(current, line);
  }
  return next;
}

/** The state as `iptables-save` prints it: built-in chains first, then user chains by name. */
export function save(state: SimState): string {
  const out: string[] = [];
  for (const [name, t] of state) {
    const builtin = [...t].filter(([, v]) => v.policy !== '-');
    const user = [...t].filter(([, v]) => v.policy === '-').sort(([a], [b]) => (a < b ? -1 : 1));
    const chains = [...builtin, ...user];
    out.push(`*${name}`, ...chains.map(([c, v]) => `:${c} ${v.policy} [0:0]`));
    for (const [c, v] of chains) out.push(...v.rules.map((r) => `-A ${c} ${r}`));
    out.push('COMMIT');
  }
  return `${out.join('\n')}\n`;
}

/**
 * One `-A CHAIN ...` line (after tokenizing) as a Rule: basic criteria, `-m` matches with
 * their options, and the `-j`/`-g` target with its options.
 */
import type { Counters, Match, Option, Rule, Target } from './ast.js';
import { isFlag, LineError, quoteStyle, type QuoteStyle, type Tokens } from './tokenize.js';

const COUNTERS = /^\[(\d+):(\d+)\]$/;
const DIGITS = /^\d+$/;
const NOT_NEGATABLE = new Set(['-m', '--match', '-j', '--jump', '-g', '--goto', '-c', '--set-counters']);
const COMMANDS = new Set(['-I', '-D', '-R', '-N', '-X', '-F', '-P', '-E', '-Z', '--insert', '--delete', '--new-chain']);

/** `[p:b]` as Counters, or undefined when `text` is not in that form. */
export function parseCounters(text: string): Counters | undefined {
  const m = COUNTERS.exec(text);
  return m ? { packets: BigInt(m[1]!), bytes: BigInt(m[2]!) } : undefined;
}

function show(t: string): string {
  return JSON.stringify(t);
}

/** True when token `i` exists and is a value, not a flag or `!`. */
function isValue(tokens: Tokens, i: number): boolean {
  const t = tokens.text[i];
  return t !== undefined && (tokens.quoted?.[i] === true || (t !== '!' && !isFlag(t)));
}

/** True when token `i` is an unquoted flag or `!` (a quoted `"-m"` is a value). */
function isBare(tokens: Tokens, i: number): boolean {
  return tokens.quoted?.[i] !== true;
}

/** Returns one shared copy of equal strings (chain, module and target names repeat a lot). */
export type Intern = (s: string) => string;

interface FlagInfo {
  name: string;
  short: boolean;
  style: QuoteStyle;
}

// Option flags repeat on every line; their names are shared, which keeps a big AST small.
const FLAGS = new Map<string, FlagInfo>();

function flagInfo(flag: string): FlagInfo {
  let f = FLAGS.get(flag);
  if (f === undefined) {
    const short = flag[1] !== '-';
    const name = flag.slice(short ? 1 : 2);
    f = { name, short, style: quoteStyle(name, short) };
    if (FLAGS.size < 1000) FLAGS.set(flag, f);
  }
  return f;
}

// Arrays grown by push keep spare capacity; exact copies keep 10,000 parsed rules small.
function exact<T>(xs: T[]): T[] {
  return xs.length === 0 ? xs : xs.slice();
}

/** The parse state of one rule line. */
class RuleReader {
  private i = 0;
  private basic: Match | undefined;
  private current: Match | undefined;
  private target: Target | undefined;
  private negate = false;

  constructor(
    private readonly tokens: Tokens,
    private readonly rule: Rule,
    start: number,
    private readonly intern: Intern,
  ) {
    this.i = start;
  }

  /** The value after a flag such as `-m` or `-j`. */
  private name(flag: string): string {
    if (!isValue(this.tokens, this.i)) throw new LineError(`${flag} needs a name`);
    return this.intern(this.tokens.text[this.i++]!);
  }

  private counters(): void {
    const [p, b] = [this.tokens.text[this.i], this.tokens.text[this.i + 1]];
    if (!p || !b || !DIGITS.test(p) || !DIGITS.test(b)) throw new LineError('-c needs two counters');
    this.rule.counters = { packets: BigInt(p), bytes: BigInt(b) };
    this.i += 2;
  }

  private values(style: QuoteStyle, flag: string): string[] {
    const { text } = this.tokens;
    if (style !== 'plain') {
      const t = text[this.i++];
      if (t === undefined) throw new LineError(`option "${flag}" needs a value`);
      return [t];
    }
    const start = this.i;
    while (isValue(this.tokens, this.i)) this.i++;
    return this.i === start ? [] : this.i === start + 1 ? [text[start]!] : text.slice(start, this.i);
  }

  private basicMatch(): Match {
    if (!this.basic) {
      this.basic = { module: null, options: [] };
      this.rule.matches.unshift(this.basic);
    }
    return this.basic;
  }

  private option(flag: string): void {
    const { name, short, style } = flagInfo(flag);
    const values = this.values(style, flag);
    // Literals with every property at once: no shape changes, no spare property storage.
    let o: Option;
    if (this.negate) o = short ? { name, short, negated: true, values } : { name, negated: true, values };
    else o = short ? { name, short, values } : { name, values };
    this.negate = false;
    // Short options are the basic criteria (-s, -d, -i, -o, -p, -f) wherever they appear.
    const into = this.target
      ? this.target.options
      : short
        ? this.basicMatch().options
        : (this.current ?? this.basicMatch()).options;
    into.push(o);
  }

  private structural(flag: string): boolean {
    switch (flag) {
      case '-m':
      case '--match':
        if (this.target) throw new LineError(`"${flag}" after the target`);
        this.current = { module: this.name(flag), options: [] };
        this.rule.matches.push(this.current);
        return true;
      case '-j':
      case '--jump':
      case '-g':
      case '--goto':
        if (this.target) throw new LineError(`second target "${flag}"`);
        this.target = {
          kind: flag === '-g' || flag === '--goto' ? 'goto' : 'jump',
          name: this.name(flag),
          options: [],
        };
        this.rule.target = this.target;
        return true;
      case '-c':
      case '--set-counters':
        this.counters();
        return true;
      default:
        return false;
    }
  }

  read(): void {
    const { text } = this.tokens;
    while (this.i < text.length) {
      const bare = isBare(this.tokens, this.i);
      const t = text[this.i++]!;
      if (bare && t === '!') {
        if (this.negate) throw new LineError('unexpected token "!"');
        this.negate = true;
        continue;
      }
      if (!bare || !isFlag(t)) throw new LineError(`unexpected token ${show(t)}`);
      if (this.negate && NOT_NEGATABLE.has(t)) throw new LineError(`"!" before "${t}"`);
      if (!this.structural(t)) this.option(t);
    }
    if (this.negate) throw new LineError('"!" at the end of the rule');
    const { rule } = this;
    rule.matches = exact(rule.matches);
    for (const m of rule.matches) m.options = exact(m.options);
    if (rule.target) rule.target.options = exact(rule.target.options);
  }
}

/** Parses the tokens of a rule line: `[p:b]`? `-A CHAIN` options... */
export function parseRule(tokens: Tokens, intern: Intern = (x) => x): Rule {
  let i = 0;
  let counters: Counters | undefined;
  const first = tokens.text[0];
  if (first !== undefined && isBare(tokens, 0) && first.startsWith('[')) {
    counters = parseCounters(first);
    if (!counters) throw new LineError(`bad counters ${show(first)}`);
    i = 1;
  }
  const cmd = tokens.text[i];
  if (cmd === undefined || !isBare(tokens, i) || (cmd !== '-A' && cmd !== '--append')) {
    if (cmd !== undefined && isBare(tokens, i) && COMMANDS.has(cmd))
      throw new LineError(`unsupported command "${cmd}" (only -A)`);
    throw new LineError(cmd !== undefined ? `unexpected token ${show(cmd)}` : 'counters without a rule');
  }
  if (!isValue(tokens, i + 1)) throw new LineError(`${cmd} needs a chain name`);
  const rule: Rule = { chain: intern(tokens.text[i + 1]!), matches: [] };
  if (counters) rule.counters = counters;
  new RuleReader(tokens, rule, i + 2, intern).read();
  return rule;
}

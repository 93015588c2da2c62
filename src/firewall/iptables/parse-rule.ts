/**
 * One `-A CHAIN ...` line (after tokenizing) as a Rule: basic criteria, `-m` matches with
 * their options, and the `-j`/`-g` target with its options.
 */
import type { Counters, Match, Option, Rule, Target } from './ast.js';
import { isFlag, LineError, quoteStyle, type Tokens } from './tokenize.js';

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
  ) {
    this.i = start;
  }

  /** The value after a flag such as `-m` or `-j`. */
  private name(flag: string): string {
    if (!isValue(this.tokens, this.i)) throw new LineError(`${flag} needs a name`);
    return this.tokens.text[this.i++]!;
  }

  private counters(): void {
    const [p, b] = [this.tokens.text[this.i], this.tokens.text[this.i + 1]];
    if (!p || !b || !DIGITS.test(p) || !DIGITS.test(b)) throw new LineError('-c needs two counters');
    this.rule.counters = { packets: BigInt(p), bytes: BigInt(b) };
    this.i += 2;
  }

  private values(name: string, short: boolean, flag: string): string[] {
    if (quoteStyle(name, short) !== 'plain') {
      const t = this.tokens.text[this.i++];
      if (t === undefined) throw new LineError(`option "${flag}" needs a value`);
      return [t];
    }
    const out: string[] = [];
    for (; isValue(this.tokens, this.i); this.i++) out.push(this.tokens.text[this.i]!);
    return out;
  }

  private basicMatch(): Match {
    if (!this.basic) {
      this.basic = { module: null, options: [] };
      this.rule.matches.unshift(this.basic);
    }
    return this.basic;
  }

  private option(flag: string): void {
    const short = flag[1] !== '-';
    const name = flag.slice(short ? 1 : 2);
    const o: Option = { name, values: this.values(name, short, flag) };
    if (short) o.short = true;
    if (this.negate) o.negated = true;
    this.negate = false;
    // Short options are the basic criteria (-s, -d, -i, -o, -p, -f) wherever they appear.
    const into = this.target ? this.target.options : short ? this.basicMatch().options : (this.current ?? this.basicMatch()).options;
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
        this.target = { kind: flag === '-g' || flag === '--goto' ? 'goto' : 'jump', name: this.name(flag), options: [] };
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
  }
}

/** Parses the tokens of a rule line: `[p:b]`? `-A CHAIN` options... */
export function parseRule(tokens: Tokens): Rule {
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
    if (cmd !== undefined && isBare(tokens, i) && COMMANDS.has(cmd)) throw new LineError(`unsupported command "${cmd}" (only -A)`);
    throw new LineError(cmd !== undefined ? `unexpected token ${show(cmd)}` : 'counters without a rule');
  }
  if (!isValue(tokens, i + 1)) throw new LineError(`${cmd} needs a chain name`);
  const rule: Rule = { chain: tokens.text[i + 1]!, matches: [] };
  if (counters) rule.counters = counters;
  new RuleReader(tokens, rule, i + 2).read();
  return rule;
}

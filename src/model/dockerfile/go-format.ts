/** Go's formatting of the values Docker writes into history strings (strconv.Quote, %q, Duration). Pure. */

const NAMED: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** Go's strconv.Quote for printable text and the usual control characters. */
export function goQuote(s: string): string {
  let out = '"';
  for (const c of s) {
    const n = c.codePointAt(0)!;
    if (NAMED[c]) out += NAMED[c];
    else if (n < 0x20 || n === 0x7f) out += `\\x${n.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

/** Go's `%q` of a []string: `["a" "b"]`. */
export function goQuoteList(items: string[]): string {
  return `[${items.map(goQuote).join(' ')}]`;
}

function decimal(n: number, unit: number): string {
  const whole = Math.floor(n / unit);
  const frac = (n % unit)
    .toString()
    .padStart(Math.round(Math.log10(unit)), '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}

/** Go's time.Duration.String of NS nanoseconds (`0s`, `500ms`, `1.5s`, `5m0s`, `1h0m0s`). */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${decimal(ns, 1e3)}µs`;
  if (ns < 1e9) return `${decimal(ns, 1e6)}ms`;
  const h = Math.floor(ns / 3600e9);
  const m = Math.floor((ns % 3600e9) / 60e9);
  const s = decimal(ns % 60e9, 1e9);
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

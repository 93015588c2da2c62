/** Docker's shell lexer (buildkit frontend/dockerfile/shell): quotes, escapes and ${VAR} forms. Pure. */

/** Variables visible to a word: a lookup returning undefined for unset names. */
export type Lookup = (name: string) => string | undefined;

/** Expands one word (quotes removed) as Docker's ProcessWord does; records names looked up into USED. */
export function expandWord(_word: string, _env: Lookup, _escape = '\\', _used?: Set<string>): string {
  throw new Error('not yet');
}

/** Expands and splits on unquoted blanks as Docker's ProcessWords does (EXPOSE, VOLUME, ...). */
export function expandWords(_text: string, _env: Lookup, _escape = '\\', _used?: Set<string>): string[] {
  throw new Error('not yet');
}

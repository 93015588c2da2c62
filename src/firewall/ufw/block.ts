/**
 * netctl's block in ufw's after.rules / after6.rules, as pure text splicing: the block is
 * the template between a `# BEGIN netctl` and a `# END netctl` line, appended to the file
 * after one separating newline. `removeBlock(insertBlock(x, b))` is `x`, byte for byte.
 */
import { ConflictError, UsageError } from '../../errors.js';
import { BLOCK_BEGIN, BLOCK_END } from './names.js';

/** The two marker lines of a block: netctl's own, or another kind's (`# BEGIN netctl-docker`). */
export interface Markers {
  begin: string;
  end: string;
}

/** netctl's own block markers. */
export const NETCTL_MARKERS: Markers = { begin: BLOCK_BEGIN, end: BLOCK_END };

export { unifiedDiff } from './unified-diff.js';

/** Where a block sits in a file: character offsets of its first and one past its last character. */
export interface BlockSpan {
  start: number;
  end: number;
}

/** One line of a text with its offsets, `end` excluding the line break. */
interface Line {
  text: string;
  start: number;
  /** Offset after the line break (or the end of the text). */
  next: number;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const next = nl === -1 ? text.length : nl + 1;
    const body = text.slice(start, nl === -1 ? text.length : nl);
    // A file saved with CRLF still has our markers; the '\r' is not part of them.
    out.push({ text: body.endsWith('\r') ? body.slice(0, -1) : body, start, next });
    start = next;
  }
  return out;
}

const HINT = 'edit the file so that it has both marker lines of one block, or neither, then run the command again';

/**
 * Finds netctl's block (from the start of its BEGIN line to after its END line's line
 * break). Undefined when there is none; throws a ConflictError on a half block, a second
 * block, or markers in the wrong order.
 */
export function findBlock(
  fileText: string,
  path = 'the file',
  markers: Markers = NETCTL_MARKERS,
): BlockSpan | undefined {
  const { begin: BLOCK_BEGIN, end: BLOCK_END } = markers;
  const begins: Line[] = [];
  const ends: Line[] = [];
  for (const l of lines(fileText)) {
    if (l.text.trimEnd() === BLOCK_BEGIN) begins.push(l);
    else if (l.text.trimEnd() === BLOCK_END) ends.push(l);
  }
  if (begins.length === 0 && ends.length === 0) return undefined;
  if (begins.length > 1 || ends.length > 1) throw new ConflictError(`${path} has more than one netctl block`, HINT);
  const [b] = begins;
  const [e] = ends;
  if (!b) throw new ConflictError(`${path} has "${BLOCK_END}" without "${BLOCK_BEGIN}"`, HINT);
  if (!e) throw new ConflictError(`${path} has "${BLOCK_BEGIN}" without "${BLOCK_END}"`, HINT);
  if (e.start < b.start) throw new ConflictError(`${path} has "${BLOCK_END}" before "${BLOCK_BEGIN}"`, HINT);
  return { start: b.start, end: e.next };
}

/** The block as it appears in the file: the template between the two markers. */
export function markedBlock(blockText: string, markers: Markers = NETCTL_MARKERS): string {
  const { begin: BLOCK_BEGIN, end: BLOCK_END } = markers;
  for (const l of lines(blockText)) {
    if (l.text.trimEnd() === BLOCK_BEGIN || l.text.trimEnd() === BLOCK_END) {
      throw new UsageError(`the block template must not contain the line "${l.text}"`);
    }
  }
  const body = blockText === '' || blockText.endsWith('\n') ? blockText : `${blockText}\n`;
  return `${BLOCK_BEGIN}\n${body}${BLOCK_END}\n`;
}

/**
 * `fileText` with netctl's block holding `blockText`: an existing block is replaced in
 * place, otherwise the block is appended after one newline (a blank line when the file
 * ends with a line break, as ufw's files do; the missing line break otherwise). Returns
 * `fileText` itself when the block is already current.
 */
export function insertBlock(
  fileText: string,
  blockText: string,
  path?: string,
  markers: Markers = NETCTL_MARKERS,
): string {
  const block = markedBlock(blockText, markers);
  const span = findBlock(fileText, path, markers);
  if (span) return fileText.slice(0, span.start) + block + fileText.slice(span.end);
  if (fileText === '') return block;
  // The "\n" put after a lone "\r" would make a CRLF that removeBlock must keep (a CRLF
  // file's own line end): refused rather than given back changed.
  if (fileText.endsWith('\r'))
    throw new ConflictError(`${path ?? 'the file'} ends with a carriage return but no line break`, 'end its last line');
  return `${fileText}\n${block}`;
}

/**
 * `fileText` without netctl's block and the newline `insertBlock` put before it. When the
 * block is not at the end (something was added after it), only a blank line before it
 * goes with it. Returns `fileText` itself when there is no block.
 */
export function removeBlock(fileText: string, path?: string, markers: Markers = NETCTL_MARKERS): string {
  const span = findBlock(fileText, path, markers);
  if (!span) return fileText;
  const before = fileText.slice(0, span.start);
  const after = fileText.slice(span.end);
  // insertBlock writes "\n"; a block with CRLF markers was converted with the whole file.
  const sep = fileText.slice(span.start, fileText.indexOf('\n', span.start)).endsWith('\r') ? '\r\n' : '\n';
  if (!before.endsWith(sep)) return before + after;
  const blankBefore = before === sep || before.endsWith(`\n${sep}`);
  // A CRLF line right before an LF block ends the file's own line: its "\n" is not ours.
  if (sep === '\n' && before.endsWith('\r\n') && !blankBefore) return before + after;
  return after === '' || blankBefore ? before.slice(0, -sep.length) + after : before + after;
}

/** What state a file's block is in, compared with the block text netctl would write. */
export type BlockState = 'absent' | 'current' | 'outdated' | 'malformed';

/** The state of netctl's block in `fileText` against the template `blockText`. Never throws. */
export function blockState(fileText: string, blockText: string, markers: Markers = NETCTL_MARKERS): BlockState {
  try {
    const span = findBlock(fileText, undefined, markers);
    if (!span) return 'absent';
    return fileText.slice(span.start, span.end) === markedBlock(blockText, markers) ? 'current' : 'outdated';
  } catch (err) {
    if (err instanceof ConflictError) return 'malformed';
    throw err;
  }
}

/**
 * True when `afterRulesText` holds one well-formed netctl block (whatever its version).
 * The engine jumps to the block's chain only when this holds and the chain is loaded
 * (see `chainLoaded`): a jump to a missing chain would make iptables-restore fail.
 */
export function blockInstalled(afterRulesText: string, markers: Markers = NETCTL_MARKERS): boolean {
  try {
    return findBlock(afterRulesText, undefined, markers) !== undefined;
  } catch (err) {
    if (err instanceof ConflictError) return false;
    throw err;
  }
}

/**
 * Extended attributes of a whole tree, read with one `getfattr -R` (Node has no xattr
 * call): what a layer written from a directory keeps (file capabilities, user attributes)
 * and what tells an overlay upper directory's opaque directories apart.
 */
import { run } from '../sys/exec.js';
import { SystemError } from '../errors.js';

/** Attributes by absolute path, values as bytes. */
export type XattrMap = Map<string, Map<string, Buffer>>;

// getfattr escapes odd bytes of a path as \ooo (and a backslash as \\).
function unescapePath(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const m = /^\\([0-7]{3})/.exec(s.slice(i, i + 4));
    if (m) {
      bytes.push(parseInt(m[1]!, 8));
      i += 3;
    } else if (s[i] === '\\' && s[i + 1] === '\\') {
      bytes.push(0x5c);
      i++;
    } else bytes.push(...Buffer.from(s[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeValue(v: string): Buffer {
  if (v.startsWith('0s')) return Buffer.from(v.slice(2), 'base64');
  if (v.startsWith('0x')) return Buffer.from(v.slice(2), 'hex');
  return Buffer.from(v.replace(/^"|"$/g, ''), 'utf8');
}

/** Parses `getfattr -d -e base64 --absolute-names` output. Pure. */
export function parseGetfattr(text: string): XattrMap {
  const out: XattrMap = new Map();
  let current: Map<string, Buffer> | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) {
      current = new Map();
      out.set(unescapePath(line.slice(8)), current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq <= 0) continue;
    current.set(line.slice(0, eq), decodeValue(line.slice(eq + 1)));
  }
  return out;
}

/** The extended attributes of every file under DIR (symlinks not followed). */
export async function treeXattrs(dir: string): Promise<XattrMap> {
  const r = await run(['getfattr', '-R', '-P', '-d', '-m', '-', '-e', 'base64', '--absolute-names', '--', dir], {
    timeoutMs: 10 * 60_000,
  });
  // 1: some file had none it could read (sockets...); the rest is still printed.
  if (r.code !== 0 && r.code !== 1) throw new SystemError(`getfattr ${dir} exited ${r.code}: ${r.stderr.trim()}`);
  return parseGetfattr(r.stdout);
}

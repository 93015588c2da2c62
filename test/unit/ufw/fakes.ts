/**
 * In-memory ufw for the apply tests: files in a Map, and a runner that plays
 * iptables-save / iptables-restore / unshare against a small model of the live filter table.
 */
import { readFileSync } from 'node:fs';
import type { FileInfo, TextFiles } from '../../../src/sys/atomic-file.js';
import type { ExecOptions, ExecResult, Runner } from '../../../src/sys/exec.js';
import type { UfwDeps } from '../../../src/firewall/ufw/observe.js';

const read = (rel: string): string => readFileSync(new URL(`../../${rel}`, import.meta.url), 'latin1');

/** Debian's files and the block templates. */
export const DEBIAN = {
  after: read('fixtures/ufw/after.rules'),
  after6: read('fixtures/ufw/after6.rules'),
  before: read('fixtures/ufw/before.rules'),
  before6: read('fixtures/ufw/before6.rules'),
};

export const TEMPLATES = '/pkg/rules/ufw';
const MODE = 0o100640;

/** Files kept in memory; `onCreate` lets a test act when a backup is written. */
export class MemFiles implements TextFiles {
  readonly files = new Map<string, { text: string; info: FileInfo }>();
  onCreate?: (path: string) => void;

  put(path: string, text: string, info: FileInfo = { mode: MODE, uid: 0, gid: 0 }): void {
    this.files.set(path, { text, info });
  }
  text(path: string): string | undefined {
    return this.files.get(path)?.text;
  }
  async read(path: string): Promise<string | undefined> {
    return this.files.get(path)?.text;
  }
  async info(path: string): Promise<FileInfo | undefined> {
    return this.files.get(path)?.info;
  }
  async replace(path: string, text: string, like: FileInfo): Promise<void> {
    this.files.set(path, { text, info: like });
  }
  async create(path: string, text: string, like: FileInfo): Promise<boolean> {
    if (this.files.has(path)) return false;
    this.files.set(path, { text, info: like });
    this.onCreate?.(path);
    return true;
  }
  async list(dir: string): Promise<string[]> {
    const prefix = `${dir}/`;
    return [...this.files.keys()]
      .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
      .map((p) => p.slice(prefix.length));
  }
  async remove(path: string): Promise<boolean> {
    return this.files.delete(path);
  }
}

/** The live state of one family's filter table. */
export interface LiveFamily {
  running: boolean;
  /** The rules of the block's chain (without `-A chain`), or undefined when it does not exist. */
  chain?: string[];
  /** Rules elsewhere jumping to it. */
  refs: number;
}

type Validator = (doc: string, argv: readonly string[]) => ExecResult;

/** Records every command; plays ufw's live tables. */
export class FakeRunner implements Runner {
  readonly calls: { argv: string[]; input: string }[] = [];
  readonly live: Record<4 | 6, LiveFamily> = { 4: { running: true, refs: 0 }, 6: { running: true, refs: 0 } };
  validator: Validator = () => ({ code: 0, stdout: '', stderr: '' });

  async run(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const input =
      opts.input === undefined ? '' : Buffer.isBuffer(opts.input) ? opts.input.toString('latin1') : opts.input;
    this.calls.push({ argv: [...argv], input });
    const ok = { code: 0, stdout: '', stderr: '' };
    if (argv[0] === 'unshare') return this.validator(input, argv);
    const family = argv[0]!.startsWith('ip6') ? 6 : 4;
    // One firewall, nf_tables: legacy iptables has no tables (a host of one flavour).
    if (argv[0]!.includes('-legacy-')) return { ...ok, stdout: '' };
    if (argv[0]!.endsWith('-save')) return { ...ok, stdout: this.save(family) };
    // `iptables -S CHAIN`: ufw's user chains are there while it runs (routes-live.ts).
    if (argv[1] === '-S') return this.live[family].running ? ok : { code: 1, stdout: '', stderr: 'no chain' };
    if (argv[0]!.endsWith('-restore')) {
      this.restore(family, input);
      return ok;
    }
    return { code: 127, stdout: '', stderr: `no such program in the fake: ${argv[0]}` };
  }

  /** The calls to one program. */
  of(program: string): { argv: string[]; input: string }[] {
    return this.calls.filter((c) => c.argv[0] === program);
  }

  private save(family: 4 | 6): string {
    const p = family === 4 ? 'ufw' : 'ufw6';
    const l = this.live[family];
    const out = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]'];
    if (l.running) out.push(`:${p}-user-input - [0:0]`, `:${p}-user-forward - [0:0]`);
    if (l.chain) out.push(`:${p}-netctl-forward - [0:0]`);
    if (l.refs > 0) out.push(':NETCTL-P-a01 - [0:0]');
    if (l.chain) out.push(...l.chain.map((r) => `-A ${p}-netctl-forward ${r}`));
    for (let i = 0; i < l.refs; i++) out.push(`-A NETCTL-P-a01 -d 10.1.0.${i + 2}/32 -j ${p}-netctl-forward`);
    return `${out.join('\n')}\nCOMMIT\n`;
  }

  private restore(family: 4 | 6, doc: string): void {
    const p = family === 4 ? 'ufw' : 'ufw6';
    const l = this.live[family];
    if (doc.includes(`-X ${p}-netctl-forward`)) {
      if (l.refs > 0) throw new Error('fake: deleting a referenced chain');
      delete l.chain;
      return;
    }
    const prefix = `-A ${p}-netctl-forward `;
    l.chain = doc
      .split('\n')
      .filter((x) => x.startsWith(prefix))
      .map((x) => x.slice(prefix.length));
  }
}

/** A fresh fake host with Debian's ufw files, and the dependencies pointing at it. */
export function fakeHost(): { files: MemFiles; runner: FakeRunner; deps: UfwDeps } {
  const files = new MemFiles();
  files.put('/etc/ufw/after.rules', DEBIAN.after);
  files.put('/etc/ufw/after6.rules', DEBIAN.after6);
  files.put('/etc/ufw/before.rules', DEBIAN.before);
  files.put('/etc/ufw/before6.rules', DEBIAN.before6);
  files.put('/etc/ufw/ufw.conf', 'ENABLED=yes\nLOGLEVEL=low\n');
  files.put('/etc/default/ufw', 'IPV6=yes\nDEFAULT_FORWARD_POLICY="DROP"\n');
  files.put(`${TEMPLATES}/after.rules.block`, read('../rules/ufw/after.rules.block'));
  files.put(`${TEMPLATES}/after6.rules.block`, read('../rules/ufw/after6.rules.block'));
  const runner = new FakeRunner();
  const deps: UfwDeps = {
    files,
    runner,
    now: () => new Date(2025, 0, 2, 3, 4, 5),
    etc: '/etc/ufw',
    defaults: '/etc/default/ufw',
    templates: TEMPLATES,
  };
  return { files, runner, deps };
}

/**
 * What the ufw commands look at before they change anything: ufw's files and settings, the
 * block templates, and per family whether ufw runs and how the block's chain is loaded.
 * Effects go through the injected files and runner.
 */
import { join } from 'node:path';
import { InternalError, wrap } from '../../errors.js';
import type { Runner } from '../../sys/exec.js';
import type { TextFiles } from '../../sys/atomic-file.js';
import type { Ruleset } from '../iptables/ast.js';
import { parse } from '../iptables/parse.js';
import { blockState, type BlockState } from './block.js';
import { UFW_FAMILIES, type UfwFamily } from './names.js';
import type { Family } from '../../model/addr.js';
import { ufwRunning, type ChainState } from './plan.js';
import { NETCTL_BLOCK, type BlockKind } from './block-kind.js';

/** Where things are and how to reach them; `defaultUfwDeps` (ufw-deps.ts) has the real ones. */
export interface UfwDeps {
  files: TextFiles;
  runner: Runner;
  now: () => Date;
  /** ufw's directory, normally /etc/ufw. */
  etc: string;
  /** ufw's defaults file, normally /etc/default/ufw. */
  defaults: string;
  /** The directory holding the block templates (rules/ufw in the package). */
  templates: string;
  /**
   * Runs `fn` holding ufw's own lock (/run/ufw.lock, fcntl), around netctl's writes of
   * ufw's user rules. Absent in fakes: no lock.
   */
  lock?: <T>(fn: () => Promise<T>) => Promise<T>;
}

/** One family as observed. */
export interface FamilyView {
  family: Family;
  spec: UfwFamily;
  /** after.rules / after6.rules. */
  path: string;
  /** Its text (binary string), undefined when the file is missing. */
  text: string | undefined;
  /** before.rules / before6.rules, for validation. */
  before: string | undefined;
  /** The block netctl would write. */
  template: string;
  block: BlockState;
  /** ufw's chains are loaded in this family. */
  running: boolean;
  chain: ChainState;
  /** Rules jumping to the block's chain from elsewhere (netctl's port rules). */
  references: string[];
  /** Why the live ruleset could not be read, if it could not. */
  liveError?: string;
  /** The live filter table, when it could be read. */
  live?: Ruleset;
}

/** ufw as observed. */
export interface UfwView {
  /** after.rules exists. */
  installed: boolean;
  /** ENABLED=yes in ufw.conf: ufw starts at boot. */
  enabled: boolean;
  /** DEFAULT_FORWARD_POLICY as ufw names it: allow, deny or reject. */
  routedPolicy: string | null;
  families: FamilyView[];
}

/** The value of `KEY=value` or `KEY="value"` in a shell-style settings file. */
export function setting(text: string | undefined, key: string): string | null {
  const m = new RegExp(`^\\s*${key}\\s*=\\s*"?([^"\\s#]*)"?`, 'm').exec(text ?? '');
  return m ? m[1]! : null;
}

const POLICY_NAMES: Record<string, string> = { ACCEPT: 'allow', DROP: 'deny', REJECT: 'reject' };

async function live(deps: UfwDeps, spec: UfwFamily): Promise<Ruleset | string> {
  try {
    const r = await deps.runner.run([spec.save, '-t', 'filter'], { timeoutMs: 20_000 });
    if (r.code !== 0) return `${spec.save} failed: ${r.stderr.trim() || `exit code ${r.code}`}`;
    return parse(r.stdout, { family: spec.family });
  } catch (err) {
    return wrap('run', spec.save, err).message;
  }
}

async function template(deps: UfwDeps, spec: UfwFamily, kind: BlockKind): Promise<string> {
  const path = join(deps.templates, kind.template(spec));
  const text = await deps.files.read(path);
  if (text === undefined) throw new InternalError(`block template "${path}" is missing`);
  return text;
}

async function observeFamily(deps: UfwDeps, spec: UfwFamily, kind: BlockKind): Promise<FamilyView> {
  const path = join(deps.etc, spec.after);
  const [text, before, tpl, rs] = await Promise.all([
    deps.files.read(path),
    deps.files.read(join(deps.etc, spec.before)),
    template(deps, spec, kind),
    live(deps, spec),
  ]);
  const view: FamilyView = {
    family: spec.family,
    spec,
    path,
    text,
    before,
    template: tpl,
    block: text === undefined ? 'absent' : blockState(text, tpl, kind.markers),
    running: false,
    chain: 'absent',
    references: [],
  };
  if (typeof rs === 'string') return { ...view, liveError: rs };
  return {
    ...view,
    live: rs,
    running: ufwRunning(rs, spec.family),
    chain: kind.state(rs, spec.family, tpl),
    references: kind.references(rs, spec.family),
  };
}

/** Looks at ufw: files, settings, the templates of a kind of block, and the live filter table of each family. */
export async function observeUfw(deps: UfwDeps, kind: BlockKind = NETCTL_BLOCK): Promise<UfwView> {
  const [conf, defaults, families] = await Promise.all([
    deps.files.read(join(deps.etc, 'ufw.conf')),
    deps.files.read(deps.defaults),
    Promise.all(UFW_FAMILIES.map((spec) => observeFamily(deps, spec, kind))),
  ]);
  const policy = setting(defaults, 'DEFAULT_FORWARD_POLICY');
  return {
    installed: families[0]!.text !== undefined,
    enabled: (setting(conf, 'ENABLED') ?? '').toLowerCase() === 'yes',
    routedPolicy: policy === null ? null : (POLICY_NAMES[policy] ?? policy.toLowerCase()),
    families,
  };
}

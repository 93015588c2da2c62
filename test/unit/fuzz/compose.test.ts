/**
 * The compose loader on any YAML at all (values built from compose's keys with values of
 * every type, and mutations of real compose files): it returns a project or throws the
 * project's UsageError naming the file and line, `compose.yaml:12: ...`; never a TypeError,
 * a RangeError or the yaml library's own error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadProject } from '../../../src/compose/load.js';
import { UsageError } from '../../../src/errors.js';
import { corpus, params, timeout } from './fuzz.js';

const dir = mkdtempSync(join(tmpdir(), 'netctl-fuzz-compose-'));
const file = join(dir, 'compose.yaml');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Loads `text` as the project's only file; returns the error message, or '' when it loaded. */
function load(text: string): string {
  writeFileSync(file, text);
  try {
    loadProject({ files: [file], cwd: dir, env: { GREETING: 'hi' } });
    return '';
  } catch (err) {
    if (!(err instanceof UsageError)) throw new Error(`not a UsageError: ${String(err)}\n--- input ---\n${text}`);
    // FILE:LINE: the line where the bad value is.
    expect(err.message, text).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `));
    return err.message;
  }
}

const KEYS = {
  top: ['name', 'services', 'networks', 'volumes', 'configs', 'secrets', 'x-any', 'version', 'include'],
  service: [
    'image',
    'build',
    'command',
    'entrypoint',
    'ports',
    'expose',
    'environment',
    'env_file',
    'labels',
    'volumes',
    'networks',
    'network_mode',
    'depends_on',
    'restart',
    'healthcheck',
    'dns',
    'extra_hosts',
    'cap_add',
    'user',
    'working_dir',
    'mem_limit',
    'cpus',
    'pids_limit',
    'ulimits',
    'tmpfs',
    'hostname',
    'links',
    'profiles',
    'deploy',
    'container_name',
    'init',
    'read_only',
    'stop_signal',
    'stop_grace_period',
    'sysctls',
    'shm_size',
    'x-netctl',
  ],
};

const scalar = fc.oneof(
  fc.constantFrom('80', '8080:80', '127.0.0.1:53:53/udp', '${GREETING}', '$${X}', '${UNSET:?need it}', 'a=b', '', '~'),
  fc.constantFrom('busybox', 'no', 'always', 'true', '1.5', '-1', '65536', '10s', '64m', ':', '/data:/x:ro', 'x:y:z:w'),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('v'), { maxLength: 3 }),
  map: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS.service), fc.string({ maxLength: 5 })), tie('v'), {
    maxKeys: 3,
  }),
})).v;
const service = fc.dictionary(fc.constantFrom(...KEYS.service), value, { maxKeys: 6 });
const doc = fc.record(
  {
    name: fc.oneof(fc.constantFrom('app', 'My App', '-x', ''), fc.string({ maxLength: 6 })),
    services: fc.oneof(fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/), service, { maxKeys: 3 }), value),
    networks: value,
    volumes: value,
    'x-any': value,
  },
  { requiredKeys: [] },
);

const seeds = corpus('compose').map(([, b]) => b.toString('utf8'));
const edit = fc.record({
  at: fc.nat(),
  col: fc.nat(),
  cut: fc.nat({ max: 6 }),
  text: fc.oneof(
    fc.constantFrom(
      ' ',
      '  ',
      '-',
      ':',
      '- ',
      '"',
      "'",
      '{',
      '[',
      '&a',
      '*a',
      '<<: *a',
      '\t',
      '\n',
      '${',
      '!!binary ',
      '#',
    ),
    fc.string({ maxLength: 4 }),
  ),
});

function mutate(text: string, edits: { at: number; col: number; cut: number; text: string }[]): string {
  const lines = text.split('\n');
  for (const e of edits) {
    const i = e.at % lines.length;
    const l = lines[i]!;
    const c = e.col % (l.length + 1);
    lines[i] = l.slice(0, c) + e.text + l.slice(c + e.cut);
  }
  return lines.join('\n');
}

describe('compose loader, property tests', () => {
  it(
    'any document built from compose keys loads or fails with FILE:LINE',
    () => {
      fc.assert(
        fc.property(doc, (d) => void load(stringify(d))),
        params(150, 800),
      );
    },
    timeout(800),
  );

  it(
    'mutated real compose files load or fail with FILE:LINE',
    () => {
      fc.assert(
        fc.property(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 3 }), (t, es) => {
          void load(mutate(t, es));
        }),
        params(150, 800),
      );
    },
    timeout(800),
  );

  it('the real compose files load, and the corpus fails only with FILE:LINE', () => {
    for (const [n, b] of corpus('compose')) {
      const msg = load(b.toString('utf8'));
      if (n.startsWith('seed-')) expect(msg).toBe('');
    }
  });
});

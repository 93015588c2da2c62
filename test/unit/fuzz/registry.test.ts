/**
 * What a registry sends: manifests, indexes, image configs, WWW-Authenticate headers and
 * token answers. Any bytes give a result or the project's typed error (SystemError,
 * UsageError): a pull from a broken or hostile registry fails with one line, not a crash.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { NetctlError } from '../../../src/errors.js';
import { parseChallenge, tokenOf, tokenUrl } from '../../../src/registry/challenge.js';
import { diffIds, isIndex, parseManifest, pickManifest } from '../../../src/registry/manifest.js';
import { corpus, params, thrown, timeout } from './fuzz.js';

function typed(err: unknown, input: unknown): void {
  if (err === undefined || err instanceof NetctlError) return;
  throw new Error(`untyped ${String(err)} for ${JSON.stringify(input)}`);
}

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const leaf = fc.oneof(
  fc.constantFrom(
    DIGEST,
    'sha256:x',
    'linux',
    'amd64',
    'arm64',
    'v8',
    'unknown',
    'application/vnd.oci.image.layer.v1.tar+gzip',
  ),
  fc.string({ maxLength: 5 }),
  fc.integer({ min: -1, max: 1000 }),
  fc.constant(2 ** 60),
  fc.boolean(),
  fc.constant(null),
);
const json = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, tie('l'), tie('o')),
  l: fc.array(tie('v'), { maxLength: 3 }),
  o: fc.dictionary(
    fc.constantFrom(
      'schemaVersion',
      'mediaType',
      'manifests',
      'config',
      'layers',
      'digest',
      'size',
      'platform',
      'os',
      'architecture',
      'variant',
      'rootfs',
      'diff_ids',
      'token',
      'access_token',
    ),
    tie('v'),
    { maxKeys: 5 },
  ),
})).v;
const body = fc.oneof(
  { weight: 4, arbitrary: json.map((j) => Buffer.from(JSON.stringify(j) ?? '')) },
  fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)),
);

describe('registry documents, property tests', () => {
  it(
    'manifests, indexes and configs parse or fail with a typed error',
    () => {
      fc.assert(
        fc.property(
          body,
          fc.constantFrom('application/vnd.oci.image.index.v1+json', 'application/json', ''),
          (b, mt) => {
            const want = { os: 'linux', architecture: 'amd64' };
            for (const f of [
              () => isIndex(mt, b),
              () => pickManifest(b, want),
              () => parseManifest(b),
              () => diffIds(b),
              () => tokenOf(b, 'realm'),
            ])
              typed(thrown(f), b.toString('utf8'));
          },
        ),
        params(400),
      );
    },
    timeout(),
  );

  it(
    'any WWW-Authenticate header gives a challenge, nothing, or a typed error for its token URL',
    () => {
      const part = fc.constantFrom(
        'Bearer ',
        'Basic ',
        'realm=',
        '"https://auth.example/token"',
        'service=',
        '"reg"',
        ',',
        ' ',
        '"',
        '\\',
        'scope=',
        'x',
        'http://[',
        '://',
      );
      fc.assert(
        fc.property(
          fc.oneof(
            fc.array(part, { maxLength: 8 }).map((p) => p.join('')),
            fc.string(),
          ),
          (h) => {
            const c = parseChallenge(h);
            if (c)
              typed(
                thrown(() => tokenUrl(c, ['repository:a/b:pull'])),
                h,
              );
          },
        ),
        params(400),
      );
    },
    timeout(),
  );

  it('replays the corpus of inputs that once failed', () => {
    for (const [n, b] of corpus('registry')) {
      if (n.endsWith('.header')) {
        const c = parseChallenge(b.toString('utf8'));
        if (c)
          typed(
            thrown(() => tokenUrl(c, [])),
            n,
          );
      } else
        for (const f of [
          () => pickManifest(b, { os: 'linux', architecture: 'amd64' }),
          () => parseManifest(b),
          () => tokenOf(b, 'r'),
        ])
          typed(thrown(f), n);
    }
  });
});

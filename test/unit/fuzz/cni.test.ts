/**
 * What the CNI plugin and daemon read from a runtime: the environment, stdin's JSON and the
 * daemon's wire frames. Any input parses or is refused with the plugin's CniError (a spec
 * error code and a message; NetctlErrors are mapped to codes the same way); the daemon's
 * frame reader refuses with an Error it logs. Nothing else may escape: it would end the
 * daemon or print a stack trace to the runtime.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CniError } from '../../../src/cni/error.js';
import { parseRequest } from '../../../src/cni/request.js';
import { encodeCall, parseCall } from '../../../src/cni/wire.js';
import { NetctlError } from '../../../src/errors.js';
import { corpus, params, thrown, timeout } from './fuzz.js';

function typed(err: unknown, input: unknown): void {
  if (err === undefined) return;
  if (err instanceof CniError || err instanceof NetctlError) return;
  throw new Error(`untyped ${String(err)} for ${JSON.stringify(input)}`);
}

const KEYS = [
  'cniVersion',
  'cniVersions',
  'name',
  'type',
  'prevResult',
  'runtimeConfig',
  'dns',
  'cni.dev/valid-attachments',
  'cni.dev/attachments',
  'network',
  'subnet',
  'gateway',
  'ipMasq',
  'isGateway',
  'hairpinMode',
  'ipam',
  'bridge',
  'mtu',
  'create',
  'portMappings',
  'hostPort',
  'containerPort',
  'protocol',
  'hostIP',
  'containerID',
  'ifname',
];
const leaf = fc.oneof(
  fc.constantFrom('1.1.0', '1.0.0', '0.4.0', '0.3.1', 'netctl', 'front', '10.0.0.0/24', 'tcp', 'eth0', '', '-'),
  fc.string({ maxLength: 6 }),
  fc.integer({ min: -2, max: 70000 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const json = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('obj')),
  list: fc.array(tie('v'), { maxLength: 3 }),
  obj: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 4 })), tie('v'), { maxKeys: 5 }),
})).v;
const conf = fc.record(
  {
    cniVersion: fc.oneof(fc.constantFrom('1.1.0', '1.0.0', '0.4.0'), leaf),
    name: fc.oneof(fc.constantFrom('front', 'a.b_c-1'), leaf),
    type: fc.oneof(fc.constant('netctl'), leaf),
    runtimeConfig: json,
    prevResult: json,
    'cni.dev/valid-attachments': json,
    extra: json,
  },
  { requiredKeys: [] },
);
const env = fc.record(
  {
    CNI_COMMAND: fc.oneof(fc.constantFrom('ADD', 'DEL', 'CHECK', 'VERSION', 'STATUS', 'GC', 'add'), fc.string()),
    CNI_CONTAINERID: fc.oneof(fc.stringMatching(/^[0-9a-f]{1,64}$/), fc.string()),
    CNI_IFNAME: fc.oneof(fc.constantFrom('eth0', 'net1', '.', '..', 'a/b', 'x'.repeat(16)), fc.string()),
    CNI_NETNS: fc.oneof(fc.constant('/var/run/netns/x'), fc.string()),
    CNI_ARGS: fc.oneof(
      fc.constantFrom('K8S_POD_NAME=a;K8S_POD_NAMESPACE=b', 'IgnoreUnknown=1', ';', '=x'),
      fc.string(),
    ),
    CNI_PATH: fc.string(),
  },
  { requiredKeys: [] },
);

describe('CNI input, property tests', () => {
  it(
    'any environment and stdin parse or are refused with a CniError',
    () => {
      const stdin = fc.oneof(
        { weight: 4, arbitrary: conf.map((c) => JSON.stringify(c)) },
        json.map((j) => JSON.stringify(j) ?? ''),
        fc.string(),
      );
      fc.assert(
        fc.property(env, stdin, (e, s) =>
          typed(
            thrown(() => parseRequest(e, s)),
            [e, s],
          ),
        ),
        params(400),
      );
    },
    timeout(),
  );

  it(
    "the daemon's frame reader takes a whole call, waits for more, or refuses with an Error",
    () => {
      const frames = fc.oneof(
        fc.tuple(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.string()), fc.string()).map(([e, s]) => {
          const good = Object.fromEntries(Object.entries(e).filter(([k]) => !k.includes('=') && !k.includes('\0')));
          return encodeCall({ env: good, stdin: s });
        }),
        fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
        fc
          .array(fc.constantFrom('0:,', '3:a=b,', '12:', ':', ',', '999999999999:', '5:abc', 'x', '\0', '-1:'), {
            maxLength: 5,
          })
          .map((ps) => Buffer.from(ps.join(''))),
      );
      fc.assert(
        fc.property(frames, fc.nat(), (buf, cut) => {
          for (const b of [buf, buf.subarray(0, cut % (buf.length + 1))]) {
            const err = thrown(() => parseCall(b));
            if (err !== undefined) expect(err).toBeInstanceOf(Error);
            if (err !== undefined) expect(err.constructor).toBe(Error);
          }
        }),
        params(400),
      );
    },
    timeout(),
  );

  it('replays the corpus of inputs that once failed', () => {
    for (const [, b] of corpus('cni')) {
      const { env: e, stdin } = JSON.parse(b.toString('utf8')) as { env: Record<string, string>; stdin: string };
      typed(
        thrown(() => parseRequest(e, stdin)),
        b.toString('utf8'),
      );
    }
  });
});

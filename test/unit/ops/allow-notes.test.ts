/**
 * The notes after `netctl allow`, read through the Host's ufw files (in memory here, never
 * the machine's /etc/ufw): ufw off, and the block that sends published ports through ufw.
 */
import { describe, expect, it } from 'vitest';
import { makeHost } from '../../../src/ops/host.js';
import { allowNotes } from '../../../src/ops/allow.js';
import type { Engine } from '../../../src/engine/context.js';
import type { Store } from '../../../src/store/index.js';
import { fakeHost } from '../ufw/fakes.js';

function host(conf: string) {
  const { files, deps } = fakeHost();
  files.put('/etc/ufw/ufw.conf', conf);
  return makeHost(
    { root: '/nowhere', runRoot: '/nowhere/run' },
    { ufw: deps, store: () => ({}) as Store, engine: async () => ({}) as Engine },
  );
}

describe('allow notes', () => {
  it('say when ufw is off and when the block is not installed, for netctl and for Docker', async () => {
    expect(await allowNotes(host('ENABLED=yes\n'))).toEqual([
      "note: netctl's ufw block is not installed, so ufw does not decide published ports yet: run netctl ufw install",
    ]);
    expect(await allowNotes(host('ENABLED=no\n'), true)).toEqual([
      'note: ufw is not enabled: the rule takes effect once it is (ufw enable)',
      "note: the netctl-docker block is not installed, so ufw does not decide Docker's published ports yet: run netctl docker install",
    ]);
  });
});

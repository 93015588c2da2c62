/**
 * `netctl cni serve` checks each caller with SO_PEERCRED: root and the --group's members
 * (primary or supplementary) are answered; an unprivileged uid is refused with one line in
 * the log even when the socket's mode would let it connect (here widened to 0666 on purpose).
 * The callers are the real shim, run with setpriv as other uids inside the sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETCTL, Sandbox } from '../harness/sandbox.js';
import { SHIM } from './helpers/cni.js';

const SOCK = '/run/netctl-peer/cni.sock';
const LOG = '/run/cni-peer.log';
const GROUP = 4242;

describe('CNI daemon socket: SO_PEERCRED', () => {
  let sb: Sandbox;
  /** A VERSION call through the shim as `setpriv` args (none: root); exit 0 only when answered. */
  const call = (as: string[]) =>
    sb.exec([...(as.length ? ['setpriv', ...as, '--'] : []), SHIM, SOCK, '/bin/false'], {
      input: '{"cniVersion":"1.0.0"}',
      env: { CNI_COMMAND: 'VERSION' },
      timeoutMs: 10_000,
    });
  const log = async (): Promise<string[]> => (await sb.sh(['cat', LOG])).split('\n').filter(Boolean);

  beforeAll(async () => {
    sb = await Sandbox.start();
    await sb.background([
      'sh',
      '-c',
      `exec ${process.execPath} ${NETCTL} cni serve --socket ${SOCK} --group ${GROUP} >>${LOG} 2>&1`,
    ]);
    for (let i = 0; i < 100 && (await call([])).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await call([])).code, (await log()).join('\n')).toBe(0);
  });
  afterAll(async () => sb?.close());

  it('makes the socket 0660 root:GROUP in a directory the group can search', async () => {
    expect(await sb.sh(['stat', '-c', '%a %u %g', SOCK])).toBe(`660 0 ${GROUP}\n`);
    expect((await sb.sh(['stat', '-c', '%a %g', '/run/netctl-peer'])).trim()).toBe(`710 ${GROUP}`);
  });

  it('refuses an unprivileged uid with one logged line, answers root and the group', async () => {
    // Take the file mode out of the way: only the peer check stands between them and the daemon.
    await sb.sh(['chmod', '0666', SOCK]);
    await sb.sh(['chmod', 'o+x', '/run/netctl-peer']);
    const before = (await log()).length;
    const nobody = await call(['--reuid=65534', '--regid=65534', '--clear-groups']);
    expect(nobody.code).not.toBe(0);
    expect(nobody.stdout).not.toContain('supportedVersions');
    const added = (await log()).slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(
      /^refused a connection from uid 65534 gid 65534 pid \d+: only root and group 4242 may call$/,
    );

    const primary = await call(['--reuid=65534', `--regid=${GROUP}`, '--clear-groups']);
    expect(primary.code, primary.stderr).toBe(0);
    expect(primary.stdout).toContain('supportedVersions');
    const supplementary = await call(['--reuid=65534', '--regid=65534', `--groups=${GROUP}`]);
    expect(supplementary.code, supplementary.stderr).toBe(0);
    expect((await call([])).code).toBe(0);
    // Only the one refusal: the allowed calls log their own lines, no other refusal.
    expect((await log()).filter((l) => l.startsWith('refused'))).toHaveLength(1);
  });
});

/**
 * Every rollback complete: each verb of crash.ts made to fail at its step K (the test hook
 * NETCTL_TEST_FAIL_STEP, model/steps.ts) leaves the host exactly as it found it (compose,
 * one transaction per action, leaves each action whole: the kernel as the database says), links,
 * addresses, routes, both families' rules and ufw's files compared; a CNI ADD too on its
 * network's first use, which makes the network inside the same transaction. Nothing is
 * left in the journal either: the next command has nothing to repair.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';
import { PLUGIN } from './helpers/cni.js';
import {
  CNI_CONF,
  startCrashSandbox,
  countSteps,
  crashCases,
  hostSnapshot,
  runAll,
  runCase,
  seeded,
} from './helpers/crash.js';

const BASE = `/tmp/netctl-test-${process.pid}-rollback`;
/** Step positions tried per verb (all of them when it has fewer). */
const PER_VERB = Number(process.env.NETCTL_ROLLBACK_PER_VERB ?? 5);
const SEED = Number(process.env.NETCTL_CRASH_SEED ?? 28);

describe('a failure at any step rolls the host back completely', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startCrashSandbox(BASE);
  });
  afterAll(async () => {
    rmSync(BASE, { recursive: true, force: true });
    await sb?.close();
  });

  for (const c of crashCases(`${BASE}/proj`)) {
    it(`${c.verb}`, async () => {
      const rand = seeded(SEED + c.verb.length);
      const start = await hostSnapshot(sb);
      const steps = await countSteps(sb, c);
      expect(await hostSnapshot(sb), 'the clean-up takes everything away').toBe(start);
      const all = Array.from({ length: steps }, (_, i) => i + 1);
      const picks =
        all.length <= PER_VERB
          ? all
          : all
              .sort(() => rand() - 0.5)
              .slice(0, PER_VERB)
              .sort((a, b) => a - b);
      for (const k of picks) {
        await runAll(sb, c, c.setup, true);
        const before = await hostSnapshot(sb);
        const r = await runCase(sb, c, c.run, { NETCTL_TEST_FAIL_STEP: String(k) });
        expect(r.code, `${c.verb} failed at step ${k}`).not.toBe(0);
        expect(r.stderr + r.stdout).toContain(`injected failure at step ${k}`);
        if (c.atomic === false)
          expect(await netctlOk(sb, ['gc', '--dry-run']), 'kernel = database').toBe('nothing to collect\n');
        else expect(await hostSnapshot(sb), `${c.verb}: host after a failure at step ${k} of ${steps}`).toBe(before);
        expect((await sb.exec(['ls', '/var/lib/netctl/journal'])).stdout.trim(), 'journal').toBe('');
        await runAll(sb, c, c.cleanup, false);
        expect(await hostSnapshot(sb)).toBe(start);
      }
    }, 600_000);
  }

  it('refuses stop, start, restart and rm of a CNI attachment, naming its pod; inspect works; DEL still does', async () => {
    const ns = 'n'.repeat(63);
    const pod = `p${'o'.repeat(251)}d`;
    const env = {
      CNI_COMMAND: 'ADD',
      CNI_CONTAINERID: 'ctr-long',
      CNI_NETNS: '/run/netns/pod',
      CNI_IFNAME: 'eth0',
      CNI_PATH: '/usr/lib/cni',
      CNI_ARGS: `K8S_POD_NAMESPACE=${ns};K8S_POD_NAME=${pod}`,
    };
    const add = await sb.exec([process.execPath, PLUGIN], { env, input: CNI_CONF });
    // NAMESPACE.POD of 63 + 1 + 253 characters: cut to 128 with a hash (was "invalid container name").
    expect(add.code, add.stdout + add.stderr).toBe(0);
    const name = (JSON.parse(await netctlOk(sb, ['ps', '-a', '--json'])) as { name: string }[])
      .map((r) => r.name)
      .find((n) => n.startsWith(`${ns}.`))!;
    expect(name).toHaveLength(128);
    const before = await hostSnapshot(sb);
    for (const verb of [['stop'], ['start'], ['restart'], ['rm', '-f']]) {
      const r = await sb.netctl([...verb, name]);
      expect(r.code, verb.join(' ')).not.toBe(0);
      expect(r.stderr).toContain(`owned by Kubernetes pod ${ns}/${pod}`);
    }
    expect(await hostSnapshot(sb)).toBe(before);
    expect(await netctlOk(sb, ['inspect', name])).toContain('10.94.0.');
    const del = await sb.exec([process.execPath, PLUGIN], { env: { ...env, CNI_COMMAND: 'DEL' }, input: CNI_CONF });
    expect(del.code, del.stderr).toBe(0);
    await netctlOk(sb, ['network', 'rm', 'pods']);
  });
});

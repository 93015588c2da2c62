/**
 * Crash safety without a manual step: each verb of crash.ts is SIGKILLed at a seeded step
 * position (NETCTL_TEST_KILL_STEP=K, model/steps.ts), half the time a few milliseconds after
 * the step began (so inside a netlink exchange or an iptables-restore child). The next
 * ordinary command (the verb's clean-up, or an unrelated `network create`, never `gc`)
 * repairs what the kill left from the journal before its own work: then `gc --dry-run` finds
 * nothing (the kernel is what the database says), and once the clean-up is done the host is
 * exactly as before the setup (links, addresses, routes, rules, ufw's files, netctl's dirs).
 *
 * NETCTL_CRASH_SEED picks the kills (the failing seed and kill are in the message);
 * NETCTL_KILLS_PER_VERB how many per verb (default 8, 80 in all; 20 makes the 200).
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETCTL, Sandbox } from '../harness/sandbox.js';
import { netctlOk } from './helpers/net.js';
import { countSteps, crashCases, hostSnapshot, runAll, runCase, seeded, startCrashSandbox } from './helpers/crash.js';
import { countEventSteps, forwardRules, poll, toggle, Watch } from './helpers/crash-docker.js';
import { BUSYBOX, SandboxDocker } from './helpers/docker.js';

const BASE = `/tmp/netctl-test-${process.pid}-kill`;
const PER_VERB = Number(process.env.NETCTL_KILLS_PER_VERB ?? 8);
const SEED = Number(process.env.NETCTL_CRASH_SEED ?? 2028);
const N = [process.execPath, NETCTL];

let kills = 0;

describe('a command killed at any step is repaired by the next one', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startCrashSandbox(BASE);
  });
  afterAll(async () => {
    rmSync(BASE, { recursive: true, force: true });
    await sb?.close();
    console.log(`crash-kill: ${kills} commands killed (seed ${SEED})`);
  });

  for (const c of crashCases(`${BASE}/proj`)) {
    it(`${c.verb}`, async () => {
      const rand = seeded(SEED + c.verb.length * 7919);
      const start = await hostSnapshot(sb);
      const steps = await countSteps(sb, c);
      for (let i = 0; i < PER_VERB; i++) {
        // Every position once before any twice; a kill inside the step every other time.
        const k = ((Math.floor(rand() * steps) + i) % steps) + 1;
        const at = i % 2 === 0 ? `${k}` : `${k}:${Math.floor(rand() * 25)}`;
        const what = `${c.verb} killed at step ${at} of ${steps} (seed ${SEED}, kill ${i})`;
        await runAll(sb, c, c.setup, true);
        const r = await runCase(sb, c, c.run, { NETCTL_TEST_KILL_STEP: at });
        if (!at.includes(':')) expect(r.code, `${what}: ${r.stderr}`).not.toBe(0);
        kills += 1;
        // The next ordinary command: the clean-up's first, or one about something else.
        const unrelated = i % 3 === 1;
        const next = unrelated ? [[...N, 'network', 'create', 'probe']] : c.cleanup.slice(0, 1);
        await runAll(sb, c, next, unrelated);
        expect(await netctlOk(sb, ['gc', '--dry-run']), `${what}: kernel = database`).toBe('nothing to collect\n');
        await runAll(sb, c, unrelated ? [...c.cleanup, [...N, 'network', 'rm', 'probe']] : c.cleanup.slice(1), false);
        expect(await hostSnapshot(sb), `${what}: host after the clean-up`).toBe(start);
      }
      // A loaded machine (2 cores, load 20) takes 2 minutes for the 8 kills of connect.
    }, 600_000);
  }
});

/**
 * The Docker watch's apply: the watch is SIGKILLed at a seeded step of the rewrite a Docker
 * event causes (`web` stopped or started; an allow rule follows it). The next ordinary
 * command (the watch started again, as its unit restarts it, or an unrelated `network
 * create`) leaves the kernel as netctl's files and database say: `gc --dry-run` finds
 * nothing, the live forward chain holds exactly the file's rules, and once the watch has run
 * they are those of Docker's state (web's rule while it runs, none while it is stopped).
 */
describe('the Docker watch killed while it applies an event is repaired by the next command', () => {
  let sb: Sandbox;
  let dk: SandboxDocker;
  const withDocker = (args: string[]) => sb.exec([...N, ...args], { env: dk.env, timeoutMs: 90_000 });
  beforeAll(async () => {
    sb = await Sandbox.start();
    dk = await SandboxDocker.start(sb);
    await dk.docker('run', '-d', '--name', 'web', '-p', '8080:80', BUSYBOX, 'httpd', '-f', '-p', '80');
    await sb.sh(['ufw', '--force', 'enable'], { timeoutMs: 60_000 });
    for (const args of [
      ['docker', 'install'],
      ['allow', 'web', '80'],
    ]) {
      const r = await withDocker(args);
      if (r.code !== 0) throw new Error(`netctl ${args.join(' ')}: ${r.stderr}`);
    }
  }, 300_000);
  afterAll(async () => sb?.close());

  it('docker watch', async () => {
    const rand = seeded(SEED + 4241);
    const [before, total] = await countEventSteps(sb, dk);
    const steps = total - before;
    expect(steps, 'an event makes the watch apply steps').toBeGreaterThan(0);
    let killed = 0;
    for (let i = 0; i < PER_VERB; i++) {
      const k = before + ((Math.floor(rand() * steps) + i) % steps) + 1;
      const at = i % 2 === 0 ? `${k}` : `${k}:${Math.floor(rand() * 25)}`;
      const what = `docker watch killed at step ${at} of ${before}+${steps} (seed ${SEED}, kill ${i})`;
      const w = await Watch.start(sb, dk, { NETCTL_TEST_KILL_STEP: at });
      const running = await toggle(dk);
      if (await poll(async () => !(await w.alive()), 30_000)) killed += 1;
      else await w.stop();
      // The next ordinary command: the watch again (its unit restarts it), or something else.
      const unrelated = i % 3 === 1;
      const probe = unrelated ? await withDocker(['network', 'create', 'probe']) : undefined;
      if (probe) expect(probe.code, `${what}: ${probe.stderr}`).toBe(0);
      const again = unrelated ? undefined : await Watch.start(sb, dk);
      expect(await netctlOk(sb, ['gc', '--dry-run']), `${what}: kernel = database`).toBe('nothing to collect\n');
      const now = await forwardRules(sb);
      const why = async (): Promise<string> =>
        `${what}: live chain = user.rules\n${probe?.stdout ?? ''}${probe?.stderr ?? ''}\n${await sb.sh(['sh', '-c', 'cat /run/watch-kill.log; grep -A1 tuple /etc/ufw/user.rules; true'])}`;
      if (JSON.stringify(now.live) !== JSON.stringify(now.file)) expect(now.live, await why()).toStrictEqual(now.file);
      if (unrelated) await netctlOk(sb, ['network', 'rm', 'probe']);
      // Once the watch has run, the rules are Docker's state: web's while it runs, none otherwise.
      const w2 = again ?? (await Watch.start(sb, dk));
      const want = running ? [`${await dk.ip('web')}:80/tcp`] : [];
      const synced = async (): Promise<boolean> => {
        const r = await forwardRules(sb);
        return JSON.stringify(r.file) === JSON.stringify(want) && JSON.stringify(r.live) === JSON.stringify(want);
      };
      expect(
        await poll(synced, 30_000),
        `${what}: rules follow Docker (${JSON.stringify(await forwardRules(sb))})`,
      ).toBe(true);
      await w2.stop();
    }
    kills += killed;
    // Most kills land: a kill at a later step than this apply took leaves the watch running.
    expect(killed, 'watches killed').toBeGreaterThan(PER_VERB / 2);
  }, 900_000);
});

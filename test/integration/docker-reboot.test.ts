/**
 * The Docker guard across a reboot without booting: what a reboot does, step by step, in a
 * sandbox with Debian 13's dockerd (docker.io 26.1, the boot test's): the firewall empty, ufw
 * loading its files (ufw-init start), netctl's boot units' commands (netctl.service, then
 * netctl-docker.service's ExecStartPre, read from the unit), dockerd restarting a container
 * with `--restart always`, then the watch. Docker gives addresses again at each start: here
 * the unallowed container comes back first and gets the allowed one's old address, which the
 * rule in ufw's files still opens (what the boot test's Docker case met: 9091 open after a
 * reboot). Proven: after a power cut it stays closed (the unit's ExecStartPre took the old
 * rules out before dockerd started) and 9090 serves once the watch has put the rule on the new
 * address; an orderly shutdown leaves no Docker rule in ufw's files.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../harness/sandbox.js';
import { httpdServing, netctlOk } from './helpers/net.js';
import { BUSYBOX, SandboxDocker, startDockerWatch, until } from './helpers/docker.js';
import { USERLAND_HOOK_MS, dockerFlavours, userlandOf } from './helpers/docker-flavours.js';

const WAN = '198.51.100.2';
const WWW = '/run/netctl-test-www';
const UNIT = new URL('../../rules/systemd/netctl-docker.service', import.meta.url);

/** The unit's ExecStartPre commands, `/usr/bin/env netctl` dropped: what runs before dockerd at boot. */
function preStart(): string[][] {
  return readFileSync(UNIT, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('ExecStartPre='))
    .map((l) => l.slice('ExecStartPre='.length).replace(/^-/, '').split(' ').slice(2));
}

describe('the Docker guard across a reboot (Docker 26.1)', () => {
  const flavour = dockerFlavours('26.1')[0]!;
  let sb: Sandbox;
  let dk: SandboxDocker;
  let watch: { pid: number; stop: () => Promise<void> } | undefined;
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  /** The page host port `port` serves to the wan, or '' (closed). */
  const page = async (port: number): Promise<string> => {
    const r = await sb.execIn('wan', ['curl', '-s', '-m', '1', `http://${WAN}:${port}/`], { timeoutMs: 5_000 });
    return r.code === 0 ? r.stdout.trim() : '';
  };
  const dockerRules = async (): Promise<string[]> =>
    (await sb.sh(['iptables', '-S', 'ufw-user-forward'])).split('\n').filter((l) => l.startsWith('-A'));
  const httpd = (name: string, port: number): Promise<string> =>
    dk.docker(
      'run',
      '-d',
      '--name',
      name,
      '--restart',
      'always',
      '-p',
      `${port}:80`,
      ...httpdServing(`${WWW}/${name}`, BUSYBOX),
    );

  beforeAll(async () => {
    const userland = await userlandOf(flavour);
    sb = await Sandbox.start({ wan: true });
    dk = await SandboxDocker.start(sb, undefined, [], { userland });
    await sb.sh(['sh', '-c', `for p in dweb dshut; do mkdir -p ${WWW}/$p && echo $p > ${WWW}/$p/index.html; done`]);
    await sb.sh(['ufw', '--force', 'enable']);
    await sb.sh(['ufw', 'default', 'deny', 'routed']);
    await netctl('docker', 'install');
    watch = await startDockerWatch(sb, dk);
    await httpd('dweb', 9090);
    await httpd('dshut', 9091);
    await netctl('allow', 'dweb', '80', '--docker-host', dk.host);
  }, USERLAND_HOOK_MS);
  afterAll(async () => {
    await sb?.close();
  });

  it('after a reboot that gives the unallowed container the allowed one its address, its port stays closed', async () => {
    expect([await page(9090), await page(9091)]).toEqual(['dweb', '']);
    const old = await dk.ip('dweb');
    // A power cut: the watch and dockerd end before anything is stopped in order (an orderly
    // shutdown stops dockerd first, and the watch takes the rules out: the next case), so ufw's
    // files keep the rule. The allowed container is made to come back second, as dockerd's
    // restore may start them.
    await sb.sh(['sh', '-c', `kill -9 ${watch!.pid} && rm -f /run/netctl/docker-watch.pid`]);
    await dk.docker('update', '--restart', 'no', 'dweb');
    await dk.stopDaemon();
    // A fresh kernel: no rules, no docker0; then ufw loads its files at boot.
    await sb.sh([
      'sh',
      '-c',
      'for t in iptables ip6tables; do for x in filter nat mangle raw; do $t -t $x -F && $t -t $x -X; done; done; ip link del docker0',
    ]);
    await sb.sh(['/lib/ufw/ufw-init', 'start']);
    expect((await dockerRules()).some((l) => l.includes(`-d ${old}/32`))).toBe(true);
    // netctl.service, then netctl-docker.service's steps that run before dockerd.
    await netctl('ufw', 'sync');
    for (const argv of preStart()) await netctl(...argv);
    await dk.startDaemon();
    await until(async () => (await dk.ip('dshut')) !== '', 'dshut restarted by dockerd');
    expect(await dk.ip('dshut')).toBe(old);
    expect(await page(9091)).toBe('');
    // dweb comes back on another address; the watch starts and follows it.
    await dk.docker('start', 'dweb');
    watch = await startDockerWatch(sb, dk);
    await until(async () => (await page(9090)) === 'dweb', '9090 to serve dweb');
    expect(await page(9091)).toBe('');
    expect((await sb.netctl(['docker', 'check'])).code).toBe(0);
  });

  it('an orderly shutdown (dockerd stops first, the watch still running) leaves no Docker rule in the files', async () => {
    expect((await dockerRules()).length).toBe(1);
    await dk.docker('update', '--restart', 'always', 'dweb');
    await dk.stopDaemon();
    const files = async (): Promise<string> => sb.sh(['cat', '/etc/ufw/user.rules', '/etc/ufw/user6.rules']);
    await until(async () => !(await files()).includes('netctl:docker:'), "Docker's rules to leave ufw's files");
    await dk.startDaemon();
    await until(async () => (await page(9090)) === 'dweb', 'the rule back on the new address');
    expect(await page(9091)).toBe('');
  });
});

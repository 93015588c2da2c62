// The TUI at rest: CPU used by an idle `netctl tui` (one network, two containers, ufw on)
// over 10 s, and its resident memory. Targets: <= 2% of one core, RSS <= 120 MB.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, mkdirSync, copyFileSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const netctl = fileURLToPath(new URL('../../../dist/bin/netctl.js', import.meta.url));
const sh = (argv) => {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
};
const cli = (...args) => sh([process.execPath, netctl, ...args]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// utime + stime of the TUI and cutime + cstime of the children it has waited for: the
// iptables-save runs count too.
function cpuTicks(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { self: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
}

export const cases = [
  {
    name: 'tui: idle CPU and memory over 10 s',
    iterations: 1,
    warmup: 0,
    setup: async () => {
      if (process.env.NETCTL_SANDBOX !== '1') throw new Error('run inside netctl sandbox (npm run bench)');
      // Under the sandbox's tmpfs /run: gone with the sandbox (/tmp is the machine's).
      const dir = mkdtempSync('/run/bench-tui-');
      mkdirSync(join(dir, 'bin'));
      copyFileSync('/bin/busybox', join(dir, 'bin/busybox'));
      symlinkSync('busybox', join(dir, 'bin/sleep'));
      sh(['tar', '-C', dir, '-cf', `${dir}.tar`, '.']);
      cli('image', 'import', `${dir}.tar`, 'tuibox');
      cli('network', 'create', '--subnet', '10.124.0.0/24', 'tuinet');
      for (const n of ['t1', 't2'])
        cli(
          'run',
          '-d',
          '--name',
          n,
          '--network',
          'tuinet',
          '-p',
          `${n === 't1' ? 18181 : 18182}:80`,
          'tuibox',
          'sleep',
          '100000',
        );
      sh([
        'tmux',
        'new-session',
        '-d',
        '-s',
        'benchtui',
        '-x',
        '100',
        '-y',
        '30',
        `exec ${process.execPath} ${netctl} tui`,
      ]);
      await sleep(3000);
      const pid = Number(sh(['tmux', 'list-panes', '-t', 'benchtui', '-F', '#{pane_pid}']).trim());
      return { pid };
    },
    run: async (c) => {
      const t0 = cpuTicks(c.pid);
      await sleep(10_000);
      const t1 = cpuTicks(c.pid);
      c.cpu = (t1.self - t0.self + t1.children - t0.children) / 100 / 10;
      c.cpuChildren = (t1.children - t0.children) / 100 / 10;
      c.rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${c.pid}/status`, 'utf8'))[1]) / 1024;
    },
    teardown: () => spawnSync('tmux', ['kill-session', '-t', 'benchtui']),
    note: (_s, c) =>
      `idle CPU ${(c.cpu * 100).toFixed(1)}% of one core with its iptables-save runs (${(c.cpuChildren * 100).toFixed(1)}%; target <= 2%), RSS ${c.rss.toFixed(0)} MB (target <= 120 MB)`,
  },
];

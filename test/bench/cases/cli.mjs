// CLI cold start: a whole `node netctl --version` process, and `--help` of a subcommand.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const netctl = fileURLToPath(new URL('../../../dist/bin/netctl.js', import.meta.url));
const spawnOnce = (args) => () => {
  const r = spawnSync(process.execPath, [netctl, ...args], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`netctl ${args.join(' ')} exited ${r.status}`);
};
const bare = () => {
  const r = spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error('node -e 0 failed');
};

export const cases = [
  { name: 'node -e 0 (baseline process start)', iterations: 15, run: bare },
  { name: 'netctl --version (cold start, target < 100 ms)', iterations: 15, run: spawnOnce(['--version']) },
  { name: 'netctl network create --help', iterations: 10, run: spawnOnce(['network', 'create', '--help']) },
];

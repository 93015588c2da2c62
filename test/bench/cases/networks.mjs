// network create / rm through the whole CLI (a process each, as a user runs them), and how
// they grow with 1, 10 and 100 existing networks: the apply must not re-send what did not
// change. Runs inside the bench sandbox (its own netns and iptables).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const netctl = fileURLToPath(new URL('../../../dist/bin/netctl.js', import.meta.url));

function cli(...args) {
  const r = spawnSync(process.execPath, [netctl, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`netctl ${args.join(' ')}: ${r.stderr.trim()}`);
}

function subnet(i) {
  return `10.${100 + Math.floor(i / 250)}.${i % 250}.0/24`;
}

// The sandbox's own state root (/var/lib/netctl), as the later cases use: a root of its own
// would leave the default network's bridge netctl0 behind, owned by a database nobody reads,
// and their default network could not be made.

function scenario(existing) {
  return {
    name: `network create + rm with ${existing} existing`,
    iterations: 7,
    setup: () => {
      for (let i = 0; i < existing; i++) cli('network', 'create', '--subnet', subnet(i), `n${i}`);
    },
    run: () => {
      cli('network', 'create', '--subnet', '10.99.0.0/24', 'probe');
      cli('network', 'rm', 'probe');
    },
    teardown: () => {
      for (let i = 0; i < existing; i++) cli('network', 'rm', `n${i}`);
    },
  };
}

export const cases = [1, 10, 100].map(scenario);

// network create / rm through the whole CLI (a process each, as a user runs them), and how
// they grow with 1, 10 and 100 existing networks: the apply must not re-send what did not
// change. Runs inside the bench sandbox (its own netns and iptables).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const netctl = fileURLToPath(new URL('../../../dist/bin/netctl.js', import.meta.url));

function cli(root, ...args) {
  const r = spawnSync(process.execPath, [netctl, '--root', root, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`netctl ${args.join(' ')}: ${r.stderr.trim()}`);
}

function subnet(i) {
  return `10.${100 + Math.floor(i / 250)}.${i % 250}.0/24`;
}

// One state root for every scenario: the default network's bridge belongs to it.
const root = mkdtempSync(join(tmpdir(), 'netctl-bench-'));

function scenario(existing) {
  return {
    name: `network create + rm with ${existing} existing`,
    iterations: 7,
    setup: () => {
      for (let i = 0; i < existing; i++) cli(root, 'network', 'create', '--subnet', subnet(i), `n${i}`);
    },
    run: () => {
      cli(root, 'network', 'create', '--subnet', '10.99.0.0/24', 'probe');
      cli(root, 'network', 'rm', 'probe');
    },
    teardown: () => {
      for (let i = 0; i < existing; i++) cli(root, 'network', 'rm', `n${i}`);
    },
  };
}

export const cases = [1, 10, 100].map(scenario);

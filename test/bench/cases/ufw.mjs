// The ufw block: install/uninstall in process (validation in a throwaway netns, backup, atomic
// write, chain loaded with iptables-restore -n), the CLI when the block is current, and the
// `ufw reload` that loading the chain directly avoids. Needs the sandbox's private /etc/ufw.
import { spawnSync } from 'node:child_process';
import { readdirSync, unlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../../../dist/', import.meta.url);
const { installBlock, uninstallBlock } = await import(new URL('firewall/ufw/apply.js', dist));
const { defaultUfwDeps } = await import(new URL('firewall/ufw/ufw-deps.js', dist));
const netctl = fileURLToPath(new URL('bin/netctl.js', dist));

function sh(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
}

// One second per call, so that backups never share a name.
function deps() {
  let t = Date.UTC(2030, 0, 1);
  return { ...defaultUfwDeps(), now: () => new Date((t += 1000)) };
}

function enable() {
  if (process.env.NETCTL_SANDBOX !== '1') throw new Error('run inside netctl sandbox (npm run bench)');
  sh(['ufw', '--force', 'enable']);
  return deps();
}

async function cleanup(d) {
  await uninstallBlock(d);
  for (const f of readdirSync('/etc/ufw')) if (/\.netctl-\d{8}T\d{6}(-\d+)?\.bak$/.test(f)) unlinkSync(`/etc/ufw/${f}`);
}

export const cases = [
  {
    name: 'ufw: install + uninstall the block (in process, ufw active)',
    iterations: 20,
    setup: enable,
    run: async (d) => {
      await installBlock(d);
      await uninstallBlock(d);
    },
    teardown: cleanup,
  },
  {
    name: 'ufw: install, block already current (in process)',
    iterations: 20,
    setup: async () => {
      const d = enable();
      await installBlock(d);
      return d;
    },
    run: async (d) => {
      const r = await installBlock(d);
      if (r.changed) throw new Error('second install changed something');
    },
    teardown: cleanup,
  },
  {
    name: 'ufw: netctl ufw check (CLI process, block current)',
    iterations: 10,
    setup: async () => {
      const d = enable();
      await installBlock(d);
      return d;
    },
    run: () => sh([process.execPath, netctl, 'ufw', 'check']),
    teardown: cleanup,
  },
  {
    name: 'ufw: ufw reload (what loading the chain directly avoids)',
    iterations: 5,
    setup: enable,
    run: () => sh(['ufw', 'reload']),
  },
];

/**
 * Global setup: proves the test suite never touches the real machine's network or firewall.
 * Before the suite it snapshots `iptables-save`, `ip6tables-save`, the nf_tables tables,
 * `ip -br link`, `ip route`, the forwarding sysctls and every file under /etc/ufw plus
 * /etc/default/ufw; afterwards it compares and fails the run when anything differs.
 */
import { hostSnapshot, diffSnapshots } from './harness/host-snapshot.js';

export default async function setup(): Promise<() => Promise<void>> {
  const before = await hostSnapshot();
  return async () => {
    const after = await hostSnapshot();
    const diff = diffSnapshots(before, after);
    if (diff.length > 0) {
      throw new Error(`the test suite changed the real machine: ${diff.join('; ')}`);
    }
    process.stdout.write(
      'host guard: iptables, nf_tables tables, links, routes, forwarding sysctls and /etc/ufw unchanged by the suite\n',
    );
  };
}

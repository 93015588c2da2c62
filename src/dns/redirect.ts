/**
 * Docker's way to 127.0.0.11:53 (pure text, and its apply): the server's sockets listen on
 * random high ports of 127.0.0.11, and a DNAT in the container's own nat table sends port 53
 * there, so a program in the container can still bind port 53 on every address (a DNS
 * server image, socat, dnsmasq). The container's nat and filter tables are replaced whole:
 * netctl puts nothing else in a container's namespace.
 *
 * While the server restarts (killed, systemd, an upgrade) its ports have no socket, and the
 * kernel would answer a query with ICMP port unreachable (a TCP connect with a reset): the
 * client's resolver then fails at once. The filter table drops those two replies instead, so
 * the resolver sees a lost packet and retries (its `timeout`), by which time the successor
 * listens on the same ports (ports.ts). No other packet is touched.
 */
import { run } from '../sys/exec.js';

/** The lowest and one past the highest port the sockets take. */
export const PORT_RANGE = [20_000, 60_000] as const;

const TAG = '-m comment --comment netctl:dns';

/** The iptables-restore text of the redirect to `udp` and `tcp` (ports on 127.0.0.11). */
export function redirectRules(udp: number, tcp: number): string {
  const rule = (proto: string, port: number): string =>
    `-A OUTPUT -d 127.0.0.11/32 -p ${proto} -m ${proto} --dport 53 ${TAG} -j DNAT --to-destination 127.0.0.11:${port}`;
  return [
    '*nat',
    ':OUTPUT ACCEPT [0:0]',
    rule('udp', udp),
    rule('tcp', tcp),
    'COMMIT',
    '*filter',
    ':OUTPUT ACCEPT [0:0]',
    `-A OUTPUT -s 127.0.0.11/32 -p icmp -m icmp --icmp-type 3/3 ${TAG} -j DROP`,
    `-A OUTPUT -s 127.0.0.11/32 -p tcp -m tcp --sport ${tcp} --tcp-flags RST RST ${TAG} -j DROP`,
    'COMMIT',
    '',
  ].join('\n');
}

/**
 * Loads the redirect into the namespace at `netns`. `replacing`: flows already NATed to an
 * older port are deleted from conntrack, so a client's next packet takes the new redirect
 * (a resolver that keeps its socket would otherwise go on to the old port until the entry
 * times out).
 */
export async function applyRedirect(netns: string, udp: number, tcp: number, replacing = false): Promise<void> {
  const r = await run(['nsenter', `--net=${netns}`, 'iptables-restore', '-w', '5'], {
    input: redirectRules(udp, tcp),
    timeoutMs: 10_000,
  });
  if (r.code !== 0) throw new Error(`iptables-restore in "${netns}": ${r.stderr.trim()}`);
  if (!replacing) return;
  // Exit 1 with "0 flow entries" when there were none: not a failure.
  await run(['nsenter', `--net=${netns}`, 'conntrack', '-D', '--orig-dst', '127.0.0.11'], { timeoutMs: 10_000 }).catch(
    () => undefined,
  );
}

/**
 * Docker's way to 127.0.0.11:53 (pure text, and its apply): the server's sockets listen on
 * random high ports of 127.0.0.11, and a DNAT in the container's own nat table sends port 53
 * there, so a program in the container can still bind port 53 on every address (a DNS
 * server image, socat, dnsmasq). The container's nat table is replaced whole: netctl puts
 * nothing else in a container's namespace.
 */
import { run } from '../sys/exec.js';

/** The lowest and one past the highest port the sockets take. */
export const PORT_RANGE = [20_000, 60_000] as const;

/** The iptables-restore text of the redirect to `udp` and `tcp` (ports on 127.0.0.11). */
export function redirectRules(udp: number, tcp: number): string {
  const rule = (proto: string, port: number): string =>
    `-A OUTPUT -d 127.0.0.11/32 -p ${proto} -m ${proto} --dport 53 -m comment --comment netctl:dns -j DNAT --to-destination 127.0.0.11:${port}`;
  return ['*nat', ':OUTPUT ACCEPT [0:0]', rule('udp', udp), rule('tcp', tcp), 'COMMIT', ''].join('\n');
}

/** Loads the redirect into the namespace at `netns`. */
export async function applyRedirect(netns: string, udp: number, tcp: number): Promise<void> {
  const r = await run(['nsenter', `--net=${netns}`, 'iptables-restore', '-w', '5'], {
    input: redirectRules(udp, tcp),
    timeoutMs: 10_000,
  });
  if (r.code !== 0) throw new Error(`iptables-restore in "${netns}": ${r.stderr.trim()}`);
}

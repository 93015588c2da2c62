/**
 * `netctl dns status [--json]`: whether the embedded DNS server runs, how many containers
 * need it and it serves, its upstreams, counters and cache. Exit 1 when it is needed and
 * does not answer.
 */
import type { CommandContext } from '../context.js';
import { dnsState } from '../../ops/dns.js';

export default async function dnsStatus(ctx: CommandContext): Promise<number> {
  const s = await dnsState(ctx.host);
  const down = s.needed > 0 && !s.status;
  if (ctx.opts.json) {
    ctx.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    return down ? 1 : 0;
  }
  const st = s.status;
  const lines = st
    ? [
        `running: pid ${st.pid} since ${st.since}, at 127.0.0.11:53 in ${st.served} container(s)`,
        `names: ${st.names}; upstreams: ${st.upstreams.join(' ')} (${st.upstreamSource})` +
          (st.ownUpstreams ? `; ${st.ownUpstreams} container(s) with their own (--dns)` : ''),
        `queries: ${st.queries} (${st.local} local, ${st.forwarded} forwarded, ${st.failed} failed)`,
        `cache: ${st.cacheEntries} entries, ${st.cacheHits} hits`,
        ...st.errors.map((e) => `error: ${e}`),
      ]
    : [
        `not running${s.needed ? `: ${s.needed} container(s) on user-defined networks need it (netctl gc starts it)` : ''}`,
      ];
  ctx.stdout.write(`${lines.join('\n')}\n`);
  return down ? 1 : 0;
}

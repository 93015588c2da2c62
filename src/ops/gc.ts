/**
 * `gc`: removes what killed commands left half-made and brings the kernel back to the
 * database, planned under the write lock like any other change (its dry run lists what it
 * would remove and shows the rules the database wants).
 */
import { type GcItem, planGc } from '../engine/gc.js';
import { gcDns } from './dns.js';
import { gcHealth } from './health.js';
import type { Host } from './host.js';
import { collectLayers } from './image-space.js';
import { buildLeftovers, removeBuildLeftovers } from './build-leftovers.js';
import { type Previewed, transactPreview } from './tx.js';
import type { DryRunOption } from './network.js';

export type { GcItem } from '../engine/gc.js';

/** Collects (or with `dryRun` lists) leaks and drift; `items` says what was (or would be) done. */
export async function gc(host: Host, o: DryRunOption = {}): Promise<Previewed<{ items: GcItem[] }>> {
  const out = await transactPreview(host, o, (engine) => planGc(engine));
  const { items, rules } = out.result;
  const note = o.dryRun
    ? 'owned rules or ufw route rules differ from the database'
    : 'owned rules and ufw route rules re-applied';
  // The DNS server is a process, not a kernel object: started after the transaction.
  const dns = [...(await gcDns(host, o.dryRun === true)), ...(await gcHealth(host, o.dryRun === true))];
  // A killed build's RUN containers, half-written layers and mounted image views (issue 26).
  const b = o.dryRun ? await buildLeftovers(host) : await removeBuildLeftovers(host);
  const builds: GcItem[] = [
    ...b.containers.map((name): GcItem => ({ kind: 'build-container', name })),
    ...[...b.temps, ...b.views].map((name): GcItem => ({ kind: 'files', name })),
  ];
  // Layers no image lists (a pull killed before its record): the store, not the kernel.
  const layers = (await collectLayers(host, o.dryRun === true)).removed.map(
    (name): GcItem => ({ kind: 'layer', name }),
  );
  return {
    ...out,
    result: {
      items: [...(rules ? [...items, { kind: 'rules' as const, name: note }] : items), ...dns, ...builds, ...layers],
    },
  };
}

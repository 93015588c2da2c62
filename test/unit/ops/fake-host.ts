/**
 * A Host for ops/ tests, made of fakes: a state database in a temporary directory, the
 * recording netlink fake, the iptables-restore simulator and ufw's files in memory. Nothing
 * of the machine is read or changed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../../src/engine/context.js';
import { IptablesDriver } from '../../../src/firewall/iptables/driver.js';
import { type Host, makeHost } from '../../../src/ops/host.js';
import { Store } from '../../../src/store/index.js';
import { type Fakes, fakes } from '../netlink/fakes.js';
import { fakeIptables } from '../rules/fake-iptables.js';
import { fakeHost as fakeUfw } from '../ufw/fakes.js';

/** The Host and its fakes' logs: `kernel` every netlink call, `iptables` every restore. */
export interface FakeHost {
  host: Host;
  kernel: Fakes;
  iptables: string[];
  paths: { root: string; runRoot: string };
}

/** Calls that only read the kernel. */
const READS = /^(?:\[[^\]]*\] )?(?:listLinks|getLinkByIndex|getLink|listRoutes|listAddresses|open|close)\b/;

/** The kernel calls that changed something. */
export function kernelChanges(k: Fakes): string[] {
  return k.log.filter((l) => !READS.test(l));
}

/** A fresh fake Host. */
export function fakeOpsHost(): FakeHost {
  const dir = mkdtempSync(join(tmpdir(), 'netctl-ops-'));
  const paths = { root: join(dir, 'root'), runRoot: join(dir, 'run') };
  const kernel = fakes();
  const iptables: string[] = [];
  const ufw = fakeUfw().deps;
  const host = makeHost(paths, {
    ufw,
    store: (p) => Store.open({ root: p.root }),
    engine: async (p, store, u): Promise<Engine> => ({
      store,
      kernel: kernel.deps,
      firewall: new IptablesDriver(fakeIptables(iptables)),
      ufw: u,
      roots: p,
      close: () => undefined,
    }),
  });
  return { host, kernel, iptables, paths };
}

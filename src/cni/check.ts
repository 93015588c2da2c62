/**
 * CHECK: the attachment's record must exist (code 3 otherwise), and the kernel must still
 * have what ADD made: links, addresses, routes inside the runtime's namespace, the host end
 * on the bridge, and netctl's rules for its addresses (read from the live ruleset).
 */
import type { Engine } from '../engine/context.js';
import { firewallStep } from '../engine/firewall-step.js';
import { CniError } from './error.js';
import { attachmentId } from './naming.js';
import { isCniRecord } from './record.js';
import type { CniRequest } from './request.js';
import { sandboxAddresses } from './result.js';
import { checkProblems, type Expected, type Observed } from './check-plan.js';
import { CNI_CODES } from './types.js';

async function observe(engine: Engine, netns: string, want: Expected, addresses: string[]): Promise<Observed> {
  const inside = engine.kernel.open(netns);
  try {
    const container = await inside.getLink(want.ifname);
    // One dump at a time: the socket does not interleave them.
    const addrs = container ? await inside.listAddresses(want.ifname) : [];
    const routes = container ? await inside.listRoutes() : [];
    const host = await engine.kernel.client.getLink(want.hostIf);
    const bridge = await engine.kernel.client.getLink(want.bridge);
    const fw = await firewallStep(engine, { fresh: true });
    const missingRules = fw.plan.empty ? [] : fw.plan.text().split('\n').filter((l) => /^-[AI] /.test(l) && addresses.some((a) => l.includes(a)));
    return { ...(container ? { container } : {}), addresses: addrs, routes, ...(host ? { host } : {}), ...(bridge ? { bridge } : {}), missingRules };
  } finally {
    inside.close();
  }
}

/** Runs CHECK; throws a CniError naming every problem found. */
export async function cniCheck(engine: Engine, req: CniRequest): Promise<void> {
  const s = engine.store;
  const id = attachmentId(req.conf.name, req.containerId!, req.ifname!);
  const c = s.containers.get(id);
  if (!c || c.id !== id || !isCniRecord(c)) throw new CniError(CNI_CODES.unknownContainer, `container "${req.containerId}" has no attachment ${req.ifname} on "${req.conf.name}"`);
  const e = s.endpoints.forContainer(id)[0];
  const n = e && s.networks.get(e.networkId);
  if (!e || !n) throw new CniError(CNI_CODES.unknownContainer, `attachment of "${req.containerId}" has no endpoint`);
  const cidrs = [...(e.address ? [`${e.address}/${n.subnet.split('/')[1]}`] : []), ...(e.address6 && n.subnet6 ? [`${e.address6}/${n.subnet6.split('/')[1]}`] : [])];
  const gateways = n.internal ? [] : [n.gateway, ...(e.address6 && n.gateway6 ? [n.gateway6] : [])];
  const want: Expected = { ifname: e.ifname, hostIf: e.hostIfname!, bridge: n.bridge, cidrs, gateways, ...(req.conf.prevResult ? { prevAddresses: sandboxAddresses(req.conf.prevResult) } : {}) };
  let got: Observed;
  try {
    got = await observe(engine, req.netns!, want, [e.address, e.address6].filter((a): a is string => a !== undefined));
  } catch (err) {
    throw new CniError(CNI_CODES.io, `check "${req.netns}": ${(err as Error).message}`);
  }
  const problems = checkProblems(want, got);
  if (problems.length > 0) throw new CniError(CNI_CODES.system, `check ${req.ifname} of "${req.containerId}": ${problems.join('; ')}`);
}

/**
 * CHECK: the attachment's record must exist (code 3 otherwise), and the kernel must still
 * have what ADD made: links, addresses, routes inside the runtime's namespace, the host end
 * on the bridge, and netctl's rules for its addresses (read from the live ruleset). The
 * same look, without a request, is what `netctl doctor` does for every attachment.
 */
import type { Engine } from '../engine/context.js';
import { firewallStep, type FirewallStepResult } from '../engine/firewall-step.js';
import { mentions } from '../engine/rule-owners.js';
import type { Container } from '../model/container.js';
import { CniError } from './error.js';
import { attachmentId } from './naming.js';
import { isCniRecord } from '../model/cni-record.js';
import type { CniRequest } from './request.js';
import { sandboxAddresses } from './result.js';
import { checkProblems, type Expected, type Observed } from './check-plan.js';
import { CNI_CODES } from './types.js';

/** An attachment to look at: what the records say, and its container addresses. */
export interface Attachment {
  want: Expected;
  addresses: string[];
}

/** A firewall step's wanted rules that are not live: those naming an address are an attachment's missing rules. */
export function absentRuleLines(fw: Pick<FirewallStepResult, 'plan'>): string[] {
  return fw.plan.absent();
}

/** {@link absentRuleLines} of a fresh read of the live rules. */
export async function missingRuleLines(engine: Engine): Promise<string[]> {
  return absentRuleLines(await firewallStep(engine, { fresh: true }));
}

async function observe(engine: Engine, netns: string, a: Attachment, ruleLines: readonly string[]): Promise<Observed> {
  const { want } = a;
  const inside = engine.kernel.open(netns);
  try {
    const container = await inside.getLink(want.ifname);
    // One dump at a time: the socket does not interleave them.
    const addrs = container ? await inside.listAddresses(want.ifname) : [];
    const routes = container ? await inside.listRoutes() : [];
    const host = await engine.kernel.client.getLink(want.hostIf);
    const bridge = await engine.kernel.client.getLink(want.bridge);
    const missingRules = ruleLines.filter((l) => a.addresses.some((ip) => mentions(l, ip)));
    return {
      ...(container ? { container } : {}),
      addresses: addrs,
      routes,
      ...(host ? { host } : {}),
      ...(bridge ? { bridge } : {}),
      missingRules,
    };
  } finally {
    inside.close();
  }
}

/** What a record says its attachment has, or undefined when the record has no endpoint. */
export function expectedOf(engine: Engine, c: Container): Attachment | undefined {
  const s = engine.store;
  const e = s.endpoints.forContainer(c.id)[0];
  const n = e && s.networks.get(e.networkId);
  if (!e || !n) return undefined;
  const cidrs = [
    ...(e.address ? [`${e.address}/${n.subnet.split('/')[1]}`] : []),
    ...(e.address6 && n.subnet6 ? [`${e.address6}/${n.subnet6.split('/')[1]}`] : []),
  ];
  const gateways = n.internal ? [] : [n.gateway, ...(e.address6 && n.gateway6 ? [n.gateway6] : [])];
  return {
    want: { ifname: e.ifname, hostIf: e.hostIfname!, bridge: n.bridge, cidrs, gateways },
    addresses: [e.address, e.address6].filter((a): a is string => a !== undefined),
  };
}

/** The problems of attachment `a` in namespace `netns` (throws when the namespace cannot be opened). */
export async function attachmentProblems(
  engine: Engine,
  netns: string,
  a: Attachment,
  ruleLines?: readonly string[],
): Promise<string[]> {
  const got = await observe(engine, netns, a, ruleLines ?? (await missingRuleLines(engine)));
  return checkProblems(a.want, got);
}

/** CHECK (reads only; ops/cni.ts calls it): throws a CniError naming every problem found. */
export async function cniCheck(engine: Engine, req: CniRequest): Promise<void> {
  const id = attachmentId(req.conf.name, req.containerId!, req.ifname!);
  const c = engine.store.containers.get(id);
  if (!c || c.id !== id || !isCniRecord(c))
    throw new CniError(
      CNI_CODES.unknownContainer,
      `container "${req.containerId}" has no attachment ${req.ifname} on "${req.conf.name}"`,
    );
  const a = expectedOf(engine, c);
  if (!a) throw new CniError(CNI_CODES.unknownContainer, `attachment of "${req.containerId}" has no endpoint`);
  if (req.conf.prevResult) a.want.prevAddresses = sandboxAddresses(req.conf.prevResult);
  let problems: string[];
  try {
    problems = await attachmentProblems(engine, req.netns!, a);
  } catch (err) {
    throw new CniError(CNI_CODES.io, `check "${req.netns}": ${(err as Error).message}`);
  }
  if (problems.length > 0)
    throw new CniError(CNI_CODES.system, `check ${req.ifname} of "${req.containerId}": ${problems.join('; ')}`);
}

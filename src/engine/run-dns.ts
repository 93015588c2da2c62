/**
 * What `run` checks before anything is recorded for its resolver settings and the names
 * other containers will look up: `--dns` addresses, `--dns-search` domains, `--dns-option`
 * options, the hostname, and (on a user-defined network, where the embedded DNS server
 * answers it) the container name. Each refusal is one line naming the value.
 */
import type { DnsSettings } from '../model/resolv.js';
import { checkDnsName, checkDnsOption, checkDnsServer, checkHostname, checkSearchDomain } from '../model/dns-name.js';
import { UsageError } from '../errors.js';

/** The parts of a run request these checks read. */
interface Named {
  name: string;
  network: string;
  launch: { hostname: string };
}

/** True for a network whose containers the embedded DNS server answers by name. */
export function isUserNetwork(mode: string): boolean {
  return !['bridge', 'host', 'none'].includes(mode) && !mode.startsWith('container:');
}

/** Checks the DNS options and names of a run; returns the settings to record. */
export function checkRunDns(
  req: Named,
  o: { dns?: readonly string[]; dnsSearch?: readonly string[]; dnsOptions?: readonly string[] },
): DnsSettings {
  const dns: DnsSettings = {
    servers: (o.dns ?? []).map(checkDnsServer),
    search: (o.dnsSearch ?? []).map(checkSearchDomain),
    options: (o.dnsOptions ?? []).map(checkDnsOption),
  };
  if (req.network.startsWith('container:') && (dns.search!.length > 0 || dns.options!.length > 0))
    throw new UsageError(
      `--dns-search and --dns-option cannot be used with --network ${req.network}: it shares that container's files`,
    );
  if (req.launch.hostname !== req.name) checkHostname(req.launch.hostname);
  if (isUserNetwork(req.network)) checkDnsName('container name', req.name);
  return dns;
}

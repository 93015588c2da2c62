/**
 * Docker's containers as the ufw integration sees them: name, addresses on each network,
 * published container ports and labels, read from `GET /containers/{id}/json`. Pure.
 */

/** One network a container is attached to, with the addresses it has there now. */
export interface DockerAddress {
  network: string;
  /** '' while the container is stopped. */
  ipv4: string;
  ipv6: string;
}

/** A container port Docker publishes (has host bindings for). */
export interface DockerPort {
  port: number;
  proto: 'tcp' | 'udp' | 'sctp';
  /** Where it is published on the host (`HostIp` '' or `0.0.0.0`: every address); absent in old records. */
  hosts?: { ip: string; port: number }[];
}

/** A Docker container, reduced to what its ufw route rules are made from. */
export interface DockerContainer {
  id: string;
  /** Without Docker's leading slash. */
  name: string;
  running: boolean;
  /** The init process's pid while running (its network namespace is the container's). */
  pid?: number;
  addresses: DockerAddress[];
  ports: DockerPort[];
  labels: Record<string, string>;
}

/** The part of Docker's inspect document read here. */
export interface DockerInspect {
  Id: string;
  Name: string;
  State?: { Running?: boolean; Pid?: number };
  Config?: { Labels?: Record<string, string> | null };
  NetworkSettings?: {
    Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
    Networks?: Record<string, { IPAddress?: string; GlobalIPv6Address?: string }> | null;
  };
}

function port(key: string): DockerPort | undefined {
  const m = /^(\d+)\/(tcp|udp|sctp)$/.exec(key);
  return m ? { port: Number(m[1]), proto: m[2] as DockerPort['proto'] } : undefined;
}

/** The container from Docker's inspect document. */
export function fromInspect(i: DockerInspect): DockerContainer {
  const ports = Object.entries(i.NetworkSettings?.Ports ?? {})
    .filter(([, bindings]) => Array.isArray(bindings) && bindings.length > 0)
    .map(([k, bindings]): DockerPort | undefined => {
      const p = port(k);
      return (
        p && { ...p, hosts: (bindings ?? []).map((b) => ({ ip: b.HostIp || '0.0.0.0', port: Number(b.HostPort) })) }
      );
    })
    .filter((p): p is DockerPort => p !== undefined);
  const addresses = Object.entries(i.NetworkSettings?.Networks ?? {}).map(([network, n]) => ({
    network,
    ipv4: n.IPAddress ?? '',
    ipv6: n.GlobalIPv6Address ?? '',
  }));
  return {
    id: i.Id,
    name: i.Name.replace(/^\//, ''),
    running: i.State?.Running === true,
    ...(i.State?.Pid ? { pid: i.State.Pid } : {}),
    addresses,
    ports,
    labels: i.Config?.Labels ?? {},
  };
}

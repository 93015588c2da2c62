/**
 * Docker 29 with its nftables firewall backend, reproduced in a sandbox (no Debian package
 * ships it yet): the bridges, veths, containers (network namespaces serving HTTP) and Docker's
 * `ip docker-bridges` table of moby's "usernet-portmap" scenario, built by
 * scripts/docker29-nft.sh from test/fixtures/docker29/usernet-portmap.nft, and the Engine API
 * calls netctl makes answered by scripts/docker-replay.mjs with documents in the shapes a real
 * 28.5 daemon answers, carrying 29's version and `FirewallBackend: {Driver: "nftables"}`
 * (api/types/system/info.go `FirewallInfo`, reported since API 1.49).
 */
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../../harness/sandbox.js';

const SCRIPTS = fileURLToPath(new URL('../scripts/', import.meta.url));
const RULESET = fileURLToPath(new URL('../../fixtures/docker29/usernet-portmap.nft', import.meta.url));

/** The user network's bridge, as Docker names it (br- and the network id's first 12 digits). */
export const NFT_BRIDGE = 'br-5f1e0c3a9b2d';
const NETWORK_ID = '5f1e0c3a9b2d8e7f60a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f607';
/** The reproduced containers: name, address, published host port of container port 80. */
export const NFT_CONTAINERS = [
  { name: 'c1', ip: '172.18.0.2', hostPort: 8080 },
  { name: 'c2', ip: '172.18.0.3', hostPort: 8081 },
] as const;

const VERSION = {
  Platform: { Name: 'Docker Engine - Community' },
  Version: '29.1.3',
  ApiVersion: '1.52',
  MinAPIVersion: '1.44',
  GitCommit: 'f52814d',
  GoVersion: 'go1.25.5',
  Os: 'linux',
  Arch: 'amd64',
  KernelVersion: '6.1.0',
  BuildTime: '2025-12-12T14:49:11.000000000+00:00',
};

function inspect(c: (typeof NFT_CONTAINERS)[number], index: number, pid: number): Record<string, unknown> {
  const id = `${String(index + 1).repeat(12)}${'ab'.repeat(26)}`;
  return {
    Id: id,
    Created: '2026-12-07T09:00:00.000000000Z',
    Path: 'httpd',
    Args: ['-f', '-p', '80', '-h', '/www'],
    State: {
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: pid,
      ExitCode: 0,
      Error: '',
      StartedAt: '2026-12-07T09:00:01.000000000Z',
      FinishedAt: '0001-01-01T00:00:00Z',
    },
    Image: 'sha256:1c35c441208254cb7c3844ba95a96485388cef9ccc0646d562c7fc026e04c807',
    Name: `/${c.name}`,
    RestartCount: 0,
    Driver: 'overlay2',
    Platform: 'linux',
    HostConfig: { NetworkMode: 'net1', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: String(c.hostPort) }] } },
    Config: {
      Hostname: id.slice(0, 12),
      Image: 'busybox',
      Labels: {},
      ExposedPorts: { '80/tcp': {} },
      Cmd: ['httpd', '-f', '-p', '80', '-h', '/www'],
    },
    NetworkSettings: {
      SandboxID: `${'cd'.repeat(32)}`,
      SandboxKey: `/var/run/docker/netns/${id.slice(0, 12)}`,
      Ports: {
        '80/tcp': [
          { HostIp: '0.0.0.0', HostPort: String(c.hostPort) },
          { HostIp: '::', HostPort: String(c.hostPort) },
        ],
      },
      Networks: {
        net1: {
          IPAMConfig: null,
          Links: null,
          Aliases: null,
          MacAddress: `02:42:ac:12:00:0${index + 2}`,
          DriverOpts: null,
          GwPriority: 0,
          NetworkID: NETWORK_ID,
          EndpointID: `${'ef'.repeat(32)}`,
          Gateway: '172.18.0.1',
          IPAddress: c.ip,
          IPPrefixLen: 16,
          IPv6Gateway: '',
          GlobalIPv6Address: '',
          GlobalIPv6PrefixLen: 0,
          DNSNames: [c.name, id.slice(0, 12)],
        },
      },
    },
  };
}

/** The replayed daemon's state document for containers whose init processes have `pids`. */
export function replayState(pids: readonly number[]): Record<string, unknown> {
  return {
    version: VERSION,
    info: {
      ID: 'e5a1c1d2-0000-4000-8000-000000000029',
      ServerVersion: VERSION.Version,
      Driver: 'overlay2',
      KernelVersion: VERSION.KernelVersion,
      OperatingSystem: 'Debian GNU/Linux 13 (trixie)',
      OSType: 'linux',
      Architecture: 'x86_64',
      FirewallBackend: { Driver: 'nftables' },
    },
    containers: NFT_CONTAINERS.map((c, i) => inspect(c, i, pids[i]!)),
    networks: [
      {
        Name: 'bridge',
        Id: 'a'.repeat(64),
        Driver: 'bridge',
        Options: { 'com.docker.network.bridge.name': 'docker0' },
      },
      { Name: 'net1', Id: NETWORK_ID, Driver: 'bridge', Options: {} },
    ],
  };
}

/** Docker 29 reproduced in `sb`: the kernel side built, the API replayed on `socket`. */
export interface Docker29 {
  host: string;
  env: Record<string, string>;
}

/** Builds the scenario and starts the replay under `dir`. */
export async function startDocker29(sb: Sandbox, dir = '/run/netctl-test-docker29'): Promise<Docker29> {
  await sb.sh(['mkdir', '-p', dir]);
  await sb.sh(['sh', `${SCRIPTS}docker29-nft.sh`, RULESET, `${dir}/www`]);
  const pids: number[] = [];
  for (const c of NFT_CONTAINERS)
    pids.push(
      await sb.background([
        'ip',
        'netns',
        'exec',
        c.name,
        'busybox',
        'httpd',
        '-f',
        '-p',
        '80',
        '-h',
        `${dir}/www/${c.name}`,
      ]),
    );
  await sb.sh(['sh', '-c', `cat > ${dir}/state.json && : > ${dir}/events.jsonl`], {
    input: JSON.stringify(replayState(pids)),
  });
  const socket = `${dir}/docker.sock`;
  await sb.background(['node', `${SCRIPTS}docker-replay.mjs`, socket, `${dir}/state.json`, `${dir}/events.jsonl`]);
  await sb.sh(['sh', '-c', `for i in $(seq 100); do [ -S ${socket} ] && exit 0; sleep 0.1; done; exit 1`]);
  return { host: `unix://${socket}`, env: { DOCKER_HOST: `unix://${socket}` } };
}

/**
 * A small CRI client, as kubelet talks to containerd: the RuntimeService's pod sandbox calls
 * over containerd's unix socket with @grpc/grpc-js, the messages from the vendored subset of
 * kubernetes/cri-api's api.proto (test/fixtures/cri/api.proto). Plain JavaScript so that the
 * CRI tests (through cri.ts, which types it) and the bench (test/bench/cases/cri.mjs) share it.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO = fileURLToPath(new URL('../../fixtures/cri/api.proto', import.meta.url));

/** A connection to one CRI socket. */
export class CriClient {
  /** @param {string} socket */
  constructor(socket) {
    const def = protoLoader.loadSync(PROTO, { keepCase: false, longs: String, enums: String, defaults: true });
    const pkg = grpc.loadPackageDefinition(def);
    this.client = new pkg.runtime.v1.RuntimeService(`unix:${socket}`, grpc.credentials.createInsecure());
  }

  call(method, req, timeoutMs = 60_000) {
    return new Promise((resolve, reject) => {
      this.client[method].call(
        this.client,
        req,
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err, res) => (err ? reject(new Error(`CRI ${method}: ${err.message}`)) : resolve(res)),
      );
    });
  }

  /** The runtime's name and version (waits for the socket: the first call after a start). */
  version() {
    return this.call('Version', { version: 'v1' });
  }

  /** RunPodSandbox: the sandbox's id once it is ready (its network attached). */
  async runPod(meta, ports = [], cgroupParent = '') {
    const config = {
      metadata: { ...meta, attempt: 0 },
      hostname: meta.name.slice(0, 63),
      portMappings: ports.map((p) => ({
        protocol: p.protocol ?? 'TCP',
        containerPort: p.containerPort,
        hostPort: p.hostPort,
      })),
      linux: { cgroupParent },
    };
    return (await this.call('RunPodSandbox', { config })).podSandboxId;
  }

  /** PodSandboxStatus, verbose: the netns path from the runtime spec in containerd's `info` JSON. */
  async status(id) {
    const r = await this.call('PodSandboxStatus', { podSandboxId: id, verbose: true });
    const info = r.info.info ? JSON.parse(r.info.info) : {};
    const netns = info.runtimeSpec?.linux?.namespaces?.find((n) => n.type === 'network')?.path ?? '';
    return { id: r.status.id, state: r.status.state, ip: r.status.network?.ip ?? '', netns };
  }

  /** StopPodSandbox (CNI DEL). */
  async stop(id) {
    await this.call('StopPodSandbox', { podSandboxId: id });
  }

  /** RemovePodSandbox. */
  async remove(id) {
    await this.call('RemovePodSandbox', { podSandboxId: id });
  }

  /** The sandboxes' ids. */
  async list() {
    return (await this.call('ListPodSandbox', {})).items.map((i) => i.id);
  }

  close() {
    this.client.close();
  }
}

/**
 * A small CRI client for the tests, as kubelet talks to containerd: the RuntimeService's pod
 * sandbox calls over containerd's unix socket with @grpc/grpc-js, the messages from the
 * vendored subset of kubernetes/cri-api's api.proto (test/fixtures/cri/api.proto).
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO = fileURLToPath(new URL('../../fixtures/cri/api.proto', import.meta.url));

/** A pod's identity, as the API server gives it. */
export interface PodMeta {
  name: string;
  namespace: string;
  uid: string;
}

/** A hostPort of a pod spec. */
export interface PodPort {
  hostPort: number;
  containerPort: number;
  protocol?: 'TCP' | 'UDP';
}

/** What PodSandboxStatus tells. */
export interface PodStatus {
  id: string;
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  ip: string;
  /** The network namespace path, from the runtime spec in containerd's verbose `info` JSON. */
  netns: string;
}

type Call = (
  req: object,
  meta: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: (e: Error | null, r: unknown) => void,
) => void;

/** A connection to one CRI socket. */
export class CriClient {
  private readonly client: grpc.Client & Record<string, Call>;

  constructor(socket: string) {
    const def = protoLoader.loadSync(PROTO, { keepCase: false, longs: String, enums: String, defaults: true });
    const pkg = grpc.loadPackageDefinition(def) as unknown as {
      runtime: { v1: { RuntimeService: grpc.ServiceClientConstructor } };
    };
    this.client = new pkg.runtime.v1.RuntimeService(
      `unix:${socket}`,
      grpc.credentials.createInsecure(),
    ) as unknown as grpc.Client & Record<string, Call>;
  }

  private call<T>(method: string, req: object, timeoutMs = 60_000): Promise<T> {
    return new Promise((resolve, reject) => {
      this.client[method]!.call(
        this.client,
        req,
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err, res) => (err ? reject(new Error(`CRI ${method}: ${err.message}`)) : resolve(res as T)),
      );
    });
  }

  /** The runtime's name and version (waits for the socket: the first call after a start). */
  async version(): Promise<{ runtimeName: string; runtimeVersion: string }> {
    return this.call('Version', { version: 'v1' });
  }

  /** RunPodSandbox: the sandbox's id once it is ready (its network attached). */
  async runPod(meta: PodMeta, ports: PodPort[] = [], cgroupParent = ''): Promise<string> {
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
    const r = await this.call<{ podSandboxId: string }>('RunPodSandbox', { config });
    return r.podSandboxId;
  }

  /** PodSandboxStatus, verbose. */
  async status(id: string): Promise<PodStatus> {
    const r = await this.call<{
      status: { id: string; state: PodStatus['state']; network?: { ip: string } };
      info: Record<string, string>;
    }>('PodSandboxStatus', { podSandboxId: id, verbose: true });
    const info = (r.info.info ? JSON.parse(r.info.info) : {}) as {
      runtimeSpec?: { linux?: { namespaces?: { type: string; path?: string }[] } };
    };
    const netns = info.runtimeSpec?.linux?.namespaces?.find((n) => n.type === 'network')?.path ?? '';
    return { id: r.status.id, state: r.status.state, ip: r.status.network?.ip ?? '', netns };
  }

  /** StopPodSandbox (CNI DEL). */
  async stop(id: string): Promise<void> {
    await this.call('StopPodSandbox', { podSandboxId: id });
  }

  /** RemovePodSandbox. */
  async remove(id: string): Promise<void> {
    await this.call('RemovePodSandbox', { podSandboxId: id });
  }

  /** The sandboxes' ids. */
  async list(): Promise<string[]> {
    const r = await this.call<{ items: { id: string }[] }>('ListPodSandbox', {});
    return r.items.map((i) => i.id);
  }

  close(): void {
    this.client.close();
  }
}

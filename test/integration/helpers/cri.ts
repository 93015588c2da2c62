/**
 * The CRI client's types: the client itself is cri-client.mjs (plain JavaScript, shared with
 * the CRI bench, test/bench/cases/cri.mjs).
 */
import { CriClient as Client } from './cri-client.mjs';

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

/** A connection to one CRI socket. */
export interface CriClient {
  version(): Promise<{ runtimeName: string; runtimeVersion: string }>;
  runPod(meta: PodMeta, ports?: PodPort[], cgroupParent?: string): Promise<string>;
  status(id: string): Promise<PodStatus>;
  stop(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  list(): Promise<string[]>;
  close(): void;
}

/** Opens a client on `socket`. */
export const criClient = (socket: string): CriClient => new Client(socket) as CriClient;

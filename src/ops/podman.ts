/**
 * The netavark plugin's verbs as use cases (Podman 5; the adapter is podman/body.ts):
 * `create` records the netctl network a `podman network create -d netctl` names and prints
 * Podman's configuration with netctl's addressing; `setup NETNS` attaches the container as
 * CNI's ADD does, owned by Podman, asks the embedded DNS server for its sockets and prints
 * the status block; `teardown NETNS` detaches it (and the network with its last container);
 * `info` names the plugin. Each change is one transaction (ops/tx.ts).
 */
import { addResult, checkNetns, planAdd } from '../cni/add.js';
import { UsageError } from '../errors.js';
import { planPodmanCreate, planPodmanTeardown, podmanView } from '../podman/plan.js';
import { cniRequest, infoText, parseCreate, parseExec, type PodmanCommand } from '../podman/request.js';
import { statusBlock } from '../podman/status.js';
import type { Host } from './host.js';
import { transact, transactPreview } from './tx.js';

export { PLUGIN_VERSION } from '../podman/info.js';
import { PLUGIN_VERSION } from '../podman/info.js';

/** `create`: the netctl network recorded; returns Podman's configuration to print. */
export async function podmanCreate(host: Host, stdin: string): Promise<string> {
  const n = parseCreate(stdin);
  const out = await transactPreview(host, {}, (e) => planPodmanCreate(e, n));
  return `${JSON.stringify(podmanView(n, out.result))}\n`;
}

/** `setup NETNS`: the container attached; returns the status block to print. */
export async function podmanSetup(host: Host, netns: string, stdin: string): Promise<string> {
  const req = cniRequest('ADD', netns, parseExec(stdin));
  const engine = await host.engine();
  await checkNetns(engine, netns);
  const out = await transact(host, {}, (e) => planAdd(e, req));
  const { network, endpoint } = out.result!;
  const result = await addResult(engine, req, out.result!);
  // The server's sockets (127.0.0.11:53) in the container's namespace before its process starts.
  const dns = engine.dns !== undefined;
  await engine.dns?.prepare({
    id: endpoint.containerId,
    netns,
    networks: [network.id],
    forward: !network.internal,
  });
  return `${JSON.stringify(statusBlock(result, req.ifname!, dns))}\n`;
}

/** `teardown NETNS`: the container detached (nothing to do for one netctl does not know). */
export async function podmanTeardown(host: Host, netns: string, stdin: string): Promise<void> {
  const req = cniRequest('DEL', netns, parseExec(stdin));
  await transact(host, {}, (e) => planPodmanTeardown(e, req));
}

/** Runs one invocation (`argv`: the arguments after the program); returns what to print. */
export async function runPodman(host: Host, argv: readonly string[], stdin: string): Promise<string> {
  const [command = 'info', netns] = argv as [PodmanCommand | undefined, string | undefined];
  const needNetns = (): string => {
    if (!netns) throw new UsageError(`${command}: the network namespace path argument is missing`);
    return netns;
  };
  switch (command) {
    case 'info':
      return infoText(PLUGIN_VERSION);
    case 'create':
      return podmanCreate(host, stdin);
    case 'setup':
      return podmanSetup(host, needNetns(), stdin);
    case 'teardown':
      await podmanTeardown(host, needNetns(), stdin);
      return '';
    default:
      throw new UsageError(`unknown subcommand "${command}": create, setup, teardown or info`);
  }
}

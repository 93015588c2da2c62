/**
 * Engine steps that follow a container's networks, shared by run, rm, network connect and
 * disconnect: route_localnet on the bridges whose published ports changed.
 */
import type { Engine } from './context.js';
import { opsStep } from './kernel-steps.js';
import { planLocalnet } from './localnet.js';
import type { Step } from './steps.js';

/** The networks a container is attached to, as the database sees them now. */
export function containerNetworks(engine: Engine, containerId: string): string[] {
  return engine.store.endpoints.forContainer(containerId).map((e) => e.networkId);
}

/**
 * Sets route_localnet on the bridges of `networkIds` to what the recorded ports want;
 * planned from the database as it is when called. Undone like any kernel step.
 */
export function localnetStep(engine: Engine, networkIds: Iterable<string>): Step {
  const s = engine.store;
  return opsStep(planLocalnet(s.networks.list(), s.ports.list(), s.endpoints.all(), networkIds), engine.kernel);
}

/**
 * Reading Docker's containers through the Engine API: every running one, or one by name or
 * id. Effects (through the DockerApi passed in); the mapping is model.ts's.
 */
import { fromInspect, type DockerContainer, type DockerInspect } from './model.js';
import type { DockerApi } from './client.js';

/** A container by name or id; undefined when Docker has none. */
export async function inspectContainer(api: DockerApi, ref: string): Promise<DockerContainer | undefined> {
  const doc = await api.get<DockerInspect>(`/containers/${encodeURIComponent(ref)}/json`);
  return doc ? fromInspect(doc) : undefined;
}

/** Every running container (a stopped one has no address, so no rule). */
export async function runningContainers(api: DockerApi): Promise<DockerContainer[]> {
  const list = (await api.get<{ Id: string }[]>('/containers/json')) ?? [];
  const all = await Promise.all(list.map((c) => inspectContainer(api, c.Id)));
  return all.filter((c): c is DockerContainer => c !== undefined);
}

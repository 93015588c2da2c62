/**
 * The labels compose puts on what it makes, so that a later `up`, `down` or `ps` knows what
 * belongs to a project and whether its configuration changed, and the config hash. Pure.
 */
import { createHash } from 'node:crypto';
import type { ComposeNetwork, ComposeProject, ComposeService, ComposeVolume } from './types.js';

export const PROJECT = 'com.docker.compose.project';
export const SERVICE = 'com.docker.compose.service';
export const NUMBER = 'com.docker.compose.container-number';
export const HASH = 'com.docker.compose.config-hash';
export const NETWORK = 'com.docker.compose.network';
export const WORKING_DIR = 'com.docker.compose.project.working_dir';
export const CONFIG_FILES = 'com.docker.compose.project.config_files';
export const ONEOFF = 'com.docker.compose.oneoff';
export const VOLUME = 'com.docker.compose.volume';
/** Issue 25: on a pre_start step's container (compose's com.docker.compose.hook). */
export const HOOK_LABEL = 'com.docker.compose.hook';

function sha(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/**
 * What the container is made from: the service without what does not change the container
 * (its allow rules, which are applied in place, and its start order), the image's id and the
 * names of its networks.
 */
export function serviceHash(p: ComposeProject, s: ComposeService, imageId: string): string {
  // The build is not the container: the image id it made is (a rebuild that changes nothing
  // recreates nothing).
  const { allow: _allow, dependsOn: _deps, waitFor: _wait, build: _build, ...rest } = s;
  const names = s.networks.map((n) => p.networks.find((x) => x.key === n.key)?.name ?? n.key);
  return sha({ ...rest, imageId, networkNames: names });
}

/** What the network is made from. */
export function networkHash(n: ComposeNetwork): string {
  return sha(n);
}

/** The labels of a service's container. */
export function serviceLabels(p: ComposeProject, s: ComposeService, hash: string): Record<string, string> {
  return {
    ...s.labels,
    [PROJECT]: p.name,
    [SERVICE]: s.name,
    [NUMBER]: '1',
    [HASH]: hash,
    [ONEOFF]: 'False',
    [WORKING_DIR]: p.workingDir,
    [CONFIG_FILES]: p.files.join(','),
  };
}

/** The labels of a project network netctl creates. */
export function networkLabels(p: ComposeProject, n: ComposeNetwork): Record<string, string> {
  return { ...n.labels, [PROJECT]: p.name, [NETWORK]: n.key, [HASH]: networkHash(n) };
}

/** The labels of a project volume netctl creates. */
export function volumeLabels(p: ComposeProject, v: ComposeVolume): Record<string, string> {
  return { ...v.labels, [PROJECT]: p.name, [VOLUME]: v.key };
}

/**
 * Which of Docker's events `netctl docker watch` follows, and what each one moves: the
 * container it names, or FORWARD's jump to DOCKER-USER. Pure; the loop is ops/docker-watch.ts.
 */
import type { DockerEvent } from './client.js';

/** The events that can move a container's rules. */
export const WATCHED = {
  container: ['start', 'die', 'destroy', 'rename'],
  network: ['connect', 'disconnect', 'create'],
};

/** The `/events` query for them. */
export function eventsQuery(): string {
  const filters = { type: Object.keys(WATCHED), event: [...WATCHED.container, ...WATCHED.network] };
  return `filters=${encodeURIComponent(JSON.stringify(filters))}`;
}

/** The container an event is about, or undefined when it is not one that moves rules. */
export function eventContainer(e: DockerEvent): string | undefined {
  if (e.Type === 'container' && WATCHED.container.includes(e.Action)) return e.Actor.ID;
  if (e.Type === 'network' && WATCHED.network.includes(e.Action)) return e.Actor.Attributes?.container;
  return undefined;
}

/** Whether an event can put Docker's rules in front of FORWARD's jump to DOCKER-USER (forward-jump.ts). */
export function eventMovesForward(e: DockerEvent): boolean {
  return e.Type === 'network' && e.Action === 'create';
}

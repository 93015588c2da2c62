/**
 * The Docker part of `netctl ufw list` (and the TUI's Docker rows): stored rules of Docker
 * names and label rules of running containers, each with its routes now. Docker not
 * answering leaves the stored rules without routes, with a note on stderr.
 */
import type { CommandContext } from './context.js';
import type { Store } from '../store/index.js';
import type { ListEntry } from './format/allow.js';
import { dockerApi, dockerSocket } from '../docker/client.js';
import { runningContainers } from '../docker/containers.js';
import type { DockerContainer } from '../docker/model.js';
import { dockerRoutesOf, labelRules } from '../docker/routes.js';

/** The Docker entries, of one name or all. */
export async function dockerListEntries(store: Store, ctx: CommandContext, name?: string): Promise<ListEntry[]> {
  const stored = store.dockerAllows.list(name);
  let containers: DockerContainer[] = [];
  try {
    containers = await runningContainers(dockerApi(dockerSocket(ctx.opts.dockerHost as string | undefined), 3000));
  } catch (err) {
    if (stored.length > 0)
      ctx.stderr.write(`note: ${(err as Error).message}: Docker rules shown without their addresses\n`);
  }
  const mine = containers.filter((c) => name === undefined || c.name === name);
  const routes = (rule: ListEntry['rule']): ListEntry['routes'] =>
    mine.filter((c) => c.name === rule.container).flatMap((c) => dockerRoutesOf(c, rule));
  return [
    ...stored.map((rule) => ({ rule, routes: routes(rule), owner: 'docker' as const })),
    ...mine.flatMap((c) =>
      labelRules(c).rules.map((rule) => ({ rule, routes: routes(rule), owner: 'docker label' as const })),
    ),
  ];
}

/**
 * The read model: every view netctl shows of the host (containers, networks, owned rules
 * with their owners and counters, each published port as ufw treats it, ufw's route rules,
 * ufw's summary), built from one Host. `rules`, `ps`, `ufw status`, `ufw list`, `port`,
 * `inspect`, `network ls`, `network inspect`, `trace` and the TUI all read through it, so
 * they cannot disagree. Views are plain data; nothing here prints.
 */
export { inspectContainer, type PsRow, psRows, publishedPorts } from './read-containers.js';
export {
  type LinkReader,
  type LinkWatch,
  type LiveInputs,
  liveInputs,
  liveKey,
  liveSnapshot,
  openLinks,
  saveText,
  watchLinks,
} from './read-live.js';
export { inspectNetworks, listNetworks } from './read-networks.js';
export { containerKind, mentions, routeOwner, ruleOwner } from './read-owners.js';
export { type RouteInputs, routeLines } from './read-routes.js';
export { readRules, type RouteView, type RulesView, type RuleView } from './read-rules.js';
export { type ChainResult, ruleText, type TraceReport, type TraceRequest, traceConnection } from './read-trace.js';
export type * from './read-types.js';
export { allowRoutes, renderStatus, type UfwStatus, ufwStatus } from './read-ufw.js';

/**
 * The one interface every firewall backend implements (iptables today; "none" for hosts
 * where netctl must not touch the firewall; nftables could sit beside them). The engine uses
 * this interface alone: it observes, asks for the rules of one request, plans and applies.
 * Planning is pure and separate from applying, so the same plan drives `--dry-run`, the TUI
 * preview and the apply. Whatever a backend does to be fast (iptables: its generation cache,
 * planning one container's rows alone, native deletions) stays inside the backend.
 */
import type { FirewallInput } from './input.js';

/**
 * What the engine asks a backend to enforce, built once per command from the records
 * (engine/firewall-input.ts).
 */
export interface FirewallRequest {
  /** The records' firewall revision the request stands for. */
  readonly revision: string;
  /** What every record wants. Read on first call (memoized): the `delta` path may never need it. */
  all(): FirewallInput;
  /**
   * Set when one container's rows are all that changed since revision `since` (they are the
   * newest rows, and no link is recorded): that container's rules alone, added or taken out.
   * A backend may plan them on top of the rules it planned for revision `since`; what it
   * gives must be what planning from `all()` gives. `of: 'network'`: the change is one
   * network (the newest when added; with no containers either way) and `part` is that network
   * alone, while other networks remain.
   */
  readonly delta?: {
    readonly kind: 'add' | 'remove';
    readonly since: string;
    readonly part: FirewallInput;
    readonly of?: 'container' | 'network';
  };
}

/** A backend's plan: data, with the text shown for `--dry-run`. */
export interface FirewallPlan {
  /** True when applying would change nothing. */
  readonly empty: boolean;
  /** What would be applied, as the backend's own input text (e.g. iptables-restore documents). */
  text(): string;
  /** The wanted rules that are not live, one line each (what CNI CHECK and doctor report missing). */
  absent(): string[];
}

/**
 * A firewall backend. `S` is its snapshot of what it owns in the kernel; the engine treats
 * it as opaque. Rollback: observe() before apply, then apply(plan(snapshot, await observe())).
 */
export interface FirewallDriver<S = unknown, P extends FirewallPlan = FirewallPlan> {
  readonly name: string;
  /** What applying does, for error messages: `apply rules with iptables-restore --noflush`. */
  readonly describe: string;
  /** Reads what the backend owns in the kernel now; `fresh` reads even what it may remember (doctor, gc). */
  observe(opts?: { fresh?: boolean }): Promise<S>;
  /** The owned state wanted for `request`, given what is `live` (pure). */
  desired(request: FirewallRequest, live: S): S;
  /** The change turning `live` into `target` (pure). */
  plan(target: S, live: S): P;
  /**
   * Applies a plan; throws if the kernel refused any of it. `verify`: then makes sure the
   * plan's target is what is live, and throws when the kernel disagrees.
   */
  apply(plan: P, opts?: { verify?: boolean }): Promise<void>;
}

const NOTHING: FirewallPlan = { empty: true, text: () => '', absent: () => [] };

/**
 * The backend for "no firewall management" (`NETCTL_FIREWALL=none`): owns nothing, plans
 * nothing, applies nothing, so netctl leaves every rule to whoever manages the host's.
 */
export const noneDriver: FirewallDriver<null> = {
  name: 'none',
  describe: 'apply no rules (NETCTL_FIREWALL=none)',
  observe: async () => null,
  desired: () => null,
  plan: () => NOTHING,
  apply: async () => {},
};

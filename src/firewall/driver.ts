/**
 * The one interface every firewall backend implements (iptables today; "none" for hosts
 * where netctl must not touch the firewall). Planning is pure and separate from applying,
 * so the same plan drives `--dry-run`, the TUI preview and the apply.
 */
import type { FirewallInput } from './input.js';

/** A backend's plan: data, with the text shown for `--dry-run`. */
export interface FirewallPlan {
  /** True when applying would change nothing. */
  readonly empty: boolean;
  /** What would be applied, as the backend's own input text (e.g. iptables-restore documents). */
  text(): string;
}

/**
 * A firewall backend. `S` is its snapshot of what it owns in the kernel.
 * Rollback: observe() before apply, then apply(plan(snapshot, await observe())).
 */
export interface FirewallDriver<S, P extends FirewallPlan = FirewallPlan> {
  readonly name: string;
  /** The owned state wanted for `input` (pure). */
  desired(input: FirewallInput): S;
  /** Reads what the backend owns in the kernel now. */
  observe(): Promise<S>;
  /** The change turning `live` into `target` (pure). */
  plan(target: S, live: S): P;
  /** Applies a plan; throws if the kernel refused any of it. */
  apply(plan: P): Promise<void>;
}

const NOTHING: FirewallPlan = { empty: true, text: () => '' };

/** The backend for "no firewall management": owns nothing, plans nothing, applies nothing. */
export const noneDriver: FirewallDriver<null> = {
  name: 'none',
  desired: () => null,
  observe: async () => null,
  plan: () => NOTHING,
  apply: async () => {},
};

/**
 * The plugin's work, everything but the loader (main.ts): run one invocation with the real
 * engine. native/bundle.mjs bundles it with its packages into one CommonJS file that main.ts
 * compiles with a V8 code cache (code-cache.ts).
 */
import { openHost } from '../ops/host.js';
import { runPlugin, type PluginAnswer } from './plugin.js';

/** Runs one invocation. */
export function handle(env: Record<string, string | undefined>, stdin: string): Promise<PluginAnswer> {
  return runPlugin(env, stdin, async (roots) => (await openHost(roots)).engine());
}

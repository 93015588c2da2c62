/**
 * The plugin's work, everything but the loader (main.ts): run one invocation with the real
 * engine. native/bundle.mjs bundles it with its packages into one CommonJS file that main.ts
 * compiles with a V8 code cache (code-cache.ts).
 */
import { openEngine } from '../engine/context.js';
import { runPlugin, type PluginAnswer } from './plugin.js';

/** Runs one invocation. */
export function handle(env: Record<string, string | undefined>, stdin: string): Promise<PluginAnswer> {
  return runPlugin(env, stdin, (roots) => openEngine(roots));
}

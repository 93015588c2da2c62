/**
 * The plugin's work, everything but the loader (main.ts): one invocation through ops/cni.ts
 * with a Host opened on the configuration's state directories and closed after.
 * native/bundle.mjs bundles it with its packages into one CommonJS file that main.ts
 * compiles with a V8 code cache (code-cache.ts).
 */
import { runCni } from '../ops/cni.js';
import { openHost } from '../ops/host.js';
import { runPlugin, rootsFor, type PluginAnswer } from './plugin.js';

/** Runs one invocation. */
export function handle(env: Record<string, string | undefined>, stdin: string): Promise<PluginAnswer> {
  return runPlugin(env, stdin, async (req) => {
    const host = await openHost(rootsFor(req, env));
    try {
      return await runCni(host, req);
    } finally {
      host.close();
    }
  });
}

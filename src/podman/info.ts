/**
 * The plugin's answer to anything but create, setup and teardown: `info` (netavark's plugin
 * API asks it for the version) and, for an unknown subcommand, the error netavark shows.
 * Apart from body.ts so that it loads nothing of netctl's engine. Pure.
 */
import { infoText } from './request.js';
import type { PluginAnswer } from './body.js';

/** netctl's plugin version, as `info` reports it. */
export const PLUGIN_VERSION = '1.0.0';

/** Answers `info` (or no subcommand); anything else is refused in netavark's error form. */
export async function handle(argv: readonly string[]): Promise<PluginAnswer> {
  if (argv.length === 0 || argv[0] === 'info') return { stdout: infoText(PLUGIN_VERSION), exitCode: 0 };
  const error = `netctl: unknown subcommand "${argv[0]}": create, setup, teardown or info`;
  return { stdout: `${JSON.stringify({ error })}\n`, exitCode: 1 };
}

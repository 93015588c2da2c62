/**
 * The plugin's work: one netavark call through ops/podman.ts with a Host opened on netctl's
 * state directories (NETCTL_ROOT / NETCTL_RUN_ROOT, which the installed wrapper sets, else the
 * defaults) and closed after. Failures are printed as netavark asks, `{"error": "..."}` with
 * exit code 1: netavark shows the message to the Podman user.
 */
import { openHost } from '../ops/host.js';
import { runPodman } from '../ops/podman.js';
import { PLUGIN_VERSION } from './info.js';
import { infoText } from './request.js';

/** What the process prints and how it exits. */
export interface PluginAnswer {
  stdout: string;
  exitCode: number;
}

/** The message of an error with its hint, on one line. */
function message(err: unknown): string {
  const e = err as { message?: string; hint?: string };
  const text = e?.message ?? String(err);
  return e?.hint ? `${text} (${e.hint})` : text;
}

/** Runs one invocation: `argv` after the program name, `stdin` the JSON netavark sent. */
export async function handle(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  stdin: string,
): Promise<PluginAnswer> {
  try {
    // `info` needs no state: it answers even where netctl's directories are not there yet.
    if (argv.length === 0 || argv[0] === 'info') return { stdout: infoText(PLUGIN_VERSION), exitCode: 0 };
    const host = await openHost({
      root: env.NETCTL_ROOT ?? '/var/lib/netctl',
      runRoot: env.NETCTL_RUN_ROOT ?? '/run/netctl',
    });
    try {
      return { stdout: await runPodman(host, argv, stdin), exitCode: 0 };
    } finally {
      host.close();
    }
  } catch (err) {
    return { stdout: `${JSON.stringify({ error: `netctl: ${message(err)}` })}\n`, exitCode: 1 };
  }
}

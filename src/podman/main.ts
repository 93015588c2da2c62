#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node
/**
 * netctl's netavark plugin (dist/bin/netctl-podman.js): netavark runs it as
 * `netctl create|setup NETNS|teardown NETNS|info` with JSON on stdin and reads JSON on stdout
 * (netavark's plugin-API.md). `netctl podman install` puts a wrapper exec'ing it into one of
 * Podman's `netavark_plugin_dirs`.
 */
import { readFileSync } from 'node:fs';

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

const argv = process.argv.slice(2);
const work = ['create', 'setup', 'teardown'].includes(argv[0] ?? '');
// `info` (netavark asks it of the plugins it lists) answers without loading netctl's engine.
const answer = work
  ? await (await import('./body.js')).handle(argv, process.env, readStdin())
  : await (await import('./info.js')).handle(argv);
process.stdout.write(answer.stdout);
process.exitCode = answer.exitCode;

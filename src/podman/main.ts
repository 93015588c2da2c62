#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node
/**
 * netctl's netavark plugin (dist/bin/netctl-podman.js): netavark runs it as
 * `netctl create|setup NETNS|teardown NETNS|info` with JSON on stdin and reads JSON on stdout
 * (netavark's plugin-API.md). `netctl podman install` puts a wrapper exec'ing it into one of
 * Podman's `netavark_plugin_dirs`.
 */
import { readFileSync } from 'node:fs';
import { handle } from './body.js';

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

const answer = await handle(
  process.argv.slice(2),
  process.env,
  ['create', 'setup', 'teardown'].includes(process.argv[2] ?? '') ? readStdin() : '',
);
process.stdout.write(answer.stdout);
process.exitCode = answer.exitCode;

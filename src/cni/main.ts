#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node
/**
 * The CNI plugin's entry point (type `netctl`; `netctl cni install` puts it into the CNI
 * bin dir): the configuration on stdin, the `CNI_*` environment, the answer on stdout.
 * Started without NODE_EXTRA_CA_CERTS for the reason the CLI's first line gives.
 */
import { readFileSync } from 'node:fs';
import { openEngine } from '../engine/context.js';
import { runPlugin } from './plugin.js';

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

const answer = await runPlugin(process.env, readStdin(), (roots) => openEngine(roots));
process.stdout.write(answer.stdout);
process.exitCode = answer.exitCode;

#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node
/**
 * The CNI plugin as an ES module (dist/bin/netctl-cni.js), what plugins installed before
 * netctl-cni.cjs exec. `netctl cni install` installs main-cjs.ts's bundle instead: node
 * starts a CommonJS entry without its ES module loader, ~5 ms less per call. Started without
 * NODE_EXTRA_CA_CERTS for the reason the CLI's first line gives.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './entry.js';

await main(dirname(fileURLToPath(import.meta.url)));

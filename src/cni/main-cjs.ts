/**
 * The CNI plugin's entry as `netctl cni install` installs it: native/bundle.mjs bundles this
 * file as CommonJS into dist/bin/netctl-cni.cjs (with the shebang of main.ts), where
 * `__dirname` is dist/bin. A CommonJS main spares node the start of its ES module loader
 * (~5 ms of each call, and a runtime makes one call per ADD and per DEL).
 */
import { main } from './entry.js';

void main(__dirname);

#!/usr/bin/env node
/**
 * The boot test's probe from outside the machine: tries a TCP connection to HOST:PORT for
 * each PORT every INTERVAL ms (timeout 400 ms each, at most 4 at once per port), and appends
 * one line per try to OUT: `MS PORT RESULT`, RESULT open (the handshake completed), refused
 * (a reset), timeout, or the error's code. Runs until the file STOP exists (bounded: 30 min).
 * Usage: port-probe.mjs OUT STOP INTERVAL HOST PORT...
 */
import { appendFileSync, existsSync } from 'node:fs';
import { connect } from 'node:net';

const [out, stop, interval, host, ...ports] = process.argv.slice(2);
const busy = new Map(ports.map((p) => [p, 0]));
const end = Date.now() + 30 * 60_000;

function probe(port) {
  if (busy.get(port) >= 4) return;
  busy.set(port, busy.get(port) + 1);
  const t0 = Date.now();
  const s = connect({ host, port: Number(port) });
  let done = false;
  const finish = (result) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    s.destroy();
    busy.set(port, busy.get(port) - 1);
    appendFileSync(out, `${t0} ${port} ${result}\n`);
  };
  const timer = setTimeout(() => finish('timeout'), 400);
  s.on('connect', () => finish('open'));
  s.on('error', (e) => finish(e.code === 'ECONNREFUSED' ? 'refused' : (e.code ?? 'error')));
}

const tick = setInterval(() => {
  if (existsSync(stop) || Date.now() > end) {
    clearInterval(tick);
    setTimeout(() => process.exit(0), 500);
    return;
  }
  for (const p of ports) probe(p);
}, Number(interval));

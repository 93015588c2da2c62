#!/usr/bin/env node
/**
 * DNS load for the bench: COUNT A queries for NAME to SERVER over UDP, CONCURRENCY in
 * flight, each timed; prints JSON {p50, p99 (ms), qps, lost}. A query unanswered in 1 s is
 * lost. Runs inside the asking container's namespace (nsenter --net).
 *   node dns-load.mjs SERVER NAME COUNT CONCURRENCY
 */
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

const [server, name, countArg, concArg] = process.argv.slice(2);
const count = Number(countArg);
const conc = Number(concArg);
const sock = dgram.createSocket('udp4');
const waiting = new Map();
const lat = [];
let lost = 0;
let sent = 0;
let nextId = 1;
sock.on('message', (msg) => {
  const w = waiting.get(msg.readUInt16BE(0));
  if (!w) return;
  waiting.delete(msg.readUInt16BE(0));
  clearTimeout(w.timer);
  lat.push(Number(process.hrtime.bigint() - w.t0) / 1e6);
  w.done();
});
function one() {
  return new Promise((done) => {
    const id = nextId++ & 0xffff;
    const q = dnsPacket.encode({
      id,
      type: 'query',
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ name, type: 'A' }],
    });
    const timer = setTimeout(() => {
      waiting.delete(id);
      lost++;
      done();
    }, 1000);
    waiting.set(id, { t0: process.hrtime.bigint(), timer, done });
    sock.send(q, 53, server);
  });
}
async function worker() {
  while (sent < count) {
    sent++;
    await one();
  }
}
const t0 = process.hrtime.bigint();
await Promise.all(Array.from({ length: conc }, worker));
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
lat.sort((a, b) => a - b);
const pct = (p) => lat[Math.min(lat.length - 1, Math.floor((lat.length * p) / 100))] ?? NaN;
process.stdout.write(`${JSON.stringify({ p50: pct(50), p99: pct(99), qps: Math.round(lat.length / secs), lost })}\n`);
sock.close();

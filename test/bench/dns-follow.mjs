#!/usr/bin/env node
/**
 * Asks SERVER for NAME (A) every 2 ms until an answer holds an address, then prints the wall
 * clock time of that answer in ms (sub-ms precision) and exits; exits 1 after 10 s.
 *   node dns-follow.mjs SERVER NAME
 */
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

const [server, name] = process.argv.slice(2);
const s = dgram.createSocket('udp4');
let id = 1;
s.on('message', (m) => {
  if (dnsPacket.decode(m).answers.length === 0) return;
  process.stdout.write(`${performance.timeOrigin + performance.now()}\n`);
  process.exit(0);
});
s.bind(() => process.stdout.write('ready\n'));
setInterval(
  () => s.send(dnsPacket.encode({ id: id++ & 0xffff, type: 'query', questions: [{ name, type: 'A' }] }), 53, server),
  2,
);
setTimeout(() => process.exit(1), 10_000);

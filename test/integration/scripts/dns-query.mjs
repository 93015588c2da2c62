#!/usr/bin/env node
/**
 * One DNS query, over UDP or TCP, printed as JSON: {rcode, tc, answers: [data...]}.
 * For the tests' checks that busybox nslookup cannot make (TCP, the TC bit).
 *   node dns-query.mjs SERVER NAME TYPE udp|tcp
 */
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

const [server, name, type, proto] = process.argv.slice(2);
const query = dnsPacket.encode({
  id: 4242,
  type: 'query',
  flags: dnsPacket.RECURSION_DESIRED,
  questions: [{ name, type }],
});
const show = (buf) => {
  const p = dnsPacket.decode(buf);
  const data = (a) => (Array.isArray(a.data) ? a.data.map(String).join('') : String(a.data));
  process.stdout.write(`${JSON.stringify({ rcode: p.rcode, tc: p.flag_tc, answers: p.answers.map(data) })}\n`);
  process.exit(0);
};
setTimeout(() => {
  process.stderr.write('timeout\n');
  process.exit(2);
}, 5000);
if (proto === 'tcp') {
  const c = net.connect({ host: server, port: 53 }, () =>
    c.write(Buffer.concat([Buffer.from([0, query.length]), query])),
  );
  let buf = Buffer.alloc(0);
  c.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) show(buf.subarray(2));
  });
  c.on('error', (e) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  });
} else {
  const s = dgram.createSocket('udp4');
  s.on('message', show);
  s.send(query, 53, server);
}

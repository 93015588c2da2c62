/** /proc/net/{tcp,udp}{,6} read as listening sockets, pure, from lines the kernel printed. */
import { describe, expect, it } from 'vitest';
import { parseProcNet } from '../../src/sys/sockets.js';

const HEAD = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const TCP = `${HEAD}   0: 00000000:1B9E 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41101 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1BA0 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41102 1 0000000000000000 100 0 0 10 0
   2: 0200A8C0:0016 0100A8C0:D2F0 01 00000000:00000000 02:0009A3E6 00000000     0        0 41103 2 0000000000000000 20 4 29 10 -1
`;
const TCP6 = `${HEAD}   0: 00000000000000000000000000000000:115C 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 52001 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 52002 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:0051 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 52003 1 0000000000000000 100 0 0 10 0
`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  10: 00000000:1388 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 61001 2 0000000000000000 0
  11: 0100007F:0035 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 61002 2 0000000000000000 0
`;

describe('listening sockets from procfs', () => {
  it('keeps TCP listeners only, with the address in network order and the port', () => {
    expect(parseProcNet(TCP, 'tcp', 4)).toEqual([
      { proto: 'tcp', family: 4, ip: '0.0.0.0', port: 7070, inode: 41101 },
      { proto: 'tcp', family: 4, ip: '127.0.0.1', port: 7072, inode: 41102 },
    ]);
  });

  it('prints IPv6 addresses compressed, and v4-mapped ones dotted', () => {
    expect(parseProcNet(TCP6, 'tcp', 6).map((s) => `${s.ip} ${s.port}`)).toEqual([
      ':: 4444',
      '::1 80',
      '::ffff:127.0.0.1 81',
    ]);
  });

  it('keeps unconnected UDP sockets only', () => {
    expect(parseProcNet(UDP, 'udp', 4)).toEqual([{ proto: 'udp', family: 4, ip: '0.0.0.0', port: 5000, inode: 61001 }]);
  });
});

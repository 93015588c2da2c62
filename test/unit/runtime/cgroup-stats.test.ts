import { describe, expect, it } from 'vitest';
import { cpuPercent, keyValues, parseBlkio, parseNetDev, type StatSample } from '../../../src/runtime/cgroup-stats.js';
import { renderStats } from '../../../src/cli/commands/stats.js';

const sample = (at: number, cpuNs: number): StatSample => ({
  at,
  cpuNs,
  memory: 0,
  memoryLimit: null,
  rxBytes: 0,
  txBytes: 0,
  blkRead: 0,
  blkWrite: 0,
  pids: 0,
});

describe('stats counters', () => {
  it('parses v1 and v2 block I/O, net/dev without lo, and key-value files', () => {
    expect(parseBlkio('8:0 Read 4096\n8:0 Write 512\n8:0 Sync 1\n8:0 Total 4608\nTotal 4608\n', 1)).toEqual({
      read: 4096,
      write: 512,
    });
    expect(parseBlkio('8:0 rbytes=100 wbytes=20 rios=1\n8:16 rbytes=1 wbytes=2\n', 2)).toEqual({
      read: 101,
      write: 22,
    });
    const dev = [
      'Inter-|   Receive                            |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets',
      '    lo:     500       5    0    0    0     0          0         0      500       5    0    0    0     0       0          0',
      '  eth0:    1200      10    0    0    0     0          0         0      648       6    0    0    0     0       0          0',
    ].join('\n');
    expect(parseNetDev(dev)).toEqual({ rx: 1200, tx: 648 });
    expect(keyValues('total_inactive_file 40960\ncache 1\nbad x\n').get('total_inactive_file')).toBe(40960);
  });

  it('takes CPU % over the wall time between two readings (100 is one CPU)', () => {
    expect(cpuPercent(sample(0, 0), sample(1000, 500e6))).toBe(50);
    expect(cpuPercent(sample(0, 0), sample(500, 1e9))).toBe(200);
    expect(cpuPercent(sample(5, 10), sample(5, 20))).toBe(0);
  });

  it('renders the table and --format templates with Docker names', () => {
    const row = {
      id: 'a'.repeat(64),
      name: 'web',
      cpuPercent: 12.5,
      memoryUsage: 3 * 1024 * 1024,
      memoryLimit: 64 * 1024 * 1024,
      memoryPercent: 4.69,
      netRx: 1200,
      netTx: 648,
      blockRead: 0,
      blockWrite: 4096,
      pids: 2,
    };
    expect(renderStats([row])).toBe(
      'CONTAINER ID   NAME   CPU %    MEM USAGE / LIMIT   MEM %   NET I/O        BLOCK I/O    PIDS\n' +
        'aaaaaaaaaaaa   web    12.50%   3MiB / 64MiB        4.69%   1.2kB / 648B   0B / 4.1kB   2\n',
    );
    expect(renderStats([row], 'table {{.Name}}\\t{{.PIDs}}')).toBe('NAME\tPIDS\nweb\t2\n');
    expect(() => renderStats([row], '{{.Nope}}')).toThrow('unknown field ".Nope"');
  });
});

import { mkdtempSync, openSync, fstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  configureLog,
  formatLine,
  isJournalStream,
  journalEntry,
  Logger,
  parseLogLevel,
  redact,
} from '../../src/sys/log.js';
import { encodeEntry, fieldName } from '../../src/sys/journal.js';
import { bootCandidates, shutdownCandidates } from '../../src/ops/boot.js';
import type { Container } from '../../src/model/container.js';

describe('logging', () => {
  it('writes the message, then key=value fields, with the priority prefix under the journal', () => {
    expect(formatLine('info', 'started at boot', { container: 'web', image: 'busybox' })).toBe(
      'started at boot container=web image=busybox\n',
    );
    expect(formatLine('warn', 'refused', { from: 'a b' }, true)).toBe('<4>refused from="a b"\n');
    expect(formatLine('error', 'x', {}, true)).toBe('<3>x\n');
    expect(formatLine('debug', 'two\nlines', { skip: undefined }, true)).toBe('<7>two lines\n');
  });

  it('never writes a secret', () => {
    expect(redact('pull https://bob:hunter2@registry.example/v2/')).toBe('pull https://bob:***@registry.example/v2/');
    expect(redact('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer ***');
    expect(redact('login password=hunter2 user=bob')).toBe('login password=*** user=bob');
    expect(formatLine('info', 'login', { password: 'hunter2', token: 'x', registry: 'r' })).toBe(
      'login password=*** token=*** registry=r\n',
    );
  });

  it('writes the lines at or above its level', () => {
    const lines: string[] = [];
    const log = new Logger('warn', (l) => lines.push(l));
    log.error('e');
    log.warn('w');
    log.info('i');
    log.debug('d');
    expect(lines).toEqual(['e\n', 'w\n']);
    const sink = new Logger('debug', (l) => lines.push(l)).sink();
    sink('a line', { container: 'c' });
    sink('bad', {}, 'error');
    expect(lines.slice(2)).toEqual(['a line container=c\n', 'bad\n']);
  });

  it('under the journal sends an entry with one journal field per field, and the line only when that fails', () => {
    const entry = journalEntry('info', 'started at boot', { container: 'web', 'net-work': 'front', password: 'x' });
    expect(entry).toEqual([
      ['MESSAGE', 'started at boot container=web net-work=front password=***'],
      ['PRIORITY', '6'],
      ['SYSLOG_IDENTIFIER', 'netctl'],
      ['CONTAINER', 'web'],
      ['NET_WORK', 'front'],
      ['PASSWORD', '***'],
    ]);
    const sent: [string, string][][] = [];
    const lines: string[] = [];
    let up = true;
    const log = new Logger(
      'info',
      (l) => lines.push(l),
      true,
      false,
      (e) => (sent.push(e), up),
    );
    log.warn('refused', { rule: 'r1' });
    up = false;
    log.warn('refused', { rule: 'r2' });
    expect(sent.map((e) => e.find(([k]) => k === 'RULE')?.[1])).toEqual(['r1', 'r2']);
    expect(lines).toEqual(['<4>refused rule=r2\n']);
    // Outside the journal the sender is never asked.
    new Logger(
      'info',
      (l) => lines.push(l),
      false,
      false,
      (e) => (sent.push(e), true),
    ).info('x');
    expect(sent).toHaveLength(2);
  });

  it("encodes journald's native format: KEY=value lines, a value with a newline by its length", () => {
    expect(fieldName('container')).toBe('CONTAINER');
    expect(fieldName('_pid')).toBe('PID');
    expect(fieldName('9x.y')).toBe('X_Y');
    expect(fieldName('-')).toBeUndefined();
    expect(
      encodeEntry([
        ['MESSAGE', 'hi'],
        ['CONTAINER', 'wéb'],
      ]).toString(),
    ).toBe('MESSAGE=hi\nCONTAINER=wéb\n');
    const two = encodeEntry([['MESSAGE', 'a\nb']]);
    expect(two.subarray(0, 8).toString()).toBe('MESSAGE\n');
    expect(two.readBigUInt64LE(8)).toBe(3n);
    expect(two.subarray(16).toString()).toBe('a\nb\n');
  });

  it('takes --log-level, else NETCTL_LOG_LEVEL, else info; refuses anything else in one line', () => {
    expect(parseLogLevel('debug')).toBe('debug');
    expect(() => parseLogLevel('loud')).toThrow('--log-level "loud": expected one of error, warn, info, debug');
    expect(configureLog({ env: {} }).level).toBe('info');
    expect(configureLog({ env: { NETCTL_LOG_LEVEL: 'warn' } }).level).toBe('warn');
    expect(configureLog({ level: 'error', env: { NETCTL_LOG_LEVEL: 'warn' } }).level).toBe('error');
    expect(() => configureLog({ env: { NETCTL_LOG_LEVEL: 'x' } })).toThrow('NETCTL_LOG_LEVEL "x"');
  });

  it('knows the journal stream by its device and inode', () => {
    const fd = openSync(join(mkdtempSync(join(tmpdir(), 'netctl-log-')), 'f'), 'w');
    const st = fstatSync(fd);
    expect(isJournalStream(fd, { JOURNAL_STREAM: `${st.dev}:${st.ino}` })).toBe(true);
    expect(isJournalStream(fd, { JOURNAL_STREAM: `${st.dev}:${st.ino + 1}` })).toBe(false);
    expect(isJournalStream(fd, {})).toBe(false);
  });
});

describe('netctl boot', () => {
  const c = (name: string, state: Container['state'], restart?: string, given?: string): Container => ({
    id: name.padEnd(64, '0'),
    name,
    image: 'busybox',
    state,
    config: { launch: restart ? { restart } : {}, options: given ? { restartPolicy: given } : {} },
    createdAt: '2026-12-07T00:00:00Z',
  });

  it('starts the running containers with restart policy always or unless-stopped', () => {
    const all = [
      c('a', 'running', 'always'),
      c('b', 'running', 'always', 'unless-stopped'),
      c('stopped', 'exited', 'always'),
      c('once', 'running', 'on-failure'),
      c('none', 'running'),
      c('r', 'restarting', 'always'),
    ];
    expect(bootCandidates(all).map((x) => x.name)).toEqual(['a', 'b', 'r']);
    // At shutdown every running one stops, whatever its policy; the records stay for the next boot.
    expect(shutdownCandidates(all).map((x) => x.name)).toEqual(['a', 'b', 'once', 'none', 'r']);
  });
});

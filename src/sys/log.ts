/**
 * The log of netctl's long-running parts (boot replay, Docker watch, CNI and DNS servers,
 * health runner) and the debug trace of every command: one line per event, `MESSAGE
 * key=value...` (logfmt fields: container, network, rule...). Under systemd (stdout or
 * stderr is the journal stream JOURNAL_STREAM names) each line starts with its syslog
 * priority, `<3>` to `<7>`, which journald turns into PRIORITY, so `journalctl -p warning
 * -u netctl-docker` works; elsewhere the line has no prefix. The level comes from
 * `--log-level`, else NETCTL_LOG_LEVEL (environment or /etc/netctl/netctl.conf), else info.
 * Under the journal a line goes to journald's native socket first (sys/journal.ts), with each
 * field as a journal field too (CONTAINER=web), and to the stream only when that fails.
 * Secrets never reach a line: values of secret-looking fields, URL passwords and bearer
 * tokens are replaced by `***` here, whatever the caller passed.
 */
import { fstatSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { fieldName, sendEntry } from './journal.js';

/** The levels, most severe first. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Structured fields of one line. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/** Where a long-running part sends its lines (its level: info unless given). */
export type LogSink = (message: string, fields?: LogFields, level?: LogLevel) => void;

/** syslog priorities (sd-daemon(3) prefixes) of each level. */
const PRIORITY: Record<LogLevel, number> = { error: 3, warn: 4, info: 6, debug: 7 };

/** The level V names, or a UsageError naming V and SOURCE. */
export function parseLogLevel(v: string, source = '--log-level'): LogLevel {
  if ((LOG_LEVELS as readonly string[]).includes(v)) return v as LogLevel;
  throw new UsageError(`${source} "${v}": expected one of ${LOG_LEVELS.join(', ')}`);
}

const SECRET_KEY = /pass|secret|token|auth|credential|cookie|private/i;

/** TEXT without credentials: URL user passwords, bearer/basic tokens, password=... pairs. Pure. */
export function redact(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]+):[^@\s/]+@/gi, '$1:***@')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, '$1 ***')
    .replace(/\b([A-Za-z_]*(?:pass(?:word)?|secret|token)[A-Za-z_]*)=("[^"]*"|\S+)/gi, '$1=***');
}

function quote(v: string): string {
  return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
}

/** One line as written: priority prefix under the journal, message, then fields. Pure. */
export function formatLine(level: LogLevel, message: string, fields: LogFields = {}, journal = false): string {
  const parts = [redact(message).replace(/\n/g, ' ')];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    parts.push(`${k}=${SECRET_KEY.test(k) ? '***' : quote(redact(String(v)))}`);
  }
  return `${journal ? `<${PRIORITY[level]}>` : ''}${parts.join(' ')}\n`;
}

/**
 * One line as a journal entry: MESSAGE (the line as the stream would show it), PRIORITY,
 * SYSLOG_IDENTIFIER, then each field under its journal name, redacted as in the line. Pure.
 */
export function journalEntry(level: LogLevel, message: string, fields: LogFields = {}): [string, string][] {
  const entry: [string, string][] = [
    ['MESSAGE', formatLine(level, message, fields).slice(0, -1)],
    ['PRIORITY', String(PRIORITY[level])],
    ['SYSLOG_IDENTIFIER', 'netctl'],
  ];
  for (const [k, v] of Object.entries(fields)) {
    const name = fieldName(k);
    if (v === undefined || !name || ['MESSAGE', 'PRIORITY', 'SYSLOG_IDENTIFIER'].includes(name)) continue;
    entry.push([name, SECRET_KEY.test(k) ? '***' : redact(String(v))]);
  }
  return entry;
}

/** Whether FD is the journal stream systemd connected (JOURNAL_STREAM is "DEV:INODE"). */
export function isJournalStream(fd: number, env: NodeJS.ProcessEnv = process.env): boolean {
  const m = /^(\d+):(\d+)$/.exec(env.JOURNAL_STREAM ?? '');
  if (!m) return false;
  try {
    const st = fstatSync(fd, { bigint: true });
    return st.dev === BigInt(m[1] as string) && st.ino === BigInt(m[2] as string);
  } catch {
    return false;
  }
}

/** Lines at or above a level, to a stream; timestamps only where no journal adds them. */
export class Logger {
  constructor(
    readonly level: LogLevel,
    private readonly write: (line: string) => void,
    private readonly journal = false,
    private readonly timestamps = false,
    /** Under the journal: sends an entry to journald's socket; false sends the line to the stream instead. */
    private readonly send?: (entry: [string, string][]) => boolean,
  ) {}

  /** Whether LEVEL's lines are written. */
  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(this.level);
  }

  log(level: LogLevel, message: string, fields?: LogFields): void {
    if (!this.enabled(level)) return;
    if (this.journal && this.send?.(journalEntry(level, message, fields))) return;
    const stamp = this.timestamps && !this.journal ? `${new Date().toISOString()} ` : '';
    this.write(`${stamp}${formatLine(level, message, fields, this.journal)}`);
  }

  error(message: string, fields?: LogFields): void {
    this.log('error', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log('warn', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log('info', message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.log('debug', message, fields);
  }

  /** This logger as a LogSink. */
  sink(): LogSink {
    return (message, fields, level = 'info') => this.log(level, message, fields);
  }
}

let current: Logger | undefined;

/**
 * Sets the process's logger: LEVEL (else NETCTL_LOG_LEVEL, else info) to STREAM (file
 * descriptor FD, default stderr).
 */
export function configureLog(
  o: {
    level?: string;
    env?: NodeJS.ProcessEnv;
    stream?: NodeJS.WritableStream;
    fd?: number;
    timestamps?: boolean;
  } = {},
): Logger {
  const env = o.env ?? process.env;
  const level = o.level
    ? parseLogLevel(o.level)
    : env.NETCTL_LOG_LEVEL
      ? parseLogLevel(env.NETCTL_LOG_LEVEL, 'NETCTL_LOG_LEVEL')
      : 'info';
  const stream = o.stream ?? process.stderr;
  const journal = isJournalStream(o.fd ?? 2, env);
  current = new Logger(level, (l) => void stream.write(l), journal, o.timestamps, journal ? sendEntry : undefined);
  return current;
}

/** The process's logger (info to stderr until configured). */
export function logger(): Logger {
  if (!current) {
    try {
      current = configureLog();
    } catch {
      current = configureLog({ level: 'info', env: {} });
    }
  }
  return current;
}

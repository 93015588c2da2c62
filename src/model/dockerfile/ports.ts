/** EXPOSE port specs and STOPSIGNAL values checked as Docker's builder does. Pure. */
import { DockerfileError } from './errors.js';

/** `80`, `80/udp`, `8000-8002/tcp`, `ip:host:container`: the exposed `PORT/PROTO` keys (parsePortSpec). */
export function exposedPorts(specs: string[], line: number): string[] {
  const out: string[] = [];
  for (const raw of specs) {
    const container = raw.split(':').at(-1)!;
    const [port = '', proto0 = ''] = container.split('/', 2);
    if (port === '') throw new DockerfileError(line, `EXPOSE: no port specified: "${raw}"`);
    const proto = (proto0 || 'tcp').toLowerCase();
    if (!['tcp', 'udp', 'sctp'].includes(proto))
      throw new DockerfileError(line, `EXPOSE: invalid proto "${proto0}" in "${raw}"`);
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(port);
    const start = Number(m?.[1]);
    const end = m?.[2] === undefined ? start : Number(m[2]);
    if (!m || start > 65535 || end > 65535 || end < start)
      throw new DockerfileError(line, `EXPOSE: invalid port "${port}" in "${raw}"`);
    for (let p = start; p <= end; p++) out.push(`${p}/${proto}`);
  }
  return out;
}

const SIGNALS = new Set(
  (
    'ABRT ALRM BUS CHLD CLD CONT FPE HUP ILL INT IO IOT KILL PIPE POLL PROF PWR QUIT SEGV STKFLT STOP SYS ' +
    'TERM TRAP TSTP TTIN TTOU URG USR1 USR2 VTALRM WINCH XCPU XFSZ'
  ).split(' '),
);

/** Docker's signal.ParseSignal: a number, a name with or without SIG, or RTMIN+n / RTMAX-n. */
export function checkStopSignal(sig: string, line: number): void {
  if (/^\d+$/.test(sig) && Number(sig) > 0 && Number(sig) < 65) return;
  const name = sig.toUpperCase().replace(/^SIG/, '');
  if (SIGNALS.has(name) || /^RTMIN(\+\d+)?$|^RTMAX(-\d+)?$/.test(name)) return;
  throw new DockerfileError(line, `STOPSIGNAL: invalid signal "${sig}"`);
}

/**
 * `netctl doctor [--json]`: finds drift between the database and the machine; exit 1 when
 * it found something, with the command that repairs each finding.
 */
import type { CommandContext } from '../context.js';
import { dockerClient } from '../../ops/docker.js';
import { diagnose } from '../../ops/doctor.js';

export default async function doctor(ctx: CommandContext): Promise<number> {
  const findings = await diagnose(ctx.host, () => dockerClient(undefined, 3000));
  if (ctx.opts.json) ctx.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
  else if (findings.length === 0)
    ctx.stdout.write('no drift found: networks, rules, CNI attachments and ufw route rules match the database\n');
  else for (const f of findings) ctx.stdout.write(`${f.area}: ${f.problem}\n  fix: ${f.fix}\n`);
  return findings.length === 0 ? 0 : 1;
}

/**
 * The pure parts of image making (issue 26): getfattr's output read back, a RUN step's argv,
 * the mount points a commit leaves out, and `commit -c` through the Dockerfile model.
 */
import { describe, expect, it } from 'vitest';
import { runArgv } from '../../src/ops/build-run.js';
import { commitChanges } from '../../src/ops/commit-changes.js';
import { isMountArtifact } from '../../src/ops/commit.js';
import { scratchDocument } from '../../src/runtime/image-doc.js';
import { parseGetfattr } from '../../src/runtime/xattrs.js';
import type { RunStep } from '../../src/model/dockerfile/api.js';

describe('parseGetfattr', () => {
  it('reads base64, hex and quoted values, and escaped paths', () => {
    const text = [
      '# file: /up/dir',
      'trusted.overlay.opaque=0seQ==',
      '',
      '# file: /up/a\\040b',
      'security.capability=0x0100',
      'user.note="hi"',
      '',
    ].join('\n');
    const m = parseGetfattr(text);
    expect(m.get('/up/dir')?.get('trusted.overlay.opaque')?.toString()).toBe('y');
    expect(m.get('/up/a b')?.get('security.capability')).toEqual(Buffer.from([1, 0]));
    expect(m.get('/up/a b')?.get('user.note')?.toString()).toBe('hi');
  });
});

describe('runArgv', () => {
  const step = (o: Partial<RunStep>): RunStep => ({
    kind: 'RUN',
    line: 2,
    original: 'RUN x',
    form: 'shell',
    command: ['echo hi'],
    heredocs: [],
    shell: ['/bin/sh', '-c'],
    env: [],
    args: {},
    proxyEnv: [],
    ...o,
  });
  it('runs the shell form through the SHELL, the exec form as given, a lone heredoc as the script', () => {
    expect(runArgv(step({}))).toEqual(['/bin/sh', '-c', 'echo hi']);
    expect(runArgv(step({ shell: ['/bin/bash', '-ec'] }))).toEqual(['/bin/bash', '-ec', 'echo hi']);
    expect(runArgv(step({ form: 'exec', command: ['ls', '-l'] }))).toEqual(['ls', '-l']);
    const heredocs = [{ name: 'EOF', content: 'echo a\necho b\n', expand: true, chomp: false }];
    expect(runArgv(step({ command: ['<<EOF'], heredocs }))).toEqual(['/bin/sh', '-c', 'echo a\necho b\n']);
  });
});

describe('isMountArtifact', () => {
  const file = (size: number) => ({ isFile: () => true, size });
  it('leaves out only the empty mount targets of /etc/hosts, resolv.conf and hostname', () => {
    expect(isMountArtifact('etc/hosts', file(0))).toBe(true);
    expect(isMountArtifact('etc/hosts', file(12))).toBe(false);
    expect(isMountArtifact('etc/passwd', file(0))).toBe(false);
  });
});

describe('commitChanges', () => {
  it('applies CMD, ENV and EXPOSE as a build would', () => {
    const doc = scratchDocument();
    doc.config = { Env: ['PATH=/bin'], Cmd: ['sh'] };
    const out = commitChanges(['ENV A=1', 'EXPOSE 80', 'CMD ["cat", "/x"]'])(doc);
    expect(out.config).toMatchObject({ Env: ['PATH=/bin', 'A=1'], Cmd: ['cat', '/x'], ExposedPorts: { '80/tcp': {} } });
  });
  it('refuses an instruction commit does not take, naming it', () => {
    expect(() => commitChanges(['RUN true'])).toThrow(/invalid -c "RUN true"/);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject } from '../../../src/compose/load.js';
import { serviceRequest } from '../../../src/compose/request.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function request(service: string, stopSignal: string) {
  const dir = mkdtempSync(join(tmpdir(), 'netctl-compose-stop-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'compose.yaml'), `services:\n  a:\n    image: busybox\n${service}`);
  const p = loadProject({ cwd: dir, env: {} });
  const image = {
    id: 'i'.repeat(64),
    created: '',
    source: 'registry' as const,
    config: { env: [], exposedPorts: [], labels: {}, stopSignal },
  };
  return serviceRequest(p, p.services[0]!, image, {}).run;
}

describe("the image's StopSignal", () => {
  it('applies unless stop_signal names one, and an unparsable one leaves SIGTERM', () => {
    const req = request('', 'SIGQUIT');
    expect(req.launch.proc?.stopSignal).toBe(3);
    expect(req.options?.stopSignal).toBe('SIGQUIT');
    expect(request('    stop_signal: SIGINT\n', 'SIGQUIT').launch.proc?.stopSignal).toBe(2);
    expect(request('', 'NOPE').launch.proc?.stopSignal).toBeUndefined();
  });
});

/** `compose ps` in Docker Compose v2's words: its table, `--format json` and templates. */
import { describe, expect, it } from 'vitest';
import { ellipsis, renderComposePs } from '../../../src/cli/format/compose-ps-format.js';
import type { PsRow } from '../../../src/ops/read.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const past = (s: number): string => new Date(NOW - s * 1000).toISOString();
const row = (r: Partial<PsRow>): PsRow =>
  ({
    id: 'a'.repeat(64),
    name: 'shop-web-1',
    image: 'nginx',
    status: 'running',
    exitCode: null,
    createdAt: past(240),
    startedAt: past(180),
    finishedAt: null,
    command: '/docker-entrypoint.sh nginx -g daemon off;',
    ports: ['0.0.0.0:8080->80/tcp'],
    networks: ['shop_default'],
    addresses: [],
    labels: { 'com.docker.compose.service': 'web', 'com.docker.compose.project': 'shop' },
    health: 'healthy',
    ...r,
  }) as PsRow;

describe('compose ps format', () => {
  it('cuts as Docker does: 19 characters and an ellipsis', () => {
    expect(ellipsis('/docker-entrypoint.sh nginx', 20)).toBe('/docker-entrypoint.…');
    expect(ellipsis('short', 20)).toBe('short');
    expect(ellipsis('x'.repeat(20), 20)).toBe('x'.repeat(20));
  });

  it("prints Compose's columns with Up N minutes (healthy) and Exited (N) ... ago", () => {
    const out = renderComposePs(
      [
        row({}),
        row({
          name: 'shop-db-1',
          status: 'exited',
          exitCode: 3,
          finishedAt: past(60),
          ports: [],
          health: undefined,
          labels: { 'com.docker.compose.service': 'db' },
        }),
      ],
      'table',
      false,
      NOW,
    ).split('\n');
    expect(out[0]).toMatch(/^NAME\s+IMAGE\s+COMMAND\s+SERVICE\s+CREATED\s+STATUS\s+PORTS$/);
    expect(out[1]).toMatch(
      /^shop-web-1\s+nginx\s+"\/docker-entrypoint\.…"\s+web\s+4 minutes ago\s+Up 3 minutes \(healthy\)\s+0\.0\.0\.0:8080->80\/tcp$/,
    );
    expect(out[2]).toMatch(/^shop-db-1\s+nginx\s+".*"\s+db\s+4 minutes ago\s+Exited \(3\) About a minute ago$/);
  });

  it('--format json: one object a line with Compose field names; templates over the same fields', () => {
    const [line] = renderComposePs([row({})], 'json', false, NOW)
      .trim()
      .split('\n');
    expect(JSON.parse(line!)).toMatchObject({
      ID: 'a'.repeat(12),
      Name: 'shop-web-1',
      Service: 'web',
      Project: 'shop',
      State: 'running',
      Status: 'Up 3 minutes (healthy)',
      Health: 'healthy',
      ExitCode: 0,
      RunningFor: '4 minutes ago',
      Publishers: [{ URL: '0.0.0.0', TargetPort: 80, PublishedPort: 8080, Protocol: 'tcp' }],
    });
    expect(renderComposePs([row({})], '{{.Service}}\\t{{.Status}}', true, NOW)).toBe('web\tUp 3 minutes (healthy)\n');
  });
});

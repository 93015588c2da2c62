import { describe, expect, it } from 'vitest';
import { ellipsis, historyRows, humanDuration, humanSize } from '../../../src/model/image-history.js';
import { historyFields, historyTable, renderHistory } from '../../../src/cli/format/history-format.js';

const ID = 'a'.repeat(64);
const L1 = `sha256:${'1'.repeat(64)}`;
const L2 = `sha256:${'2'.repeat(64)}`;

// A config as `docker build` writes it: an empty-layer ENV step between two layer steps.
const config = {
  history: [
    { created: '2026-12-01T00:00:00Z', created_by: '/bin/sh -c #(nop) ADD file:abc in / ', comment: 'base' },
    { created: '2026-12-02T00:00:00Z', created_by: '/bin/sh -c #(nop)  ENV A=1', empty_layer: true },
    { created: '2026-12-03T00:00:00Z', created_by: '/bin/sh -c echo\tadded > /etc/added' },
  ],
};
const layers = [
  { diffId: L1, bytes: 4_500_000 },
  { diffId: L2, bytes: 6 },
];

describe('historyRows', () => {
  it('lists the steps newest first, layers matched to the steps that made them', () => {
    const rows = historyRows(ID, config, layers);
    expect(rows.map((r) => [r.id, r.layer, r.size])).toEqual([
      [ID, L2, 6],
      [null, null, 0],
      [null, L1, 4_500_000],
    ]);
    expect(rows[2]!.comment).toBe('base');
  });

  it('shows a row per layer when the config has no history, and one row for a config without layers', () => {
    const rows = historyRows(ID, {}, layers);
    expect(rows.map((r) => [r.id, r.layer, r.createdBy, r.created])).toEqual([
      [ID, L2, '', null],
      [null, L1, '', null],
    ]);
    expect(historyRows(ID, null, [])).toEqual([
      { id: ID, created: null, createdBy: '', size: 0, comment: '', layer: null },
    ]);
  });

  it('ignores history entries that are not objects', () => {
    expect(historyRows(ID, { history: [null, 3, { created_by: 'x' }] }, [layers[0]!])).toHaveLength(1);
  });
});

describe("Docker's wording", () => {
  it('says durations as go-units HumanDuration does', () => {
    expect(humanDuration(500)).toBe('Less than a second');
    expect(humanDuration(1000)).toBe('1 second');
    expect(humanDuration(59_000)).toBe('59 seconds');
    expect(humanDuration(60_000)).toBe('About a minute');
    expect(humanDuration(59 * 60_000)).toBe('59 minutes');
    expect(humanDuration(3_600_000)).toBe('About an hour');
    expect(humanDuration(47 * 3_600_000)).toBe('47 hours');
    expect(humanDuration(3 * 86_400_000)).toBe('3 days');
    expect(humanDuration(21 * 86_400_000)).toBe('3 weeks');
    expect(humanDuration(90 * 86_400_000)).toBe('3 months');
    expect(humanDuration(800 * 86_400_000)).toBe('2 years');
  });

  it('says sizes in decimal units with three significant digits', () => {
    expect(humanSize(0)).toBe('0B');
    expect(humanSize(999)).toBe('999B');
    expect(humanSize(1234)).toBe('1.23kB');
    expect(humanSize(77_800_000)).toBe('77.8MB');
    expect(humanSize(100_000)).toBe('100kB');
    expect(humanSize(999_999)).toBe('1e+03kB');
  });

  it('cuts long commands with an ellipsis', () => {
    expect(ellipsis('abcdef', 6)).toBe('abcdef');
    expect(ellipsis('abcdefg', 6)).toBe('abcde…');
  });
});

describe('history output', () => {
  const now = Date.parse('2026-12-03T02:00:00Z');
  const rows = historyRows(ID, config, layers);

  it("prints Docker's table, CREATED BY cut at 45 characters, tabs as spaces", () => {
    const lines = historyTable(rows, { noTrunc: false, now }).split('\n');
    expect(lines[0]).toMatch(/^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
    expect(lines[1]).toMatch(/^aaaaaaaaaaaa\s+2 hours ago\s+\/bin\/sh -c echo added > \/etc\/added\s+6B$/);
    expect(lines[2]).toMatch(/^<missing>\s+26 hours ago\s+\/bin\/sh -c #\(nop\) {2}ENV A=1\s+0B$/);
    expect(lines[3]).toMatch(/^<missing>\s+2 days ago\s+\/bin\/sh -c #\(nop\) ADD file:abc in \/\s+4\.5MB\s+base$/);
  });

  it('gives full ids with --no-trunc and renders --format templates, table ones with headers', () => {
    const full = historyFields(rows[0]!, { noTrunc: true, now });
    expect(full.ID).toBe(`sha256:${ID}`);
    const long = historyFields({ ...rows[0]!, createdBy: 'x'.repeat(60) }, { noTrunc: false, now });
    expect(long.CreatedBy).toHaveLength(45);
    expect(renderHistory(rows, '{{.ID}} {{.Size}}', { noTrunc: false, now })).toBe(
      'aaaaaaaaaaaa 6B\n<missing> 0B\n<missing> 4.5MB\n',
    );
    const t = renderHistory(rows.slice(0, 1), 'table {{.ID}}\\t{{.CreatedAt}}', { noTrunc: false, now });
    expect(t).toBe('IMAGE          CREATED AT\naaaaaaaaaaaa   2026-12-03T00:00:00Z\n');
  });
});

describe('history of a local build', () => {
  it("names each stored parent on the row it ends at, as Docker shows a build's step images", () => {
    const parent = 'b'.repeat(64);
    const base = 'c'.repeat(64);
    const ids = historyRows(ID, config, layers, [
      { id: parent, rows: 2 },
      { id: base, rows: 1 },
    ]).map((r) => r.id);
    expect(ids).toEqual([ID, parent, base]);
    // A parent with as many rows as the image (a metadata-only step's image) names no row of its own.
    expect(historyRows(ID, config, layers, [{ id: parent, rows: 3 }]).map((r) => r.id)).toEqual([ID, null, null]);
  });
});

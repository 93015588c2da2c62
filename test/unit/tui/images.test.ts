import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { App } from '../../../src/tui/app.js';
import { initialState, onKey } from '../../../src/tui/keys.js';
import { HISTORY, IMAGES, KEYS, SNAP, fakeActions, frameWith, type, until } from './fixture.js';

const snap = { ...SNAP, images: IMAGES };

describe('the Images view and an image history', () => {
  it('i lists the images with their sizes and shared layers as image ls does; q goes back', async () => {
    const { lastFrame, stdin } = render(
      createElement(App, { snapshot: snap, actions: fakeActions([]), width: 100, height: 24 }),
    );
    await type(stdin, 'i');
    const f = await frameWith(lastFrame, 'REPOSITORY', 'h/enter history');
    expect(f).toMatch(/REPOSITORY +TAG +IMAGE ID +CREATED +SIZE +SHARED/);
    expect(f).toMatch(/registry\.test\/app +v1 +cccccccccccc +2026-11-20 09:00 +52MB +2\/4 layers/);
    expect(f).toMatch(/registry\.test\/other +v1 +dddddddddddd +2026-11-21 09:00 +21\.3MB +2\/3 layers/);
    expect(f).toMatch(/<none> +<none> +eeeeeeeeeeee .* +1\.2MB +-/);
    expect(f).toContain('h/enter history');
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    await type(stdin, 'q');
    expect(await until(lastFrame, (f) => !f.includes('REPOSITORY'))).toContain('[2 Containers]');
  });

  it('h reads the history of the selected image and shows it newest first; q returns to the images', async () => {
    const log: string[] = [];
    const { lastFrame, stdin } = render(
      createElement(App, { snapshot: snap, actions: fakeActions(log), width: 120, height: 24 }),
    );
    await type(stdin, 'i', KEYS.down, 'h');
    expect(log).toEqual([`history ${'d'.repeat(64)}`]);
    const f = await until(lastFrame, (x) => x.includes('CREATED BY'));
    expect(f).toContain('history of registry.test/other:v1');
    expect(f).toMatch(/IMAGE +CREATED +CREATED BY +SIZE +COMMENT/);
    expect(f).toMatch(
      /dddddddddddd +2026-11-21 09:00 +\/bin\/sh -c #\(nop\) COPY dir:mime in \/usr\/share\/mime +4\.1MB/,
    );
    expect(f).toMatch(/<missing> +2026-11-20 08:00 +.*ADD file:busybox in \/ +1\.2MB +base/);
    expect(f.indexOf('COPY dir:mime')).toBeLessThan(f.indexOf('ADD file:busybox'));
    await type(stdin, 'q');
    expect(await until(lastFrame, (f) => f.includes('REPOSITORY'))).toMatch(/REPOSITORY +TAG/);
    await type(stdin, KEYS.down, KEYS.enter);
    expect(log.at(-1)).toBe(`history ${'e'.repeat(64)}`);
    expect(await until(lastFrame, (f) => f.includes('history of e'))).toContain(`history of ${'e'.repeat(12)}`);
  });

  it('says why a history cannot be read, and that there are no images', async () => {
    const { lastFrame, stdin } = render(
      createElement(App, { snapshot: snap, actions: fakeActions([], true), width: 80, height: 24 }),
    );
    await type(stdin, 'i', 'h');
    await frameWith(lastFrame, `error: image "cccccccccc`);
    const empty = render(createElement(App, { snapshot: SNAP, actions: fakeActions([]), width: 80, height: 24 }));
    await type(empty.stdin, 'i');
    await frameWith(empty.lastFrame, '(no images: netctl pull NAME stores one)');
    expect(onKey({ ...initialState(), mode: 'images' }, { input: 'h' }, SNAP).state.status).toBe('no image selected');
  });

  it('keeps the selection within the rows', () => {
    let s = { ...initialState(), mode: 'images' as const };
    for (let i = 0; i < 5; i++) s = onKey(s, { input: '', downArrow: true }, snap).state as typeof s;
    expect(s.image).toBe(2);
    expect(HISTORY).toHaveLength(2);
  });
});

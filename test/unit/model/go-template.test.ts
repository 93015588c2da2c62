import { describe, expect, it } from 'vitest';
import { compileTemplate, goString, renderTemplate } from '../../../src/model/go-template.js';

const inspect = {
  Id: 'abc123',
  State: { Status: 'running', Pid: 42, Health: null },
  Config: { Labels: { 'com.example.k': 'v', app: 'web' }, Env: ['A=1', 'B=2'] },
  NetworkSettings: {
    IPAddress: '',
    Networks: { front: { IPAddress: '10.0.0.2' }, back: { IPAddress: '10.1.0.2' } },
  },
};

describe('go templates', () => {
  it('reads field paths as Docker users write them', () => {
    expect(renderTemplate('{{.State.Status}}', inspect)).toBe('running');
    expect(renderTemplate('pid={{.State.Pid}}\n', inspect)).toBe('pid=42\n');
    expect(renderTemplate('{{.State.Health}}', inspect)).toBe('<nil>');
    expect(renderTemplate('{{.State.Nope}}', inspect)).toBe('<no value>');
    expect(renderTemplate('{{.NetworkSettings.IPAddress}}', inspect)).toBe('');
  });
  it('ranges over maps in key order, with variables', () => {
    expect(renderTemplate('{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', inspect)).toBe(
      '10.1.0.2 10.0.0.2 ',
    );
    expect(
      renderTemplate('{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}};{{end}}', inspect),
    ).toBe('back=10.1.0.2;front=10.0.0.2;');
    expect(renderTemplate('{{range .Config.Env}}[{{.}}]{{end}}', inspect)).toBe('[A=1][B=2]');
    expect(renderTemplate('{{range .Nope}}x{{else}}none{{end}}', inspect)).toBe('none');
  });
  it('has json, index, join, len, upper, printf and pipes', () => {
    expect(renderTemplate('{{json .Config.Labels}}', inspect)).toBe('{"com.example.k":"v","app":"web"}');
    expect(renderTemplate('{{index .Config.Labels "com.example.k"}}', inspect)).toBe('v');
    expect(renderTemplate('{{join .Config.Env ","}}', inspect)).toBe('A=1,B=2');
    expect(renderTemplate('{{len .Config.Env}}', inspect)).toBe('2');
    expect(renderTemplate('{{.State.Status | upper}}', inspect)).toBe('RUNNING');
    expect(renderTemplate('{{printf "%s:%d" .Id .State.Pid}}', inspect)).toBe('abc123:42');
    expect(renderTemplate('{{json (index .Config.Labels "app")}}', inspect)).toBe('"web"');
  });
  it('has if/else, with, eq and trim markers', () => {
    expect(renderTemplate('{{if eq .State.Status "running"}}up{{else}}down{{end}}', inspect)).toBe('up');
    expect(renderTemplate('{{if .State.Health}}h{{else}}no health{{end}}', inspect)).toBe('no health');
    expect(renderTemplate('{{with .State}}{{.Pid}}{{end}}', inspect)).toBe('42');
    expect(renderTemplate('a  {{- .Id -}}  b', inspect)).toBe('aabc123b');
  });
  it('calls function fields with arguments (ps --format {{.Label "k"}})', () => {
    const labelOf = (k: string): string => ({ app: 'web' })[k] ?? '';
    const row = { ['Label']: labelOf };
    expect(renderTemplate('{{.Label "app"}}', row)).toBe('web');
  });
  it('prints values as Go does', () => {
    expect(goString({ b: 1, a: [1, 'x'] })).toBe('map[a:[1 x] b:1]');
    expect(goString(true)).toBe('true');
  });
  it('refuses bad templates with one line naming them', () => {
    expect(() => compileTemplate('{{.State')).toThrow(/invalid template "\{\{\.State": unclosed/);
    expect(() => compileTemplate('{{range .X}}')).toThrow(/without \{\{end\}\}/);
    expect(() => compileTemplate('{{end}}')).toThrow(/unexpected \{\{end\}\}/);
    expect(() => renderTemplate('{{nope .X}}', {})).toThrow(/function "nope" not defined/);
    expect(() => renderTemplate('{{.Id.Foo}}', inspect)).toThrow(/can't evaluate field Foo/);
  });
});

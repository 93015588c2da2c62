/**
 * The man pages: each renders without a groff warning, every flag of every command's
 * `--help` appears on the page that covers the command, and package.json installs them all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TREE, type CommandSpec } from '../../src/cli/tree.js';
import { runSync } from '../../src/sys/exec.js';
import { NETCTL } from '../harness/sandbox.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PAGES = readdirSync(`${root}man`)
  .filter((f) => f.endsWith('.8'))
  .sort();

/** The page that documents a command (by its first word). */
const PAGE_OF: Record<string, string> = {
  network: 'netctl-network.8',
  image: 'netctl-image.8',
  history: 'netctl-image.8',
  volume: 'netctl-volume.8',
  pull: 'netctl-pull.8',
  push: 'netctl-push.8',
  save: 'netctl-push.8',
  login: 'netctl-pull.8',
  logout: 'netctl-pull.8',
  system: 'netctl-pull.8',
  tag: 'netctl-pull.8',
  allow: 'netctl-allow.8',
  deny: 'netctl-allow.8',
  ufw: 'netctl-ufw.8',
  tui: 'netctl-tui.8',
  sandbox: 'netctl-sandbox.8',
  demo: 'netctl-sandbox.8',
  completion: 'netctl.8',
  run: 'netctl-run.8',
  ps: 'netctl-run.8',
  inspect: 'netctl-run.8',
  port: 'netctl-run.8',
  logs: 'netctl-run.8',
  exec: 'netctl-run.8',
  stop: 'netctl-run.8',
  start: 'netctl-run.8',
  restart: 'netctl-run.8',
  rm: 'netctl-run.8',
  health: 'netctl-run.8',
  stats: 'netctl-stats.8',
  compose: 'netctl-compose.8',
  rules: 'netctl.8',
  trace: 'netctl.8',
  doctor: 'netctl-doctor.8',
  audit: 'netctl-audit.8',
  gc: 'netctl.8',
  boot: 'netctl.8',
  docker: 'netctl-docker.8',
  cni: 'netctl-cni.8',
  podman: 'netctl-podman.8',
  dns: 'netctl-dns.8',
  create: 'netctl-run.8',
  attach: 'netctl-container.8',
  kill: 'netctl-container.8',
  pause: 'netctl-container.8',
  unpause: 'netctl-container.8',
  top: 'netctl-container.8',
  cp: 'netctl-container.8',
  export: 'netctl-container.8',
  container: 'netctl-container.8',
  build: 'netctl-build.8',
  commit: 'netctl-build.8',
  builder: 'netctl-build.8',
};

/** `container VERB` whose spec is the top-level VERB's own object: its --help is checked once, there. */
function sameAsTopLevel(cmd: readonly string[]): boolean {
  if (cmd[0] !== 'container') return false;
  const group = TREE.find((c) => c.name === 'container')!;
  const sub = group.subcommands!.find((c) => c.name === cmd[1]);
  return sub !== undefined && TREE.includes(sub);
}

/** `container VERB` is documented where VERB is (`container ls` where ps is). */
function pageOf(cmd: readonly string[]): string | undefined {
  if (cmd[0] !== 'container') return PAGE_OF[cmd[0]!];
  const verb = cmd[1] === 'ls' ? 'ps' : cmd[1]!;
  return verb === 'prune' ? PAGE_OF.container : PAGE_OF[verb];
}

function commands(specs: readonly CommandSpec[], prefix: string[] = []): string[][] {
  return specs.flatMap((s) => (s.subcommands ? commands(s.subcommands, [...prefix, s.name]) : [[...prefix, s.name]]));
}

const text = new Map<string, string>();
function rendered(page: string): string {
  if (!text.has(page)) {
    const r = runSync(['groff', '-man', '-Tascii', '-P-cbou', `${root}man/${page}`]);
    text.set(page, r.stdout.replace(/\u2010/g, '-'));
  }
  return text.get(page)!;
}

function helpFlags(cmd: string[]): string[] {
  const help = runSync([process.execPath, NETCTL, ...cmd, '--help']).stdout;
  const flags = new Set<string>();
  for (const line of help.split('\n')) {
    const m = /^\s+((?:-\w, )?--?[\w-]+)/.exec(line);
    if (!m) continue;
    for (const f of m[1]!.split(', ')) if (f !== '-h' && f !== '--help') flags.add(f);
  }
  return [...flags];
}

describe('man pages', () => {
  it.each(PAGES)('%s renders with groff -man -ww and no warning', (page) => {
    const r = runSync(['groff', '-man', '-ww', '-z', `${root}man/${page}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('covers every command, and every flag of its --help is on its page', () => {
    const missing: string[] = [];
    for (const cmd of commands(TREE)) {
      if (sameAsTopLevel(cmd)) continue;
      const page = pageOf(cmd);
      if (!page) {
        missing.push(`${cmd.join(' ')}: no page`);
        continue;
      }
      const body = rendered(page);
      if (!body.includes(cmd[cmd.length - 1]!)) missing.push(`${cmd.join(' ')}: not named on ${page}`);
      for (const flag of helpFlags(cmd))
        if (!new RegExp(`(^|[^\\w-])${flag}([^\\w-]|$)`, 'm').test(body))
          missing.push(`${cmd.join(' ')} ${flag}: not on ${page}`);
    }
    expect(missing).toEqual([]);
  });

  it('package.json installs exactly the pages in man/', () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { man?: string[] };
    expect([...(pkg.man ?? [])].sort()).toEqual(PAGES.map((p) => `man/${p}`));
  });
});

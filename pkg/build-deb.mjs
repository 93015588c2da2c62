#!/usr/bin/env node
/**
 * Builds netctl_VERSION_ARCH.deb from the built tree (`npm run package` builds first):
 *
 *   /usr/bin/netctl                      -> /usr/lib/netctl/dist/bin/netctl.js
 *   /usr/lib/netctl/                     the bundle, the native addon, launcher and CNI shim,
 *                                        the ufw templates and units, the runtime npm packages
 *   /usr/lib/systemd/system/             the units of rules/systemd (installed disabled)
 *   /usr/share/man/man8/                 the man pages
 *   /usr/share/{bash-completion,zsh,fish}/...  completions generated from the command tree
 *   /etc/netctl/netctl.conf              the operator's settings, all commented (a conffile)
 *
 * Usage: node pkg/build-deb.mjs [--out DIR] [--version V]   (default DIR: pkg/out, V: package.json's)
 *
 * --version builds the same tree under another version: the package test's stand-in for
 * the previous release (an upgrade from it, a downgrade to it).
 *
 * The architecture is the build machine's (dpkg --print-architecture): the native addon,
 * launcher and better-sqlite3 are compiled for it. An arm64 package is built the same way on
 * an arm64 machine (or an arm64 Debian userland under qemu-user-static): `bash
 * native/setup.sh && npm run package` there. Nothing here is architecture-specific.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const here = join(root, 'pkg', 'deb');
const argv = process.argv.slice(2);
const arg = (flag) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
};
const outDir = arg('--out') ?? join(root, 'pkg', 'out');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const version = arg('--version') ?? pkg.version;
if (!/^[0-9][A-Za-z0-9.+~-]*$/.test(version)) {
  console.error(`build-deb: --version "${version}": not a Debian version`);
  process.exit(1);
}
// The schema version of the database this code writes, for preinst's downgrade check.
const schema = Math.max(
  ...[...readFileSync(join(root, 'src/store/migrations.ts'), 'utf8').matchAll(/\{ version: (\d+),/g)].map((m) => +m[1]),
);
const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
const UNIT_DIR = 'usr/lib/systemd/system';

function need(path, what) {
  try {
    statSync(join(root, path));
  } catch {
    console.error(`build-deb: ${path} is missing (${what}): run \`npm run build\` first`);
    process.exit(1);
  }
}
need('dist/bin/netctl.js', 'the bundled CLI');
need('native/build/Release/netctl_native.node', 'the native addon');
need('native/build/netctl-launcher', 'the launcher');
need('native/build/netctl-cni-shim', 'the CNI shim');

const stage = mkdtempSync(join(tmpdir(), 'netctl-deb-'));
chmodSync(stage, 0o755);
const at = (...p) => join(stage, ...p);
const lib = at('usr/lib/netctl');
const put = (path, text, mode = 0o644) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
};

// The program: the bundle, the native parts, the templates, a package.json naming the version.
// Not the code caches this tree's own commands wrote (src/sys/code-cache.ts): postinst makes one.
cpSync(join(root, 'dist/bin'), join(lib, 'dist/bin'), {
  recursive: true,
  filter: (src) => relative(join(root, 'dist/bin'), src) !== 'code-cache',
});
for (const f of ['Release/netctl_native.node', 'netctl-launcher', 'netctl-cni-shim'])
  cpSync(join(root, 'native/build', f), join(lib, 'native/build', f));
cpSync(join(root, 'rules'), join(lib, 'rules'), { recursive: true });
const { name, type, engines, dependencies } = pkg;
put(join(lib, 'package.json'), `${JSON.stringify({ name, version, type, engines, dependencies }, null, 2)}\n`);

// The runtime npm packages (no dev ones), without what only a build of them needs.
const prod = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((p) => p.includes('node_modules'));
const DROP =
  /(^|\/)(test|tests|docs?|examples?|src|deps|obj|obj\.target|@types|\.[^/]*)$|\.(md|map|ts|cc|h|gyp|gypi|mk)$/;
const NODE_ARCH = { amd64: 'x64', arm64: 'arm64' }[arch] ?? arch;
const BUILD_ONLY = ['node_modules/node-addon-api'];
for (const dir of prod.filter((d) => !BUILD_ONLY.includes(relative(root, d)))) {
  const rel = relative(root, dir);
  cpSync(dir, join(lib, rel), {
    recursive: true,
    filter: (src) => {
      const r = relative(dir, src);
      if (r.startsWith('node_modules')) return false; // nested packages are listed on their own
      if (/^prebuilds\/[^/]+$/.test(r)) return r === `prebuilds/linux-${NODE_ARCH}`;
      return r === '' || !DROP.test(r);
    },
  });
}
const native = join(lib, 'node_modules/better-sqlite3/build');
for (const e of readdirSync(native)) if (e !== 'Release') rmSync(join(native, e), { recursive: true });
for (const e of readdirSync(join(native, 'Release')))
  if (e !== 'better_sqlite3.node') rmSync(join(native, 'Release', e), { recursive: true });
// Modes as Debian wants them: executables are ELF programs or scripts, libraries are 0644;
// binaries stripped of their debugging symbols.
const PROGRAMS = new Set(['native/build/netctl-launcher', 'native/build/netctl-cni-shim']);
const isElf = (b) => b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
const normalize = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) normalize(p);
    else if (e.isFile()) {
      const head = readFileSync(p).subarray(0, 4);
      // The only ELF programs are netctl's own; every other ELF file is a library (.node, .bare...).
      const program = PROGRAMS.has(relative(lib, p)) || head.subarray(0, 2).toString() === '#!';
      chmodSync(p, program ? 0o755 : 0o644);
      if (isElf(head))
        execFileSync('strip', ['--strip-unneeded', '--remove-section=.comment', '--remove-section=.note', p]);
    }
  }
};
normalize(lib);
mkdirSync(at('usr/bin'), { recursive: true });
symlinkSync('../lib/netctl/dist/bin/netctl.js', at('usr/bin/netctl'));

// Man pages, completions (from the command tree of the very bundle packaged), units, settings.
for (const m of readdirSync(join(root, 'man')).filter((f) => /\.\d$/.test(f))) {
  const section = m.slice(-1);
  put(at(`usr/share/man/man${section}`, `${m}.gz`), gzipSync(readFileSync(join(root, 'man', m)), { level: 9 }));
}
const completion = (shell) => execFileSync(process.execPath, [join(root, 'dist/bin/netctl.js'), 'completion', shell]);
put(at('usr/share/bash-completion/completions/netctl'), completion('bash'));
put(at('usr/share/zsh/vendor-completions/_netctl'), completion('zsh'));
put(at('usr/share/fish/vendor_completions.d/netctl.fish'), completion('fish'));
for (const u of readdirSync(join(root, 'rules/systemd'))) {
  const text = readFileSync(join(root, 'rules/systemd', u), 'utf8').replaceAll(
    '/usr/bin/env netctl',
    '/usr/bin/netctl',
  );
  put(at(UNIT_DIR, u), text);
}
put(at('etc/netctl/netctl.conf'), readFileSync(join(here, 'netctl.conf')));
put(at('usr/share/lintian/overrides/netctl'), readFileSync(join(here, 'lintian-overrides')));

// Documentation Debian asks for.
const doc = at('usr/share/doc/netctl');
put(join(doc, 'copyright'), readFileSync(join(here, 'copyright')));
put(join(doc, 'README.Debian'), readFileSync(join(here, 'README.Debian')));
const date = execFileSync('git', ['log', '-1', '--format=%aD'], { cwd: root, encoding: 'utf8' }).trim();
const changelog = `netctl (${version}) unstable; urgency=medium\n\n  * Release ${version}: see the project's README.\n\n -- netctl maintainers <maintainers@netctl.invalid>  ${date}\n`;
put(join(doc, 'changelog.gz'), gzipSync(changelog, { level: 9 }));

// Control files.
const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile()) files.push(p);
  }
};
walk(stage);
const md5 = (p) => createHash('md5').update(readFileSync(p)).digest('hex');
const sizeKb = Math.ceil(files.reduce((n, f) => n + statSync(f).size, 0) / 1024);
const control = [
  'Package: netctl',
  `Version: ${version}`,
  `Architecture: ${arch}`,
  'Maintainer: netctl maintainers <maintainers@netctl.invalid>',
  `Installed-Size: ${sizeKb}`,
  'Depends: nodejs (>= 20.19), iptables, iproute2, zstd, attr, libc6',
  'Suggests: ufw, docker.io, podman',
  'Section: net',
  'Priority: optional',
  'Homepage: https://netctl.invalid/',
  'Description: firewall-aware container runtime and network manager',
  ' netctl runs containers on bridges it owns, with NAT, isolation and published',
  ' ports kept closed under ufw until `netctl allow` opens them, and guards',
  " Docker's, CNI runtimes' and compose containers the same way.",
  '',
].join('\n');
put(at('DEBIAN/control'), control);
put(at('DEBIAN/conffiles'), '/etc/netctl/netctl.conf\n');
put(
  at('DEBIAN/md5sums'),
  `${files
    .map((f) => `${md5(f)}  ${relative(stage, f)}`)
    .sort()
    .join('\n')}\n`,
);
for (const s of ['preinst', 'postinst', 'prerm', 'postrm']) {
  const text = readFileSync(join(here, s), 'utf8').replace('@SCHEMA@', String(schema)).replace('@VERSION@', version);
  put(at('DEBIAN', s), text, 0o755);
}

mkdirSync(outDir, { recursive: true });
const deb = join(outDir, `netctl_${version}_${arch}.deb`);
execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', stage, deb], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
rmSync(stage, { recursive: true });
console.log(deb);

// Runs inside a fresh network namespace (started by iptables-apply.test.ts): applies a
// 1,000-rule document into owned chains next to a foreign rule with the compiled apply.ts
// and the real iptables of one flavour, and prints what it saw as one JSON object.
// Usage: node iptables-apply.mjs nft|legacy
import { spawnSync } from 'node:child_process';
import { ownedDocument } from '../../fixtures/iptables/owned-doc.mjs';

const dist = new URL('../../../dist/', import.meta.url);
const { applyDocument, readRuleset, testDocument } = await import(new URL('firewall/iptables/apply.js', dist));
const { render } = await import(new URL('firewall/iptables/render.js', dist));
const { realRunner } = await import(new URL('sys/exec.js', dist));

const flavour = process.argv[2] === 'legacy' ? 'legacy' : 'nft';
const opts = { flavour, table: 'filter' };

function restore(tool, doc) {
  const r = spawnSync(tool, ['--noflush'], { input: doc, encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`${tool} failed (${r.status}): ${r.stderr}`);
}

const FOREIGN = `*filter
:FOREIGN - [0:0]
-A FORWARD -s 192.0.2.0/24 -m comment --comment "foreign: keep me" -j FOREIGN
-A FOREIGN -j RETURN
COMMIT
`;

async function failure(fn) {
  try {
    await fn();
    return null;
  } catch (err) {
    return { name: err.constructor.name, message: err.message, line: err.line ?? null };
  }
}

restore(`iptables-${flavour}-restore`, FOREIGN);
const before = render(await readRuleset(realRunner, 4, 'filter', opts));
const doc = ownedDocument(1000);
const applied = render(await applyDocument(realRunner, 4, doc, opts));
// Re-declaring an owned chain under --noflush flushes it: the same rules again, not twice.
const again = render(await applyDocument(realRunner, 4, ownedDocument(999, { jump: false }), opts));
const bad = '*filter\n:NETCTL-PORTS - [0:0]\n-A NETCTL-PORTS -j ACCEPT\n-A NETCTL-PORTS -j NETCTL-MISSING\nCOMMIT\n';
// iptables-nft-restore --test does not resolve jumps, so the test case is an unknown option.
const badTest = await failure(() =>
  testDocument(realRunner, 4, bad.replace('-j NETCTL-MISSING', '--bogus -j ACCEPT'), opts),
);
const goodTest = await failure(() => testDocument(realRunner, 4, ownedDocument(50), opts));
const badApply = await failure(() => applyDocument(realRunner, 4, bad, opts));
const afterBad = render(await readRuleset(realRunner, 4, 'filter', opts));
const v6doc = ownedDocument(10, { family: 6 });
const v6 = render(await applyDocument(realRunner, 6, v6doc, opts));

process.stdout.write(JSON.stringify({ before, doc, applied, again, badTest, goodTest, badApply, afterBad, v6doc, v6 }));

// Runs inside a fresh network namespace (started by rules-apply.test.ts): applies netctl's
// planned rules with the real iptables-restore --noflush around foreign rules, and prints
// what it saw as one JSON object. Usage: node rules-apply.mjs nft|legacy
import { spawnSync } from 'node:child_process';

const dist = new URL('../../../dist/firewall/iptables/', import.meta.url);
const { desired } = await import(new URL('desired.js', dist));
const { diff, isEmpty } = await import(new URL('diff.js', dist));
const { ownedPart } = await import(new URL('plan-owned.js', dist));
const { renderPlan } = await import(new URL('plan-render.js', dist));
const { parse } = await import(new URL('parse.js', dist));

const flavour = process.argv[2] === 'legacy' ? '-legacy' : '';
const tool = (family, what) => `${family === 6 ? 'ip6tables' : 'iptables'}${flavour}-${what}`;

function exec(argv, input) {
  const r = spawnSync(argv[0], argv.slice(1), { input, encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0)
    throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}\n--- input ---\n${input ?? ''}`);
  return r.stdout;
}

const save = (family) => exec([tool(family, 'save')]);
const restore = (family, doc) => exec([tool(family, 'restore'), '--noflush'], doc);
const owned = (family) => ownedPart(parse(save(family)));

const FOREIGN = {
  4: ['192.0.2.0/24', '10.1.0.2/32'],
  6: ['2001:db8::/64', 'fd00:0:0:1::2/128'],
};

function foreignDoc(family) {
  const [src, dst] = FOREIGN[family];
  return `*filter
:ufw-user-forward - [0:0]
-A FORWARD -j ufw-user-forward
-A FORWARD -s ${src} -j ACCEPT
-A ufw-user-forward -d ${dst} -m comment --comment "netctl:allow web" -j ACCEPT
COMMIT
*nat
-A POSTROUTING -o eth9 -j MASQUERADE
COMMIT
*raw
-A PREROUTING -s ${src} -j ACCEPT
COMMIT
`;
}

function converge(input) {
  const out = {};
  for (const family of [4, 6]) {
    const plan = diff(desired(input, family), owned(family));
    const doc = renderPlan(plan);
    if (!isEmpty(plan)) restore(family, doc);
    const list = (what) => plan.tables.flatMap((t) => t[what].map((x) => `${t.table} ${x.name ?? x.chain}`));
    out[family] = { doc, written: list('write'), appended: list('append') };
  }
  return out;
}

const net = (n, extra = {}) => ({
  id: (0xa00 + n).toString(16),
  name: `net${n}`,
  bridge: `br-net${n}`,
  subnet: `10.${n}.0.0/24`,
  internal: false,
  icc: true,
  ...extra,
});
const two = {
  networks: [net(1, { subnet6: 'fd00:0:0:1::/64' }), net(2, { icc: false })],
  ports: [
    { network: 'a01', proto: 'tcp', hostPort: 8080, containerIp: '10.1.0.2', containerPort: 80 },
    { network: 'a01', proto: 'udp', hostIp: '127.0.0.1', hostPort: 5353, containerIp: '10.1.0.2', containerPort: 53 },
    {
      network: 'a01',
      proto: 'tcp',
      hostIp: 'fd00:0:0:1::1',
      hostPort: 8080,
      containerIp: 'fd00:0:0:1::2',
      containerPort: 80,
    },
  ],
};
const three = { ...two, networks: [...two.networks, net(3, { internal: true, subnet6: 'fd00:0:0:3::/64' })] };

for (const family of [4, 6]) restore(family, foreignDoc(family));
const result = { start: { 4: save(4), 6: save(6) } };
result.first = converge(two);
result.afterApply = { 4: save(4), 6: save(6) };
// Someone else inserts a rule above ours and appends one after it.
const extra = (add) => `*filter
${add ? '-I FORWARD 1' : '-D FORWARD'} -i eth7 -j DROP
${add ? '-A' : '-D'} FORWARD -o eth8 -j ACCEPT
COMMIT
`;
for (const family of [4, 6]) restore(family, extra(true));
result.again = converge(two);
const snapshot = { 4: owned(4), 6: owned(6) };
const beforeAdd = { 4: save(4), 6: save(6) };
result.add = converge(three);
result.afterAdd = { 4: save(4), 6: save(6) };
for (const family of [4, 6]) {
  const plan = diff(snapshot[family], owned(family));
  if (!isEmpty(plan)) restore(family, renderPlan(plan));
}
result.rolledBack = { 4: save(4), 6: save(6) };
result.beforeAdd = beforeAdd;
result.last = converge({ networks: [] });
for (const family of [4, 6]) restore(family, extra(false));
result.end = { 4: save(4), 6: save(6) };
process.stdout.write(JSON.stringify(result));

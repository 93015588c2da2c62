// Addresses: the planner canonicalizes every address of every rule set (container and host
// addresses, subnets, cluster ranges) so that planned rules compare equal to iptables-save's.
// These cases time that work with netctl's own module (src/model/addr.ts) and with ip-cidr,
// the library the design first named, on the same 2,000 IPv4 + IPv6 addresses and 500 CIDRs;
// the notes give ip-cidr's time as a multiple of netctl's. The last case puts it in
// proportion: one whole desired ruleset for 1,000 containers.
import IPCIDR from 'ip-cidr';

const dist = new URL('../../../dist/', import.meta.url);
const addr = await import(new URL('model/addr.js', dist));
const { desired } = await import(new URL('firewall/iptables/desired.js', dist));

const N = 1000;
const v4 = Array.from({ length: N }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
const v6 = Array.from({ length: N }, (_, i) => `fd00:0:0:${(i >> 8).toString(16)}:0:0:0:${(i & 255).toString(16)}`);
const cidrs = Array.from({ length: 500 }, (_, i) => (i % 2 ? `fd00:${i.toString(16)}::5/64` : `10.${i & 255}.7.9/24`));

const medians = {};
const keep = (key) => (s) => {
  medians[key] = s.median;
  return '';
};
const versus = (base) => (s) => `${(s.median / medians[base]).toFixed(2)}x netctl`;

function ours() {
  let n = 0;
  for (const t of v4) n += addr.formatIp(addr.parseIp(t)).length;
  for (const t of v6) n += addr.formatIp(addr.parseIp(t)).length;
  return n;
}

function theirs() {
  let n = 0;
  for (const t of v4) n += IPCIDR.createAddress(t).correctForm().length;
  for (const t of v6) n += IPCIDR.createAddress(t).correctForm().length;
  return n;
}

const input = {
  networks: [
    {
      id: 'b1',
      name: 'bench',
      bridge: 'br-bench',
      subnet: '10.0.0.0/16',
      subnet6: 'fd00::/64',
      internal: false,
      icc: true,
    },
  ],
  ports: v4.map((ip, i) => ({ network: 'b1', proto: 'tcp', hostPort: 20000 + i, containerIp: ip, containerPort: 80 })),
  endpoints: [...v4, ...v6].map((ip) => ({ network: 'b1', ip })),
};

export const cases = [
  {
    name: 'addr: canonical text of 2,000 v4+v6 addresses, netctl (parse + format)',
    iterations: 50,
    run: () => ours(),
    note: keep('ours'),
  },
  {
    name: 'addr: canonical text of 2,000 v4+v6 addresses, netctl as the planner calls it (memoized)',
    iterations: 50,
    run: () => {
      for (const t of v4) addr.canonicalIpOf(t, 4);
      for (const t of v6) addr.canonicalIpOf(t, 6);
    },
    note: versus('ours'),
  },
  {
    name: 'addr: canonical text of 2,000 v4+v6 addresses, ip-cidr (createAddress + correctForm)',
    iterations: 50,
    run: () => theirs(),
    note: versus('ours'),
  },
  {
    name: 'addr: network of 500 CIDRs, netctl (parseCidr + formatCidr)',
    iterations: 50,
    run: () => {
      for (const c of cidrs) addr.formatCidr(addr.parseCidr(c));
    },
    note: keep('cidrOurs'),
  },
  {
    name: 'addr: network of 500 CIDRs, ip-cidr (new IPCIDR + start)',
    iterations: 50,
    run: () => {
      for (const c of cidrs) {
        const b = new IPCIDR(c);
        `${IPCIDR.createAddress(b.start()).correctForm()}/${c.split('/')[1]}`;
      }
    },
    note: versus('cidrOurs'),
  },
  {
    name: 'addr: for scale, desired rules (both families) for 1,000 containers with ports',
    iterations: 20,
    run: () => {
      desired(input, 4);
      desired(input, 6);
    },
  },
];

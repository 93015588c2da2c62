import { describe, expect, it } from 'vitest';
import { renderProject } from '../../../src/compose/render.js';
import { preStartService } from '../../../src/compose/prestart.js';
import { serviceRequest } from '../../../src/compose/request.js';
import { planCgroup } from '../../../src/runtime/cgroup-plan.js';
import { checkSubpath } from '../../../src/model/volume.js';
import { parseMountFlag } from '../../../src/model/mount-spec.js';
import { fakeImage, loadFiles, refusedFiles } from './fixture.js';

const load = loadFiles;
const refused = refusedFiles;
const svc = (text: string, extra = '') => ({
  'compose.yaml': `services:\n  web:\n    image: busybox\n${text}${extra}`,
});
const NET = 'networks:\n  n: {}\n';

describe('real-app compose keys', () => {
  it('reads label_file in order, labels winning, and refuses a missing file with its line', () => {
    const p = load({
      ...svc('    label_file: [./a.labels, ./b.labels]\n    labels: {c: fromlabels}\n'),
      'a.labels': '# comment\na=1\nb=fromA\n',
      'b.labels': 'b=fromB\nc=fromB\n',
    });
    expect(p.services[0]!.labels).toMatchObject({ a: '1', b: 'fromB', c: 'fromlabels' });
    expect(refused(svc('    label_file: ./nope.labels\n'))).toMatch(
      /compose\.yaml:4: .*label file .*nope\.labels not found/,
    );
  });

  it('takes blkio_config with Docker units and ranges, and shows it in config', () => {
    const p = load(
      svc(
        '    blkio_config:\n      weight: 300\n      device_read_bps: [{path: /dev/sdb, rate: 12mb}]\n      device_write_iops: [{path: /dev/sdb, rate: 30}]\n',
      ),
    );
    const b = p.services[0]!.limits!.resources!.blkio!;
    expect(b.weight).toBe(300);
    expect(b.readBps).toEqual([{ path: '/dev/sdb', value: 12 * 1024 * 1024 }]);
    expect(b.writeIops).toEqual([{ path: '/dev/sdb', value: 30 }]);
    expect(JSON.stringify(renderProject(p))).toContain('"device_read_bps":[{"path":"/dev/sdb","rate":12582912}]');
    expect(refused(svc('    blkio_config: {weight: 5}\n'))).toMatch(/:4: .*weight "5": expected 10 to 1000/);
    expect(refused(svc('    blkio_config:\n      device_read_bps: [{path: sdb, rate: 1}]\n'))).toMatch(
      /device "sdb": expected a path under \/dev/,
    );
  });

  it('plans blkio throttles as cgroup v1 and v2 writes, and drops a weight without a scheduler', () => {
    const blkio = {
      weight: 300,
      weightDevice: [],
      readBps: [{ path: '/dev/vda', value: 1024 }],
      writeBps: [],
      readIops: [],
      writeIops: [{ path: '/dev/vda', value: 30 }],
    };
    const host = { devices: { '/dev/vda': '254:0' }, weight: false };
    const v1 = planCgroup({ version: 1, mounts: { blkio: '/cg/blkio' } }, 'netctl', 'abc', { blkio }, host);
    expect(v1.writes).toEqual([
      { path: '/cg/blkio/netctl/abc/blkio.throttle.read_bps_device', value: '254:0 1024' },
      { path: '/cg/blkio/netctl/abc/blkio.throttle.write_iops_device', value: '254:0 30' },
    ]);
    expect(v1.notes?.[0]).toMatch(/weight discarded/);
    const v2 = planCgroup(
      { version: 2, root: '/cg', controllers: ['io'] },
      'netctl',
      'abc',
      { blkio },
      {
        ...host,
        weight: true,
      },
    );
    expect(v2.writes.filter((w) => !w.path.endsWith('subtree_control'))).toEqual([
      { path: '/cg/netctl/abc/io.bfq.weight', value: '300' },
      { path: '/cg/netctl/abc/io.max', value: '254:0 rbps=1024 wiops=30' },
    ]);
  });

  it('takes interface_name, link_local_ips and driver_opts per network', () => {
    const p = load(
      svc(
        '    networks:\n      n:\n        interface_name: lan0\n        link_local_ips: [169.254.1.5, fe80::5]\n        driver_opts: {foo: bar}\n',
        NET,
      ),
    );
    const n = p.services[0]!.networks[0]!;
    expect([n.ifname, n.linkLocal]).toEqual(['lan0', ['169.254.1.5', 'fe80::5']]);
    expect(p.warnings.join('\n')).toMatch(/"foo" is no option of the bridge driver: ignored/);
    const viaOpt = load(
      svc('    networks:\n      n:\n        driver_opts: {com.docker.network.endpoint.ifname: wan0}\n', NET),
    );
    expect(viaOpt.services[0]!.networks[0]!.ifname).toBe('wan0');
    expect(refused(svc('    networks:\n      n: {interface_name: "a/b"}\n', NET))).toMatch(/interface name "a\/b"/);
    expect(refused(svc('    networks:\n      n: {link_local_ips: [nope]}\n', NET))).toMatch(/"nope" is not an IP/);
    expect(
      refused(svc('    networks:\n      n:\n        driver_opts: {com.docker.network.endpoint.sysctls: x=1}\n', NET)),
    ).toMatch(/driver_opts "com\.docker\.network\.endpoint\.sysctls" is not supported/);
  });

  it('reads hooks, merging sequences across extends, and makes a pre_start step a service of its own', () => {
    const p = load(
      svc(
        '    environment: {A: "1"}\n    volumes: [data:/data, /tmp/anon]\n    post_start:\n      - command: echo hi\n        user: root\n        privileged: true\n        environment: [FOO=BAR]\n    pre_stop: [{command: ["sh", "-c", "exit 0"]}]\n    pre_start:\n      - image: alpine\n        command: touch /data/x\n        working_dir: /data\n',
        'volumes:\n  data: {}\n',
      ),
    );
    const s = p.services[0]!;
    expect(s.hooks!.postStart).toEqual([
      { command: ['echo', 'hi'], user: 'root', privileged: true, environment: ['FOO=BAR'] },
    ]);
    expect(s.hooks!.preStop![0]!.command).toEqual(['sh', '-c', 'exit 0']);
    const step = preStartService(s, s.hooks!.preStart![0]!, 0);
    expect(step.containerName).toBe('p-web-1-pre_start-1');
    expect(step.image).toBe('alpine');
    expect(step.volumes.map((v) => v.target)).toEqual(['/data']);
    const req = serviceRequest(p, step, fakeImage({ env: ['PATH=/bin'] }), {});
    expect(req.run.launch.argv).toEqual(['touch', '/data/x']);
    expect(req.run.launch.cwd).toBe('/data');
    expect(req.run.launch.env).toContain('A=1');
    expect(refused(svc('    post_start: [{user: root}]\n'))).toMatch(/:4: .*a hook needs a command/);
    expect(refused(svc('    pre_start: [{command: x, per_replica: true}]\n'))).toMatch(/per_replica: true/);
  });

  it('mounts a volume subpath, refusing one that leaves the volume', () => {
    const p = load(
      svc(
        '    volumes:\n      - type: volume\n        source: d\n        target: /x\n        volume: {subpath: a/b}\n',
        'volumes:\n  d: {}\n',
      ),
    );
    expect(p.services[0]!.volumes[0]).toMatchObject({ name: 'p_d', subpath: 'a/b' });
    expect(JSON.stringify(renderProject(p))).toContain('"volume":{"subpath":"a/b"}');
    expect(() => checkSubpath('../etc')).toThrow(/must be a relative path within the volume/);
    expect(() => checkSubpath('/abs')).toThrow(/relative path/);
    expect(parseMountFlag('type=volume,src=vol,dst=/d,volume-subpath=x/y', '/')).toMatchObject({ subpath: 'x/y' });
  });

  it('enables IPv6 for an IPv6 subnet unless enable_ipv6 says false, and accepts label: security options', () => {
    const ipam = (extra: string) =>
      svc(
        '',
        `networks:\n  n:\n${extra}    ipam:\n      config:\n        - subnet: 172.30.9.0/24\n        - subnet: fd00:9::/64\n`,
      );
    expect(load(ipam('')).networks.find((n) => n.key === 'n')!.ipv6).toBe(true);
    expect(refused(ipam('    enable_ipv6: false\n'))).toMatch(
      /enable_ipv6 is false but ipam\.config has an IPv6 subnet/,
    );
    const p = load(svc('    security_opt: ["label:user:USER", "label=disable", no-new-privileges]\n'));
    expect(p.warnings.join('\n')).toMatch(/"label:user:USER": netctl sets no SELinux labels: ignored/);
    expect(refused(svc('    security_opt: ["label:bogus:x"]\n'))).toMatch(
      /security_opt "label:bogus:x" is not supported/,
    );
  });
});

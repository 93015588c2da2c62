/**
 * Whose containers the real `netctl tui` shows, in tmux inside a sandbox with the real ufw:
 * a CNI attachment made by driving netctl's plugin as a runtime does, beside a netctl
 * container, each saying whose it is; Docker allow rules made by `netctl allow` on a real
 * Docker container (a private dockerd), in the Rules pane's Docker section with the counters
 * of their live rule in ufw's forward chain, and a stored one whose container is stopped;
 * all without the TUI talking to Docker. Requests from the wan host go through each rule and
 * are counted; a deny, a pod namespace lost without DEL (stale) and the DEL from another
 * terminal show up. `netctl rules` and
 * `rules --json` say whose each rule is.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETCTL, Sandbox } from '../harness/sandbox.js';
import { httpdServing, netctlOk, pageFrom } from './helpers/net.js';
import { attachEnv, cni } from './helpers/cni.js';
import { BUSYBOX, SandboxDocker } from './helpers/docker.js';
import { Tmux } from './helpers/tmux.js';

const makeImages = fileURLToPath(new URL('./scripts/make-images.sh', import.meta.url));
const IMG = `/tmp/netctl-test-${process.pid}-tuio-img`;
const WWW = `/tmp/netctl-test-${process.pid}-tuio-www`;
const WAN_IP = '198.51.100.2';
const CONF = { cniVersion: '1.0.0', name: 'pods', type: 'netctl', subnet: '10.97.0.0/24' };
const MAPS = [{ hostPort: 9090, containerPort: 80, protocol: 'tcp' }];

describe("netctl tui: CNI attachments and Docker rules beside netctl's own", () => {
  let sb: Sandbox;
  let dk: SandboxDocker;
  let shopIp = '';
  const netctl = (...args: string[]): Promise<string> => netctlOk(sb, args);
  const withDocker = async (...args: string[]): Promise<string> => {
    const r = await sb.netctl(args, { env: dk.env });
    if (r.code !== 0) throw new Error(`netctl ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
    return r.stdout;
  };
  let tmux: Tmux;
  const waitFor = (re: RegExp, ms?: number): Promise<string> => tmux.waitFor(re, ms);
  const keys = (...k: string[]): Promise<void> => tmux.keys('tui', ...k);
  /** Waits (bounded) until `fn` answers `want`. */
  const until = async (fn: () => Promise<string>, want: string): Promise<void> => {
    for (let i = 0; i < 50 && (await fn()) !== want; i++) await new Promise((r) => setTimeout(r, 100));
  };

  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true });
    tmux = new Tmux(sb, 'netctl-tui-owners');
    // Docker's default bridge away from netctl's (172.17.0.0/16).
    dk = await SandboxDocker.start(sb, '/run/netctl-test-docker', ['--bip', '172.31.0.1/24']);
    await sb.sh(['sh', makeImages, IMG]);
    await sb.sh([
      'sh',
      '-c',
      `mkdir -p ${WWW}/web ${WWW}/pod ${WWW}/shop && echo web-page > ${WWW}/web/index.html && echo pod-page > ${WWW}/pod/index.html && echo shop-page > ${WWW}/shop/index.html`,
    ]);
    await sb.sh(['ufw', '--force', 'enable']);
    await sb.sh(['ufw', 'default', 'deny', 'routed']);
    await netctl('ufw', 'install');
    await netctl('docker', 'install');
    // netctl's own container.
    await netctl('image', 'import', `${IMG}/busybox.tar`, 'busybox');
    await netctl('network', 'create', '--subnet', '10.66.0.0/24', 'front');
    await netctl('run', '-d', '--name', 'web', '--network', 'front', '-p', '8080:80', ...httpdServing(`${WWW}/web`));
    // A pod, as a runtime attaches it: its namespace, then ADD with a port mapping.
    await sb.sh(['ip', 'netns', 'add', 'pod1']);
    const add = await cni(
      sb,
      attachEnv('ADD', 'c0ffee01', '/run/netns/pod1', {
        CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=api',
      }),
      { ...CONF, runtimeConfig: { portMappings: MAPS } },
    );
    expect(add.code, add.raw).toBe(0);
    await sb.background(['ip', 'netns', 'exec', 'pod1', 'busybox', 'httpd', '-f', '-p', '80', '-h', `${WWW}/pod`]);
    await until(async () => (await sb.exec(['curl', '-s', '-m', '1', 'http://10.97.0.2/'])).stdout.trim(), 'pod-page');
    await netctl('allow', 'shop.api', '80');
    // Docker's containers: one allowed and running, one allowed and then stopped.
    for (const [name, port] of [
      ['shop', 8081],
      ['gone', 8082],
    ] as const) {
      await dk.docker('run', '-d', '--name', name, '-p', `${port}:80`, ...httpdServing(`${WWW}/shop`, BUSYBOX));
      await withDocker('allow', name, '80');
    }
    await dk.docker('stop', '-t', '1', 'gone');
    await withDocker('docker', 'sync');
    shopIp = await dk.ip('shop');
  }, 240_000);
  afterAll(async () => {
    await tmux?.close();
    await sb?.exec(['rm', '-rf', IMG, WWW]);
    await sb?.close();
  });

  it('shows the CNI attachment and the Docker rules, live, without asking Docker', async () => {
    // The requests each rule lets through, so the counters have something to count.
    expect(await pageFrom(sb, 'wan', WAN_IP, 9090)).toBe('pod-page');
    expect(await pageFrom(sb, 'wan', WAN_IP, 8081)).toBe('shop-page');
    expect(await pageFrom(sb, 'wan', WAN_IP, 8080)).toBe('');
    // No DOCKER_HOST: the TUI reads netctl's database and ufw's files only.
    await tmux.start('tui', 120, 30, `${process.execPath} ${NETCTL} tui`);
    await waitFor(/web\s+netctl\s+running\s+10\.66\.0\.2\s+front\s+0\.0\.0\.0:8080->80\/tcp\s+closed/);
    await waitFor(/shop\.api\s+cni\s+running\s+10\.97\.0\.2\s+pods\s+0\.0\.0\.0:9090->80\/tcp\s+open/);
    // The attachment's details: its CNI side and the runtime's namespace.
    await keys('/', 'shop.api', 'Enter', 'Enter');
    await waitFor(/container shop\.api \([0-9a-f]{12}\)\s+state running\s+owner cni/);
    await waitFor(
      /cni network pods, runtime container c0ffee01, ifname eth0, args K8S_POD_NAMESPACE=shop K8S_POD_NAME=api/,
    );
    await waitFor(/namespace \/run\/netns\/pod1/);
    await keys('Escape', '/', 'Escape');
    // The Rules pane, Docker's section: the live rule counted the request; the stopped one has no route.
    await keys('Tab', '/', 'docker', 'Enter');
    const ip = shopIp.replace(/\./g, '\\.');
    await waitFor(
      new RegExp(
        `ufw route rules for Docker containers.*\\n\\s+[1-9]\\d*\\s+\\d+\\s+docker\\s+shop: ufw route allow proto tcp to ${ip} port 80\\n`,
      ),
    );
    await waitFor(/\n\s+-\s+-\s+docker\s+gone 80\/tcp: no route now/);
    // The CNI attachment's rules: its DNAT rule and its route rule, both counting.
    await keys('/', 'Escape', '/', 'cni', 'Enter');
    await waitFor(/IPv4 nat NETCTL-DNAT\n\s+[1-9]\d*\s+\d+\s+cni\s+-p tcp -m tcp --dport 9090/);
    await waitFor(/\n\s+[1-9]\d*\s+\d+\s+cni\s+shop\.api: ufw route allow proto tcp to 10\.97\.0\.2 port 80/);
    // From another terminal: the Docker rule denied, the pod deleted; both go from the screen.
    await keys('/', 'Escape', '/', 'docker', 'Enter');
    await waitFor(/docker\s+shop:/);
    await withDocker('deny', 'shop', '80');
    await waitFor(/^(?![\s\S]*docker\s+shop:)[\s\S]*docker\s+gone 80\/tcp/, 5_000);
    expect(await pageFrom(sb, 'wan', WAN_IP, 8081)).toBe('');
    // The runtime loses the pod's namespace without DEL: the attachment is stale; DEL then removes it.
    await keys('/', 'Escape', 'Tab', 'Tab');
    await waitFor(/\[2 Containers\][\s\S]*shop\.api\s+cni\s+running/);
    await sb.sh(['ip', 'netns', 'del', 'pod1']);
    await waitFor(/shop\.api\s+cni\s+stale\s+10\.97\.0\.2/, 5_000);
    expect(
      (
        await cni(sb, attachEnv('DEL', 'c0ffee01', '/run/netns/pod1'), {
          ...CONF,
          runtimeConfig: { portMappings: MAPS },
        })
      ).code,
    ).toBe(0);
    await waitFor(/^(?![\s\S]*shop\.api)[\s\S]*web\s+netctl\s+running/, 5_000);
    await keys('q');
  });

  it('netctl rules and rules --json say whose each rule is', async () => {
    await withDocker('allow', 'shop', '80');
    await sb.sh(['ip', 'netns', 'add', 'pod1']);
    const add = await cni(
      sb,
      attachEnv('ADD', 'c0ffee02', '/run/netns/pod1', {
        CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=api',
      }),
      { ...CONF, runtimeConfig: { portMappings: MAPS } },
    );
    expect(add.code, add.raw).toBe(0);
    const pod = (add.out as { ips: { address: string }[] }).ips[0]!.address.split('/')[0]!;
    await netctl('allow', 'shop.api', '80');
    expect(await pageFrom(sb, 'wan', WAN_IP, 8081)).toBe('shop-page');
    const text = await netctl('rules');
    expect(text).toMatch(
      new RegExp(`\\n\\s+\\d+\\s+\\d+\\s+cni\\s+-A NETCTL-P-[0-9a-f]+ -d ${pod.replace(/\./g, '\\.')}/32 -p tcp`),
    );
    expect(text).toMatch(/\n\s+\d+\s+\d+\s+netctl\s+-A NETCTL-P-[0-9a-f]+ -d 10\.66\.0\.2\/32 -p tcp/);
    expect(text).toMatch(/ufw route rules made by netctl/);
    expect(text).toMatch(
      new RegExp(
        `\\n\\s+[1-9]\\d*\\s+\\d+\\s+docker\\s+ufw route allow proto tcp to ${shopIp.replace(/\./g, '\\.')} port 80 comment 'netctl:docker:shop 80/tcp'`,
      ),
    );
    expect(text).toMatch(
      /\n\s+\d+\s+\d+\s+cni\s+ufw route allow proto tcp to 10\.97\.0\.\d+ port 80 comment 'netctl:shop\.api 80\/tcp net=pods'/,
    );
    const json = JSON.parse(await netctl('rules', '--json')) as {
      rules: { rule: string; owner: string; containers: string[] }[];
      routes: { owner: string; container: string; live: boolean; packets: string | null }[];
    };
    const dnat = json.rules.find((r) => r.rule.includes('--dport 9090') && r.rule.includes('DNAT'));
    expect(dnat).toMatchObject({ owner: 'cni', containers: ['shop.api'] });
    expect(json.rules.find((r) => r.rule.includes('--dport 8080') && r.rule.includes('DNAT'))).toMatchObject({
      owner: 'netctl',
      containers: ['web'],
    });
    expect(json.routes.map((r) => [r.owner, r.container, r.live]).sort()).toEqual([
      ['cni', 'shop.api', true],
      ['docker', 'shop', true],
    ]);
    expect(Number(json.routes.find((r) => r.owner === 'docker')!.packets)).toBeGreaterThan(0);
  });
});

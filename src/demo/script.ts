/**
 * The guided walkthrough as data: each step says what it runs, where, and what it expects to
 * observe. The runner (run.ts) executes it in a sandbox and prints what really happened.
 */

/** Where a step's command runs: the sandbox host, or one of its client hosts. */
export type Where = 'host' | 'wan' | 'wan2' | 'lan';

/** What a step expects of its command's result. */
export interface Expectation {
  /** Expected exit code (default 0). */
  code?: number;
  /** Text the output must contain. */
  contains?: string;
  /** Text the output must not contain. */
  lacks?: string;
}

/** One step of the walkthrough. */
export interface Step {
  /** What this step shows, in a sentence. */
  title: string;
  where: Where;
  /** `netctl` as argv[0] means the compiled CLI. */
  argv: string[];
  expect: Expectation;
  /** Print the command's output (otherwise only its first lines). */
  showOutput?: boolean;
}

const WAN_GET = ['curl', '-s', '-m', '3', '-o', '/dev/null', '-w', 'HTTP %{http_code}\\n', 'http://198.51.100.2:8080/'];

/** The walkthrough, in order. */
export const SCRIPT: Step[] = [
  {
    title: 'The sandbox is a throwaway host: its own interfaces, with an "internet" client at 198.51.100.1',
    where: 'host',
    argv: ['ip', '-br', 'addr'],
    expect: { contains: '198.51.100.2/24' },
    showOutput: true,
  },
  {
    title: 'Create a network: a bridge, its gateway address, NAT and isolation rules',
    where: 'host',
    argv: ['netctl', 'network', 'create', '--subnet', '10.88.0.0/24', 'demo'],
    expect: {},
  },
  {
    title: 'It is listed beside the default network',
    where: 'host',
    argv: ['netctl', 'network', 'ls'],
    expect: { contains: 'demo' },
    showOutput: true,
  },
  {
    title: "Import a busybox image (a rootfs tarball made from Debian's busybox-static)",
    where: 'host',
    argv: [
      'sh',
      '-c',
      'DIR=$(mktemp -d) && mkdir -p $DIR/bin $DIR/www && cp /bin/busybox $DIR/bin/ && for a in sh httpd echo cat; do ln -s busybox $DIR/bin/$a; done && echo "hello from a netctl container" > $DIR/www/index.html && tar -C $DIR -cf $DIR.tar . && netctl image import $DIR.tar busybox',
    ],
    expect: {},
  },
  {
    title: 'Run a web server publishing 8080 -> 80',
    where: 'host',
    argv: [
      'netctl',
      'run',
      '-d',
      '--name',
      'web',
      '--network',
      'demo',
      '-p',
      '8080:80',
      'busybox',
      'httpd',
      '-f',
      '-p',
      '80',
      '-h',
      '/www',
    ],
    expect: {},
  },
  {
    title: 'The container runs on the demo network',
    where: 'host',
    argv: ['netctl', 'ps'],
    expect: { contains: 'web' },
    showOutput: true,
  },
  {
    title: 'The internet client reaches it through the host address',
    where: 'wan',
    argv: WAN_GET,
    expect: { contains: 'HTTP 200' },
  },
  {
    title: 'Enable ufw with incoming and routed traffic denied',
    where: 'host',
    argv: [
      'sh',
      '-c',
      'ufw --force enable && ufw default deny incoming && ufw default deny routed && ufw status verbose | head -4',
    ],
    expect: { contains: 'deny (routed)' },
    showOutput: true,
  },
  {
    title: 'The Docker problem: ufw says deny, yet the published port is still open to the internet',
    where: 'wan',
    argv: WAN_GET,
    expect: { contains: 'HTTP 200' },
  },
  {
    title: "Install netctl's block in /etc/ufw/after.rules: published ports now obey ufw",
    where: 'host',
    argv: ['netctl', 'ufw', 'install'],
    expect: {},
    showOutput: true,
  },
  // curl gives up after 3 s (exit 28): the SYN was dropped, nothing answered.
  {
    title: 'The port is closed to the internet now',
    where: 'wan',
    argv: WAN_GET,
    expect: { code: 28, contains: 'HTTP 000' },
  },
  {
    title: 'Open exactly that port of that container (80 is the container port, as in ufw-docker)',
    where: 'host',
    argv: ['netctl', 'allow', 'web', '80'],
    expect: { contains: 'ufw route allow' },
    showOutput: true,
  },
  { title: 'The internet client gets in again', where: 'wan', argv: WAN_GET, expect: { contains: 'HTTP 200' } },
  {
    title: "The rules that did it: netctl's own chains, with live counters",
    where: 'host',
    argv: ['netctl', 'rules', '--table', 'nat'],
    expect: { contains: 'DNAT' },
    showOutput: true,
  },
  {
    title: 'And the ufw route rule, visible in ufw status',
    where: 'host',
    argv: ['ufw', 'status'],
    expect: { contains: 'netctl:web 80/tcp' },
    showOutput: true,
  },
  {
    title: 'Compose: a two-service file whose published port carries its own allow rule (x-netctl)',
    where: 'host',
    argv: [
      'sh',
      '-c',
      'mkdir -p /run/netctl-demo/duo && printf "%s\\n" "name: duo" "services:" "  app:" "    image: busybox" "    command: httpd -f -p 80 -h /www" "    ports: [\\"8081:80\\"]" "    depends_on: [helper]" "    x-netctl:" "      allow: [\\"80/tcp\\"]" "  helper:" "    image: busybox" "    command: httpd -f -p 80 -h /www" > /run/netctl-demo/duo/compose.yaml && cat /run/netctl-demo/duo/compose.yaml',
    ],
    expect: { contains: 'x-netctl' },
    showOutput: true,
  },
  {
    title: 'compose up starts both services and opens the declared port',
    where: 'host',
    argv: ['netctl', 'compose', '-f', '/run/netctl-demo/duo/compose.yaml', 'up', '-d'],
    expect: { contains: 'allowed duo-app-1 80/tcp' },
    showOutput: true,
  },
  {
    title: 'The internet client reaches the compose service',
    where: 'wan',
    argv: [...WAN_GET.slice(0, -1), 'http://198.51.100.2:8081/'],
    expect: { contains: 'HTTP 200' },
  },
  {
    title: 'compose down removes its containers, network and rule',
    where: 'host',
    argv: ['netctl', 'compose', '-f', '/run/netctl-demo/duo/compose.yaml', 'down'],
    expect: { contains: 'network duo_default removed' },
    showOutput: true,
  },
];

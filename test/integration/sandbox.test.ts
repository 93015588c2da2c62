import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Sandbox } from '../harness/sandbox.js';
import { run } from '../../src/sys/exec.js';

describe('sandbox', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await Sandbox.start({ wan: true, lan: true });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('has its own interfaces, with the client hosts wired as documented', async () => {
    const links = await sb.sh(['ip', '-br', 'addr']);
    expect(links).toMatch(/^wan0@\S+\s+UP\s+198\.51\.100\.2\/24/m);
    expect(links).toMatch(/^wan1@\S+\s+UP\s+203\.0\.113\.2\/24/m);
    expect(links).toMatch(/^lan0@\S+\s+UP\s+192\.168\.77\.1\/24/m);
    expect(await sb.sh(['ip', 'route', 'show', 'default'])).toContain('via 198.51.100.1 dev wan0');
    const wan = await sb.execIn('wan', ['ip', '-br', 'addr', 'show', 'eth0']);
    expect(wan.stdout).toContain('198.51.100.1/24');
  });

  it('moves real packets between the host and its clients', async () => {
    await sb.background(['socat', 'TCP-LISTEN:7001,reuseaddr,fork', 'SYSTEM:echo hello-from-host']);
    await sb.sh(['sh', '-c', 'for i in $(seq 50); do ss -ltn | grep -q :7001 && exit 0; sleep 0.1; done; exit 1']);
    for (const client of ['wan', 'wan2', 'lan']) {
      const ip = { wan: '198.51.100.2', wan2: '203.0.113.2', lan: '192.168.77.1' }[client]!;
      const r = await sb.execIn(client, ['socat', '-T2', 'STDIO', `TCP:${ip}:7001,connect-timeout=2`], {
        timeoutMs: 5000,
      });
      expect(r.stdout.trim(), `${client}: ${r.stderr}`).toBe('hello-from-host');
    }
  });

  it('has private iptables and ufw that can be enabled without touching the machine', async () => {
    const realConf = readFileSync('/etc/ufw/ufw.conf', 'utf8');
    await sb.sh(['iptables', '-A', 'INPUT', '-s', '203.0.113.1', '-j', 'DROP']);
    expect(await sb.sh(['iptables-save'])).toContain('-A INPUT -s 203.0.113.1/32 -j DROP');
    expect((await run(['iptables-save'])).stdout).not.toContain('203.0.113.1');
    const en = await sb.exec(['ufw', '--force', 'enable'], { timeoutMs: 30_000 });
    expect(en.code, en.stderr).toBe(0);
    expect(await sb.sh(['ufw', 'status'])).toContain('Status: active');
    expect(await sb.sh(['cat', '/etc/ufw/ufw.conf'])).toContain('ENABLED=yes');
    expect(readFileSync('/etc/ufw/ufw.conf', 'utf8')).toBe(realConf);
  });

  it('has tmpfs state and run directories and its own PID namespace', async () => {
    const mounts = await sb.sh(['cat', '/proc/self/mounts']);
    expect(mounts).toMatch(/^tmpfs \/run tmpfs/m);
    expect(mounts).toMatch(/^tmpfs \/var\/lib\/netctl tmpfs/m);
    const env = await sb.sh(['sh', '-c', 'echo $NETCTL_ROOT $NETCTL_RUN_ROOT $$']);
    const [root, runRoot, pid] = env.trim().split(' ');
    expect([root, runRoot]).toEqual(['/var/lib/netctl', '/run/netctl']);
    expect(Number(pid)).toBeLessThan(1000);
  });

  it('leaves no process behind when it ends', async () => {
    const other = await Sandbox.start({});
    // A duration no other test uses: containers elsewhere in the suite run `sleep 300`.
    const pid = await other.background(['sleep', '4271']);
    expect(pid).toBeGreaterThan(1);
    const before = (await run(['pgrep', '-f', '^sleep 4271$'])).stdout.trim().split('\n').filter(Boolean).length;
    expect(before).toBeGreaterThan(0);
    await other.close();
    const after = (await run(['pgrep', '-f', '^sleep 4271$'])).stdout.trim().split('\n').filter(Boolean).length;
    expect(after).toBe(before - 1);
  });
});

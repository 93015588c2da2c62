// A Docker Engine API replay on a unix socket, for the Docker 29 (nftables backend) tests:
// answers the calls netctl's Docker integration makes (version, info, containers/json,
// containers/ID/json, networks, events) from a state file the test writes, in the shapes a
// real 28.5 daemon answers them, with 29's version and firewall backend in them.
// Usage: node docker-replay.mjs SOCKET STATE.json EVENTS.jsonl
// STATE: {version, info, containers: [inspect documents], networks: [network documents]};
// re-read on every request. EVENTS: one event per line, appended by the test; /events streams
// the lines appended after it was opened.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync, unlinkSync, watch } from 'node:fs';

const [socket, stateFile, eventsFile] = process.argv.slice(2);
const state = () => JSON.parse(readFileSync(stateFile, 'utf8'));
const size = () => (existsSync(eventsFile) ? statSync(eventsFile).size : 0);

function send(res, code, doc) {
  res.writeHead(code, { 'content-type': 'application/json', 'api-version': '1.52', server: 'Docker/29.1.3 (linux)' });
  res.end(`${JSON.stringify(doc)}\n`);
}

function listEntry(c) {
  return {
    Id: c.Id,
    Names: [c.Name],
    Image: c.Config?.Image ?? '',
    State: 'running',
    Labels: c.Config?.Labels ?? {},
    Ports: Object.entries(c.NetworkSettings?.Ports ?? {}).flatMap(([k, b]) =>
      (b ?? []).map((x) => ({
        IP: x.HostIp,
        PrivatePort: Number(k.split('/')[0]),
        PublicPort: Number(x.HostPort),
        Type: k.split('/')[1],
      })),
    ),
  };
}

function events(req, res) {
  res.writeHead(200, { 'content-type': 'application/json', 'api-version': '1.52' });
  res.flushHeaders();
  let at = size();
  const pump = () => {
    const now = size();
    if (now <= at) return;
    const fd = readFileSync(eventsFile);
    res.write(fd.subarray(at, now));
    at = now;
  };
  const timer = setInterval(pump, 50);
  const w = existsSync(eventsFile) ? watch(eventsFile, pump) : undefined;
  req.on('close', () => {
    clearInterval(timer);
    w?.close();
  });
}

const server = createServer((req, res) => {
  const path = (req.url ?? '/').replace(/^\/v1\.\d+/, '').split('?')[0];
  const s = state();
  const running = s.containers.filter((c) => c.State?.Running);
  if (path === '/_ping') return res.end('OK');
  if (path === '/version') return send(res, 200, s.version);
  if (path === '/info')
    return send(res, 200, { ...s.info, Containers: s.containers.length, ContainersRunning: running.length });
  if (path === '/containers/json') return send(res, 200, running.map(listEntry));
  if (path === '/networks') return send(res, 200, s.networks ?? []);
  if (path === '/events') return events(req, res);
  const m = /^\/containers\/([^/]+)\/json$/.exec(path);
  if (m) {
    const ref = decodeURIComponent(m[1]);
    const c = s.containers.find((x) => x.Id === ref || x.Id.startsWith(ref) || x.Name === `/${ref}`);
    return c ? send(res, 200, c) : send(res, 404, { message: `No such container: ${ref}` });
  }
  send(res, 404, { message: `page not found: ${path}` });
});

if (existsSync(socket)) unlinkSync(socket);
server.listen(socket, () => process.stdout.write(`listening on ${socket}\n`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));

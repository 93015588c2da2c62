// A test registry front (issue 24): forwards to a plain-HTTP registry and, by the mode
// written in MODE_FILE, misbehaves on blob downloads:
//   pass     forward as is
//   drop     send half of each layer blob, then cut the connection
//   corrupt  flip one byte in the middle of each layer blob
// It also speaks the token dance: every /v2/ request needs "Authorization: Bearer <token>",
// which GET /token hands out for basic credentials USER:PASS (challenge realm = /token).
// Each request is logged to LOG_FILE as "METHOD PATH RANGE".
// Usage: node registry-proxy.mjs LISTEN_PORT UPSTREAM_PORT MODE_FILE LOG_FILE USER:PASS
import { appendFileSync, readFileSync } from 'node:fs';
import http from 'node:http';

const [port, upstream, modeFile, logFile, creds] = process.argv.slice(2);
const TOKEN = `tok-${process.pid}-${Date.now()}`;
const mode = () => {
  try {
    return readFileSync(modeFile, 'utf8').trim();
  } catch {
    return 'pass';
  }
};

http
  .createServer((req, res) => {
    appendFileSync(logFile, `${req.method} ${req.url} ${req.headers.range ?? '-'}\n`);
    const host = req.headers.host;
    if (req.url.startsWith('/token')) {
      const basic = `Basic ${Buffer.from(creds).toString('base64')}`;
      if (req.headers.authorization !== basic) return res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: TOKEN }));
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="http://${host}/token",service="test-proxy"`,
        'content-type': 'application/json',
      });
      return res.end('{"errors":[{"code":"UNAUTHORIZED","message":"token needed"}]}');
    }
    const headers = { ...req.headers };
    delete headers.authorization;
    const up = http.request({ host: '127.0.0.1', port: upstream, path: req.url, method: req.method, headers }, (ur) => {
      const m = mode();
      const blob =
        /\/blobs\/sha256:/.test(req.url) && req.method === 'GET' && Number(ur.headers['content-length']) > 4096;
      if (!blob || m === 'pass' || ur.statusCode >= 300) {
        res.writeHead(ur.statusCode, ur.headers);
        return ur.pipe(res);
      }
      const chunks = [];
      ur.on('data', (c) => chunks.push(c));
      ur.on('end', () => {
        const body = Buffer.concat(chunks);
        res.writeHead(ur.statusCode, ur.headers);
        if (m === 'corrupt') {
          body[body.length >> 1] ^= 0xff;
          return res.end(body);
        }
        res.write(body.subarray(0, body.length >> 1), () => res.socket.destroy());
      });
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  })
  .listen(Number(port), '127.0.0.1');

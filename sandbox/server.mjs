// HTTPS + WSS on loopback: the pages, their assets, the signaling gateway at
// /signal (where the Voice SDK's `chunderw` points) and the control channel.
import https from 'node:https';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import selfsigned from 'selfsigned';
import { WebSocketServer } from 'ws';
import { Gateway } from './gateway/gateway.mjs';
import { mintToken } from './gateway/signaling.mjs';
import { sdkSounds, speechWav } from './sounds.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wav': 'audio/wav', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };

/** URL prefix → directory or file on disk. Nothing else is served. */
const MOUNTS = [
  ['/public/', path.join(here, 'public')],
  ['/flex-double/', path.join(root, 'tests/flex-double')],
  ['/plugin/', path.join(root, 'dist')],
  ['/vendor/twilio.js', path.join(root, 'node_modules/@twilio/voice-sdk/dist/twilio.js')],
];
const PAGES = { '/': 'index.html', '/desktop': 'desktop.html', '/customer': 'customer.html' };

async function makeCert() {
  const pems = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048, algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] }],
  });
  return { key: pems.private, cert: pems.cert };
}

/**
 * Start the sandbox. `port` 0 picks a free port.
 * @returns {{url, port, gateway, close}}
 */
export async function startSandbox({ port = 8443, host = '127.0.0.1', quiet = true } = {}) {
  const gateway = new Gateway({ quiet });
  const sounds = Object.fromEntries(Object.entries(sdkSounds()).map(([k, v]) => [`${k}.wav`, v]));
  sounds['speech.wav'] = speechWav();

  const server = https.createServer(await makeCert(), (req, res) => {
    gateway.log({ ch: 'http', method: req.method, url: req.url, remote: req.socket.remoteAddress });
    serve(req, res, { gateway, sounds }).catch((e) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
  });

  const signal = new WebSocketServer({ noServer: true });
  const control = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const { pathname } = new URL(req.url, 'https://x');
    gateway.log({ ch: 'http', method: 'UPGRADE', url: req.url, remote: req.socket.remoteAddress });
    const wss = pathname === '/signal' ? signal : pathname === '/control' ? control : null;
    if (!wss) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => (wss === signal ? gateway.attachSignal(ws) : gateway.attachControl(ws)));
  });

  await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const actual = server.address().port;
  return {
    url: `https://${host}:${actual}`,
    port: actual,
    gateway,
    close: () => new Promise((resolve) => {
      gateway.close();
      signal.close(); control.close();
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

async function serve(req, res, { gateway, sounds }) {
  const url = new URL(req.url, 'https://x');
  const p = url.pathname;
  const send = (status, type, body) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  const json = (v) => send(200, TYPES['.json'], JSON.stringify(v));

  if (p === '/api/token') return json({ token: mintToken(url.searchParams.get('identity') || 'alice', Number(url.searchParams.get('ttl')) || 3600) });
  if (p === '/api/state') return json(gateway.snapshot());
  if (p === '/api/log') return json(gateway.frames.slice(-Number(url.searchParams.get('n') || 500)));
  if (p.startsWith('/sounds/')) {
    const wav = sounds[p.slice('/sounds/'.length)];
    return wav ? send(200, TYPES['.wav'], wav) : send(404, 'text/plain', 'no such sound');
  }
  if (PAGES[p]) return send(200, TYPES['.html'], await readFile(path.join(here, 'public', PAGES[p])));
  for (const [prefix, target] of MOUNTS) {
    if (!p.startsWith(prefix)) continue;
    const file = prefix.endsWith('/') ? path.join(target, path.normalize(p.slice(prefix.length))) : target;
    if (!file.startsWith(target)) break;
    try {
      return send(200, TYPES[path.extname(file)] || 'application/octet-stream', await readFile(file));
    } catch {
      return send(404, 'text/plain', `not found: ${p}${prefix === '/plugin/' ? ' (run npm run build)' : ''}`);
    }
  }
  return send(404, 'text/plain', 'not found');
}

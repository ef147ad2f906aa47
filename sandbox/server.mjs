// The local Twilio on http://127.0.0.1 (a secure context: no certificate to
// accept). One server for everything the real Flex UI talks to:
//   /                       the real Flex agent desktop (public/flex.html) with the customer panel beside it
//   /sw.js                  the Service Worker that answers Flex's hard-coded Twilio hosts
//   /__twilio/<host>/<path> those answers (twilio/flex-rest.mjs)
//   /v1/wschannels          EventBridge: TaskRouter and Interactions REST (POST) and events (WebSocket)
//   /v3/wsconnect           twilsock: Sync for the Teams view, Flex's telemetry; Conversations is refused
//   /signal                 the Voice SDK's signalling (gateway/), with real WebRTC media to the customer panel
//   /control                the pages' and tests' control channel
//   /customer, /desktop     the customer panel; the old Flex-double desktop (kept for debugging only)
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { Gateway } from './gateway/gateway.mjs';
import { AGENT } from './gateway/world.mjs';
import { sdkSounds, speechWav } from './sounds.mjs';
import { ACCOUNT_SID } from './twilio/account.mjs';
import { mintToken, parseToken } from './twilio/token.mjs';
import { flexRest, uiAttributes, MODES } from './twilio/flex-rest.mjs';
import { TaskRouter } from './twilio/taskrouter.mjs';
import { SyncService } from './twilio/sync.mjs';
import { attachTwilsock } from './twilio/twilsock.mjs';
import { buildFlex, flexBundlePath } from '../scripts/build-flex.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const PLUGIN = path.join(root, 'dist', 'plugin-multi-call.js');

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wav': 'audio/wav', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };

/** URL prefix → directory or file on disk. Nothing else is served. */
const MOUNTS = [
  ['/public/', path.join(here, 'public')],
  ['/flex-double/', path.join(root, 'tests/flex-double')],
  ['/plugin/', path.join(root, 'dist')],
  ['/vendor/twilio.js', path.join(root, 'node_modules/@twilio/voice-sdk/dist/twilio.js')],
];
const PAGES = { '/': 'flex.html', '/desktop': 'desktop.html', '/customer': 'customer.html', '/sw.js': 'sw.js' };

/**
 * Start the local Twilio. `port` 0 picks a free port.
 * @param {object} o
 * @param {string} [o.mode] multi-call's mode in the Flex configuration: standby, forward or off
 * @param {number} [o.latencyMs] delay added to every Twilio REST request (EventBridge and the hard-coded hosts)
 * @param {boolean|string} [o.plugin] serve multi-call in Flex's plugin list (default: when dist/ has it), or
 *   list the plugin at this URL instead (benchmark 2b's empty plugin)
 * @param {number} [o.tokenTtl] lifetime of the tokens Flex gets, in seconds
 * @param {object} [o.uiExtra] additions to the Configuration's ui_attributes: {multiCall, voice, top} (tests of odd configurations)
 * @returns {Promise<{url, port, gateway, taskrouter, settings, close}>}
 */
export async function startSandbox({ port = 8080, host = '127.0.0.1', quiet = true, mode = 'standby', latencyMs = 0, plugin, tokenTtl = 3600, uiExtra = {} } = {}) {
  const gateway = new Gateway({ quiet });
  const log = (entry) => gateway.log(entry);
  const taskrouter = new TaskRouter({ gateway, log });
  const sync = new SyncService({ world: gateway.world, log });
  gateway.observers.push(taskrouter, sync);
  const flexBundle = existsSync(flexBundlePath()) ? flexBundlePath() : await buildFlex();
  const sounds = Object.fromEntries(Object.entries(sdkSounds()).map(([k, v]) => [`${k}.wav`, v]));
  sounds['speech.wav'] = speechWav();

  /** What the page and tests may change while the server runs. */
  const settings = {
    mode, latencyMs, tokenTtl, uiExtra,
    plugin: plugin ?? existsSync(PLUGIN),
    refreshes: 0,
  };
  let origin;
  const ctx = {
    get tokenTtl() { return settings.tokenTtl; },
    uiAttributes: () => uiAttributes(origin, settings.mode, settings.uiExtra),
    plugins: () => {
      if (typeof settings.plugin === 'string') {
        return [{ name: path.basename(new URL(settings.plugin).pathname, '.js') || 'plugin', version: '0.1.0', src: settings.plugin, phase: 3 }];
      }
      return settings.plugin ? [{ name: 'plugin-multi-call', version: '0.1.0', src: `${origin}/plugin/plugin-multi-call.js`, phase: 3 }] : [];
    },
    worker: (identity) => [...gateway.world.workers.values()].find((w) => w.identity === identity),
    onRefresh: () => { settings.refreshes++; },
  };

  const server = http.createServer((req, res) => {
    gateway.log({ ch: 'http', method: req.method, url: req.url.replace(/Token=[^&]+/, 'Token=…'), remote: req.socket.remoteAddress });
    serve(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e && e.stack || e));
    });
  });

  async function serve(req, res) {
    const url = new URL(req.url, origin);
    const p = url.pathname;
    const body = await readBody(req);
    const send = (status, type, data, extra = {}) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...extra });
      res.end(data);
    };
    const json = (v, status = 200) => send(status, TYPES['.json'], JSON.stringify(v));
    const twilio = p === '/v1/wschannels' || p.startsWith('/__twilio/');
    if (twilio && settings.latencyMs > 0) await new Promise((r) => setTimeout(r, settings.latencyMs));

    if (p === '/v1/wschannels' && req.method === 'POST') {
      // twilio-taskrouter sends JSON labelled as a form: read the body as JSON whatever the Content-Type.
      let call;
      try { call = JSON.parse(body.toString('utf8')); } catch { return json({ message: 'the EventBridge body is not JSON', status: 400 }, 400); }
      const claims = parseToken(call.token);
      if (!claims || !claims.workerSid) return json({ message: 'the EventBridge call carries no worker token', status: 401 }, 401);
      let out;
      try { out = taskrouter.rest(call, claims.workerSid); } catch (e) { out = { status: e.status || 500, body: { message: e.message, status: e.status || 500 } }; }
      log({ ch: 'taskrouter', dir: 'in', api: req.headers.apiversion, method: call.method, url: call.url, params: call.params, status: out.status });
      return out.status === 200 ? json({ payload: out.body }) : json(out.body, out.status);
    }
    if (p.startsWith('/__twilio/')) {
      const [, , twilioHost, ...rest] = p.split('/');
      const out = flexRest(twilioHost, `/${rest.join('/')}`, { method: req.method, body: body.toString('utf8'), authorization: req.headers.authorization }, ctx);
      log({ ch: 'twilio-rest', host: twilioHost, path: `/${rest.join('/')}`, status: out.status });
      const data = Buffer.isBuffer(out.body) || typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
      return send(out.status, out.type || TYPES['.json'], out.status === 204 ? undefined : data);
    }
    if (p === '/api/login') {
      const identity = url.searchParams.get('identity') || AGENT.identity;
      const worker = ctx.worker(identity);
      if (!worker) return json({ message: `no worker with identity ${identity}` }, 404);
      const token = mintToken({ identity, workerSid: worker.sid, ttl: settings.tokenTtl });
      return json({ token, identity, accountSid: ACCOUNT_SID, expiration: new Date(parseToken(token).exp * 1000).toISOString() });
    }
    if (p === '/api/mode') {
      if (req.method === 'POST') {
        const next = JSON.parse(body.toString('utf8') || '{}');
        if (next.mode !== undefined && !MODES[next.mode]) return json({ message: `unknown mode ${next.mode}; one of ${Object.keys(MODES).join(', ')}` }, 400);
        if (next.plugin !== undefined && typeof next.plugin !== 'boolean' && !(typeof next.plugin === 'string' && URL.canParse(next.plugin) && /^https?:$/.test(new URL(next.plugin).protocol))) {
          return json({ message: `plugin must be true, false or a plugin's http(s) URL, not ${JSON.stringify(next.plugin)}` }, 400);
        }
        Object.assign(settings, next);
      }
      return json({ mode: settings.mode, modes: Object.keys(MODES), latencyMs: settings.latencyMs, plugin: settings.plugin });
    }
    if (p === '/api/token') return json({ token: mintToken({ identity: url.searchParams.get('identity') || AGENT.identity, ttl: Number(url.searchParams.get('ttl')) || 3600 }) });
    if (p === '/api/state') return json(gateway.snapshot());
    if (p === '/api/log') return json(gateway.frames.slice(-Number(url.searchParams.get('n') || 500)));
    if (p === '/vendor/flex-ui.js') return send(200, TYPES['.js'], await readFile(flexBundle), { 'cache-control': 'max-age=3600' });
    if (p.startsWith('/sounds/')) {
      const wav = sounds[p.slice('/sounds/'.length)];
      return wav ? send(200, TYPES['.wav'], wav) : send(404, 'text/plain', 'no such sound');
    }
    if (PAGES[p]) return send(200, TYPES[path.extname(PAGES[p])], await readFile(path.join(here, 'public', PAGES[p])), { 'service-worker-allowed': '/' });
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

  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url, origin);
    log({ ch: 'http', method: 'UPGRADE', url: `${url.pathname}?c=${url.searchParams.get('c') || ''}`, remote: req.socket.remoteAddress });
    const accept = (fn) => sockets.handleUpgrade(req, socket, head, fn);
    const refuse = (code, why) => { socket.end(`HTTP/1.1 ${code} ${why}\r\ncontent-length: 0\r\n\r\n`); };
    switch (url.pathname) {
      case '/signal': return accept((ws) => gateway.attachSignal(ws));
      case '/control': return accept((ws) => gateway.attachControl(ws));
      case '/v1/wschannels': {
        const claims = parseToken(url.searchParams.get('token'));
        if (!claims || !claims.workerSid) return refuse(401, 'Unauthorized');
        return accept((ws) => taskrouter.attach(ws, claims.workerSid, Math.max(0, claims.exp * 1000 - Date.now())));
      }
      case '/v3/wsconnect': {
        const client = url.searchParams.get('c') || 'telemetry';
        // Conversations is not simulated: refusing its session at once puts Flex into its
        // degraded mode for chat only (a banner), instead of a client that never gets ready.
        const refused = client === 'chat' ? 'Conversations (chat) is not simulated by the local Twilio' : null;
        return accept((ws) => attachTwilsock(ws, { client, sync: client === 'insights' ? sync : null, log, refuse: refused }));
      }
      default: return socket.destroy();
    }
  });

  await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const actual = server.address().port;
  origin = `http://${host}:${actual}`;
  return {
    url: origin,
    port: actual,
    gateway,
    taskrouter,
    settings,
    close: () => new Promise((resolve) => {
      gateway.close();
      taskrouter.close();
      for (const ws of sockets.clients) ws.terminate();
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

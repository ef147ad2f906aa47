// twilsock, the framed protocol the Twilio SDKs speak on wss://tsock.*.twilio.com/v3/wsconnect.
// Every WebSocket message is one packet:
//   "TWILSOCK V3.0 <header bytes>\r\n" <header JSON> "\r\n" <payload of header.payload_size bytes>
// (twilsock 0.8.3 lib/parser.js; 0.13.5, which Flex's telemetry uses, frames the same).
// The client sends init / update / message (an HTTP request carried upstream) / close and
// acknowledges each of our notifications with a `reply`; we answer with `reply` packets and
// push `notification`s. One socket is served here; what it is for is the caller's `client`.
import { randomBytes } from 'node:crypto';

const MAGIC = 'TWILSOCK V3.0';
const CAPABILITIES = ['client_update', 'offline_storage', 'telemetry.v1'];
const OK = { code: 200, status: 'OK' };
const REASON = { 200: 'OK', 202: 'Accepted', 400: 'Bad Request', 404: 'Not Found', 500: 'Internal Server Error' };
const TELEMETRY = { host: /^flex-sdk(\.[\w-]+)?\.twilio\.com$/, path: '/v1/Telemetry/Events' };
const CDS_HOST = /^cds(\.[\w-]+)?\.twilio\.com(:\d+)?$/;

const messageId = () => `TM${randomBytes(16).toString('hex')}`;

/** One packet as bytes; `payload_size` is filled in. */
function encode(header, payload = '') {
  const body = Buffer.from(payload, 'utf8');
  const json = Buffer.from(JSON.stringify({ ...header, payload_size: body.length }), 'utf8');
  return Buffer.concat([Buffer.from(`${MAGIC} ${json.length}\r\n`), json, Buffer.from('\r\n'), body]);
}

/** {header, payload} of one packet; throws on anything that is not one. */
function decode(data) {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const eol = buf.indexOf('\r\n');
  const magic = eol < 0 ? '' : buf.subarray(0, eol).toString('latin1');
  const m = /^TWILSOCK V3\.0 (\d+)$/.exec(magic);
  if (!m) throw new Error(`not a TWILSOCK V3.0 packet: ${JSON.stringify(buf.subarray(0, 40).toString('latin1'))}`);
  const start = eol + 2, size = Number(m[1]);
  if (buf.length < start + size) throw new Error(`header of ${size} bytes is cut short`);
  const header = JSON.parse(buf.subarray(start, start + size).toString('utf8'));
  if (!header || typeof header !== 'object' || typeof header.method !== 'string') throw new Error('header has no method');
  const payloadSize = Number(header.payload_size) || 0;
  const payload = buf.subarray(start + size + 2, start + size + 2 + payloadSize).toString('utf8');
  return { header, payload };
}

/**
 * Serve one accepted twilsock WebSocket. `client` is the URL's `c=` (insights: the Sync client
 * of the Teams view; telemetry: Flex's own), `sync` a SyncService or null, `log(entry)` records.
 * With `refuse` (a reason), `init` is answered with a terminal 403: the client gives up at once.
 */
export function attachTwilsock(ws, { client, sync, log, refuse = null }) {
  const send = (header, payload) => {
    if (ws.readyState === ws.OPEN) ws.send(encode(header, payload));
  };
  const reply = (id, extra = {}, payload) => send({ method: 'reply', id, status: OK, ...extra }, payload);
  /** A server-initiated notification on this socket (Sync events ride on these). */
  const push = (messageType, obj) => send({ method: 'notification', id: messageId(), message_type: messageType, payload_type: 'application/json' }, JSON.stringify(obj));

  function upstream(header, payload) {
    const hr = header.http_request || {};
    const target = `${hr.method ?? '?'} ${hr.host ?? '?'}${hr.path ?? ''}`;
    let out = null;
    try {
      if (sync && CDS_HOST.test(hr.host || '')) out = sync.request(hr, payload, push);
      else if (TELEMETRY.host.test(hr.host || '') && hr.method === 'POST' && hr.path === TELEMETRY.path) out = { status: 200, body: {} };
    } catch (e) {
      log({ ch: 'twilsock', client, error: `${target}: ${e.stack || e}` });
      out = { status: 500, body: { status: 500, message: `the local Twilio failed on ${target}: ${e.message}` } };
    }
    out ??= { status: 404, body: { status: 404, code: 20404, message: `no local stand-in for ${target} (twilsock client ${client})` } };
    log({ ch: 'twilsock', client, dir: 'in', method: 'message', http: target, status: out.status });
    reply(header.id, {
      http_status: { code: out.status, status: REASON[out.status] || 'Error' },
      http_headers: { 'Content-Type': 'application/json' },
      payload_type: 'application/json',
    }, JSON.stringify(out.body));
  }

  function receive(data) {
    const { header, payload } = decode(data);
    switch (header.method) {
      case 'init':
        log({ ch: 'twilsock', client, dir: 'in', method: 'init', refused: refuse ?? undefined });
        if (refuse) return reply(header.id, { status: { code: 403, status: refuse, description: refuse } });
        // No offline storage id: the SDK then warns once and keeps no session cache, which is all we want.
        return reply(header.id, {
          capabilities: CAPABILITIES, continuation_token: `CT${randomBytes(16).toString('hex')}`,
          continuation_token_status: { reissued: true }, offline_storage: {}, init_registrations: [], debug_info: {},
        });
      case 'update': // the token was refreshed; nothing here checks tokens
      case 'ping':
        log({ ch: 'twilsock', client, dir: 'in', method: header.method });
        return reply(header.id);
      case 'message':
        return upstream(header, payload);
      case 'reply': // the client acknowledging one of our notifications
        return undefined;
      case 'telemetry.v1': // fire and forget: the client expects no reply
        return log({ ch: 'twilsock', client, dir: 'in', method: 'telemetry.v1', events: header.events?.length ?? 0 });
      case 'close':
        log({ ch: 'twilsock', client, dir: 'in', method: 'close' });
        return ws.close(1000, 'closed by client');
      default: // e.g. put_notification_ctx: a client awaiting a reply must not time out
        log({ ch: 'twilsock', client, dir: 'in', method: header.method });
        return header.id ? reply(header.id) : undefined;
    }
  }

  ws.on('message', (data) => {
    try {
      receive(data);
    } catch (e) {
      log({ ch: 'twilsock', client, error: `bad packet: ${e.message}` });
    }
  });
  ws.on('close', () => sync?.detach(push));
}

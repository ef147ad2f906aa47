// One Voice SDK signaling socket (PStream 1.6, see VOICE-GATEWAY-FACTS.md).
// Knows the wire format, heartbeats, tokens and registration; call frames are
// handed to the gateway, which owns the legs.

const VERSION = '1.6';
const HEARTBEAT_MS = 5000; // the SDK reconnects after 15 s of silence

import { mintToken, parseToken as parseJwt } from '../twilio/token.mjs';

/** Tokens for the sandbox's Devices (JWT-shaped, as real Flex hands its Device). */
export { mintToken };

/**
 * A JWT from the local Twilio, or the debugging desktop's own
 * `sandbox.<identity>.<ttl>.<nonce>` (its Flex double mints tokens synchronously).
 */
function parseToken(token) {
  const m = /^sandbox\.([A-Za-z0-9_-]+)\.(\d+)\.[a-z0-9]+$/.exec(token || '');
  return m ? { identity: m[1], ttl: Number(m[2]), exp: Date.now() / 1000 + Number(m[2]) } : parseJwt(token);
}

let nextId = 1;

export class SignalingSession {
  /**
   * @param ws a `ws` WebSocket
   * @param {{onCall(session, type, payload), log(entry)}} gateway
   */
  constructor(ws, gateway) {
    this.id = `S${nextId++}`;
    this.ws = ws;
    this.gateway = gateway;
    this.identity = null;
    this.registered = false;
    this.tokens = [];
    this.heartbeat = setInterval(() => ws.readyState === 1 && ws.send('\n'), HEARTBEAT_MS);
    ws.on('message', (data) => this.receive(String(data)));
    ws.on('close', () => {
      clearInterval(this.heartbeat);
      this.registered = false;
      gateway.log({ ch: 'signal', dir: 'close', session: this.id, identity: this.identity });
      gateway.onClose(this);
    });
  }

  send(type, payload) {
    this.gateway.log({ ch: 'signal', dir: 'out', session: this.id, identity: this.identity, type, payload: redact(payload) });
    if (this.ws.readyState === 1) this.ws.send(JSON.stringify({ type, version: VERSION, payload }));
  }

  receive(text) {
    if (!text.trim()) return; // heartbeat
    let frame;
    try { frame = JSON.parse(text); } catch { return this.gateway.log({ ch: 'signal', dir: 'in', session: this.id, bad: text.slice(0, 80) }); }
    const { type, payload = {} } = frame;
    this.gateway.log({ ch: 'signal', dir: 'in', session: this.id, identity: this.identity, type, payload: redact(payload) });
    switch (type) {
      case 'listen': return this.listen(payload);
      case 'register':
        this.registered = !!payload.media?.audio;
        return this.send(this.registered ? 'ready' : 'offline', {});
      case 'invite': case 'answer': case 'reject': case 'hangup':
        return this.gateway.onCall(this, type, payload);
      default: return undefined; // dtmf, message, reinvite: logged only
    }
  }

  /** `listen` opens the session and is sent again by `device.updateToken`. */
  listen({ token }) {
    const parsed = parseToken(token);
    if (!parsed) return this.send('error', { error: { code: 31204, message: 'Invalid access token' } });
    if (parsed.exp * 1000 <= Date.now()) return this.send('error', { error: { code: 20104, message: 'Access token expired' } });
    this.identity = parsed.identity;
    this.tokens.push(token);
    this.send('connected', {
      region: 'sandbox', edge: 'sandbox', home: 'sandbox',
      token: { identity: parsed.identity, ttl: parsed.ttl },
    });
    this.gateway.onListen(this);
  }

  /** Drop the socket abruptly, as a network failure would. */
  drop() { this.ws.terminate(); }

  close() { clearInterval(this.heartbeat); this.ws.close(); }
}

/** Logs keep frame types and sids, not SDPs or tokens. */
function redact(payload) {
  const out = { ...payload };
  if (out.sdp) out.sdp = `<sdp ${out.sdp.length}B>`;
  if (out.token) out.token = '<token>';
  if (out.browserinfo) delete out.browserinfo;
  return out;
}

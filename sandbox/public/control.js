// The pages' side of the sandbox control channel (/control): commands to the
// gateway, pushed state from it, and requests it makes of the page.

/**
 * @param {string} role 'desktop' | 'customer' | 'observer'
 * @param {(msg) => any} onMessage gets pushes and requests; a request's return
 *   value (or promise) is sent back as its reply
 */
export function connectControl(role, onMessage) {
  const waiting = new Map();
  let nextId = 1;
  let ws;
  let ready;

  function open() {
    ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/control`);
    ready = new Promise((resolve) => ws.addEventListener('open', resolve, { once: true }));
    ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'hello', role, reqId: 'hello' })));
    ws.addEventListener('close', () => setTimeout(open, 1000));
    ws.addEventListener('message', async (ev) => {
      const msg = JSON.parse(ev.data);
      if (msg.type === 'reply') {
        const w = waiting.get(msg.reqId);
        waiting.delete(msg.reqId);
        if (w) msg.ok ? w.resolve(msg.result) : w.reject(new Error(msg.error));
        return;
      }
      try {
        const result = await onMessage(msg);
        if (msg.reqId) ws.send(JSON.stringify({ type: 'reply', reqId: msg.reqId, ok: true, ...result }));
      } catch (e) {
        console.error('[sandbox]', msg.type, e);
        if (msg.reqId) ws.send(JSON.stringify({ type: 'reply', reqId: msg.reqId, ok: false, error: String(e.message || e) }));
      }
    });
  }
  open();

  return {
    /** Send a command and wait for the gateway's answer. */
    async request(msg) {
      await ready;
      const reqId = `P${nextId++}`;
      ws.send(JSON.stringify({ ...msg, reqId }));
      return new Promise((resolve, reject) => waiting.set(reqId, { resolve, reject }));
    },
  };
}

/** Quiet time after a UDP candidate before the SDP is read (a browser lists every network's UDP candidates within a few ms). */
const UDP_SETTLE_MS = 5;

/**
 * Non-trickle SDP with this page's candidates, as Twilio's media servers
 * send theirs: with their UDP addresses, at once. A browser gathers its UDP
 * host candidates within ~20 ms, but given an offer without candidates (the
 * Voice SDK's) it adds TCP candidates only ~120 ms later before it calls
 * gathering complete: waiting for that would put a delay into every call
 * that Twilio does not have. So the SDP is read once the UDP candidates have
 * settled, or when gathering completes, or after `capMs`.
 */
export function gathered(pc, capMs = 3000) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve(pc.localDescription.sdp);
  return new Promise((resolve) => {
    let settle;
    const done = () => {
      clearTimeout(settle);
      clearTimeout(cap);
      resolve(pc.localDescription.sdp);
    };
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done());
    pc.addEventListener('icecandidate', (e) => {
      if (!e.candidate || !/ udp /i.test(e.candidate.candidate)) return;
      clearTimeout(settle);
      settle = setTimeout(done, UDP_SETTLE_MS);
    });
    const cap = setTimeout(done, capMs);
  });
}

export const h = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else if (v !== false && v != null) el.setAttribute(k, v);
  }
  el.append(...children.flat().filter((c) => c != null && c !== false));
  return el;
};

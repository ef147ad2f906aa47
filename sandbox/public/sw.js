// The sandbox's Service Worker: real Flex calls Twilio hosts that no option
// can change (flex-api, flex, iam, status, assets, sounds). Every
// cross-origin request to another host is answered by this server instead,
// at /__twilio/<host><path>; EventBridge REST keeps its own path. Requests to
// this machine on another port (a plugin served from an origin of its own,
// as Twilio serves plugins) go out as they are.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));

const DROP = new Set(['host', 'origin', 'referer', 'cookie', 'content-length']);

self.addEventListener('fetch', (e) => {
  const u = new URL(e.request.url);
  if (u.origin === self.location.origin || u.hostname === self.location.hostname) return;
  e.respondWith((async () => {
    const r = e.request;
    const headers = new Headers({ 'x-via-sw': '1' });
    for (const [k, v] of r.headers) if (!DROP.has(k)) headers.set(k, v);
    const body = r.method === 'GET' || r.method === 'HEAD' ? undefined : await r.arrayBuffer();
    const target = /^event-bridge.*\.twilio\.com$/.test(u.hostname) && u.pathname === '/v1/wschannels'
      ? '/v1/wschannels' : `/__twilio/${u.host}${u.pathname}${u.search}`;
    let resp;
    try {
      resp = await fetch(target, { method: r.method, headers, body });
    } catch (err) {
      return new Response(JSON.stringify({ message: `the local Twilio is unreachable: ${err}` }), { status: 502 });
    }
    const h = new Headers(resp.headers);
    h.set('access-control-allow-origin', r.headers.get('origin') || self.location.origin);
    h.set('access-control-allow-credentials', 'true');
    const empty = [101, 204, 205, 304].includes(resp.status);
    return new Response(empty ? null : await resp.arrayBuffer(), { status: resp.status, statusText: resp.statusText, headers: h });
  })());
});

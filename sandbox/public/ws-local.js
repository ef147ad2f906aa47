// Loaded before any SDK: keeps every WebSocket on this server. The Voice SDK
// always dials wss:// (its chunderw, and the "preferred" voice-js host after
// a reconnect), Flex's telemetry twilsock has no option at all, and this page
// is plain http on 127.0.0.1, so sockets are rewritten here to ws://<this host>.
(() => {
  const Native = window.WebSocket;
  const local = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
  const rewrite = (raw) => {
    const u = new URL(raw, location.href);
    if (u.host === location.host) return `${local}${u.pathname}${u.search}`;
    if (/^voice-js\..*twilio\.com$/.test(u.hostname)) return `${local}/signal`;
    if (/^tsock\..*twilio\.com$/.test(u.hostname)) return `${local}/v3/wsconnect?c=telemetry`;
    if (/^event-bridge.*\.twilio\.com$/.test(u.hostname)) return `${local}/v1/wschannels${u.search}`;
    console.warn(`[sandbox] a WebSocket to ${u.host} is not answered locally`);
    return raw;
  };
  function LocalWebSocket(url, protocols) {
    return protocols === undefined ? new Native(rewrite(String(url))) : new Native(rewrite(String(url)), protocols);
  }
  LocalWebSocket.prototype = Native.prototype;
  Object.assign(LocalWebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  window.WebSocket = LocalWebSocket;
})();

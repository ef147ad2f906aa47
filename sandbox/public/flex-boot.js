// Boots the real Flex UI against the local Twilio, as a self-hosted Flex page
// would: the Service Worker answers the hard-coded Twilio hosts, the login is
// Flex's own query-string login, the Configuration (served locally) points
// every SDK at this server, and Flex's plugin loader loads multi-call.
const params = new URLSearchParams(location.search);
const status = document.getElementById('boot-status');
const say = (text) => { status.textContent = text; };
window.sandbox = { state: 'starting' };

const panel = document.getElementById('panel');
const showPanel = params.get('panel') !== '0';
document.body.classList.toggle('no-panel', !showPanel);
if (showPanel) panel.src = '/customer?embedded=1';
document.getElementById('toggle-panel').onclick = () => {
  if (!panel.src) panel.src = '/customer?embedded=1';
  document.body.classList.toggle('no-panel');
};

async function modeSwitch() {
  const { mode, modes } = await (await fetch('/api/mode')).json();
  const nav = document.getElementById('modes');
  for (const m of modes) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = m;
    b.setAttribute('aria-pressed', String(m === mode));
    b.title = m === 'off' ? 'multi-call disabled: stock Flex, one call at a time' : `multi-call in ${m} mode`;
    b.onclick = async () => {
      await fetch('/api/mode', { method: 'POST', body: JSON.stringify({ mode: m }) });
      location.replace('/');
    };
    nav.append(b);
  }
}

async function serviceWorker() {
  await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  }
}

/** Flex's query-string login (Token, Identity, Expiration, Roles): a fresh token each load. */
async function login() {
  const identity = params.get('identity') || 'alice';
  const { token, expiration, accountSid } = await (await fetch(`/api/login?identity=${encodeURIComponent(identity)}`)).json();
  const q = new URLSearchParams({ Token: token, Identity: identity, Expiration: expiration });
  q.append('Roles', 'agent');
  q.append('Roles', 'supervisor');
  history.replaceState(null, '', `/?${q}`);
  return accountSid;
}

function script(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(s);
  });
}

try {
  await modeSwitch();
  say('service worker…');
  await serviceWorker();
  const accountSid = await login();
  say('loading Flex…');
  await script('/vendor/flex-ui.js');
  const Flex = window.Twilio.Flex;
  // For instruments (bench/pages/listener-timer.js): Flex's code has run, its plugins are not loaded yet.
  window.dispatchEvent(new Event('sandbox:flex-loaded'));
  document.getElementById('flex-version').textContent = Flex.VERSION;
  say('logging in…');
  const t0 = performance.now();
  // A memory router: Flex's views never change this page's URL, so a reload always boots here.
  const flex = await Flex.create({ logLevel: 'error', sso: { accountSid }, router: { type: 'memory' } });
  flex.init('#root');
  window.sandbox = { state: 'ready', createMs: Math.round(performance.now() - t0), readyAt: performance.now() };
  say(`ready (${window.sandbox.createMs} ms)`);
} catch (e) {
  window.sandbox = { state: 'failed', error: String((e && e.message) || e) };
  say(`Flex did not start: ${window.sandbox.error}`);
  console.error('[sandbox] Flex did not start', e);
}

// Shared harness for the browser tests: one static server and one Chromium per
// test file, a fresh context and page per test, helpers that read the double's state.
import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUNDLE = path.join(ROOT, 'dist', 'plugin-multi-call.js');
export const RESULTS = path.join(ROOT, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic'];

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png' };

/** Static file server rooted at the repo; `?csp=nowasm` adds a CSP without 'wasm-unsafe-eval';
 * `?charset=X` serves a file as charset X (a host that labels the bundle wrongly). */
export function startServer() {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const file = path.normalize(path.join(ROOT, decodeURIComponent(url.pathname)));
    if (!file.startsWith(ROOT)) { res.writeHead(403).end(); return; }
    try {
      const body = await fsp.readFile(file);
      const headers = { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' };
      if (url.searchParams.get('csp') === 'nowasm') headers['content-security-policy'] = "script-src 'self' 'unsafe-inline'";
      if (url.searchParams.get('charset')) headers['content-type'] = headers['content-type'].replace(/charset=[^;]+/, `charset=${url.searchParams.get('charset')}`);
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` })));
}

export async function launch() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  return browser;
}

export const bundleExists = () => fs.existsSync(BUNDLE);

// ---------------------------------------------------------------- configs

export const ACCEPT_OPTIONS = { rtcConfiguration: { iceTransportPolicy: 'all', iceServers: [] }, rtcConstraints: { audio: { echoCancellation: true, autoGainControl: false } } };
export const AUDIO_CONSTRAINTS = { echoCancellation: true, noiseSuppression: true };

/** ui_attributes for a mode. `voice` overrides sdkOptions.voice keys; `mc` overrides multi_call keys. */
export function uiAttributes(mode, { mc = {}, voice = {} } = {}) {
  const multi = mode === null ? mc : Object.assign({ enabled: true, mode }, mc);
  const base = {
    acceptOptions: ACCEPT_OPTIONS,
    audioConstraints: AUDIO_CONSTRAINTS,
    codecPreferences: ['opus', 'pcmu'],
    edge: 'ashburn',
    closeProtection: true,
    enableImprovedSignalingErrorPrecision: true,
  };
  if (mode === 'standby') base.allowIncomingWhileBusy = false;
  const v = Object.assign(base, voice);
  for (const k of Object.keys(v)) if (v[k] === '<delete>') delete v[k];
  return { custom_data: { features: { multi_call: multi } }, sdkOptions: { voice: v }, initialDeviceCheck: false };
}

// ---------------------------------------------------------------- page

/**
 * Opens the Flex double with `setup` ({ config, sdkVersion, flexVersion, plugin, csp }) and waits until
 * the plugin's init has settled. Returns helpers bound to the page.
 */
export async function openFlex(browser, origin, setup = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const consoleLines = [];
  const pageErrors = [];
  page.on('console', (m) => consoleLines.push({ type: m.type(), text: m.text(), url: (m.location() || {}).url || '' }));
  page.on('pageerror', (e) => pageErrors.push(String(e && (e.stack || e.message) || e)));
  const s = Object.assign({ plugin: '/dist/plugin-multi-call.js' }, setup);
  await page.addInitScript((st) => { window.__FLEX_DOUBLE_SETUP__ = st; }, s);
  const url = `${origin}/tests/flex-double/index.html${s.csp ? '?csp=' + s.csp : ''}`;
  await page.goto(url);
  await page.waitForFunction(() => window.FlexDouble && window.FlexDouble.current && window.FlexDouble.current.pluginSettled, null, { timeout: 10000 });
  const h = {
    page, context, consoleLines, pageErrors,
    snap: () => page.evaluate(() => FlexDouble.current.snapshot()),
    /** Run `fn(D)` in the page, D being the double. */
    run: (fn, arg) => page.evaluate(([src, a]) => (0, eval)('(' + src + ')')(FlexDouble.current, a), [fn.toString(), arg]),
    invoke: (name, payload) => page.evaluate(([n, p]) => FlexDouble.current.scenario.invoke(n, p), [name, payload || {}]),
    offerCall: (sid, fields) => page.evaluate(([s2, f]) => FlexDouble.current.scenario.offerCall(s2, f), [sid, fields || {}]),
    offerChat: (sid, fields) => page.evaluate(([s2, f]) => FlexDouble.current.scenario.offerChat(s2, f), [sid, fields || {}]),
    acceptCall: (sid, { timeout = 3000, select = true } = {}) => page.evaluate(([s2, t, sel]) => FlexDouble.current.scenario.acceptCall(s2, t, sel), [sid, timeout, select]),
    liveUnmuted: () => page.evaluate(() => FlexDouble.current.liveUnmutedCallSids()),
    /** Wait until `pred(snapshot)` is truthy (evaluated in node); returns the snapshot. */
    async until(pred, { timeout = 3000, what = 'condition' } = {}) {
      const end = Date.now() + timeout;
      let s2;
      for (;;) {
        s2 = await h.snap();
        if (pred(s2)) return s2;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last snapshot: ${JSON.stringify(summary(s2))}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    sleep: (ms) => page.waitForTimeout(ms),
    async shot(name) {
      await fsp.mkdir(RESULTS, { recursive: true });
      await page.waitForTimeout(120); // let the view re-render
      await page.screenshot({ path: path.join(RESULTS, name + '.png'), fullPage: true });
    },
    pluginLines: () => consoleLines.filter((l) => isPluginLine(l)),
    close: () => context.close(),
  };
  return h;
}

/** Console lines the plugin wrote: from the bundle's URL, or mentioning multi-call; not browser-generated CSP notices. */
export function isPluginLine(l) {
  if (/^Refused to /.test(l.text)) return false;
  return /plugin-multi-call\.js/.test(l.url) || /multi[-_ ]?call/i.test(l.text);
}

export function summary(s) {
  if (!s) return s;
  return {
    activeCall: s.activeCall && `${s.activeCall.callSid}@${s.activeCall.deviceId}`,
    selected: s.selectedTaskSid,
    tasks: s.tasks.map((t) => `${t.sid}:${t.status}:${t.agentCallSid || '-'}`),
    devices: s.devices.map((d) => `${d.id}${d.isFlex ? '(flex)' : ''}:${d.state}:[${d.calls.map((c) => `${c.callSid}/${c.status}${c.muted ? '/m' : ''}`).join(',')}]`),
    notifications: s.notifications.map((n) => `${n.type}:${n.id}`),
    cancelled: s.cancelledNotifications.map((n) => n.id),
    actions: s.actions.slice(-12).map((a) => `${a.name}${a.targetSid ? '>' + a.targetSid : ''}:${a.outcome}`),
    listenerErrors: s.listenerErrors,
    plugins: s.plugins,
  };
}

// ---------------------------------------------------------------- assertions shared by the tests

export const extraDevices = (s) => s.devices.filter((d) => !d.wasFlex);
export const liveExtra = (s) => extraDevices(s).filter((d) => !d.destroyed);
export const callOf = (s, callSid) => s.liveCalls.find((c) => c.callSid === callSid);
export const unmutedLive = (s) => s.liveCalls.filter((c) => !c.muted);
export const taskOf = (s, sid) => s.tasks.find((t) => t.sid === sid);

/** The invariants every step must keep. */
export function checkStep(assert, s, label) {
  const unm = unmutedLive(s);
  assert.ok(unm.length <= 1, `${label}: two unmuted live calls: ${JSON.stringify(unm.map((c) => c.callSid))}`);
  assert.deepEqual(s.listenerErrors, [], `${label}: a listener threw into Flex's pipeline`);
}

/** Console hygiene: plugin lines carry [multi-call]; no line anywhere has a token. */
export function checkConsole(assert, h, tokens) {
  for (const l of h.pluginLines()) assert.match(l.text, /^\[multi-call\]/, `plugin console line without prefix: ${JSON.stringify(l)}`);
  for (const l of h.consoleLines) for (const t of tokens) {
    assert.ok(!l.text.includes(t), `console line contains a token: ${l.text.slice(0, 200)}`);
    assert.ok(!l.text.includes(t.split('.')[2]), `console line contains a token's secret part: ${l.text.slice(0, 200)}`);
  }
}

// ---------------------------------------------------------------- scenarios

/** Agent accepts call A (WR1) then call B (WR2); returns their CallSids. */
export async function twoCalls(h, { bFields } = {}) {
  await h.offerCall('WR1');
  const a = await h.acceptCall('WR1');
  await h.offerCall('WR2', bFields);
  const b = await h.acceptCall('WR2');
  return { a: a.callSid, b: b.callSid, errors: [a.error, b.error] };
}

/** Poll the live calls for a while and fail if two are ever unmuted at once. */
export async function sampleInvariant(assert, h, label, ms = 150) {
  const end = Date.now() + ms;
  do {
    const unm = await h.liveUnmuted();
    assert.ok(unm.length <= 1, `${label}: two unmuted live calls ${JSON.stringify(unm)}`);
    await new Promise((r) => setTimeout(r, 15));
  } while (Date.now() < end);
}

export const MODES = ['standby', 'forward'];

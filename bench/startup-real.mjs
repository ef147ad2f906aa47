// Benchmark 2b, start-up in the real Flex UI: from Flex's plugin list
// arriving to Flex's agent desktop being ready (`Flex.create` resolved, which
// awaits every plugin's `init`, and the desktop rendered), with multi-call in
// the plugin list, with an empty plugin in its place (as small as can be, and
// as large as multi-call's bundle) and with no plugin, the loads taking turns
// in one page context against the local Twilio (sandbox/). The empty plugins
// separate what any plugin costs (Flex fetching and running one more script,
// the browser taking in its bytes) from what multi-call's code adds. For the loads with
// multi-call, where its own time goes: the bundle's evaluation, unpacking and
// compiling the wasm, the awaited `init`, and multi-call's start just after
// it (instantiation, the engine's start, Flex hooks).
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startSandbox } from '../sandbox/server.mjs';
import { speechWav } from '../sandbox/sounds.mjs';
import { CHROMIUM, stats, ms } from './lib.mjs';

// Runs in the Flex page before its own scripts: when Flex calls the plugin's
// `init` and when that resolves (the bundle marks its own steps with User Timing).
function instrument() {
  const t = { marks: {} };
  window.startupMarks = t;
  // Observed as they are made: Flex clears the page's marks.
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name.startsWith('multi-call:')) t.marks[e.name.slice('multi-call:'.length)] = e.startTime;
  }).observe({ type: 'mark' });
  window.addEventListener('sandbox:flex-loaded', () => {
    const Flex = window.Twilio.Flex;
    const init = Flex.Plugins.init;
    Flex.Plugins.init = function timedPluginsInit(PluginClass, ...rest) {
      t.pluginsInit = performance.now(); // the bundle calls this at the end of its evaluation
      const proto = PluginClass && PluginClass.prototype;
      const own = proto && proto.init;
      if (own) {
        proto.init = function timedInit(...a) {
          t.initStart = performance.now();
          return Promise.resolve(own.apply(this, a)).finally(() => { t.initEnd = performance.now(); });
        };
      }
      return init.call(this, PluginClass, ...rest);
    };
  }, { once: true });
}

// Read in the page once Flex is ready.
function readMarks() {
  const res = performance.getEntriesByType('resource');
  const list = res.find((e) => { try { const u = new URL(e.name); return u.hostname === 'flex.twilio.com' && u.pathname === '/plugins'; } catch { return false; } });
  const script = res.find((e) => e.name.includes('/plugin/'));
  return { ...window.startupMarks, state: window.sandbox.state, error: window.sandbox.error, readyAt: window.sandbox.readyAt,
    listEnd: list ? list.responseEnd : null, scriptEnd: script ? script.responseEnd : null };
}

// A plugin that does nothing: Flex constructs it and awaits its `init`.
const EMPTY_PLUGIN = `(() => {
  class EmptyPlugin { constructor() { this.name = 'EmptyPlugin'; this.version = '0.1.0'; } async init() {} }
  window.Twilio.Flex.Plugins.init(EmptyPlugin);
})();
`;

/** The empty plugin with an unused base64 string: as many bytes as `bundle`, of the same kind. */
const sizedEmptyPlugin = (bundle) => {
  const frame = [`${EMPTY_PLUGIN}var unused = "`, '";\n'];
  return frame.join(bundle.toString('base64').slice(0, Math.max(0, bundle.length - frame.join('').length)));
};

/**
 * Serves multi-call and the two empty plugins from one origin of their own,
 * as Twilio serves plugins from an origin other than Flex's, with the
 * sandbox's headers (no-store).
 */
async function pluginServer() {
  const bundle = readFileSync(new URL('../dist/plugin-multi-call.js', import.meta.url));
  const files = { '/plugin/plugin-multi-call.js': bundle, '/plugin/plugin-empty.js': EMPTY_PLUGIN, '/plugin/plugin-sized.js': sizedEmptyPlugin(bundle) };
  const server = http.createServer((req, res) => {
    const body = files[new URL(req.url, 'http://x').pathname];
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store', 'timing-allow-origin': '*' });
    res.end(body || '');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { url: (name) => `${origin}/plugin/${name}`, close: () => new Promise((r) => server.close(r)) };
}

const ARMS = ['with', 'empty', 'sized', 'without'];

/** `loads` page loads each with multi-call, with either empty plugin and with none, taking turns. */
export async function startupInRealFlex({ loads = 20 } = {}) {
  const sandbox = await startSandbox({ port: 0, mode: 'standby', plugin: false });
  const plugins = await pluginServer();
  const dir = mkdtempSync(path.join(tmpdir(), 'mc-bench-'));
  const mic = path.join(dir, 'speech.wav');
  writeFileSync(mic, speechWav());
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-quic', '--disable-dev-shm-usage', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${mic}`, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
  const listed = { with: plugins.url('plugin-multi-call.js'), empty: plugins.url('plugin-empty.js'), sized: plugins.url('plugin-sized.js'), without: false };
  const setPlugin = async (arm) => {
    const r = await fetch(`${sandbox.url}/api/mode`, { method: 'POST', body: JSON.stringify({ plugin: listed[arm] }) });
    if (!r.ok) throw new Error(`the sandbox refused the plugin list: ${await r.text()}`);
  };
  const runs = { with: [], empty: [], sized: [], without: [] };
  try {
    const context = await browser.newContext({ serviceWorkers: 'allow', viewport: { width: 1400, height: 900 } });
    await context.grantPermissions(['microphone'], { origin: sandbox.url });
    await context.addInitScript(instrument);
    // One discarded load of each first: the Service Worker installed, Flex's 18 MB in the HTTP and code caches.
    // Each round starts at a different arm, so none always follows the same one.
    for (let i = 0; i < loads + 1; i++) {
      for (let k = 0; k < ARMS.length; k++) {
        const name = ARMS[(i + k) % ARMS.length];
        await setPlugin(name);
        const page = await context.newPage();
        await page.goto(`${sandbox.url}/?panel=0`);
        await page.waitForFunction(() => window.sandbox && window.sandbox.state !== 'starting', null, { timeout: 90000 });
        // multi-call starts after Flex's render: its later marks come after Flex is ready.
        if (name === 'with') await page.waitForFunction(() => window.startupMarks.marks.started, null, { timeout: 15000 }).catch(() => {});
        const m = await page.evaluate(readMarks);
        await page.close();
        if (m.state !== 'ready') throw new Error(`Flex did not start (plugin list: ${name}): ${m.error}`);
        if (m.listEnd === null) throw new Error('no resource timing for Flex\'s plugin list');
        if (name === 'with' && !(m.initEnd > 0)) throw new Error('multi-call\'s init was not seen: is dist/plugin-multi-call.js built?');
        if (name === 'with' && !m.marks.started) throw new Error('multi-call did not start within 15 s of Flex being ready');
        if (name !== 'with' && m.marks.evaluated) throw new Error('multi-call was loaded although the plugin list left it out');
        if ((name === 'empty' || name === 'sized') && !(m.initEnd > 0)) throw new Error(`the ${name} empty plugin's init was not seen`);
        if (name === 'without' && m.initStart) throw new Error('a plugin was loaded although the plugin list was empty');
        if (i > 0) runs[name].push(m);
      }
    }
    await context.close();
  } finally {
    await browser.close();
    await sandbox.close();
    await plugins.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const ready = (r) => r.readyAt - r.listEnd;
  const span = (from, to) => stats(runs.with.map((r) => to(r) - from(r)));
  const m = (name) => (r) => r.marks[name];
  return {
    loads,
    without: stats(runs.without.map(ready)),
    // Each round's four loads run back to back: multi-call's load against the
    // other three of its own round cancels the machine's slower drifts.
    paired: Object.fromEntries(['sized', 'empty', 'without'].map((arm) => [arm, stats(runs.with.map((r, i) => ready(r) - ready(runs[arm][i])))])),
    empty: stats(runs.empty.map(ready)),
    sized: stats(runs.sized.map(ready)),
    with: stats(runs.with.map(ready)),
    // The empty plugin's own steps, beside multi-call's first three.
    emptySteps: [
      ['Flex fetches the bundle (plugin list to script received)', (r) => r.scriptEnd - r.listEnd],
      ['Flex calls `init` (from the script received)', (r) => r.initStart - r.scriptEnd],
    ].map(([name, f]) => ({ name, ...stats(runs.empty.map(f)) })),
    // multi-call's own steps (its User Timing marks), in the loads with it.
    steps: [
      ['Flex fetches the bundle (plugin list to script received)', span((r) => r.listEnd, (r) => r.scriptEnd)],
      ['parsing and evaluating the bundle (to `Plugins.init`)', span((r) => r.scriptEnd, m('evaluated'))],
      ['Flex calls `init` (from `Plugins.init`)', span(m('evaluated'), (r) => r.initStart)],
      ['Flex renders its desktop (from `init` called; multi-call waits for it)', span((r) => r.initStart, m('rendered'))],
      ['the page next idle (from the render)', span(m('rendered'), m('idle'))],
      ['unpacking the wasm (base64, inflate)', span(m('idle'), m('unpacked'))],
      ['`WebAssembly.compile`', span(m('unpacked'), m('compiled'))],
      ['instantiating (`initSync`)', span(m('compiled'), m('instantiated'))],
      ['the engine\'s start (first call into the wasm)', span(m('instantiated'), m('enabling'))],
      ['action, notification, token and Device hooks', span(m('enabling'), m('hooked'))],
      ['the Teams view\'s Calls column', span(m('hooked'), m('teams-view'))],
      ['the call bar\'s wrapper', span(m('teams-view'), m('call-bar'))],
      ['the first copy of Flex\'s state into the engine', span(m('call-bar'), m('started'))],
      ['`init` called → multi-call running (it starts once Flex has rendered and the page is idle)', span((r) => r.initStart, m('started'))],
      ['Flex ready → multi-call running', span((r) => r.readyAt, m('started'))],
      ['**the awaited `init`** (Flex waits for it)', span((r) => r.initStart, (r) => r.initEnd)],
    ].map(([name, s]) => ({ name, ...s })),
  };
}

/** BENCHMARKS.md's section for this benchmark (lines). */
export function renderStartupReal(sr) {
  const L = ['## 2b. Start-up in the real Flex UI (issue 13)', ''];
  L.push('Reproduce: `node bench/run.mjs --only=startup-real --no-build`.', '');
  if (sr.error) return [...L, `**Not measured** in this run: ${sr.error}.`, ''];
  L.push('`@twilio/flex-ui` (the pinned version) against the local Twilio (`sandbox/`), in headless Chromium: the sandbox\'s Flex page loaded',
    `${sr.loads} times each with four plugin lists, taking turns in one browser context (so Flex's 18 MB bundle is in the HTTP and code`,
    'caches, as on an agent\'s reload), after one discarded load of each: multi-call; an empty plugin (a class whose `init` does nothing);',
    'the same empty plugin padded with an unused base64 string to the size of multi-call\'s bundle; and no plugin. The plugins are served',
    'from an origin of their own, as Twilio serves plugins, uncached. What is timed: from the plugin list\'s response (resource timing) to',
    'Flex\'s agent desktop being ready (`Flex.create` resolved, which awaits every plugin\'s `init`, and the desktop rendered by `flex.init`).',
    'The page is not cross-origin isolated: `performance.now()` resolves 100 µs.', '');
  L.push('| Flex ready after its plugin list | median | p10 | p90 | min | max |', '| --- | ---: | ---: | ---: | ---: | ---: |');
  const arms = [['with multi-call', sr.with], ['with the empty plugin, padded to multi-call\'s size', sr.sized], ['with the empty plugin', sr.empty],
    ['without a plugin', sr.without]].filter(([, x]) => x);
  for (const [name, x] of arms) L.push(`| ${name} | ${ms(x.median)} | ${ms(x.p10)} | ${ms(x.p90)} | ${ms(x.min)} | ${ms(x.max)} |`);
  L.push('', `Difference of the medians, multi-call against no plugin: **${ms(sr.with.median - sr.without.median)}**; the spread of the loads without a plugin (p90 − p10) is ${ms(sr.without.p90 - sr.without.p10)}.`);
  if (sr.empty && sr.sized) {
    L.push(`Against the empty plugin: ${ms(sr.with.median - sr.empty.median)}; against the empty plugin of the same size: ${ms(sr.with.median - sr.sized.median)}`,
      '(what multi-call\'s code itself costs Flex\'s start-up, beyond one more script of its size).');
  }
  if (sr.paired) {
    L.push('', 'Paired by round (a round\'s four loads run back to back, so the machine\'s slower drifts cancel): multi-call\'s load less the other',
      'arm\'s load of the same round.', '', '| multi-call less | median | p10 | p90 |', '| --- | ---: | ---: | ---: |');
    for (const [arm, name] of [['sized', 'the empty plugin of its size'], ['empty', 'the empty plugin'], ['without', 'no plugin']]) {
      const x = sr.paired[arm];
      L.push(`| ${name} | ${ms(x.median)} | ${ms(x.p10)} | ${ms(x.p90)} |`);
    }
  }
  L.push('');
  L.push('Where multi-call\'s own time goes, in the loads with it: its User Timing marks (`multi-call:evaluated`, `rendered`, `idle`, `unpacked`,',
    '`compiled`, `instantiated`, `enabling`, `hooked`, `teams-view`, `call-bar`, `started`; DevTools\' performance panel shows them too) and',
    'when Flex calls and gets back `init`. `init` returns at once; multi-call unpacks, compiles and starts the engine once Flex has rendered',
    'its desktop (its view state names an active view) and the page is next idle (`requestIdleCallback`), so that work runs after Flex\'s',
    'start-up, not in the middle of it.', '');
  L.push('| step | median | p10 | p90 |', '| --- | ---: | ---: | ---: |');
  for (const st of sr.steps) L.push(`| ${st.name} | ${ms(st.median)} | ${ms(st.p10)} | ${ms(st.p90)} |`);
  if (sr.emptySteps) {
    L.push('', 'The same first steps for the empty plugin:', '', '| step | median | p10 | p90 |', '| --- | ---: | ---: | ---: |');
    for (const st of sr.emptySteps) L.push(`| ${st.name} | ${ms(st.median)} | ${ms(st.p10)} | ${ms(st.p90)} |`);
  }
  L.push('');
  return L;
}

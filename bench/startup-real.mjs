// Benchmark 2b, start-up in the real Flex UI: from Flex's plugin list
// arriving to Flex's agent desktop being ready (`Flex.create` resolved, which
// awaits every plugin's `init`, and the desktop rendered), with multi-call in
// the plugin list and without it, the loads taking turns in one page context
// against the local Twilio (sandbox/). For the loads with multi-call, where
// its own time goes: the bundle's evaluation, unpacking and compiling the
// wasm, the awaited `init`, and multi-call's start just after it
// (instantiation, the engine's start, Flex hooks).
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
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
  const script = res.find((e) => e.name.includes('/plugin/plugin-multi-call.js'));
  return { ...window.startupMarks, state: window.sandbox.state, error: window.sandbox.error, readyAt: window.sandbox.readyAt,
    listEnd: list ? list.responseEnd : null, scriptEnd: script ? script.responseEnd : null };
}

/** `loads` page loads with multi-call and as many without, taking turns. */
export async function startupInRealFlex({ loads = 20 } = {}) {
  const sandbox = await startSandbox({ port: 0, mode: 'standby', plugin: true });
  const dir = mkdtempSync(path.join(tmpdir(), 'mc-bench-'));
  const mic = path.join(dir, 'speech.wav');
  writeFileSync(mic, speechWav());
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-quic', '--disable-dev-shm-usage', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${mic}`, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
  const setPlugin = (on) => fetch(`${sandbox.url}/api/mode`, { method: 'POST', body: JSON.stringify({ plugin: on }) });
  const runs = { with: [], without: [] };
  try {
    const context = await browser.newContext({ serviceWorkers: 'allow', viewport: { width: 1400, height: 900 } });
    await context.grantPermissions(['microphone'], { origin: sandbox.url });
    await context.addInitScript(instrument);
    // One discarded load of each first: the Service Worker installed, Flex's 18 MB in the HTTP and code caches.
    for (let i = 0; i < loads + 1; i++) {
      for (const name of i % 2 ? ['without', 'with'] : ['with', 'without']) {
        await setPlugin(name === 'with');
        const page = await context.newPage();
        await page.goto(`${sandbox.url}/?panel=0`);
        await page.waitForFunction(() => window.sandbox && window.sandbox.state !== 'starting', null, { timeout: 90000 });
        const m = await page.evaluate(readMarks);
        await page.close();
        if (m.state !== 'ready') throw new Error(`Flex did not start (${name} multi-call): ${m.error}`);
        if (m.listEnd === null) throw new Error('no resource timing for Flex\'s plugin list');
        if (name === 'with' && !(m.initEnd > 0)) throw new Error('multi-call\'s init was not seen: is dist/plugin-multi-call.js built?');
        if (name === 'without' && m.initStart) throw new Error('multi-call was loaded although the plugin list left it out');
        if (i > 0) runs[name].push(m);
      }
    }
    await context.close();
  } finally {
    await browser.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const ready = (r) => r.readyAt - r.listEnd;
  const span = (from, to) => stats(runs.with.map((r) => to(r) - from(r)));
  const m = (name) => (r) => r.marks[name];
  return {
    loads,
    without: stats(runs.without.map(ready)),
    with: stats(runs.with.map(ready)),
    // multi-call's own steps (its User Timing marks), in the loads with it.
    steps: [
      ['Flex fetches the bundle (plugin list to script received)', span((r) => r.listEnd, (r) => r.scriptEnd)],
      ['parsing and evaluating the bundle (to `Plugins.init`)', span((r) => r.scriptEnd, m('evaluated'))],
      ['Flex calls `init` (from `Plugins.init`)', span(m('evaluated'), (r) => r.initStart)],
      ['the page next idle (from `init` called)', span((r) => r.initStart, m('idle'))],
      ['unpacking the wasm (base64, inflate)', span(m('idle'), m('unpacked'))],
      ['`WebAssembly.compile`', span(m('unpacked'), m('compiled'))],
      ['instantiating (`initSync`)', span(m('compiled'), m('instantiated'))],
      ['the engine\'s start (first call into the wasm)', span(m('instantiated'), m('enabling'))],
      ['action, notification, token and Device hooks', span(m('enabling'), m('hooked'))],
      ['the Teams view\'s Calls column', span(m('hooked'), m('teams-view'))],
      ['the call bar\'s wrapper', span(m('teams-view'), m('call-bar'))],
      ['the first copy of Flex\'s state into the engine', span(m('call-bar'), m('started'))],
      ['`init` called → multi-call running (it starts when the page is next idle)', span((r) => r.initStart, m('started'))],
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
    `${sr.loads} times with multi-call in Flex's plugin list and ${sr.loads} times without it, taking turns in one browser context (so Flex's`,
    '18 MB bundle is in the HTTP and code caches, as on an agent\'s reload), after one discarded load of each. What is timed: from',
    'the plugin list\'s response (resource timing) to Flex\'s agent desktop being ready (`Flex.create` resolved, which awaits every',
    'plugin\'s `init`, and the desktop rendered by `flex.init`). The page is not cross-origin isolated: `performance.now()` resolves 100 µs.', '');
  L.push('| Flex ready after its plugin list | median | p10 | p90 | min | max |', '| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, x] of [['with multi-call', sr.with], ['without multi-call', sr.without]]) L.push(`| ${name} | ${ms(x.median)} | ${ms(x.p10)} | ${ms(x.p90)} | ${ms(x.min)} | ${ms(x.max)} |`);
  L.push('', `Difference of the medians: **${ms(sr.with.median - sr.without.median)}**; the spread of the loads without multi-call (p90 − p10) is ${ms(sr.without.p90 - sr.without.p10)}.`, '');
  L.push('Where multi-call\'s own time goes, in the loads with it: its User Timing marks (`multi-call:evaluated`, `idle`, `unpacked`, `compiled`,',
    '`instantiated`, `enabling`, `hooked`, `teams-view`, `call-bar`, `started`; DevTools\' performance panel shows them too) and when Flex',
    'calls and gets back `init`. `init` returns at once; multi-call unpacks, compiles and starts the engine when the page is next idle',
    '(`requestIdleCallback`), which is while Flex waits on the network, so that work does not hold Flex\'s own start-up up.', '');
  L.push('| step | median | p10 | p90 |', '| --- | ---: | ---: | ---: |');
  for (const st of sr.steps) L.push(`| ${st.name} | ${ms(st.median)} | ${ms(st.p10)} | ${ms(st.p90)} |`);
  L.push('');
  return L;
}

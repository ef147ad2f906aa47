// Benchmark 2b, start-up in the real Flex UI: from Flex's plugin list
// arriving to Flex's agent desktop being ready (`Flex.create` resolved, which
// awaits every plugin's `init`, and the desktop rendered), with multi-call in
// the plugin list and without it, the loads taking turns in one page context
// against the local Twilio (sandbox/). For the loads with multi-call, where
// its own time goes: the bundle's evaluation, unpacking and compiling the
// wasm, and the awaited `init` (instantiation, the engine's start, Flex hooks).
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startSandbox } from '../sandbox/server.mjs';
import { speechWav } from '../sandbox/sounds.mjs';
import { CHROMIUM, stats } from './lib.mjs';

// Runs in the Flex page before its own scripts: marks the plugin's steps.
function instrument() {
  const t = { wasm: [] };
  window.startupMarks = t;
  for (const name of ['compile', 'instantiate']) {
    const orig = WebAssembly[name];
    WebAssembly[name] = function timedWasm(...args) {
      const start = performance.now();
      return orig.apply(this, args).then((r) => { t.wasm.push({ name, start, end: performance.now() }); return r; });
    };
  }
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
  const w = runs.with;
  const compile = (r) => r.wasm.filter((x) => x.name === 'compile');
  return {
    loads,
    without: stats(runs.without.map(ready)),
    with: stats(w.map(ready)),
    // multi-call's own steps, in the loads with it.
    plugin: {
      fetchToEvaluated: stats(w.map((r) => r.pluginsInit - r.scriptEnd)), // parse + evaluate (starts unpacking)
      unpackAndCompile: stats(w.map((r) => (compile(r).length ? compile(r).at(-1).end - r.pluginsInit : NaN))),
      compile: stats(w.map((r) => compile(r).reduce((n, x) => n + x.end - x.start, 0))),
      init: stats(w.map((r) => r.initEnd - r.initStart)),
      initAfterCompile: stats(w.map((r) => (compile(r).length ? r.initEnd - Math.max(r.initStart, compile(r).at(-1).end) : NaN))),
      listToScript: stats(w.map((r) => r.scriptEnd - r.listEnd)),
    },
  };
}

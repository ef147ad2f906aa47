// Benchmark 2, start-up: from evaluating the bundle to multi-call's hooks
// registered (wasm unpacked, compiled and instantiated, the engine started,
// listeners on Flex's actions, store and Device), and the part of it Flex
// awaits (`init`), in headless Chromium, one fresh browser context (fresh
// renderer, no caches) per load.
import { startServer, launchChromium, stats } from './lib.mjs';

export const BUDGET_MS = 5;
/** The reference feature's awaited `init` on this double, as issue 13 gives it (the upper end of 2.4–2.6 ms). */
export const REFERENCE_INIT_MS = 2.6;

/**
 * `bundles`: name -> the bundle's path on the bench server. With more than
 * one (`bench/run.mjs --before`), their loads take turns, in alternating
 * order, so a change in the machine's load falls on each alike.
 */
export async function startup({ loads = 30, bundles = { after: '/dist/plugin-multi-call.js' } } = {}) {
  const srv = await startServer();
  const browser = await launchChromium();
  const names = Object.keys(bundles);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  try {
    for (let i = 0; i < loads + 1; i++) {
      for (const name of i % 2 ? [...names].reverse() : names) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${srv.origin}/bench/pages/startup.html?bundle=${encodeURIComponent(bundles[name])}`);
        const r = await page.evaluate(() => window.runStartup());
        await context.close();
        if (r.state !== 'ready') throw new Error(`plugin (${name}) did not start: ${r.state} ${r.error || ''}`);
        if (!(r.hooks.beforeAcceptTask > 0 && r.hooks.beforeUnholdCall > 0)) throw new Error(`hooks not registered (${name}): ${JSON.stringify(r.hooks)}`);
        if (i > 0) runs[name].push(r); // the first load warms the OS file cache and Chromium's binaries: dropped
      }
    }
  } finally {
    await browser.close();
    await srv.close();
  }
  return Object.fromEntries(names.map((name) => [name, summary(runs[name])]));
}

function summary(runs) {
  const wasmMs = runs.map((r) => r.wasm.reduce((n, w) => n + w.ms, 0));
  const total = stats(runs.map((r) => r.total));
  return {
    loads: runs.length,
    total, evaluate: stats(runs.map((r) => r.evaluate)), init: stats(runs.map((r) => r.init)), running: stats(runs.map((r) => r.running ?? r.init)), wasm: stats(wasmMs), beforeWasm: stats(runs.map((r) => r.beforeWasm)), afterWasm: stats(runs.map((r) => r.afterWasm)),
    wasmCalls: runs[0]?.wasm.map((w) => w.name),
    crossOriginIsolated: runs[0]?.crossOriginIsolated,
    budgetMs: BUDGET_MS, pass: total.median <= BUDGET_MS,
    initBarMs: REFERENCE_INIT_MS, initPass: stats(runs.map((r) => r.init)).median <= REFERENCE_INIT_MS,
  };
}

// Benchmark 3 (browser half): decision time through the wasm boundary, in
// headless Chromium (see bench/pages/boundary.js for what one sample is).
import { startServer, launchChromium, stats } from './lib.mjs';

export const BUDGET_US = 50;
export const SIZES = [1, 10, 50, 200];
const EVENTS = ['select', 'accept', 'unhold', 'ended'];

/**
 * `revisions`: name -> the folder on the bench server holding that build's
 * `target/bindgen/` (`` for this tree). Returns name -> figures; the
 * budget is checked for each.
 */
export async function boundary({ samples = 2000, warmup = 300, revisions = { after: '' } } = {}) {
  const srv = await startServer();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${srv.origin}/bench/pages/boundary.html`);
    await page.waitForFunction(() => window.boundaryReady || null, null, { timeout: 10000 }).catch(() => { throw new Error(`boundary page did not load: ${errors.join('; ')}`); });
    const revs = Object.entries(revisions).map(([name, dir]) => ({ name, glue: `${dir}/target/bindgen/multi_call.js`, wasm: `${dir}/target/bindgen/multi_call_bg.wasm` }));
    const r = await page.evaluate((o) => window.runBoundary(o), { revisions: revs, sizes: SIZES, samples, warmup });
    const all = {};
    for (const [name, byEvent] of Object.entries(r.results)) {
      const out = { samples, crossOriginIsolated: r.crossOriginIsolated, timerResolutionUs: r.timerResolutionUs, boundary: r.boundaries[name], events: {} };
      for (const [ev, bySize] of Object.entries(byEvent)) {
        out.events[ev] = {};
        for (const [n, v] of Object.entries(bySize)) out.events[ev][n] = stats(v);
      }
      out.budgetUs = BUDGET_US;
      out.pass = EVENTS.every((e) => out.events[e][50].trimmedMean <= BUDGET_US);
      all[name] = out;
    }
    return all;
  } finally {
    await browser.close();
    await srv.close();
  }
}

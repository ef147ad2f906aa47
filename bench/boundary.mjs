// Benchmark 3 (browser half): decision time through the wasm boundary, in
// headless Chromium (see bench/pages/boundary.js for what one sample is).
import { startServer, launchChromium, stats } from './lib.mjs';

export const BUDGET_US = 50;
export const SIZES = [1, 10, 50, 200];

export async function boundary({ samples = 2000, warmup = 300 } = {}) {
  const srv = await startServer();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${srv.origin}/bench/pages/boundary.html`);
    await page.waitForFunction(() => window.boundaryReady || null, null, { timeout: 10000 }).catch(() => { throw new Error(`boundary page did not load: ${errors.join('; ')}`); });
    const r = await page.evaluate((o) => window.runBoundary(o), { sizes: SIZES, samples, warmup });
    const out = { samples, crossOriginIsolated: r.crossOriginIsolated, timerResolutionUs: r.timerResolutionUs, events: {} };
    for (const [ev, bySize] of Object.entries(r.results)) {
      out.events[ev] = {};
      for (const [n, v] of Object.entries(bySize)) out.events[ev][n] = stats(v);
    }
    const at50 = ['select', 'accept', 'unhold', 'ended'].map((e) => out.events[e][50].trimmedMean);
    out.budgetUs = BUDGET_US;
    out.pass = at50.every((m) => m <= BUDGET_US);
    return out;
  } finally {
    await browser.close();
    await srv.close();
  }
}

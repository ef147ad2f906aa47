// Benchmark 3 (browser half): decision time through the wasm boundary, in
// headless Chromium (see bench/pages/boundary.js for what one sample is).
import { startServer, launchChromium, stats, us } from './lib.mjs';

export const BUDGET_US = 50;
export const SIZES = [1, 10, 50, 200];
const EVENTS = ['select', 'accept', 'unhold', 'ended'];
/** The idle pause before each after-idle sample: shorter than any pause between an agent's clicks, and long enough to show its cost. */
export const IDLE_MS = 20;

/**
 * `revisions`: name -> the folder on the bench server holding that build's
 * `target/bindgen/` (`` for this tree). Returns name -> figures; the
 * budget is checked for each. The first revision also gets `afterIdle`:
 * `idleSamples` events each after an idle pause, and the same event again at once.
 */
export async function boundary({ samples = 2000, warmup = 300, idleSamples = 60, revisions = { after: '' } } = {}) {
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
    if (idleSamples) {
      const a = await page.evaluate((o) => window.runAfterIdle(o), { glue: revs[0].glue, wasm: revs[0].wasm, sizes: SIZES, samples: idleSamples, idleMs: IDLE_MS });
      const idle = { idleMs: IDLE_MS, samples: idleSamples, events: {} };
      for (const [ev, bySize] of Object.entries(a)) {
        idle.events[ev] = {};
        for (const [n, v] of Object.entries(bySize)) idle.events[ev][n] = { first: stats(v.first), again: stats(v.again) };
      }
      all[revs[0].name].afterIdle = idle;
    }
    return all;
  } finally {
    await browser.close();
    await srv.close();
  }
}

/** BENCHMARKS.md's lines for the after-idle figures (section 3). */
export function renderAfterIdle(a) {
  const sizes = Object.keys(a.events.select).map(Number);
  const L = ['#### After an idle moment, as an agent\'s click meets it', ''];
  L.push(`Each sample waits ${a.idleMs} ms with the page idle, then times one event (**first**), then the same kind of event again at once`,
    `(**again**); ${a.samples} samples per cell, medians. Every listener multi-call registers enters the wasm once after such a pause`,
    '(an agent\'s clicks are seconds apart), so **first** is what an agent\'s click pays, and the warm means above are what a burst',
    'of store updates pays. **entry** is a call into the wasm that does nothing (the `panicked` export, one flag read).',
    '**control** is plain JavaScript of the shim\'s kind, timed the same two ways: a task snapshot made and',
    '`JSON.stringify`d, 20 times; it shows how much of the pause any code pays on this machine, wasm or not.', '');
  L.push(`| event | ${sizes.map((n) => `${n} task${n > 1 ? 's' : ''}: first / again`).join(' | ')} |`, `| --- | ${sizes.map(() => '---:').join(' | ')} |`);
  for (const [e, bySize] of Object.entries(a.events)) {
    L.push(`| ${e === 'control' ? 'control (JavaScript only)' : e === 'entry' ? 'entry (no work)' : e} | ${sizes.map((n) => `${us(bySize[n].first.median)} / ${us(bySize[n].again.median)}`).join(' | ')} |`);
  }
  L.push('');
  return L;
}

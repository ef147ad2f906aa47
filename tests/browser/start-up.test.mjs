// Start-up: Flex awaits every plugin's `init`, then renders its desktop.
// multi-call's `init` returns at once and its own start (the engine unpacked,
// compiled and started, Flex hooked) waits until Flex has rendered, so it
// never runs in the middle of Flex's start-up; if Flex never says it has
// rendered, multi-call starts anyway after 5 s.
// In real Flex: benchmark 2b (Flex ready with multi-call, with empty plugins
// and without) and every real-Flex test, which start from a fresh page.
// Why the double: when Flex renders, or that it never does, cannot be chosen in real Flex.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openFlex, uiAttributes, bundleExists, twoCalls, checkStep, checkConsole } from './harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); srv?.server.close(); });
const skip = !bundleExists() && 'dist/plugin-multi-call.js not built';

/** When Flex's init resolved, when its desktop rendered, and multi-call's start-up marks, in page time. */
const times = (h) => h.run((D) => {
  const mark = (step) => (performance.getEntriesByName(`multi-call:${step}`)[0] || {}).startTime;
  return { initResolved: D.plugins[0].initResolvedAt, rendered: D.renderedAt, listenersAtRender: D.actionListenersAtRender,
    seenRendered: mark('rendered'), enabling: mark('enabling'), started: mark('started') };
});

test('Flex renders its desktop 400 ms after init: multi-call hooks nothing before, then starts and takes two calls', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('standby'), renderAfterMs: 400 });
  try {
    const t = await times(h);
    assert.equal(t.listenersAtRender, 0, 'multi-call hooked Flex\'s actions before Flex had rendered');
    assert.ok(t.rendered - t.initResolved >= 390, `the double rendered too soon: ${JSON.stringify(t)}`);
    assert.ok(t.seenRendered >= t.rendered, `multi-call went on before Flex rendered: ${JSON.stringify(t)}`);
    assert.ok(t.enabling >= t.rendered && t.started >= t.enabling, `multi-call started before Flex rendered: ${JSON.stringify(t)}`);
    const s0 = await h.snap();
    assert.ok(s0.listeners.allActions > 0, 'multi-call did not hook Flex after the render');
    const { a, b, errors } = await twoCalls(h);
    assert.ok(a && b, `two calls not taken: ${errors}`);
    checkStep(assert, await h.snap(), 'two calls after a late render');
    checkConsole(assert, h, (await h.snap()).tokens);
  } finally { await h.close(); }
});

test('Flex never names an active view: multi-call starts 5 s after init all the same and takes two calls', { skip, timeout: 30000 }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('forward'), renderAfterMs: null });
  try {
    const t = await times(h);
    assert.equal(t.rendered, undefined, 'the double rendered although told not to');
    assert.ok(t.seenRendered - t.initResolved >= 4900, `multi-call did not wait for Flex's render: ${JSON.stringify(t)}`);
    // 5 s, then the page's next idle moment (at most 2 s later), then the start itself.
    assert.ok(t.started - t.initResolved < 8500, `multi-call waited far past its 5 s: ${JSON.stringify(t)}`);
    const { a, b, errors } = await twoCalls(h);
    assert.ok(a && b, `two calls not taken: ${errors}`);
    checkStep(assert, await h.snap(), 'two calls without a render');
    assert.deepEqual(h.pageErrors, []);
  } finally { await h.close(); }
});

// Behaviour 7: the supervisor's Teams view. The stock "calls" column shows one call and
// cuts the rest off; multi-call's column lists every accepted call task and wraps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openFlex, uiAttributes, bundleExists } from './harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); srv?.server.close(); });
const skip = !bundleExists() && 'dist/plugin-multi-call.js not built';

async function worker3Calls(h) {
  await h.run((D) => {
    for (const sid of ['WR1', 'WR2', 'WR3']) D.addTask({ sid, channel: 'voice', status: 'accepted', taskStatus: 'assigned' });
    D.addTask({ sid: 'WR4', channel: 'voice', status: 'pending', taskStatus: 'reserved' });
    D.addTask({ sid: 'WR5', channel: 'chat', status: 'accepted', taskStatus: 'assigned', participants: undefined });
  });
}

/** Renders the Teams view with 200px columns; reports, per column, which cards show and whether any is cut off. */
const renderTeams = (h) => h.page.evaluate(() => {
  const D = FlexDouble.current;
  let host = document.getElementById('teams-under-test');
  if (!host) { host = document.createElement('div'); host.id = 'teams-under-test'; document.body.prepend(host); }
  const results = D.renderTeamsView(host, 200);
  const cols = {};
  for (const td of host.querySelectorAll('td[data-column]')) {
    const box = td.getBoundingClientRect();
    const cards = Array.from(td.querySelectorAll('[data-task-sid]'));
    cols[td.dataset.column] = {
      cards: cards.map((c) => c.dataset.taskSid),
      cutOff: cards.filter((c) => { const r = c.getBoundingClientRect(); return r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5; }).map((c) => c.dataset.taskSid),
    };
  }
  return { results, cols };
});

test('Teams view: the calls column is replaced by one listing every accepted call task of the worker', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('forward') });
  try {
    await worker3Calls(h);
    const s = await h.snap();
    const calls = s.columns.filter((c) => c.key === 'calls');
    assert.equal(calls.length, 1, `expected one calls column: ${JSON.stringify(s.columns)}`);
    assert.equal(calls[0].byPlugin, true, 'the stock calls column is still there');
    const { results, cols } = await renderTeams(h);
    assert.deepEqual(results.filter((r) => r.error), [], 'a column failed to render');
    assert.deepEqual(cols.calls.cards.sort(), ['WR1', 'WR2', 'WR3'], 'calls column does not list exactly the accepted call tasks');
    await h.shot('teams-view');
  } finally { await h.close(); }
});

test('Teams view: three calls in a narrow column wrap instead of being cut off', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('forward') });
  try {
    await worker3Calls(h);
    const { cols } = await renderTeams(h);
    assert.equal(cols.calls.cards.length, 3);
    // Flex's TaskCardList root is a nowrap flex row (flex-ui 2.17.1: rootContainerStyles "flex-wrap: nowrap");
    // wrapping it in a wrapping div does not wrap its cards.
    assert.deepEqual(cols.calls.cutOff, [], `cards cut off in a 200px column: ${JSON.stringify(cols.calls)}`);
  } finally { await h.close(); }
});

test('Teams view: with multi-call disabled the stock calls column stays', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes(null, { mc: { enabled: false } }) });
  try {
    const s = await h.snap();
    assert.deepEqual(s.columns.filter((c) => c.key === 'calls').map((c) => c.byPlugin), [false]);
  } finally { await h.close(); }
});

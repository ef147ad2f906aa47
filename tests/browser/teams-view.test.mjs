// Behaviour 7: the supervisor's Teams view lists every accepted call of a worker, never worse than stock.
// Flex UI 2.x's own Calls column wraps and lists every call: multi-call leaves it alone. Flex UI 1.x's
// cuts calls off: multi-call swaps in its own column, under a key of its own, because
// WorkersDataTable.Content.remove('calls') drops every 'calls' child at render time, a replacement too.
// Why the double: Flex UI 1.x (whose Calls column clips) cannot be run here; real Flex 2.17.1's Teams view
// is tested in tests/real-flex/teams-view.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openFlex, uiAttributes, bundleExists } from './harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); srv?.server.close(); });
const skip = !bundleExists() && 'dist/plugin-multi-call.js not built';

const WRAPS = '2.17.1'; // TaskCardList's cards in StyledFlexBox, "flex-wrap: wrap"
const CLIPS = '1.34.6'; // TaskCardList's cards in a FlexBox without allowWrap, "flexWrap: nowrap"
const CALLS = ['WR1', 'WR2', 'WR3', 'WR4'];

async function worker3Calls(h) {
  await h.run((D) => {
    for (const sid of ['WR1', 'WR2', 'WR3']) D.addTask({ sid, channel: 'voice', status: 'accepted', taskStatus: 'assigned' });
    D.addTask({ sid: 'WR4', channel: 'voice', status: 'pending', taskStatus: 'reserved' });
    D.addTask({ sid: 'WR5', channel: 'chat', status: 'accepted', taskStatus: 'assigned', participants: undefined });
  });
}

/** Renders the Teams view with 200px columns; reports, per column in order, which cards show and which are cut off. */
const renderTeams = (h) => h.page.evaluate(() => {
  const D = FlexDouble.current;
  let host = document.getElementById('teams-under-test');
  if (!host) { host = document.createElement('div'); host.id = 'teams-under-test'; document.body.prepend(host); }
  const results = D.renderTeamsView(host, 200);
  const cols = [];
  for (const td of host.querySelectorAll('td[data-column]')) {
    const box = td.getBoundingClientRect();
    const cards = Array.from(td.querySelectorAll('[data-task-sid]'));
    cols.push({
      key: td.dataset.column,
      cards: cards.map((c) => c.dataset.taskSid),
      cutOff: cards.filter((c) => { const r = c.getBoundingClientRect(); return r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5; }).map((c) => c.dataset.taskSid),
    });
  }
  return { results, cols };
});

/** The rendered columns that show any call card. */
const callColumns = (cols) => cols.filter((c) => c.cards.some((sid) => CALLS.includes(sid)));

test(`Teams view on Flex ${WRAPS} (stock column wraps): Flex's own calls column stays, the only one, listing every call`, { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('forward'), flexVersion: WRAPS });
  try {
    await worker3Calls(h);
    const s = await h.snap();
    const { results, cols } = await renderTeams(h);
    assert.deepEqual(results.filter((r) => r.error), [], 'a column failed to render');
    const calls = callColumns(cols);
    assert.equal(calls.length, 1, `expected exactly one calls column: ${JSON.stringify({ columns: s.columns, removed: s.teamsRemoveRequests, cols })}`);
    assert.equal(calls[0].key, 'calls');
    assert.deepEqual(s.columns.filter((c) => c.key === 'calls').map((c) => c.byPlugin), [false], 'the stock calls column was replaced');
    assert.deepEqual(s.columns.filter((c) => c.byPlugin), [], 'multi-call added a column where Flex\'s own already shows every call');
    assert.deepEqual([...calls[0].cards].sort(), ['WR1', 'WR2', 'WR3'], 'calls column does not list exactly the accepted call tasks');
    assert.deepEqual(calls[0].cutOff, [], `cards cut off in a 200px column: ${JSON.stringify(calls[0])}`);
    await h.shot('teams-view');
  } finally { await h.close(); }
});

test(`Teams view on Flex ${CLIPS} (stock column clips): one calls column, multi-call's under its own key, listing every accepted call`, { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('forward'), flexVersion: CLIPS });
  try {
    await worker3Calls(h);
    const s = await h.snap();
    const { results, cols } = await renderTeams(h);
    assert.deepEqual(results.filter((r) => r.error), [], 'a column failed to render');
    const calls = callColumns(cols);
    assert.equal(calls.length, 1, `expected exactly one calls column: ${JSON.stringify({ columns: s.columns, removed: s.teamsRemoveRequests, cols })}`);
    const mine = s.columns.find((c) => c.key === calls[0].key);
    assert.equal(mine.byPlugin, true, 'the stock calls column is still there');
    assert.notEqual(mine.key, 'calls', 'the replacement must not share the key that Content.remove drops');
    assert.equal(mine.header, 'Calls');
    assert.deepEqual(cols.map((c) => c.key), ['agent', mine.key, 'tasks'], 'the calls column is not where the stock one was');
    assert.deepEqual([...calls[0].cards].sort(), ['WR1', 'WR2', 'WR3'], 'calls column does not list exactly the accepted call tasks');
    assert.deepEqual(calls[0].cutOff, [], `cards cut off in a 200px column: ${JSON.stringify(calls[0])}`);
  } finally { await h.close(); }
});

for (const [flexVersion, clips] of [[WRAPS, false], [CLIPS, true]]) {
  test(`Teams view on Flex ${flexVersion} with multi-call disabled: the stock calls column stays${clips ? ' (and cuts calls off)' : ''}`, { skip }, async () => {
    const h = await openFlex(browser, srv.origin, { config: uiAttributes(null, { mc: { enabled: false } }), flexVersion });
    try {
      await worker3Calls(h);
      const s = await h.snap();
      assert.deepEqual(s.columns.map((c) => [c.key, c.byPlugin]), [['agent', false], ['calls', false], ['tasks', false]]);
      const calls = callColumns((await renderTeams(h)).cols);
      assert.equal(calls.length, 1);
      assert.deepEqual([...calls[0].cards].sort(), ['WR1', 'WR2', 'WR3']);
      // The double's premise: Flex 1.x's cards do not wrap, 2.x's do.
      assert.equal(calls[0].cutOff.length > 0, clips, JSON.stringify(calls[0]));
    } finally { await h.close(); }
  });
}

// The Teams view of the real Flex UI, with multi-call loaded by Flex's plugin
// loader: the agent's row has a Calls column listing every call, each card in
// full, at two, three and four calls, and it follows live changes over Sync.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFlex, inbound, transferred, until, screenshot, copyToDocs } from './harness.mjs';

/** The Teams view's table as a person sees it: headers, and per agent row the text of each calls card and whether it is fully visible. */
function readTeams() {
  const table = document.querySelector('table');
  if (!table) return null;
  const headers = [...table.querySelectorAll('thead th')].map((th) => th.innerText.trim());
  const callsAt = headers.findIndex((h) => /^calls$/i.test(h));
  const rows = [...table.querySelectorAll('tbody tr')].map((tr) => {
    const cells = [...tr.querySelectorAll('td')];
    const cell = callsAt >= 0 ? cells[callsAt] : null;
    const box = cell && cell.getBoundingClientRect();
    const cards = cell ? [...cell.querySelectorAll('[data-testid="task-card"], .Twilio-TaskCard')].filter((c) => !c.parentElement.closest('[data-testid="task-card"], .Twilio-TaskCard')) : [];
    const visible = (c) => {
      const r = c.getBoundingClientRect();
      if (r.width === 0 || r.right > box.right + 1 || r.left < box.left - 1 || r.bottom > box.bottom + 1) return false;
      // No ancestor inside the cell cuts it off.
      for (let e = c.parentElement; e && e !== cell; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1) return false;
      }
      return true;
    };
    return { agent: cells[0] ? cells[0].innerText.split('\n')[0] : '', calls: cards.map((c) => ({ text: c.innerText.replace(/\s+/g, ' ').trim(), visible: visible(c) })) };
  });
  return { headers, rows };
}

describe('the Teams view in real Flex', () => {
  let s;
  before(async () => { s = await openFlex({ mode: 'standby' }); });
  after(async () => { await s?.close(); });

  const teams = async () => {
    await s.invoke('NavigateToView', { viewName: 'teams' });
    return until(() => s.flex.evaluate(readTeams), { what: 'the Teams view table' });
  };
  const alice = (t) => t.rows.find((r) => r.agent === 'Alice');
  const callers = ['Ada', 'Ben', 'Cy', 'Dee'];

  test('the Calls column lists every call of an agent on two, three and four calls, each card in full', async () => {
    await inbound(s, callers[0]);
    for (let n = 2; n <= 4; n++) {
      await s.invoke('NavigateToView', { viewName: 'agent-desktop' });
      await transferred(s, callers[n - 1]);
      const expected = callers.slice(0, n);
      const t = await until(async () => {
        const v = await teams();
        const row = v && alice(v);
        return row && expected.every((c) => row.calls.some((x) => x.text.includes(c))) && v;
      }, { what: `Alice's row listing ${expected.join(', ')}` }).catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await s.flex.evaluate(readTeams))}`); });
      assert.equal(t.headers.filter((h) => /^calls$/i.test(h)).length, 1, `exactly one Calls column: ${JSON.stringify(t.headers)}`);
      assert.equal(alice(t).calls.length, n, `one card per call: ${JSON.stringify(alice(t).calls)}`);
      assert.deepEqual(alice(t).calls.filter((c) => !c.visible), [], `every card fully visible at ${n} calls`);
      const shot = await screenshot(s.flex, `real-flex-teams-${n}-calls`);
      if (n === 2) copyToDocs(shot, 'real-flex-teams-two-calls.png');
    }
  });

  // Outside the agent desktop Flex shows its LiveCommsBar for "the current
  // call". Stock Flex takes the first live call task, which with several calls
  // is a held one, so the bar would offer UNHOLD and hang up the wrong call.
  test("Flex's call bar outside the agent desktop names the active call and follows it when that call ends", async () => {
    const bar = () => s.flex.evaluate(() => {
      const el = document.querySelector('.Twilio-LiveCommsBar');
      return el ? el.innerText.replace(/\s+/g, ' ').trim() : null;
    });
    const activeFrom = async () => {
      const st = await s.state();
      const task = st.tasks.find((t) => t.participants && t.participants.some((p) => p.me && p.callSid === st.activeCall));
      return { from: task && task.from, held: !!(task && task.participants.some((p) => p.type === 'customer' && p.onHold)) };
    };
    await teams();
    // Flex's task state may trail the call under load: wait for Dee's participants.
    await until(async () => (await activeFrom()).from === 'Dee', { what: `the newest call (Dee) as the active one: ${JSON.stringify(await activeFrom())}` });
    await until(async () => (await bar())?.includes('Dee'), { what: `the bar naming Dee: ${await bar()}` });
    assert.doesNotMatch(await bar(), /unhold/i, `the active call is not held, so the bar offers no UNHOLD: ${await bar()}`);
    await screenshot(s.flex, 'real-flex-call-bar-active-call');
    // Dee's customer hangs up while the agent watches the Teams view: Flex's
    // active call moves to a held call, and the bar must follow it.
    const dee = [...s.world.calls.values()].find((c) => c.from === 'Dee');
    await s.customer.evaluate((sid) => window.customerPanel.hangup(sid), dee.sid);
    const next = await until(async () => { const a = await activeFrom(); return a.from && a.from !== 'Dee' && a; }, { what: 'another call active once Dee ended' });
    await until(async () => { const t = await bar(); return t && t.includes(next.from) && /unhold/i.test(t) === next.held; },
      { what: `the bar naming ${next.from}${next.held ? ' with UNHOLD' : ''}: ${await bar()}` });
  });

  test("a call that ends and is completed leaves the agent's row live, without a reload", async () => {
    const cards = alice(await teams()).calls.length;
    const ada = [...s.world.calls.values()].find((c) => c.from === 'Ada');
    await s.customer.evaluate((sid) => window.customerPanel.hangup(sid), ada.sid);
    const task = [...s.world.tasks.values()].find((t) => t.attributes.call_sid === ada.sid && t.workerSid.startsWith('WKa'));
    await until(() => task.status === 'wrapping', { what: "Alice's task for Ada in wrap-up" });
    assert.equal(await s.invoke('CompleteTask', { sid: task.reservationSid }), 'ok');
    await until(async () => { const row = alice(await s.flex.evaluate(readTeams)); return row && !row.calls.some((c) => c.text.includes('Ada')) && row.calls.length === cards - 1; },
      { what: "Ada's call gone from Alice's row" });
  });
});

// multi-call switched off, and misconfigured, inside the real Flex UI: the
// plugin is loaded by Flex's loader either way, and Flex keeps working as
// stock Flex does, one call at a time.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFlex, inbound, until, callOf, customerHeld, flexShowsHeld, secondCallRings, taskCard, farEnds, AUDIBLE } from './harness.mjs';

describe('multi-call off and misconfigured in real Flex', () => {
  let s;
  after(async () => { await s?.close(); });

  test('off: the plugin loads and stays off; a second call only rings, as in stock Flex; nothing is held', async () => {
    s = await openFlex({ mode: 'off' });
    await until(() => s.gateway.frames.some((f) => f.ch === 'http' && f.url === '/plugin/plugin-multi-call.js'), { what: "Flex's loader fetching multi-call" });
    assert.deepEqual(s.pluginLines().filter((l) => / error: /.test(l)), [], 'no multi-call error when it is simply off');
    const A = await inbound(s, 'Ada');
    const leg = await secondCallRings(s, 'Ben');
    assert.equal(leg.state, 'ringing', 'stock Flex does not answer the second call');
    assert.equal(customerHeld(s, A.callSid), false, 'A is not held');
    assert.equal((await callOf(s, A.leg)).muted, false, 'A is not muted');
    // Every Device opens a signalling session: only Flex's may exist.
    assert.equal(s.gateway.snapshot().sessions.filter((x) => x.identity === 'alice').length, 1, "no Device but Flex's");
    assert.equal((await s.state()).activeCall, A.leg);
    const e = await farEnds(s);
    assert.ok(e[A.callSid] > AUDIBLE, `A's customer still hears the agent: ${e[A.callSid]}`);

    // Stock hold from A's task card, once B's caller gives up: A's customer
    // hears silence and is not heard, and both come back on un-hold. (The
    // agent's own leg stays open while held, as in Flex: the conference, not
    // the leg, keeps the customer apart.)
    await s.customer.evaluate((sid) => window.customerPanel.hangup(sid), leg.customerCallSid);
    await s.closeBanner();
    await s.flex.evaluate(() => window.Twilio.Flex.Notifications.dismissNotificationById('SecondVoiceCallIncoming'));
    await taskCard(s, 'Ada').locator('[data-testid="hold-task"]').click();
    await until(() => customerHeld(s, A.callSid), { what: 'A held by Flex' });
    // The card offers un-hold only once Flex has the participant update.
    await until(() => flexShowsHeld(s, A.reservationSid), { what: 'Flex shows A held' });
    await until(() => s.customer.evaluate((sid) => window.customerPanel.hearing(sid), A.callSid).then((h) => !h.hears && !h.heard && h),
      { what: 'a held customer hears silence and is not heard' });
    await s.closeBanner();
    await taskCard(s, 'Ada').locator('[data-testid="hold-task"]').click();
    await until(() => !customerHeld(s, A.callSid), { what: 'A un-held' });
    await until(() => s.customer.evaluate((sid) => window.customerPanel.hearing(sid), A.callSid).then((h) => h.hears && h.heard && h),
      { what: 'un-held: hears and is heard' });
    await s.close();
    s = undefined;
  });

  test('misconfigured: standby with allowIncomingWhileBusy true shows an error naming the fix, and Flex works on', async () => {
    await s?.close(); // the previous test's desktop, if it failed before closing it
    s = await openFlex({ mode: 'standby', uiExtra: { voice: { allowIncomingWhileBusy: true } } });
    const errors = () => s.pluginLines().filter((l) => / error: /.test(l));
    await until(() => errors().some((l) => /allowIncomingWhileBusy/.test(l)), { what: `a console error naming allowIncomingWhileBusy: ${s.pluginLines().join('\n')}` });
    const notes = await s.flex.evaluate(() => window.Twilio.Flex.Notifications.activeNotifications.map((n) => ({ id: n.id, content: String(window.Twilio.Flex.Manager.getInstance().strings[n.content] || n.content) })));
    const note = notes.find((n) => /multi-call/.test(n.id) && /allowIncomingWhileBusy/.test(n.content));
    assert.ok(note, `a Flex notification names the fix: ${JSON.stringify(notes)}`);
    // The agent reads it and closes it (it stays until then, over the task list).
    await s.flex.evaluate((id) => window.Twilio.Flex.Notifications.dismissNotificationById(id), note.id);
    const A = await inbound(s, 'Ada');
    assert.equal((await s.state()).activeCall, A.leg, 'Flex takes a call as usual');
  });
});

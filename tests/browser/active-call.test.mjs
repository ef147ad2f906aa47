// Behaviour 5: Redux flex.phone.activeCall (what mute, hangup, DTMF and the dialpad act on)
// is always the selected task's call when it has one.
// Why the double: it re-sets Flex's activeCall from a mute event and ends calls at chosen moments, orderings real Flex
// cannot be made to produce on demand. The everyday path (accept, select, the mute button after Flex's own
// handler, hang-ups) runs in real Flex: tests/real-flex/scenarios.mjs and many-calls.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openFlex, uiAttributes, bundleExists, checkStep, MODES, summary } from './harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); srv?.server.close(); });
const skip = !bundleExists() && 'dist/plugin-multi-call.js not built';

const agentCall = (s, sid) => s.tasks.find((t) => t.sid === sid)?.agentCallSid;
/** activeCall is the live Call object of that CallSid (not a stale or closed one). */
function assertActive(s, callSid, label) {
  assert.ok(s.activeCall, `${label}: no activeCall; ${JSON.stringify(summary(s))}`);
  assert.equal(s.activeCall.callSid, callSid, `${label}: activeCall is ${s.activeCall.callSid}, expected ${callSid}`);
  assert.equal(s.activeCall.status, 'open', `${label}: activeCall is not live`);
  assert.ok(s.liveCalls.some((c) => c.callSid === callSid && c.legId === s.activeCall.legId), `${label}: activeCall is not the live Call object`);
}
const waitActive = (h, callSid, what) => h.until((s) => s.activeCall && s.activeCall.callSid === callSid && s.activeCall.status === 'open', { what, timeout: 2000 });

for (const mode of MODES) {
  test(`${mode}: agent accepts call B while on A: B becomes the active call`, { skip }, async () => {
    const h = await openFlex(browser, srv.origin, { config: uiAttributes(mode) });
    try {
      await h.offerCall('WR1'); const a = await h.acceptCall('WR1');
      assertActive(await h.snap(), a.callSid, 'after A');
      await h.offerCall('WR2'); const b = await h.acceptCall('WR2');
      const s = await waitActive(h, b.callSid, 'B active after accept').catch(async () => h.snap());
      assertActive(s, b.callSid, 'after accepting B');
      checkStep(assert, s, 'after accepting B');
    } finally { await h.close(); }
  });

  test(`${mode}: agent selects A then B: the active call follows the selection`, { skip }, async () => {
    const h = await openFlex(browser, srv.origin, { config: uiAttributes(mode) });
    try {
      await h.offerCall('WR1'); const a = await h.acceptCall('WR1');
      await h.offerCall('WR2'); const b = await h.acceptCall('WR2');
      let r = await h.invoke('SelectTask', { sid: 'WR1' });
      assert.equal(r.ok, true, r.error);
      let s = await h.snap(); // beforeSelectTask is awaited: the switch is done when SelectTask resolves
      assertActive(s, a.callSid, 'select A');
      checkStep(assert, s, 'select A');
      await h.shot(`active-call-${mode}-selected-A`);
      r = await h.invoke('SelectTask', { sid: 'WR2' });
      s = await h.snap();
      assertActive(s, b.callSid, 'select B');
      checkStep(assert, s, 'select B');
      // selecting a chat task leaves the active call alone
      await h.offerChat('WR9', { status: 'accepted', taskStatus: 'assigned' });
      await h.invoke('SelectTask', { sid: 'WR9' });
      s = await h.snap();
      assertActive(s, b.callSid, 'select chat');
    } finally { await h.close(); }
  });

  test(`${mode}: Flex re-sets activeCall on a Flex-Device mute event: the selected call is re-asserted`, { skip }, async () => {
    const h = await openFlex(browser, srv.origin, { config: uiAttributes(mode) });
    try {
      await h.offerCall('WR1'); await h.acceptCall('WR1');
      await h.offerCall('WR2'); const b = await h.acceptCall('WR2');
      await h.invoke('SelectTask', { sid: 'WR2' });
      await waitActive(h, b.callSid, 'B active');
      // A's call lives on Flex's Device; a mute event on it makes Flex dispatch PHONE_TOGGLE_MUTE(A)
      const flexCall = await h.run((D) => {
        const c = D.voiceClient.calls.find((x) => x.status() === 'open');
        c.mute(!c.isMuted()); c.mute(!c.isMuted());
        return c.parameters.CallSid;
      });
      assert.ok(flexCall);
      const s = await waitActive(h, b.callSid, 'B re-asserted after Flex-Device mute').catch(async () => h.snap());
      assertActive(s, b.callSid, 'after Flex-Device mute');
    } finally { await h.close(); }
  });

  test(`${mode}: a call ends: the selected task's call stays active, else another live call, else none`, { skip }, async () => {
    const h = await openFlex(browser, srv.origin, { config: uiAttributes(mode, { mc: { max_calls: 3 } }) });
    try {
      await h.offerCall('WR1'); const a = await h.acceptCall('WR1');
      await h.offerCall('WR2'); const b = await h.acceptCall('WR2');
      await h.offerCall('WR3'); const c = await h.acceptCall('WR3');
      assert.ok(a.callSid && b.callSid && c.callSid, 'three calls not connected');
      // B selected; A (on Flex's Device) ends -> Flex dispatches PHONE_REMOVE_CALL; B must stay active
      await h.invoke('SelectTask', { sid: 'WR2' });
      await waitActive(h, b.callSid, 'B active');
      await h.run((D) => D.scenario.customerHangup('WR1'));
      let s = await waitActive(h, b.callSid, 'B still active after A ended').catch(async () => h.snap());
      assertActive(s, b.callSid, 'A ended while B selected');
      // B (selected) ends -> another live call (C) becomes active
      await h.run((D) => D.scenario.customerHangup('WR2'));
      s = await waitActive(h, c.callSid, 'C active after B ended').catch(async () => h.snap());
      assertActive(s, c.callSid, 'selected B ended');
      // C ends -> no activeCall at all (dialpad usable again)
      await h.run((D) => D.scenario.customerHangup('WR3'));
      s = await h.until((x) => x.liveCalls.length === 0 && !x.activeCall, { what: 'activeCall removed after the last call', timeout: 2000 }).catch(async () => h.snap());
      assert.equal(s.activeCall, null, `stale activeCall after the last call: ${JSON.stringify(s.activeCall)}`);
      // and a new outbound call is possible
      const r = await h.invoke('StartOutboundCall', { destination: '+15557654321' });
      assert.equal(r.ok, true, `StartOutboundCall refused after all calls ended: ${r.error}`);
    } finally { await h.close(); }
  });

  // Why the double: it can change Flex's selection with a bare store dispatch
  // and count every PHONE_* dispatch in order.
  test(`${mode}: Flex selects a task by a store change: the active call follows in one dispatch, no stale report`, { skip }, async () => {
    const h = await openFlex(browser, srv.origin, { config: uiAttributes(mode, { mc: { max_calls: 3 } }) });
    try {
      await h.offerCall('WR1'); const a = await h.acceptCall('WR1');
      await h.offerCall('WR2'); await h.acceptCall('WR2');
      await h.offerCall('WR3'); await h.acceptCall('WR3');
      const from = await h.run((D) => D.world.log('test.mark').seq);
      // The engine answers the selection with PHONE_ADD_CALL from inside the
      // store listener: Redux runs the listener again before the first pass
      // ends, and that pass must not then report the call it read before.
      await h.run((D) => D.manager.store.dispatch({ type: 'VIEW_SELECT_TASK', payload: 'WR1' }));
      const s = await waitActive(h, a.callSid, 'A active after Flex selected it').catch(async () => h.snap());
      assertActive(s, a.callSid, 'Flex selected A');
      await new Promise((r) => setTimeout(r, 300)); // a repair would come within a few ms
      const phone = await h.run((D, seq) => D.world.timeline.filter((e) => e.seq > seq && /^redux\.PHONE_/.test(e.kind)).map((e) => `${e.kind} ${e.callSid || ''}`), from);
      assert.deepEqual(phone, [`redux.PHONE_ADD_CALL ${a.callSid}`], 'one dispatch, for A');
    } finally { await h.close(); }
  });
}

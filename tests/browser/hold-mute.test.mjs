// Behaviour 6: hold and mute. Accepting a call (or monitoring) mutes the agent's other
// legs and holds their other participants first; un-holding a call does the reverse.
// Invariant: never two unmuted live calls.
// Why the double: it checks the exact order of the hold and mute commands, step by step, which real Flex
// does not expose. Hold, un-hold and mute with Flex's buttons run in real Flex (scenarios.mjs,
// many-calls.test.mjs), and so does a MonitorCall while on a call (monitoring.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openFlex, uiAttributes, bundleExists, checkStep, sampleInvariant, MODES, summary } from './harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); srv?.server.close(); });
const skip = !bundleExists() && 'dist/plugin-multi-call.js not built';

const timeline = (h) => h.run((D) => D.world.timeline);
const agentCall = (s, sid) => s.tasks.find((t) => t.sid === sid)?.agentCallSid;
const callBySid = (s, sid) => s.liveCalls.find((c) => c.callSid === sid);
const participant = (s, sid, pred) => s.tasks.find((t) => t.sid === sid).participants.find(pred);
const holds = (s, sid) => s.actions.filter((a) => a.name === 'HoldParticipant' && a.sid === sid);

/** A is a conference with the customer, a colleague (Bob) and an external party who already left. */
async function callAWithColleague(h) {
  await h.offerCall('WR1');
  const a = await h.acceptCall('WR1');
  await h.run((D) => {
    D.addParticipant('WR1', { participantType: 'worker', workerSid: 'WKbob', callSid: 'CAbob', workerName: 'Bob' });
    D.addParticipant('WR1', { participantType: 'external', callSid: 'CAext_left', status: 'left' });
  });
  return a.callSid;
}
/** B is a transfer: its customer plus the transferring worker Carol. */
async function offerTransferB(h) {
  await h.offerCall('WR2');
  await h.run((D) => D.addParticipant('WR2', { participantType: 'worker', workerSid: 'WKcarol', callSid: 'CAcarol', workerName: 'Carol' }));
}

for (const mode of MODES) {
  test(`${mode}: agent on call A accepts transfer B: A is muted first, then held, B is active`, { skip }, async () => {
    const h = await openFlex(browser, srv.origin, { config: uiAttributes(mode) });
    try {
      const a = await callAWithColleague(h);
      checkStep(assert, await h.snap(), 'on A');
      await offerTransferB(h);
      const b = await h.acceptCall('WR2');
      assert.ok(b.callSid, 'B not connected');
      await sampleInvariant(assert, h, 'after B');
      const s = await h.snap();
      checkStep(assert, s, 'after B');
      // A: agent leg muted, customer held by callSid, Bob held by workerSid, the departed party untouched
      assert.equal(callBySid(s, a).muted, true, 'A not muted');
      assert.deepEqual(holds(s, 'WR1').map((x) => x.targetSid).sort(), ['CAcust_WT1', 'WKbob'], `wrong HoldParticipant targets: ${JSON.stringify(s.actions)}`);
      assert.ok(holds(s, 'WR1').every((x) => x.outcome === 'done'));
      assert.equal(participant(s, 'WR1', (p) => p.participantType === 'customer').onHold, true);
      assert.equal(participant(s, 'WR1', (p) => p.workerSid === 'WKbob').onHold, true);
      // B: live, unmuted, nobody held, active
      assert.equal(callBySid(s, b.callSid).muted, false, 'B muted');
      assert.deepEqual(holds(s, 'WR2'), []);
      assert.equal(s.activeCall && s.activeCall.callSid, b.callSid);
      // order: A muted before AcceptTask ran; its holds asked for in the page's next task, after
      // AcceptTask's own work (its request leaves first); that no hold holds B up is the next test
      const tl = await timeline(h);
      const seqOf = (pred) => (tl.find(pred) || { seq: Infinity }).seq;
      const acceptRun = seqOf((e) => e.kind === 'action.run' && e.name === 'AcceptTask' && e.sid === 'WR2');
      const bOpen = seqOf((e) => (e.kind === 'call.accept' || e.kind === 'call.open') && e.callSid === b.callSid);
      const aMuted = seqOf((e) => e.kind === 'call.mute' && e.callSid === a && e.muted === true);
      assert.ok(aMuted < acceptRun, `A muted (seq ${aMuted}) after AcceptTask ran (seq ${acceptRun})`);
      for (const t of ['CAcust_WT1', 'WKbob']) {
        const inv = seqOf((e) => e.kind === 'action.invoke' && e.name === 'HoldParticipant' && e.targetSid === t);
        assert.ok(acceptRun < inv && inv < Infinity, `HoldParticipant ${t} asked for at seq ${inv}, AcceptTask ran at seq ${acceptRun}`);
      }
      assert.ok(acceptRun < bOpen);
      await h.shot(`hold-${mode}-transfer-accepted`);
      assert.deepEqual(s.violations, [], 'two unmuted live calls observed');
    } finally { await h.close(); }
  });

  test(`${mode}: a slow hold does not hold the accept of B up: B opens while A's hold is in flight, A muted all along`, { skip }, async () => {
    const h = await openFlex(browser, srv.origin, { config: uiAttributes(mode) });
    try {
      const a = await callAWithColleague(h);
      // Twilio takes 1.5 s to hold a participant.
      await h.run((D) => D.Actions.replaceAction('HoldParticipant', (p, original) => new Promise((r) => setTimeout(r, 1500)).then(() => original(p))));
      await offerTransferB(h);
      const started = Date.now();
      const b = await h.acceptCall('WR2');
      const s = await h.snap();
      assert.ok(b.callSid, 'B not connected');
      assert.equal(callBySid(s, b.callSid).muted, false, 'B muted');
      assert.equal(callBySid(s, a).muted, true, 'A not muted while its hold is in flight');
      assert.ok(holds(s, 'WR1').length === 2 && holds(s, 'WR1').every((x) => x.outcome !== 'done'),
        `A's holds settled before B opened (${Date.now() - started} ms): ${JSON.stringify(holds(s, 'WR1'))}`);
      assert.deepEqual(s.violations, [], 'two unmuted live calls observed');
      // The holds land later, and nothing else changes.
      const after = await h.until((x) => holds(x, 'WR1').filter((y) => y.outcome === 'done').length === 2, { what: "A's holds done" });
      assert.equal(participant(after, 'WR1', (p) => p.participantType === 'customer').onHold, true);
      assert.equal(callBySid(after, a).muted, true);
      assert.equal(after.activeCall && after.activeCall.callSid, b.callSid);
      checkStep(assert, after, 'A held late');
    } finally { await h.close(); }
  });

  test(`${mode}: accepting a chat task while on a call holds and mutes nothing`, { skip }, async () => {
    const h = await openFlex(browser, srv.origin, { config: uiAttributes(mode) });
    try {
      const a = await callAWithColleague(h);
      await h.offerChat('WR5');
      await h.invoke('SelectTask', { sid: 'WR5' });
      const r = await h.invoke('AcceptTask', { sid: 'WR5' });
      assert.equal(r.ok, true, r.error);
      await h.sleep(150);
      const s = await h.snap();
      assert.equal(callBySid(s, a).muted, false, 'call muted by a chat accept');
      assert.deepEqual(s.actions.filter((x) => /^Hold/.test(x.name)), [], 'a chat accept held participants');
      checkStep(assert, s, 'chat accepted');
    } finally { await h.close(); }
  });

  test(`${mode}: supervisor-style MonitorCall while on a call: the call is muted and held`, { skip }, async () => {
    const h = await openFlex(browser, srv.origin, { config: uiAttributes(mode) });
    try {
      const a = await callAWithColleague(h);
      const r = await h.run(async (D) => {
        const other = { sid: 'WRmon', taskSid: 'WTmon', taskChannelUniqueName: 'voice', status: 'accepted', taskStatus: 'assigned', workerSid: 'WKdave', attributes: {} };
        try { await D.Actions.invokeAction('MonitorCall', { task: other, extraParams: {} }); return 'ok'; } catch (e) { return String(e.message); }
      });
      assert.equal(r, 'ok');
      const s = await h.snap();
      assert.equal(callBySid(s, a).muted, true, 'A not muted before monitoring');
      assert.deepEqual(holds(s, 'WR1').map((x) => x.targetSid).sort(), ['CAcust_WT1', 'WKbob']);
      checkStep(assert, s, 'monitoring');
    } finally { await h.close(); }
  });

  for (const how of ['UnholdCall', 'UnholdParticipant']) {
    test(`${mode}: agent un-holds A with ${how} while on B: A is unmuted, B is held and muted`, { skip }, async () => {
      const h = await openFlex(browser, srv.origin, { config: uiAttributes(mode) });
      try {
        const a = await callAWithColleague(h);
        await offerTransferB(h);
        const b = (await h.acceptCall('WR2')).callSid;
        await h.invoke('SelectTask', { sid: 'WR1' });
        await sampleInvariant(assert, h, 'select A', 60);
        const payload = how === 'UnholdCall' ? { sid: 'WR1' } : { sid: 'WR1', targetSid: 'CAcust_WT1' };
        const r = await h.invoke(how, payload);
        assert.equal(r.ok, true, `${how} failed: ${r.error}`);
        await sampleInvariant(assert, h, `after ${how}`);
        const s = await h.until((x) => holds(x, 'WR2').filter((y) => y.outcome === 'done').length >= 2, { what: 'B\'s participants held' }).catch(async () => h.snap());
        assert.equal(callBySid(s, a).muted, false, 'A still muted');
        assert.equal(participant(s, 'WR1', (p) => p.participantType === 'customer').onHold, false, 'A\'s customer still held');
        assert.equal(callBySid(s, b).muted, true, 'B not muted');
        assert.deepEqual(holds(s, 'WR2').map((x) => x.targetSid).sort(), ['CAcust_WT2', 'WKcarol'], `B hold targets: ${JSON.stringify(s.actions)}`);
        assert.equal(s.activeCall && s.activeCall.callSid, a, 'A not the active call');
        checkStep(assert, s, `after ${how}`);
        assert.deepEqual(s.violations, [], 'two unmuted live calls observed');
        await h.shot(`hold-${mode}-${how}`);
      } finally { await h.close(); }
    });
  }
}

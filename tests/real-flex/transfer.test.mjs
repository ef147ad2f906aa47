// Transfers in real Flex with multi-call on: the agent on two calls transfers
// the one she is talking on to a queue, with Flex's own TransferTask; that
// call leaves her, the other stays, and nothing is answered twice. And a
// worker who transferred a call cold but whom Flex still lists as joined.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFlex, inbound, transferred, until, callOf, customerHeld, taskCard } from './harness.mjs';
import { QUEUES } from '../../sandbox/twilio/account.mjs';
import { OTHER } from '../../sandbox/gateway/world.mjs';

describe('a transfer to a queue in real Flex', () => {
  let s;
  before(async () => { s = await openFlex({ mode: 'standby' }); });
  after(async () => { await s?.close(); });

  test('the active call transferred to a queue leaves the agent; her held call stays and becomes the active call', async () => {
    const A = await inbound(s, 'Ada');
    const B = await transferred(s, 'Ben');
    assert.equal((await s.state()).activeCall, B.leg);
    const everyone = QUEUES.find((q) => q.name === 'Everyone').sid;
    assert.equal(await s.invoke('TransferTask', { sid: B.reservationSid, targetSid: everyone, options: { mode: 'COLD' } }), 'ok');
    // The queue hands Ben to Bob, the only other available agent; Alice's leg on Ben ends and her task wraps up.
    await until(() => [...s.world.tasks.values()].some((t) => t.workerSid === OTHER.sid && t.attributes.call_sid === B.callSid && t.status === 'assigned'),
      { what: 'Bob has Ben' });
    await until(async () => !(await callOf(s, B.leg)), { what: "Alice's leg on Ben closed" });
    await until(async () => (await s.state()).tasks.find((t) => t.sid === B.reservationSid)?.status === 'wrapping', { what: "Alice's Ben task in wrap-up" });
    await until(async () => (await s.state()).activeCall === A.leg, { what: 'A, still live, is the active call' });
    assert.equal(customerHeld(s, A.callSid), true, 'A stays held until Alice resumes it');
    assert.equal(s.world.calls.get(B.callSid).status, 'in-progress', "Ben's call goes on with Bob");
    // Each agent leg was answered once, whatever number of Devices rang.
    const answers = s.gateway.frames.filter((f) => f.ch === 'signal' && f.dir === 'in' && f.type === 'answer').map((f) => f.payload.callsid);
    assert.deepEqual(answers.filter((c, i) => answers.indexOf(c) !== i), [], 'no call answered twice');
    assert.deepEqual(s.sandbox.taskrouter.shapeErrors, []);
  });
});

describe('a transferring worker Flex still lists after a cold transfer, in real Flex', () => {
  let s;
  before(async () => { s = await openFlex({ mode: 'standby' }); });
  after(async () => { await s?.close(); });

  test("switching calls holds the callers; the failed hold of the worker who left is a console warning and never blocks the agent's next click", async () => {
    const A = await inbound(s, 'Ada');
    const B = await transferred(s, 'Ben');
    // Bob handed Ben over and left. Flex reads participants from the Interactions API and
    // from events that travel apart, so it can list him as joined again: tell it so once more.
    const tr = s.sandbox.taskrouter;
    const task = s.world.tasks.get(B.taskSid);
    const bob = s.world.conferences.get(task.conferenceSid).participants.find((p) => p.workerSid === OTHER.sid);
    assert.equal(bob.status, 'left', 'Bob left when Alice joined');
    await new Promise((r) => setTimeout(r, 2500)); // after the local Twilio's own re-tellings of what changed
    const seq = (tr.told.get(task.sid).participants.get(bob.callSid)?.seq ?? 1) + 1; // newer than what Flex knows
    const raw = tr.participantRaw(task, { ...bob, status: 'joined' }, seq, 'participant-join');
    tr.push(task.workerSid, 'participant.added', { ...raw, participant_sid: raw.sid, channel_type: 'voice' });
    const bobInFlex = async () => (await s.state()).tasks.find((t) => t.sid === B.reservationSid)?.participants?.find((p) => p.callSid === bob.callSid);
    await until(async () => (await bobInFlex())?.status === 'joined', { what: 'Flex listing Bob as joined on Ben\'s task' });

    // Alice goes back to Ada with Flex's own un-hold button.
    await s.closeBanner();
    const unhold = (from) => taskCard(s, from).locator('[data-testid="hold-task"]');
    await until(async () => /^Unhold/.test((await unhold('Ada').getAttribute('aria-label')) || ''), { what: "Ada's card offering to un-hold" });
    await unhold('Ada').click({ timeout: 3000 });
    await until(() => !customerHeld(s, A.callSid) && customerHeld(s, B.callSid), { what: 'Ada un-held, Ben held' });
    const warning = await until(() => s.pluginLines().find((l) => l.includes(`could not hold worker ${OTHER.sid}`)), { what: "multi-call's warning about Bob" });
    assert.match(warning, /404/, 'the reason is named');
    assert.match(warning, /no caller is affected/);
    const notes = await s.flex.evaluate(() => window.Twilio.Flex.Notifications.activeNotifications.map((n) => n.id));
    assert.deepEqual(notes.filter((id) => id.startsWith('multi-call')), [], 'no notification covers the task list');

    // Flex's next word on Bob has him left again (while it lists three on Ben's call, Flex's
    // card offers no hold button: the call canvas holds each participant instead).
    const gone = tr.participantRaw(task, bob, seq + 1, 'participant-leave');
    tr.push(task.workerSid, 'participant.removed', { ...gone, participant_sid: gone.sid, channel_type: 'voice' });
    await until(async () => (await bobInFlex())?.status !== 'joined', { what: 'Flex listing Bob as gone' });

    // And straight back to Ben: the click lands at once (nothing covers his card, the top one).
    await until(async () => /^Unhold/.test((await unhold('Ben').getAttribute('aria-label')) || ''), { what: "Ben's card offering to un-hold" });
    await unhold('Ben').click({ timeout: 3000 });
    await until(() => customerHeld(s, A.callSid) && !customerHeld(s, B.callSid), { what: 'Ben un-held, Ada held' });
    await until(async () => {
      const [a, b] = [await callOf(s, A.leg), await callOf(s, B.leg)];
      return a?.muted === true && b?.muted === false;
    }, { what: "Alice's microphone open on Ben's call only" });
    assert.deepEqual(s.sandbox.taskrouter.shapeErrors, []);
  });
});

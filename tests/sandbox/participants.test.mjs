// The local Interactions API's participant events (sandbox/twilio/taskrouter.mjs).
// Flex reads a task's participants with one request and subscribes to their
// events only once the answer is in, so an event sent while the request is in
// flight is lost to it. The local Twilio answers and joins far faster than
// real Twilio, so it tells again whatever changed, or joined, since it answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World, AGENT } from '../../sandbox/gateway/world.mjs';
import { TaskRouter } from '../../sandbox/twilio/taskrouter.mjs';

/** Alice's EventBridge socket as the local TaskRouter sees it: every frame it is sent; `close` ends its heartbeat. */
function eventSocket() {
  const frames = [];
  const closed = [];
  return {
    frames, readyState: 1,
    send: (f) => { if (f !== '\n') frames.push(JSON.parse(f)); },
    on: (ev, fn) => { if (ev === 'close') closed.push(fn); },
    close() { this.readyState = 3; closed.forEach((fn) => fn()); },
  };
}

/** A customer call offered to Alice and accepted by her, with TaskRouter telling her socket (closed when the test ends). */
function acceptedCall(t) {
  let router;
  const world = new World({ changed: () => router?.changed() });
  router = new TaskRouter({ gateway: { world }, log: () => {} });
  const ws = eventSocket();
  router.attach(ws, AGENT.sid, 3600_000);
  t.after(() => ws.close());
  const call = world.placeCall({ from: 'Ann' });
  const task = [...world.tasks.values()].find((t) => t.attributes.call_sid === call.sid);
  world.accept(task.reservationSid);
  const conf = world.conferences.get(call.conferenceSid);
  const participants = () => router.rest({ url: `v1/Interactions/KD${task.sid.slice(2)}/Channels/UO${task.sid.slice(2)}/Participants` }, AGENT.sid);
  return { world, router, ws, task, conf, participants };
}

/** The participant events sent for one call leg, in order: [event, SequenceNumber, StatusCallbackEvent]. */
const eventsFor = (ws, callSid) => ws.frames
  .filter((f) => f.event_type.startsWith('participant.') && f.payload.media_properties.CallSid[0] === callSid)
  .map((f) => [f.event_type, Number(f.payload.media_properties.SequenceNumber[0]), f.payload.media_properties.StatusCallbackEvent[0]]);

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

test("Alice's leg joins while Flex's Participants request is in flight: she is announced again, as added", async (t) => {
  const { world, ws, conf, participants } = acceptedCall(t);
  const answer = participants();
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body.participants.map((p) => p.type), ['customer'], 'answered before her leg joined');

  world.join(conf, { callSid: 'CAleg', participantType: 'worker', workerSid: AGENT.sid });
  world.hooks.changed();
  assert.deepEqual(eventsFor(ws, 'CAleg'), [['participant.added', 1, 'participant-join']], 'told at once (Flex, not yet listening, loses it)');

  await wait(400);
  const told = eventsFor(ws, 'CAleg');
  assert.deepEqual(told[1], ['participant.added', 2, 'participant-join'], 'told again as added, with a higher SequenceNumber');
  assert.deepEqual(eventsFor(ws, conf.customerCallSid).length, 1, 'the customer, unchanged since the answer, is not told again');
});

test('a participant who changed after the answer is told again with its new state; one who left is told as removed', async (t) => {
  const { world, ws, conf, participants } = acceptedCall(t);
  world.join(conf, { callSid: 'CAleg', participantType: 'worker', workerSid: AGENT.sid });
  world.hooks.changed();
  participants();
  const customer = conf.participants.find((p) => p.participantType === 'customer');
  customer.onHold = true;
  world.hooks.changed();
  conf.participants.find((p) => p.callSid === 'CAleg').status = 'left';
  world.hooks.changed();
  const before = ws.frames.length;

  await wait(400);
  const again = ws.frames.slice(before).map((f) => [f.event_type, f.payload.media_properties.CallSid[0], f.payload.media_properties.Hold[0]]);
  assert.deepEqual(again, [['participant.modified', customer.callSid, 'true'], ['participant.removed', 'CAleg', 'false']]);
});

test('nothing changed since the answer: nothing is told again', async (t) => {
  const { world, ws, conf, participants } = acceptedCall(t);
  world.join(conf, { callSid: 'CAleg', participantType: 'worker', workerSid: AGENT.sid });
  world.hooks.changed();
  participants();
  const before = ws.frames.length;
  await wait(400);
  assert.deepEqual(ws.frames.slice(before).map((f) => f.event_type), []);
});

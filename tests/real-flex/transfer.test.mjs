// Transfers in real Flex with multi-call on: the agent on two calls transfers
// the one she is talking on to a queue, with Flex's own TransferTask; that
// call leaves her, the other stays, and nothing is answered twice.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFlex, inbound, transferred, until, callOf, customerHeld } from './harness.mjs';
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

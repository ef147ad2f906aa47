// `--latency MS`: every Twilio request to the local Twilio waits MS first (as a
// real Twilio region far from the agent would), and real Flex with multi-call
// still takes a transfer to a busy agent correctly: A held and muted, B heard
// and Flex's active call. At this latency Flex learns A's participants (from
// the Interactions API) only after the agent accepted B, so A's customer is
// held when Flex reports them, not when B is accepted.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFlex, inbound, transferred, until, callOf, customerHeld, farEnds, AUDIBLE, SILENT } from './harness.mjs';

const LATENCY = 150;

describe(`real Flex with ${LATENCY} ms per Twilio request`, () => {
  let s;
  before(async () => { s = await openFlex({ mode: 'standby', latencyMs: LATENCY }); });
  after(async () => { await s?.close(); });

  test('Twilio requests wait the latency; the page itself does not', async () => {
    const timed = async (url, init) => {
      const t0 = performance.now();
      await (await fetch(`${s.sandbox.url}${url}`, init)).arrayBuffer();
      return performance.now() - t0;
    };
    const twilio = await timed('/__twilio/flex-api.twilio.com/v1/Configuration');
    const eventBridge = await timed('/v1/wschannels', { method: 'POST', body: '{}' });
    const page = await timed('/public/blank.html');
    assert.ok(twilio >= LATENCY, `a Flex REST request took ${twilio.toFixed(0)} ms`);
    assert.ok(eventBridge >= LATENCY, `an EventBridge request took ${eventBridge.toFixed(0)} ms`);
    assert.ok(page < LATENCY, `the page's own files are not delayed: ${page.toFixed(0)} ms (a Twilio request: ${twilio.toFixed(0)} ms)`);
  });

  test('a transfer to the busy agent: A held and muted, B heard and active', async () => {
    const A = await inbound(s, 'Ada');
    const B = await transferred(s, 'Ben');
    await until(async () => customerHeld(s, A.callSid) && (await callOf(s, A.leg)).muted, { what: 'A held and muted' });
    await until(async () => (await s.state()).activeCall === B.leg, { what: "B is Flex's active call" });
    const e = await until(async () => { const m = await farEnds(s); return m[B.callSid] > AUDIBLE && m[A.callSid] < SILENT && m; },
      { what: "B's customer hears the agent, A's receives silence" });
    assert.ok(e);
    assert.deepEqual(s.sandbox.taskrouter.shapeErrors, []);
  });
});

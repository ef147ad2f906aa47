// `--latency MS`: every Twilio request to the local Twilio waits MS first (as a
// real Twilio region far from the agent would), and real Flex starts with it.
// (A transfer to the busy agent at 150 ms failed once in three runs, A not held
// within 20 s: an open defect, not yet understood, so not asserted here.)
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFlex } from './harness.mjs';

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
    assert.ok(page < twilio, `the page's own files are not delayed: ${page.toFixed(0)} ms against ${twilio.toFixed(0)} ms`);
  });
});

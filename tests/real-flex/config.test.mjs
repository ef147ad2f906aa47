// multi-call's configuration read inside real Flex: the Flex Configuration the
// local Twilio serves carries `features.multi_call` (and the Voice SDK
// options); Flex's plugin loader loads multi-call, which decides from it
// whether and how to run. A bad value is named in the console and leaves
// stock Flex working; `auto` picks the mode from Flex's own Voice SDK.
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openFlex, inbound, transferred, until, secondCallRings } from './harness.mjs';

let s;
afterEach(async () => { await s?.close(); s = undefined; });

const aliceSessions = () => s.gateway.snapshot().sessions.filter((x) => x.identity === 'alice');

/** A second call while busy only rings, with Flex's own prompt, and no Device but Flex's exists: stock Flex. */
async function stockSecondCall() {
  await inbound(s, 'Ada');
  await secondCallRings(s, 'Ben');
  assert.equal(aliceSessions().length, 1, "no Device but Flex's");
}

/** The mode multi-call really runs, from what the gateway sees: a registered idle standby, or a takeover `invite`. */
async function observedMode() {
  await inbound(s, 'Ada');
  const B = await transferred(s, 'Ben');
  const takeover = s.gateway.frames.some((f) => f.ch === 'signal' && f.dir === 'in' && f.type === 'invite' && f.payload?.callsid === B.leg);
  return takeover ? 'forward' : 'standby';
}

describe('multi-call configuration in real Flex', () => {
  for (const [label, multiCall, key] of [
    ['enabled: "yes"', { enabled: 'yes' }, 'enabled'],
    ['mode: "sideways"', { mode: 'sideways' }, 'mode'],
    ['max_calls: 1', { max_calls: 1 }, 'max_calls'],
    ['max_calls: "3"', { max_calls: '3' }, 'max_calls'],
  ]) {
    test(`bad config ${label}: a console error names ${key}, multi-call stays off, stock Flex works`, async () => {
      s = await openFlex({ mode: 'forward', uiExtra: { multiCall } });
      await until(() => s.pluginLines().some((l) => / error: /.test(l) && l.includes(key)), { what: `a [multi-call] error naming ${key}: ${s.pluginLines().join('\n')}` });
      await stockSecondCall();
    });
  }

  test('multi_call without enabled: multi-call stays off without an error; stock Flex works', async () => {
    s = await openFlex({ mode: 'forward', uiExtra: { multiCall: { enabled: undefined } } });
    await until(() => s.gateway.frames.some((f) => f.ch === 'http' && f.url === '/plugin/plugin-multi-call.js'), { what: "Flex's loader fetching multi-call" });
    await stockSecondCall();
    assert.deepEqual(s.pluginLines().filter((l) => / error: /.test(l)), [], 'no multi-call error');
  });

  test('an unknown key is named in a warning and multi-call still runs', async () => {
    s = await openFlex({ mode: 'forward', uiExtra: { multiCall: { colour: 'red' } } });
    await until(() => s.pluginLines().some((l) => / warning: /.test(l) && l.includes('colour')), { what: `a [multi-call] warning naming colour: ${s.pluginLines().join('\n')}` });
    assert.equal(await observedMode(), 'forward');
  });

  test("auto with Flex's allowIncomingWhileBusy unset (the SDK's default, true): forward, since SDK 2.11 has connectToken", async () => {
    s = await openFlex({ mode: 'forward', uiExtra: { multiCall: { mode: 'auto' }, voice: { allowIncomingWhileBusy: undefined } } });
    assert.equal(await observedMode(), 'forward');
  });

  test('auto (mode absent) with allowIncomingWhileBusy false: standby', async () => {
    s = await openFlex({ mode: 'standby', uiExtra: { multiCall: { mode: undefined } } });
    assert.equal(await observedMode(), 'standby');
    assert.ok(aliceSessions().length >= 2, 'a standby Device registered beside Flex\'s');
  });
});

// Issue #3 item 5: forward mode with three and four simultaneous calls; after
// every accept and every switch exactly one customer hears the agent.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { until, screenshot } from './harness.mjs';
import { openSandbox, inbound, transferred, click, farEnds, onHold, activeCall, settle, consoleOf, AUDIBLE, SILENT } from './desk.mjs';

export function manyCallsScenario() {
  describe('multi-call, forward mode, four calls', () => {
    let s;
    before(async () => { s = await openSandbox('forward'); });
    after(async () => { await s?.close(); });

    /** Exactly `one` is heard: it is audible and every other customer receives silence. */
    const onlyHeard = async (list, one, what) => {
      const e = await farEnds(s, 1200);
      const figures = JSON.stringify(Object.fromEntries(list.map((c) => [c.callSid, e[c.callSid]])));
      assert.ok(e[one.callSid] > AUDIBLE, `${what}: ${one.callSid} hears the agent: ${figures}`);
      for (const c of list) {
        if (c !== one) assert.ok(e[c.callSid] < SILENT, `${what}: ${c.callSid} receives silence: ${figures}\n${consoleOf(s).slice(-3000)}`);
      }
    };

    const switchTo = async (live, target) => {
      await click(s, target.reservationSid, 'select');
      await click(s, target.reservationSid, 'unhold');
      await until(() => !onHold(s, target.callSid) && live.filter((c) => c !== target).every((c) => onHold(s, c.callSid)), { what: `switch to ${target.callSid}` });
      await settle();
      await onlyHeard(live, target, `after switching to ${target.callSid}`);
      assert.equal(await activeCall(s), target.leg, `the selected ${target.callSid} is Flex's active call`);
    };

    test('forward 5: three and four calls, each switch leaves exactly one audible', async () => {
      const live = [await inbound(s, '+15550201 (1)')];
      for (const n of [2, 3, 4]) {
        live.push(await transferred(s, `+1555020${n} (${n})`));
        await settle();
        await onlyHeard(live, live.at(-1), `after accepting call ${n}`);
        assert.equal(await activeCall(s), live.at(-1).leg);
        assert.deepEqual(live.slice(0, -1).map((c) => onHold(s, c.callSid)), live.slice(0, -1).map(() => true), 'all others held');
        if (n === 3) for (const target of [live[0], live[2]]) await switchTo(live, target);
        if (n === 4) await screenshot(s.desktop, 'forward-5-four-calls');
      }
      for (const target of [live[0], live[2], live[1], live[3]]) await switchTo(live, target);
    });
  });
}

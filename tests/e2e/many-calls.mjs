// Issue #3 item 5: forward mode with three and four simultaneous calls; after
// every accept and every switch exactly one customer hears the agent.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { until, screenshot } from './harness.mjs';
import { openSandbox, inbound, transferred, click, farEnds, onHold, activeCall, settle, consoleOf, AUDIBLE } from './desk.mjs';

export function manyCallsScenario() {
  describe('multi-call, forward mode, four calls', () => {
    let s;
    before(async () => { s = await openSandbox('forward'); });
    after(async () => { await s?.close(); });

    const audible = async (list) => {
      const e = await farEnds(s, 1200);
      return list.filter((c) => e[c.callSid] > AUDIBLE).map((c) => c.callSid);
    };

    test('forward 5: three and four calls, each switch leaves exactly one audible', async () => {
      const live = [await inbound(s, '+15550201 (1)')];
      for (const n of [2, 3, 4]) {
        live.push(await transferred(s, `+1555020${n} (${n})`));
        await settle();
        assert.deepEqual(await audible(live), [live.at(-1).callSid], `after accepting call ${n}\n${consoleOf(s).slice(-3000)}`);
        assert.equal(await activeCall(s), live.at(-1).leg);
        assert.deepEqual(live.slice(0, -1).map((c) => onHold(s, c.callSid)), live.slice(0, -1).map(() => true), 'all others held');
        if (n === 4) await screenshot(s.desktop, 'forward-5-four-calls');
      }
      for (const target of [live[0], live[2], live[1]]) {
        await click(s, target.reservationSid, 'unhold');
        await until(() => !onHold(s, target.callSid) && live.filter((c) => c !== target).every((c) => onHold(s, c.callSid)), { what: `switch to ${target.callSid}` });
        await settle();
        assert.deepEqual(await audible(live), [target.callSid], `after switching to ${target.callSid}`);
      }
    });
  });
}

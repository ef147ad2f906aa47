// What the agent says after a switch reaches only the call they switched to,
// inside the real Flex UI, in both modes. The agent falls silent, clicks
// (Accept on a transfer, un-hold on a held call's card) and speaks right
// after the click; every other customer's leg must receive none of it. The
// energy is read at the far end whether that customer is held or not: what
// reaches a held call's conference is what its recording would keep. The
// agent's voice is the harness's microphone gate (a tone that starts at a
// chosen moment; see micGate in harness.mjs).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFlex, inbound, transferToAlice, clickAccept, farEndsWhen, until, customerHeld, taskCard, AUDIBLE, SILENT } from './harness.mjs';

/** Time for what the agent said to drain from every far end's jitter buffer (it holds 80–90 ms here). */
const DRAIN_MS = 600;

for (const mode of ['standby', 'forward']) {
  describe(`privacy in real Flex, ${mode} mode: words said after a switch reach one customer`, () => {
    let s, A, B;
    const why = () => `\n--- multi-call ---\n${s.pluginLines().slice(-12).join('\n')}`;

    before(async () => { s = await openFlex({ mode, micGate: true }); });
    after(async () => { await s?.close(); });

    /**
     * The agent falls silent; `click` runs with the far ends recording; the
     * agent speaks right after the click until `heard` customer hears it (or
     * 15 s pass). Returns the loudest 20 ms step each customer received meanwhile.
     */
    async function speakAfter(click, heard) {
      await s.flex.evaluate(() => window.agentMic.speak(false));
      await new Promise((r) => setTimeout(r, DRAIN_MS));
      await s.customer.evaluate(() => window.customerPanel.record());
      await s.flex.evaluate(() => window.agentMic.speakAfterNextClick());
      let samples;
      try {
        await click();
        // Not thrown here: the test's assertions say first whether another customer received the agent.
        await farEndsWhen(s, (e) => e[heard] > AUDIBLE, 'the customer hearing the agent after the click').catch(() => {});
        await new Promise((r) => setTimeout(r, 500));
      } finally {
        samples = await s.customer.evaluate(() => window.customerPanel.stopRecording());
      }
      const loudest = {};
      for (let i = 1; i < samples.length; i++) {
        for (const [sid, b] of Object.entries(samples[i])) {
          const a = samples[i - 1][sid];
          if (!a || a.leg !== b.leg || b.t <= a.t) continue;
          loudest[sid] = Math.max(loudest[sid] ?? 0, (b.energy - a.energy) / ((b.t - a.t) / 1000));
        }
      }
      return loudest;
    }

    test(`${mode}: on one call, the customer hears the agent's voice`, async () => {
      A = { ...await inbound(s, 'Ada'), name: 'Ada' };
      await farEndsWhen(s, (e) => e[A.callSid] > AUDIBLE, `Ada hearing the agent${why()}`);
    });

    test(`${mode}: the agent accepts a transfer and speaks at once: the held customer receives none of it`, async () => {
      const ben = await transferToAlice(s, 'Ben');
      const loudest = await speakAfter(async () => {
        const task = await clickAccept(s, ben);
        B = { callSid: ben, reservationSid: task.reservationSid, name: 'Ben' };
      }, ben);
      assert.ok(loudest[A.callSid] < SILENT, `Ada's leg received the agent after the Accept click: loudest step ${loudest[A.callSid]} (silent below ${SILENT})${why()}`);
      assert.ok(loudest[ben] > AUDIBLE, `Ben heard the agent: ${loudest[ben]}`);
      assert.equal(customerHeld(s, A.callSid), true, "Ada's customer is held");
    });

    /** The agent un-holds `to`'s call from its task card and speaks at once: `from`'s customer receives none of it and is held. */
    async function unholdFromCard(to, from) {
      await s.closeBanner();
      const button = taskCard(s, to.name).locator('[data-testid="hold-task"]');
      await until(async () => /^Unhold/.test((await button.getAttribute('aria-label')) || ''), { what: `${to.name}'s card offering to un-hold` });
      const loudest = await speakAfter(() => button.click(), to.callSid);
      assert.ok(loudest[from.callSid] < SILENT, `${from.name}'s leg received the agent after the un-hold click: loudest step ${loudest[from.callSid]} (silent below ${SILENT})${why()}`);
      assert.ok(loudest[to.callSid] > AUDIBLE, `${to.name} heard the agent: ${loudest[to.callSid]}`);
      await until(() => customerHeld(s, from.callSid), { what: `${from.name} held${why()}` });
    }

    test(`${mode}: the agent un-holds Ada from her card and speaks at once: Ben receives none of it`, () => unholdFromCard(A, B));

    test(`${mode}: and back to Ben from his card: Ada receives none of it`, () => unholdFromCard(B, A));
  });
}

// The one end-to-end case that still runs against the debugging desktop
// (`/desktop`, a Flex double with the real Voice SDK) rather than real Flex:
// a chat task while the agent holds two calls, then monitoring with the chat
// open. Why not real Flex yet: the local Twilio refuses Conversations, so
// real Flex cannot accept a chat task. Monitoring itself runs in real Flex
// (tests/real-flex/monitoring.test.mjs: TaskRouter's `supervise` instruction
// and the monitored conference's Sync map); every other scenario does too.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { until, offLoopback, screenshot } from './harness.mjs';
import { openSandbox, inbound, transferred, click, onHold, callInfo, settle, consoleOf } from './desk.mjs';

export function chatAndMonitoring(mode) {
  describe(`chat and monitoring on the debugging desktop, ${mode} mode`, () => {
    let s;
    let A, B;
    const why = () => `\n--- console ---\n${consoleOf(s).split('\n').slice(-40).join('\n')}`;

    before(async () => {
      s = await openSandbox(mode);
      A = await inbound(s, '+15550101 (A)');
      B = await transferred(s, '+15550102 (B)');
    });
    after(async () => { await s?.close(); });

    test(`${mode} 8: accepting a chat holds nothing; MonitorCall holds the agent's calls`, async () => {
      const heldBefore = [A.callSid, B.callSid].map((c) => onHold(s, c));
      const mutedBefore = await Promise.all([A.leg, B.leg].map(async (l) => (await callInfo(s, l)).muted));
      await s.customer.evaluate(() => customerPanel.chat('chat customer'));
      const chat = await until(() => [...s.gateway.world.tasks.values()].find((t) => t.channel === 'chat'), { what: 'chat task' });
      await until(() => s.desktop.locator(`[data-task="${chat.reservationSid}"] [data-action="accept"]`).count(), { what: 'chat on desktop' });
      await click(s, chat.reservationSid, 'accept');
      await until(() => s.gateway.world.tasks.get(chat.sid).status === 'assigned', { what: 'chat accepted' });
      await settle();
      assert.deepEqual([A.callSid, B.callSid].map((c) => onHold(s, c)), heldBefore, 'a chat holds nobody');
      assert.deepEqual(await Promise.all([A.leg, B.leg].map(async (l) => (await callInfo(s, l)).muted)), mutedBefore, 'a chat mutes nothing');

      const bobs = await s.customer.evaluate(() => customerPanel.place('+15550109 (Bob\'s)', 'bob'));
      await until(() => s.desktop.locator('[data-action="monitor"]').count(), { what: 'team list' });
      await s.desktop.locator('[data-action="monitor"]').first().dispatchEvent('click'); // see desk.mjs click
      await until(() => onHold(s, A.callSid) && onHold(s, B.callSid), { what: `both customers held for monitoring${why()}` });
      await until(async () => (await callInfo(s, A.leg)).muted && (await callInfo(s, B.leg)).muted, { what: 'both legs muted' });
      const monitor = await until(() => [...s.gateway.legs.values()].find((l) => l.kind === 'monitor' && l.customerCallSid === bobs && l.state === 'answered'),
        { what: 'monitor leg answered' });
      assert.ok(monitor);
      await screenshot(s.desktop, `${mode}-8-monitoring`);
      await s.cmd({ type: 'monitor.stop' });
      await s.customer.evaluate((sid) => customerPanel.hangup(sid), bobs);
    });

    test(`${mode} 9: no request left 127.0.0.1`, async () => {
      assert.deepEqual(offLoopback(s.browser.requests), []);
      const remotes = new Set(s.gateway.frames.filter((f) => f.ch === 'http').map((f) => f.remote));
      assert.deepEqual([...remotes].filter((r) => !/^(::ffff:)?127\.0\.0\.1$/.test(r)), []);
    });
  });
}

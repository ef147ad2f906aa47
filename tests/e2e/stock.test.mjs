// Issue #3 item 7: stock Flex when the plugin is off, and the error the agent
// sees when the configuration cannot work.
import { enterNetns, until, screenshot, offLoopback } from './harness.mjs';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSandbox, inbound, click, farEnds, onHold, callInfo, activeCall, settle, AUDIBLE, SILENT } from './desk.mjs';

enterNetns();

describe('plugin off: stock Flex', () => {
  let s;
  before(async () => { s = await openSandbox('off'); });
  after(async () => { await s?.close(); });

  test('off 7: with the plugin loaded and enabled: false, a second call only rings (SecondVoiceCallIncoming); nothing is held; hangup clears the active call', async () => {
    const state = await until(() => s.desktop.evaluate(() => (desktop.pluginState() === 'loading' ? null : desktop.pluginState())), { what: 'plugin loaded' });
    assert.doesNotMatch(String(state), /fail/, `the plugin loads even when off: ${state}`);
    assert.ok(s.desktop.consoleLog.every((l) => !/\[multi-call\]/.test(l) || !/ error: /.test(l)), 'no multi-call error when it is simply off');
    const A = await inbound(s, '+15550301 (A)');
    assert.equal(await activeCall(s), A.leg);
    const callSid = await s.customer.evaluate(() => customerPanel.place('+15550302 (B)', 'bob'));
    await s.customer.evaluate((sid) => customerPanel.transfer(sid), callSid);
    const task = await until(() => [...s.gateway.world.tasks.values()].find((t) => t.attributes.call_sid === callSid && t.workerSid.startsWith('WKa')), { what: 'B offered' });
    await until(() => s.desktop.locator(`[data-task="${task.reservationSid}"] [data-action="accept"]`).count(), { what: 'B on desktop' });
    await click(s, task.reservationSid, 'accept');
    const leg = await until(() => [...s.gateway.legs.values()].find((l) => l.customerCallSid === callSid && l.state === 'ringing'), { what: "B's leg ringing" });
    await until(() => s.desktop.evaluate(() => desktop.notifications().some((n) => /SecondVoiceCallIncoming/.test(n.id))), { what: 'SecondVoiceCallIncoming' });
    await settle(1500);
    assert.equal(s.gateway.legs.get(leg.callSid).state, 'ringing', 'stock Flex does not answer the second call');
    assert.equal(onHold(s, A.callSid), false, 'A is not held');
    assert.equal((await callInfo(s, A.leg)).muted, false, 'A is not muted');
    assert.equal(await s.desktop.evaluate(() => desktop.devices().length), 1, 'no extra Device');
    const e = await farEnds(s);
    assert.ok(e[A.callSid] > AUDIBLE, `A's customer still hears the agent: ${e[A.callSid]}`);
    await screenshot(s.desktop, 'off-7-second-call-rings');

    await s.customer.evaluate((sid) => customerPanel.hangup(sid), callSid);

    // Stock hold: A's customer is held (hears silence, is not heard) while
    // the agent's leg stays open, so the stream to A still carries the agent.
    // The far-end measurement reads that stream, not the hold flag.
    await click(s, A.reservationSid, 'hold');
    await until(() => onHold(s, A.callSid), { what: 'A held' });
    const panel = await s.customer.evaluate((sid) => customerPanel.hearing(sid), A.callSid);
    assert.deepEqual(panel, { hears: false, heard: false }, 'a held customer hears silence and is not heard');
    const held = await farEnds(s, 3000);
    assert.ok(held[A.callSid] > AUDIBLE, `the agent's open leg still reaches A's wire: ${held[A.callSid]}`);
    await click(s, A.reservationSid, 'unhold');
    await until(() => !onHold(s, A.callSid), { what: 'A un-held' });
    assert.deepEqual(await s.customer.evaluate((sid) => customerPanel.hearing(sid), A.callSid), { hears: true, heard: true }, 'un-held: hears and is heard');

    await s.customer.evaluate((sid) => customerPanel.hangup(sid), A.callSid);
    await until(async () => (await activeCall(s)) === null, { what: 'no active call' });
    assert.deepEqual(offLoopback(s.browser.requests), []);
  });
});

describe('a configuration that cannot work', () => {
  let s;
  before(async () => { s = await openSandbox('misconfigured'); });
  after(async () => { await s?.close(); });

  test('misconfigured 7: standby with allowIncomingWhileBusy true shows an error naming the fix', async () => {
    const note = await until(() => s.desktop.evaluate(() => desktop.notifications().find((n) => n.type === 'error')), { what: 'error notification' });
    assert.match(JSON.stringify(note), /allowIncomingWhileBusy/, `the notification names the fix: ${JSON.stringify(note)}`);
    const errors = s.desktop.consoleLog.filter((l) => / error: /.test(l) && /\[multi-call\]/.test(l));
    assert.ok(errors.some((l) => /allowIncomingWhileBusy/.test(l)), `a console error names the fix:\n${errors.join('\n')}`);
    await screenshot(s.desktop, 'misconfigured-7-error');
    // Flex works as stock: a call is accepted on Flex's Device.
    const A = await inbound(s, '+15550303 (A)');
    assert.equal(await activeCall(s), A.leg);
  });
});

// A forwarded call whose new Device cannot get the microphone, inside real
// Flex: the takeover's `connect()` resolves, then the new call fails
// (AcquisitionFailedError, as seen in real Flex when the input changed while
// it was being acquired). The call must not be lost: multi-call retries, and
// when every try fails it brings Flex's own prompt back and says so.
// multi-call makes a spare Device ahead, which holds the microphone already;
// here the spare fails first, so the takeover makes its Devices then.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFlex, inbound, until, callOf, customerHeld, clickAccept, transferToAlice, taskCard, farEndsWhen, AUDIBLE } from './harness.mjs';

/** Makes the next `n` microphone requests fail as a busy or missing device does. */
function failMicrophone(n) {
  const md = navigator.mediaDevices;
  if (!md.realGetUserMedia) md.realGetUserMedia = md.getUserMedia.bind(md);
  window.micFailures = n;
  md.getUserMedia = (constraints) => {
    if (window.micFailures > 0 && constraints && constraints.audio) {
      window.micFailures -= 1;
      return Promise.reject(new DOMException('Could not start audio source', 'NotReadableError'));
    }
    return md.realGetUserMedia(constraints);
  };
}

/** Remembers each Device given an error listener from now on: every one multi-call makes. */
function watchDevices() {
  const manager = window.Twilio.Flex.Manager.getInstance();
  const Device = Object.getPrototypeOf(manager.voiceClient).constructor;
  window.madeDevices = new Set();
  const on = Device.prototype.on;
  Device.prototype.on = function watchedOn(ev, fn) {
    if (ev === 'error') window.madeDevices.add(this);
    return on.call(this, ev, fn);
  };
}

/** Fails multi-call's spare (an extra Device that is neither Flex's nor busy) with a transport error; returns how many. */
function failSpare() {
  const manager = window.Twilio.Flex.Manager.getInstance();
  const mark = {};
  manager.voiceClient.probeMark = mark; // Flex hands out its Device through a Proxy: mark the object behind it
  const spares = [...window.madeDevices].filter((d) => d.probeMark !== mark && d.state !== 'destroyed' && !d.isBusy);
  for (const d of spares) d.emit('error', Object.assign(new Error('transport error'), { code: 31009 }));
  return spares.length;
}

describe('a forwarded call that fails after connect() in real Flex', () => {
  let s;
  before(async () => {
    s = await openFlex({ mode: 'forward' });
    await s.flex.evaluate(watchDevices);
  });
  after(async () => { await s?.close(); });

  test("every try fails: the call still rings, Flex's prompt comes back, the agent is told; A is untouched", async () => {
    const A = await inbound(s, 'Ada');
    // Flex lists tasks newest first by their epoch-second dateCreated, and
    // keeps arrival order within one second. Ben's task starts in a later
    // second, so Ada's card is second and not under Flex's prompt bar, which
    // covers the top card of the task list.
    await new Promise((r) => setTimeout(r, 1050 - (Date.now() % 1000)));
    await until(() => s.flex.evaluate(() => window.madeDevices.size >= 1), { what: "multi-call's spare Device made" });
    assert.equal(await s.flex.evaluate(failSpare), 1, 'one spare');
    await until(() => s.pluginLines().some((l) => /spare Device \d+ failed \(error 31009: transport error\)/.test(l)), { what: "multi-call's warning about its spare" });
    await s.flex.evaluate(failMicrophone, 100);
    const callSid = await transferToAlice(s, 'Ben');
    await clickAccept(s, callSid);
    const notes = () => s.state().then((st) => st.notifications);
    await until(async () => (await notes()).includes('SecondVoiceCallIncoming'),
      { what: `Flex's prompt back: ${JSON.stringify(await notes())}\n${s.pluginLines().slice(-15).join('\n')}`, timeout: 30000 });
    assert.ok((await notes()).includes('multi-call-forward-failed'), `multi-call says what happened: ${JSON.stringify(await notes())}`);
    const leg = [...s.gateway.legs.values()].find((l) => l.customerCallSid === callSid && l.kind === 'agent');
    assert.equal(leg.state, 'ringing', 'the call still rings: nothing was lost');
    // Accepting B held A first, as the agent asked; A stays up and held, and
    // the agent resumes it with Flex's own button.
    assert.equal((await callOf(s, A.leg)).status, 'open', 'A stays up');
    assert.equal(customerHeld(s, A.callSid), true, 'A is held, as accepting B asked');
    await s.flex.evaluate(() => window.Twilio.Flex.Notifications.dismissNotificationById('multi-call-forward-failed'));
    await s.closeBanner();
    await taskCard(s, 'Ada').locator('[data-testid="hold-task"]').click();
    await until(() => !customerHeld(s, A.callSid), { what: 'A un-held' });
    await until(async () => !(await callOf(s, A.leg)).muted, { what: 'A un-muted' });
    await farEndsWhen(s, (e) => e[A.callSid] > AUDIBLE, "A's customer hearing the agent again");
    assert.equal(s.gateway.legs.get(leg.callSid).state, 'ringing', 'B still rings for Flex\'s prompt');
  });
});

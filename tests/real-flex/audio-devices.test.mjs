// The agent's speaker and microphone inside the real Flex UI: the agent picks
// them on Flex's own Device (as Flex's audio settings do, through
// `voiceClient.audio`); every extra Device multi-call builds must follow,
// including one built after the choice, whose audio helper has not listed the
// browser's devices yet when it is created.
//
// Headless Chromium with --use-fake-device-for-media-stream offers real
// choices: outputs 'default', "Fake Audio Output 1" and "Fake Audio Output 2"
// (setSinkId is supported), inputs 'default' and two fake captures. The
// speaker is chosen on Flex's Device; the microphone is the one Flex itself
// sets when the agent accepts (Flex 2.17 sets 'default' on every accept with
// initialDeviceCheck, overriding an earlier pick), so the extra Devices must
// hold that one.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFlex, inbound, transferred, until, callOf } from './harness.mjs';

/** Records every Device built from Flex's Device class from now on (and any older one that emits). */
function collectDevices() {
  const manager = window.Twilio.Flex.Manager.getInstance();
  const Device = Object.getPrototypeOf(manager.voiceClient).constructor;
  const seen = new Set();
  for (const name of ['emit', 'register']) {
    const original = Device.prototype[name];
    Device.prototype[name] = function collect(...args) {
      seen.add(this);
      return original.apply(this, args);
    };
  }
  const isFlex = (d) => {
    const mark = {};
    manager.voiceClient.audioMark = mark;
    return d.audioMark === mark;
  };
  const audioOf = (a) => ({
    speakers: [...a.speakerDevices.get()].map((d) => d.deviceId),
    input: a.inputDevice ? a.inputDevice.deviceId : null,
  });
  window.audioProbe = {
    flex: () => audioOf(manager.voiceClient.audio),
    /** Each extra Device still alive: its speakers, its microphone, and the sink ids its next call gets. */
    extra: () => [...seen].filter((d) => !isFlex(d) && d.state !== 'destroyed').map((d) => ({
      state: d.state, calls: [...new Set([...(d.calls || []), d._activeCall].filter(Boolean))].map((c) => c.parameters && c.parameters.CallSid), ...audioOf(d.audio), callSinkIds: d._callSinkIds,
    })),
  };
}

describe("the agent's audio devices in real Flex", () => {
  let s;
  before(async () => { s = await openFlex({ mode: 'standby' }); });
  after(async () => { await s?.close(); });

  test("every extra Device, including one built after the choice, uses the speaker and microphone chosen on Flex's Device", async () => {
    await until(() => s.pluginLines().some((l) => l.includes('on: standby mode')), { what: 'multi-call on' });
    await s.flex.evaluate(collectDevices);

    // Choose a non-default speaker on Flex's Device, as Flex's audio settings do.
    const choice = await s.flex.evaluate(async () => {
      const devices = await navigator.mediaDevices.enumerateDevices();
      const speaker = devices.find((d) => d.kind === 'audiooutput' && d.deviceId !== 'default' && d.deviceId !== 'communications');
      if (!speaker) return {};
      await window.Twilio.Flex.Manager.getInstance().voiceClient.audio.speakerDevices.set([speaker.deviceId]);
      return { speaker: speaker.deviceId, speakerLabel: speaker.label };
    });
    assert.ok(choice.speaker, `a non-default output exists: ${JSON.stringify(choice)}`);

    const A = await inbound(s, 'Ada');
    const B = await transferred(s, 'Ben');
    assert.equal((await callOf(s, B.leg)).flexDevice, false, 'B is on an extra Device');
    // Flex's own Device keeps the chosen speaker and has the microphone Flex set on accept.
    const flex = await s.flex.evaluate(() => window.audioProbe.flex());
    assert.deepEqual(flex.speakers, [choice.speaker], "Flex's Device keeps the chosen speaker");
    assert.ok(flex.input, `Flex set a microphone on accept: ${JSON.stringify(flex)}`);
    choice.mic = flex.input;

    // The Device carrying B, and the standby built after B was taken (the
    // next call's line, created after the choice), both follow it.
    const follows = (d) => d.speakers.length === 1 && d.speakers[0] === choice.speaker && d.input === choice.mic
      && Array.isArray(d.callSinkIds) && d.callSinkIds.join() === choice.speaker;
    let extra;
    try {
      extra = await until(async () => {
        const list = await s.flex.evaluate(() => window.audioProbe.extra());
        extra = list;
        const carrier = list.find((d) => d.calls.includes(B.leg));
        const idle = list.filter((d) => !d.calls.length);
        return carrier && idle.length >= 1 && list.every(follows) && list;
      }, { timeout: 10000, what: 'every extra Device on the chosen speaker and microphone' });
    } catch (e) {
      assert.fail(`${e.message}\nchoice: ${JSON.stringify(choice)}\nextra Devices: ${JSON.stringify(extra, null, 1)}\n${s.pluginLines().join('\n')}`);
    }
    assert.ok(extra.length >= 2, `the carrier of B and a new standby: ${JSON.stringify(extra)}`);

    const warnings = s.pluginLines().filter((l) => l.includes('could not apply'));
    assert.deepEqual(warnings, [], 'no "could not apply" warning');
    for (const leg of [A.leg, B.leg]) assert.equal((await callOf(s, leg))?.status, 'open', `${leg} still open`);
    const errors = s.flex.consoleLog.filter((l) => l.includes('pageerror'));
    assert.deepEqual(errors, [], 'no uncaught error in the Flex page');
  });
});

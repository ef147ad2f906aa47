// Behaviour 3: forward mode. A call that reaches Flex's busy Device is taken over
// on a new Device with connect({ connectToken, rtcConfiguration, rtcConstraints }).
// Why the double: Flex UI 2.7 / SDK 2.7 (no connectToken) and beyond-max_calls prompts are checked here; the
// forward path itself runs in real Flex (scenarios.mjs, many-calls.test.mjs, forward-failure.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openFlex, uiAttributes, bundleExists, liveExtra, checkStep, checkConsole, summary, ACCEPT_OPTIONS } from './harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); srv?.server.close(); });
const skip = !bundleExists() && 'dist/plugin-multi-call.js not built';

test('second call on busy Flex Device: taken over on a new Device with connectToken and acceptOptions\' rtc settings', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('forward') });
  try {
    await h.offerCall('WR1'); const a = await h.acceptCall('WR1');
    let s = await h.snap();
    // One spare made ahead for a second call: never registered (it would ring), with the agent's audio applied.
    s = await h.until((x) => liveExtra(x).length === 1 && x, { what: 'a spare Device' });
    const spare = liveExtra(s)[0];
    assert.equal(spare.state, 'unregistered', 'the spare must never register: it would ring');
    assert.deepEqual(spare.connects, [], 'the spare carries no call yet');
    await h.offerCall('WR2'); const b = await h.acceptCall('WR2');
    assert.ok(b.callSid, 'second call never connected');
    s = await h.snap();
    checkStep(assert, s, 'after forward');
    const inv = s.invites.find((i) => i.callSid === b.callSid);
    const flexLeg = inv.legs.find((l) => l.deviceId === s.flexDeviceId);
    assert.ok(flexLeg, 'the second call did not ring Flex\'s Device first');
    assert.equal(flexLeg.closeReason, 'cancel', 'Flex\'s ringing leg was not taken over');
    const dev = s.devices.find((d) => d.id === inv.answeredBy);
    assert.equal(dev.isFlex, false);
    assert.equal(dev.id, spare.id, 'the spare took the call over');
    assert.equal(dev.connects.length, 1);
    const c = dev.connects[0];
    assert.match(String(c.connectToken), /^CT_/);
    assert.deepEqual(c.rtcConfiguration, ACCEPT_OPTIONS.rtcConfiguration, 'connect() without acceptOptions.rtcConfiguration');
    assert.deepEqual(c.rtcConstraints, ACCEPT_OPTIONS.rtcConstraints, 'connect() without acceptOptions.rtcConstraints');
    assert.ok(s.liveCalls.some((x) => x.callSid === a.callSid), 'first call dropped');
    checkConsole(assert, h, s.tokens);
  } finally { await h.close(); }
});

test('forwarded call: Flex\'s SecondVoiceCallIncoming notification is cancelled, never shown', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('forward') });
  try {
    await h.offerCall('WR1'); await h.acceptCall('WR1');
    await h.offerCall('WR2'); const b = await h.acceptCall('WR2');
    assert.ok(b.callSid);
    const s = await h.snap();
    assert.ok(s.cancelledNotifications.some((n) => n.id === 'SecondVoiceCallIncoming'), 'SecondVoiceCallIncoming not cancelled');
    assert.deepEqual(s.notifications.filter((n) => n.id === 'SecondVoiceCallIncoming'), []);
    assert.deepEqual(s.activeNotifications, []);
    await h.shot('forward-two-calls');
  } finally { await h.close(); }
});

test('one Device per extra call: three calls run on Flex\'s Device and two forwarding Devices', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('forward', { mc: { max_calls: 3 } }) });
  try {
    for (const sid of ['WR1', 'WR2', 'WR3']) { await h.offerCall(sid); const r = await h.acceptCall(sid); assert.ok(r.callSid, `${sid} not connected`); }
    const s = await h.snap();
    checkStep(assert, s, 'three calls');
    assert.equal(s.liveCalls.length, 3);
    assert.equal(new Set(s.liveCalls.map((c) => c.deviceId)).size, 3, 'calls share a Device');
    assert.equal(liveExtra(s).length, 2);
  } finally { await h.close(); }
});

test('beyond max_calls 2: the third call gets Flex\'s stock notification and the agent is told why', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('forward', { mc: { max_calls: 2 } }) });
  try {
    await h.offerCall('WR1'); await h.acceptCall('WR1');
    await h.offerCall('WR2'); await h.acceptCall('WR2');
    const before = (await h.snap()).devices.length;
    await h.offerCall('WR3');
    await h.invoke('SelectTask', { sid: 'WR3' });
    await h.invoke('AcceptTask', { sid: 'WR3' });
    const s = await h.until((x) => x.notifications.some((n) => n.id === 'SecondVoiceCallIncoming'), { what: 'stock SecondVoiceCallIncoming for the third call' });
    await h.sleep(150);
    const s2 = await h.snap();
    assert.equal(s2.devices.length, before, 'a Device was created beyond max_calls');
    const told = s2.notifications.filter((n) => n.id !== 'SecondVoiceCallIncoming');
    assert.ok(told.length >= 1, `agent not told why: ${JSON.stringify(s2.notifications)}`);
    assert.ok(told.some((n) => /2|max/i.test(n.text)), `explanation does not mention the limit: ${JSON.stringify(told)}`);
    const inv = s2.invites.find((i) => i.reservationSid === 'WR3');
    assert.equal(inv.state, 'ringing', 'the third call was dropped instead of left to Flex');
    checkStep(assert, s2, 'beyond max');
    await h.shot('forward-beyond-max-calls');
    void s;
  } finally { await h.close(); }
});

test('forwarded call ends: its Device is destroyed and Flex\'s Device keeps the first call', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('forward') });
  try {
    await h.offerCall('WR1'); const a = await h.acceptCall('WR1');
    await h.offerCall('WR2'); const b = await h.acceptCall('WR2');
    let s = await h.snap();
    const dev = s.liveCalls.find((c) => c.callSid === b.callSid).deviceId;
    await h.run((D) => D.scenario.customerHangup('WR2'));
    s = await h.until((x) => x.devices.find((d) => d.id === dev).destroyed, { what: 'forwarding Device destroyed' });
    assert.ok(s.liveCalls.some((c) => c.callSid === a.callSid && c.deviceId === s.flexDeviceId));
    // What stays is the one spare made ahead for the next call: unregistered and carrying nothing.
    const left = liveExtra(s);
    assert.equal(left.length, 1, JSON.stringify(summary(s).devices));
    assert.equal(left[0].state, 'unregistered');
    assert.deepEqual([left[0].calls, left[0].connects], [[], []], JSON.stringify(summary(s).devices));
    checkStep(assert, s, 'after B ended');
    await h.run((D) => D.scenario.customerHangup('WR1'));
    s = await h.until((x) => liveExtra(x).length === 0 && x, { what: 'no extra Device once no call is left' });
    checkStep(assert, s, 'after A ended');
  } finally { await h.close(); }
});

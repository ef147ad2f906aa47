// Behaviour 2: standby mode. Flex's Device ignores invites while busy
// (allowIncomingWhileBusy false); one registered standby Device takes the next call.
// Why the double: it counts registrations at max_calls and checks no standby survives the last call at
// exact moments; standby mode itself runs in real Flex (scenarios.mjs, many-calls.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openFlex, uiAttributes, bundleExists, extraDevices, liveExtra, checkStep, checkConsole, summary, ACCEPT_OPTIONS } from './harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); srv?.server.close(); });
const skip = !bundleExists() && 'dist/plugin-multi-call.js not built';

/** Registered Devices with no call: each of them would ring on the next invite. */
const idleRegistered = (s) => s.devices.filter((d) => !d.destroyed && d.state === 'registered' && d.calls.length === 0);
const standbyNow = (s) => liveExtra(s).filter((d) => d.state === 'registered' && d.calls.length === 0);

function checkStandbyStep(s, label) {
  checkStep(assert, s, label);
  assert.ok(idleRegistered(s).length <= 1, `${label}: two idle registered Devices would both ring: ${JSON.stringify(summary(s).devices)}`);
}

test('agent takes a first call: exactly one standby Device is registered with Flex\'s token and options', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('standby') });
  try {
    let s = await h.snap();
    assert.deepEqual(extraDevices(s), [], 'a Device was created before any call');
    checkStandbyStep(s, 'idle');
    await h.offerCall('WR1');
    const a = await h.acceptCall('WR1');
    assert.ok(a.callSid);
    s = await h.until((x) => standbyNow(x).length === 1, { what: 'a registered standby' });
    checkStandbyStep(s, 'after first call');
    const flex = s.devices.find((d) => d.isFlex);
    const sb = standbyNow(s)[0];
    assert.equal(sb.token, flex.token, 'standby token differs from Flex\'s');
    assert.equal(sb.options.allowIncomingWhileBusy, false);
    assert.equal(liveExtra(s).length, 1, 'more than one extra Device');
    await h.shot('standby-after-first-call');
    checkConsole(assert, h, s.tokens);
  } finally { await h.close(); }
});

test('second call while busy: Flex\'s Device ignores it, the standby accepts it with acceptOptions, a fresh standby follows', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('standby') });
  try {
    await h.offerCall('WR1'); const a = await h.acceptCall('WR1');
    let s = await h.until((x) => standbyNow(x).length === 1, { what: 'standby' });
    const standbyId = standbyNow(s)[0].id;
    await h.offerCall('WR2');
    const b = await h.acceptCall('WR2');
    assert.ok(b.callSid, 'second call never connected');
    s = await h.snap();
    const inv = s.invites.find((i) => i.callSid === b.callSid);
    assert.deepEqual(inv.legs.map((l) => l.deviceId), [standbyId], 'the invite rang another Device than the standby');
    const callB = s.liveCalls.find((c) => c.callSid === b.callSid);
    assert.equal(callB.deviceId, standbyId);
    assert.deepEqual(callB.acceptOptions, ACCEPT_OPTIONS, 'standby did not accept with sdkOptions.voice.acceptOptions');
    assert.equal(s.notifications.filter((n) => n.id === 'SecondVoiceCallIncoming').length, 0);
    assert.ok(s.liveCalls.some((c) => c.callSid === a.callSid), 'first call dropped');
    checkStandbyStep(s, 'after second call');
    s = await h.until((x) => standbyNow(x).length === 1, { what: 'a new standby after the second call' });
    checkStandbyStep(s, 'new standby');
    assert.notEqual(standbyNow(s)[0].id, standbyId);
    // a third call is taken too (no max_calls)
    await h.offerCall('WR3'); const c = await h.acceptCall('WR3');
    assert.ok(c.callSid, 'third call never connected');
    s = await h.snap();
    checkStandbyStep(s, 'after third call');
    assert.equal(s.liveCalls.length, 3);
    await h.shot('standby-three-calls');
  } finally { await h.close(); }
});

test('max_calls 2: after the second call no standby stays registered, a third call rings no extra Device', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('standby', { mc: { max_calls: 2 } }) });
  try {
    await h.offerCall('WR1'); await h.acceptCall('WR1');
    await h.until((x) => standbyNow(x).length === 1, { what: 'standby' });
    await h.offerCall('WR2'); const b = await h.acceptCall('WR2');
    assert.ok(b.callSid);
    await h.sleep(200);
    let s = await h.snap();
    assert.deepEqual(standbyNow(s).map((d) => d.id), [], 'a standby is registered at max_calls');
    await h.offerCall('WR3'); const c = await h.acceptCall('WR3', { timeout: 400 });
    s = await h.snap();
    assert.equal(c.callSid, null, 'a third call was connected beyond max_calls');
    assert.equal(s.liveCalls.length, 2);
    checkStandbyStep(s, 'beyond max_calls');
  } finally { await h.close(); }
});

test('calls end: each extra Device is destroyed with its call and no standby stays once Flex\'s Device is idle', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('standby') });
  try {
    await h.offerCall('WR1'); await h.acceptCall('WR1');
    await h.until((x) => standbyNow(x).length === 1, { what: 'standby' });
    await h.offerCall('WR2'); const b = await h.acceptCall('WR2');
    let s = await h.snap();
    const bDevice = s.liveCalls.find((c) => c.callSid === b.callSid).deviceId;
    await h.run((D) => D.scenario.customerHangup('WR2'));
    s = await h.until((x) => x.devices.find((d) => d.id === bDevice).destroyed, { what: 'B\'s Device destroyed' });
    checkStandbyStep(s, 'after B ended');
    await h.run((D) => D.scenario.customerHangup('WR1'));
    s = await h.until((x) => liveExtra(x).length === 0, { what: 'no extra Device left', timeout: 3000 });
    checkStandbyStep(s, 'after A ended');
    assert.equal(s.liveCalls.length, 0);
    // Flex's own Device takes the next call as stock
    await h.offerCall('WR3'); const c = await h.acceptCall('WR3');
    s = await h.snap();
    assert.equal(s.liveCalls.find((x) => x.callSid === c.callSid).deviceId, s.flexDeviceId);
  } finally { await h.close(); }
});

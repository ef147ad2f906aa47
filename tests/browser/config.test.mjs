// Behaviour 1: configuration. custom_data.features.multi_call decides whether and how
// multi-call runs; bad values are named and leave stock Flex in place.
// Real Flex runs the bad values, an unknown key, off and auto on SDK 2.11 (tests/real-flex/config.test.mjs,
// stock.test.mjs). Why the double as well: Flex 2.7 with SDK 2.7 (no connectToken) and a Device class without a
// static version cannot be had from real Flex 2.17.1, and the double checks which listeners were registered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openFlex, uiAttributes, bundleExists, extraDevices, checkConsole, summary } from './harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); srv?.server.close(); });
const skip = !bundleExists() && 'dist/plugin-multi-call.js not built';

/** Two calls under stock Flex: the second must show Flex's own SecondVoiceCallIncoming and no extra Device appears. */
async function assertStockSecondCall(h, label) {
  await h.offerCall('WR1');
  const a = await h.acceptCall('WR1');
  assert.equal(a.error, null, `${label}: stock AcceptTask failed`);
  assert.ok(a.callSid, `${label}: first call not connected`);
  await h.offerCall('WR2');
  const r = await h.invoke('AcceptTask', { sid: 'WR2' });
  assert.equal(r.ok, true, `${label}: AcceptTask of second call failed: ${r.error}`);
  const s = await h.until((x) => x.notifications.some((n) => n.id === 'SecondVoiceCallIncoming'), { what: `${label}: Flex's SecondVoiceCallIncoming` }).catch((e) => e);
  assert.ok(!(s instanceof Error), String(s && s.message));
  await h.sleep(100);
  const s2 = await h.snap();
  assert.deepEqual(s2.cancelledNotifications, [], `${label}: plugin cancelled a Flex notification`);
  assert.deepEqual(extraDevices(s2).map((d) => d.id), [], `${label}: plugin created Devices`);
  assert.equal(s2.activeCall && s2.activeCall.callSid, a.callSid, `${label}: activeCall changed`);
  assert.deepEqual(s2.listenerErrors, []);
  return s2;
}

test('multi_call without enabled: the plugin stays off and Flex behaves as stock', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes(null, { mc: { mode: 'forward' } }) });
  try {
    const s = await h.snap();
    assert.equal(s.plugins[0].state, 'ready', s.plugins[0].error);
    assert.equal(s.listeners.allActions, 0, 'action listeners registered although disabled');
    assert.equal(s.listeners.beforeAddNotification, 0, 'notification listener registered although disabled');
    await assertStockSecondCall(h, 'disabled');
    assert.deepEqual(h.consoleLines.filter((l) => l.type === 'error' && /multi-call/.test(l.text)), []);
    checkConsole(assert, h, (await h.snap()).tokens);
  } finally { await h.close(); }
});

for (const [label, mc, key] of [
  ['enabled: "yes"', { enabled: 'yes' }, 'enabled'],
  ['mode: "sideways"', { enabled: true, mode: 'sideways' }, 'mode'],
  ['max_calls: 1', { enabled: true, mode: 'forward', max_calls: 1 }, 'max_calls'],
  ['max_calls: "3"', { enabled: true, mode: 'forward', max_calls: '3' }, 'max_calls'],
]) {
  test(`bad config ${label}: a console error names ${key}, the feature stays off, stock Flex works`, { skip }, async () => {
    const h = await openFlex(browser, srv.origin, { config: uiAttributes(null, { mc }) });
    try {
      const errors = h.consoleLines.filter((l) => l.type === 'error' && /^\[multi-call\]/.test(l.text));
      assert.ok(errors.some((l) => l.text.includes(key)), `no [multi-call] console error naming ${key}: ${JSON.stringify(h.consoleLines)}`);
      await assertStockSecondCall(h, label);
      checkConsole(assert, h, (await h.snap()).tokens);
    } finally { await h.close(); }
  });
}

test('unknown key in multi_call: a console warning names it and the feature still runs', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('forward', { mc: { colour: 'red' } }) });
  try {
    const warns = h.consoleLines.filter((l) => l.type === 'warning' && /^\[multi-call\]/.test(l.text));
    assert.ok(warns.some((l) => l.text.includes('colour')), `no warning naming "colour": ${JSON.stringify(h.consoleLines)}`);
    await h.offerCall('WR1'); await h.acceptCall('WR1');
    await h.offerCall('WR2'); const b = await h.acceptCall('WR2');
    assert.ok(b.callSid, 'second call not connected');
    const s = await h.snap();
    assert.ok(extraDevices(s).some((d) => d.connects.length > 0), 'feature not running: no forwarding Device');
  } finally { await h.close(); }
});

/** Which mode the plugin really runs, from what it does: standby registers an idle Device after the first call; forward connects. */
async function observedMode(h) {
  await h.offerCall('WR1'); await h.acceptCall('WR1');
  await h.sleep(150);
  const s1 = await h.snap();
  const standbyRegistered = extraDevices(s1).some((d) => d.state === 'registered' && !d.destroyed);
  await h.offerCall('WR2'); const b = await h.acceptCall('WR2');
  const s2 = await h.snap();
  const forwarded = extraDevices(s2).some((d) => d.connects.some((c) => c.connectToken));
  return { standbyRegistered, forwarded, bConnected: !!b.callSid, s: s2 };
}

test('auto mode on SDK 2.11 with allowIncomingWhileBusy unset: forward is chosen', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes('auto') });
  try {
    const m = await observedMode(h);
    assert.deepEqual([m.forwarded, m.standbyRegistered, m.bConnected], [true, false, true], JSON.stringify(summary(m.s)));
  } finally { await h.close(); }
});

test('auto mode on Flex 2.17 whose Device class has no static version: forward is chosen from the Flex UI version', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { hideSdkVersion: true, config: uiAttributes('auto') });
  try {
    const m = await observedMode(h);
    assert.deepEqual([m.forwarded, m.standbyRegistered, m.bConnected], [true, false, true], JSON.stringify(summary(m.s)));
  } finally { await h.close(); }
});

test('auto mode (mode absent) on SDK 2.11 with allowIncomingWhileBusy false: standby is chosen', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { config: uiAttributes(null, { mc: { enabled: true }, voice: { allowIncomingWhileBusy: false } }) });
  try {
    const m = await observedMode(h);
    assert.deepEqual([m.forwarded, m.standbyRegistered, m.bConnected], [false, true, true], JSON.stringify(summary(m.s)));
  } finally { await h.close(); }
});

test('auto mode on Flex 2.7 / SDK 2.7 (no connectToken) with allowIncomingWhileBusy false: standby is chosen', { skip }, async () => {
  const h = await openFlex(browser, srv.origin, { sdkVersion: '2.7.3', flexVersion: '2.7.1', config: uiAttributes('auto', { voice: { allowIncomingWhileBusy: false } }) });
  try {
    const m = await observedMode(h);
    assert.deepEqual([m.forwarded, m.standbyRegistered, m.bConnected], [false, true, true], JSON.stringify(summary(m.s)));
  } finally { await h.close(); }
});

for (const [label, setup, fixRe] of [
  ['standby with allowIncomingWhileBusy true', { config: uiAttributes('standby', { voice: { allowIncomingWhileBusy: true } }) }, /allowIncomingWhileBusy/],
  ['standby with allowIncomingWhileBusy unset (Flex default true)', { config: uiAttributes('standby', { voice: { allowIncomingWhileBusy: '<delete>' } }) }, /allowIncomingWhileBusy/],
  ['forward on SDK 2.7 without connectToken', { sdkVersion: '2.7.3', flexVersion: '2.7.1', config: uiAttributes('forward') }, /standby|2\.11|connectToken|2\.8/],
]) {
  test(`impossible config (${label}): error notification for the agent and a console error naming the fix`, { skip }, async () => {
    const h = await openFlex(browser, srv.origin, setup);
    try {
      const s = await h.until((x) => x.notifications.some((n) => n.type === 'error'), { what: 'an error notification', timeout: 2000 }).catch(() => null);
      const snap = s || await h.snap();
      assert.ok(s, `no error-type notification shown: ${JSON.stringify(snap.notifications)}`);
      const errors = h.consoleLines.filter((l) => l.type === 'error' && /^\[multi-call\]/.test(l.text));
      assert.ok(errors.some((l) => fixRe.test(l.text)), `no [multi-call] console error naming the fix (${fixRe}): ${JSON.stringify(h.consoleLines)}`);
      if (/2\.7/.test(label)) await h.shot('config-impossible-forward-on-2.7');
      // stock Flex still takes a call
      await h.offerCall('WR1');
      const a = await h.acceptCall('WR1');
      assert.ok(a.callSid, 'stock Flex could not take a call');
      assert.deepEqual((await h.snap()).listenerErrors, []);
    } finally { await h.close(); }
  });
}

// The Flex double itself behaves like stock Flex and the Voice SDK (FLEX-FACTS),
// so that the plugin tests mean something. No multi-call plugin is loaded here.
// Why: it checks the double against stock Flex's and the SDK's documented behaviour, so the other files here
// mean something; real Flex needs no such check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openFlex, uiAttributes } from './harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); srv?.server.close(); });

const open = (setup) => openFlex(browser, srv.origin, Object.assign({ plugin: null, config: uiAttributes(null) }, setup));

test('a plugin script calls Plugins.init while evaluated and Flex awaits its async init', async () => {
  const h = await open({ plugin: '/tests/flex-double/fixtures/probe-plugin.js' });
  try {
    const s = await h.snap();
    assert.equal(s.plugins.length, 1);
    assert.equal(s.plugins[0].state, 'ready');
    assert.equal(s.plugins[0].initCalledWhileEvaluating, true);
    const probe = await h.page.evaluate(() => window.__probe);
    assert.deepEqual([probe.flexVersion, probe.hasStore, probe.deviceVersion], ['2.17.1', true, '2.11.1']);
  } finally { await h.close(); }
});

test('stock Flex: first call is accepted on Flex Device with acceptOptions and becomes the active call', async () => {
  const h = await open({ config: uiAttributes(null, { voice: { acceptOptions: { rtcConstraints: { audio: true } } } }) });
  try {
    // isBusy must still be false while Flex's own incoming handler runs
    await h.run((D) => { D.voiceClient.on('incoming', () => { window.__busyDuringIncoming = D.voiceClient.isBusy; }); });
    await h.offerCall('WR1');
    const r = await h.acceptCall('WR1');
    assert.equal(r.error, null);
    assert.ok(r.callSid);
    const s = await h.snap();
    assert.equal(s.activeCall.callSid, r.callSid);
    assert.equal(s.activeCall.deviceId, s.flexDeviceId);
    assert.deepEqual(s.activeCall.acceptOptions, { rtcConstraints: { audio: true } });
    assert.equal(await h.page.evaluate(() => window.__busyDuringIncoming), false);
    assert.equal(s.tasks[0].status, 'accepted');
    const flexOpts = s.devices.find((d) => d.isFlex).options;
    assert.equal(flexOpts.allowIncomingWhileBusy, true);
    assert.equal(flexOpts.appName, 'flex-ui');
    assert.equal(flexOpts.acceptOptions, undefined);
  } finally { await h.close(); }
});

test('stock Flex: a second call while busy shows SecondVoiceCallIncoming and keeps ringing', async () => {
  const h = await open({});
  try {
    await h.offerCall('WR1'); await h.acceptCall('WR1');
    await h.offerCall('WR2');
    await h.invoke('AcceptTask', { sid: 'WR2' });
    const s = await h.until((x) => x.notifications.some((n) => n.id === 'SecondVoiceCallIncoming'), { what: 'second call notification' });
    const flex = s.devices.find((d) => d.isFlex);
    assert.equal(flex.calls.filter((c) => c.status === 'pending').length, 1);
    await h.shot('double-stock-second-call');
    // accepting it from the notification puts both on the Flex Device (stock behaviour: the first stays live)
    await h.run((D) => D.Notifications.activeNotifications.find((n) => n.id === 'SecondVoiceCallIncoming').context.accept());
    const s2 = await h.until((x) => x.liveCalls.length === 2, { what: 'two live calls' });
    assert.equal(s2.activeNotifications.includes('SecondVoiceCallIncoming'), false);
  } finally { await h.close(); }
});

test('StartOutboundCall is refused with VOICE_CALL_ALREADY_LIVE while an activeCall exists', async () => {
  const h = await open({});
  try {
    await h.offerCall('WR1'); await h.acceptCall('WR1');
    const r = await h.invoke('StartOutboundCall', { destination: '+15551234567' });
    assert.equal(r.ok, false);
    assert.match(r.error, /VOICE_CALL_ALREADY_LIVE/);
  } finally { await h.close(); }
});

test('participants expose prototype getters only, tasks are replaced immutably', async () => {
  const h = await open({});
  try {
    await h.offerCall('WR1');
    const r = await h.run((D) => {
      const before = D.store.getState().flex.worker.tasks;
      const t = D.getTask('WR1');
      const p = t.conference.participants[0];
      const json = JSON.stringify(p);
      D.addParticipant('WR1', { participantType: 'worker', workerSid: 'WKbob', callSid: 'CAbob' });
      return { json, keys: Object.keys(p), type: p.participantType, sameMap: before === D.store.getState().flex.worker.tasks, sameTask: t === D.getTask('WR1') };
    });
    assert.deepEqual(r, { json: '{}', keys: [], type: 'customer', sameMap: false, sameTask: false });
  } finally { await h.close(); }
});

test('invokeAction rejects when a before-listener cancels and when an identical invocation is in flight', async () => {
  const h = await open({});
  try {
    const r = await h.run(async (D) => {
      const out = {};
      const l = (p, cancel) => cancel();
      D.Actions.addListener('beforeSelectTask', l);
      try { await D.Actions.invokeAction('SelectTask', { sid: 'WRx' }); out.cancel = 'resolved'; } catch (e) { out.cancel = 'rejected'; }
      D.Actions.removeListener('beforeSelectTask', l);
      D.Actions.addListener('beforeSelectTask', () => new Promise((r) => setTimeout(r, 50)));
      const a = D.Actions.invokeAction('SelectTask', { sid: 'WRy' });
      try { await D.Actions.invokeAction('SelectTask', { sid: 'WRy' }); out.dup = 'resolved'; } catch (e) { out.dup = 'rejected'; }
      await a;
      out.selected = D.store.getState().flex.view.selectedTaskSid;
      return out;
    });
    assert.deepEqual(r, { cancel: 'rejected', dup: 'rejected', selected: 'WRy' });
  } finally { await h.close(); }
});

test('HoldParticipant is refused unless canHold; a held participant shows onHold', async () => {
  const h = await open({});
  try {
    await h.offerCall('WR1');
    const refused = await h.invoke('HoldParticipant', { sid: 'WR1', targetSid: 'CAcust_WT1' });
    assert.equal(refused.ok, false);
    await h.acceptCall('WR1');
    const ok = await h.invoke('HoldParticipant', { sid: 'WR1', targetSid: 'CAcust_WT1' });
    assert.equal(ok.ok, true, ok.error);
    const s = await h.snap();
    assert.equal(s.tasks[0].participants.find((p) => p.participantType === 'customer').onHold, true);
  } finally { await h.close(); }
});

test('fake SDK: undefined options throw, busy Devices with allowIncomingWhileBusy false ignore invites, connectToken forwards', async () => {
  const h = await open({ config: uiAttributes(null, { voice: { allowIncomingWhileBusy: false } }) });
  try {
    const r = await h.run(async (D) => {
      const Device = Object.getPrototypeOf(D.voiceClient).constructor;
      const out = {};
      try { new Device(D.manager.user.token, { codecPreferences: undefined }); out.undef = 'built'; } catch (e) { out.undef = 'threw'; }
      const bare = new Device(D.manager.user.token, {});
      try { bare.emit('error', new Error('x')); out.noListener = 'quiet'; } catch (e) { out.noListener = 'threw'; }
      bare.destroy();
      // standby: a second registered Device takes the call the busy Flex Device ignores
      D.scenario.offerCall('WR1'); await D.scenario.acceptCall('WR1');
      const standby = new Device(D.manager.user.token, { allowIncomingWhileBusy: false });
      standby.on('error', () => {});
      await standby.register();
      let got = null;
      standby.on('incoming', (c) => { got = c; c.accept({}); });
      D.scenario.offerCall('WR2'); await D.Actions.invokeAction('AcceptTask', { sid: 'WR2' });
      // The fake call opens a few timer turns after its accept: wait for it (a loaded machine is slow), not a fixed time.
      for (const until = Date.now() + 5000; !(got && got.status() === 'open') && Date.now() < until;) await new Promise((r) => setTimeout(r, 10));
      out.standbyGot = !!got && got.status();
      out.flexIgnored = D.voiceClient.calls.length;
      // forward: a ringing call's connectToken moves it to another Device
      const sb = D.sdk.switchboard;
      const f = new Device(D.manager.user.token, {});
      f.on('error', () => {});
      const pendingFlex = [];
      const probe = new Device(D.manager.user.token, { allowIncomingWhileBusy: true });
      probe.on('error', () => {}); await probe.register();
      probe.on('incoming', (c) => pendingFlex.push(c));
      sb.deliver({ identity: D.identity, callSid: 'CAfwd' });
      const leg = pendingFlex[0];
      let cancelled = false; leg.on('cancel', () => { cancelled = true; });
      const call = await f.connect({ connectToken: leg.connectToken, rtcConfiguration: {}, rtcConstraints: {} });
      out.fwd = { status: call.status(), sid: call.parameters.CallSid, cancelled, busy: f.isBusy };
      try { await f.connect({}); out.second = 'ok'; } catch (e) { out.second = e.message; }
      return out;
    });
    assert.deepEqual(r, { undef: 'threw', noListener: 'threw', standbyGot: 'open', flexIgnored: 1, fwd: { status: 'open', sid: 'CAfwd', cancelled: true, busy: true }, second: 'A Call is already active' });
  } finally { await h.close(); }
});

test('fake SDK 2.7: calls have no connectToken', async () => {
  const h = await open({ sdkVersion: '2.7.3', flexVersion: '2.7.1' });
  try {
    await h.offerCall('WR1');
    const r = await h.run(async (D) => {
      let token = 'unset';
      D.voiceClient.on('incoming', (c) => { token = c.connectToken; });
      await D.scenario.acceptCall('WR1');
      return { token, version: Object.getPrototypeOf(D.voiceClient).constructor.version };
    });
    assert.deepEqual(r, { token: undefined, version: '2.7.3' });
  } finally { await h.close(); }
});

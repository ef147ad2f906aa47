// Issue #3's list, items 1–4, 6, 8 and 9, for one plugin mode. Each step is
// a test; they share one desktop and run in order, as a shift would.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { until, offLoopback, screenshot } from './harness.mjs';
import {
  openSandbox, inbound, transferred, click, farEnds, onHold, callInfo, activeCall, settle,
  consoleOf, AUDIBLE, SILENT,
} from './desk.mjs';

export function multiCallScenarios(mode) {
  describe(`multi-call, ${mode} mode`, () => {
    let s;
    let A, B, C;
    const why = () => `\n--- console ---\n${consoleOf(s).split('\n').slice(-40).join('\n')}`;

    before(async () => { s = await openSandbox(mode); });
    after(async () => { await s?.close(); });

    test(`${mode}: the plugin loads`, async () => {
      const state = await until(() => s.desktop.evaluate(() => window.desktop?.pluginState()), { what: 'plugin state' });
      assert.match(String(state), /loaded|ok|ready|initialized/i, `plugin state: ${state}${why()}`);
    });

    test(`${mode} 1: a transfer to the busy agent holds A before B's audio starts`, async () => {
      A = await inbound(s, '+15550101 (A)');
      assert.equal(await activeCall(s), A.leg, 'A is the active call');
      const before = await farEnds(s);
      assert.ok(before[A.callSid] > AUDIBLE, `A's customer hears the agent: ${before[A.callSid]}`);

      await s.customer.evaluate(() => customerPanel.record());
      B = await transferred(s, '+15550102 (B)');
      await settle();
      const samples = await s.customer.evaluate(() => customerPanel.stopRecording());
      assert.equal((await callInfo(s, A.leg)).muted, true, `A's leg is muted${why()}`);
      assert.equal(onHold(s, A.callSid), true, "A's customer is held");
      assert.equal((await callInfo(s, B.leg)).muted, false, "B's leg is not muted");
      assert.equal(await activeCall(s), B.leg, `B is Flex's active call${why()}`);

      // Order: mute(A) before B was accepted on the Device, hold(A) before B's leg was answered.
      const events = await s.desktop.evaluate(() => desktop.events());
      const muteA = events.find((e) => e.callSid === A.leg && e.ev === 'mute' && e.muted);
      const acceptB = events.find((e) => e.callSid === B.leg && e.ev === 'accept');
      assert.ok(muteA && acceptB && muteA.t < acceptB.t, `mute(A) ${muteA?.t} before accept(B) ${acceptB?.t}`);
      const audioB = events.find((e) => e.callSid === B.leg && e.ev === 'audio');
      assert.ok(audioB && muteA.t < audioB.t, `mute(A) ${muteA.t} before the agent first heard B ${audioB?.t}`);
      const holdA = s.gateway.world.conferences.get(s.gateway.world.calls.get(A.callSid).conferenceSid)
        .participants.find((p) => p.callSid === A.callSid).holdChangedAt;
      assert.ok(holdA < s.gateway.legs.get(B.leg).answeredAt, "A's customer was held before B's leg was answered");

      // At the far ends: from the moment B's customer first receives the
      // agent, A's customer receives silence. (Each far end plays out through
      // its own jitter buffer, so A's last packets, sent before the mute, may
      // land a few tens of ms after B's first: the order is checked at the
      // agent's side above, the silence here.)
      const firstB = samples.findIndex((x) => x[B.callSid]?.energy > 0);
      assert.ok(firstB > 0, `B's customer started receiving audio while recorded (${samples.length} samples)`);
      const energyA = (i) => samples[i][A.callSid]?.energy ?? 0;
      assert.ok(energyA(firstB) > energyA(0), "A's customer heard the agent while recorded");
      const end = samples.length - 1;
      const afterB = (energyA(end) - energyA(firstB)) / ((samples[end][A.callSid].t - samples[firstB][A.callSid].t) / 1000);
      assert.ok(afterB < SILENT, `A's customer receives silence once B's audio runs: ${afterB}`);

      const e = await farEnds(s);
      assert.ok(e[A.callSid] < SILENT, `A's customer receives silence: ${e[A.callSid]}`);
      assert.ok(e[B.callSid] > AUDIBLE, `B's customer hears the agent: ${e[B.callSid]}`);
      const heard = await s.desktop.evaluate(() => desktop.heard(1200));
      assert.ok(heard[B.leg] > heard[A.leg] * 5, `the agent hears B, not held A: ${JSON.stringify(heard)}`);
      await screenshot(s.desktop, `${mode}-1-two-calls-one-held`);
    });

    test(`${mode} 2: selecting A makes A active; mute and hang-up then act on A`, async () => {
      await click(s, A.reservationSid, 'select');
      await until(async () => (await activeCall(s)) === A.leg, { what: 'A active after select' });
      const [a0, b0] = [(await callInfo(s, A.leg)).muted, (await callInfo(s, B.leg)).muted];
      await s.desktop.click('#mute');
      await until(async () => (await callInfo(s, A.leg)).muted !== a0, { what: 'mute button toggles A' });
      const both = [(await callInfo(s, A.leg)).muted, (await callInfo(s, B.leg)).muted];
      assert.ok(both.includes(true), `never two unmuted calls: A ${both[0]}, B ${both[1]} (B was ${b0})`);
      await s.desktop.click('#mute');
      await until(async () => (await callInfo(s, A.leg)).muted === a0, { what: 'mute button toggles A back' });
      assert.equal(await activeCall(s), A.leg, `A is still active after a mute (Flex re-sets it)${why()}`);
      // Un-muting A silenced B first; muting A again must not reopen B.
      assert.equal((await callInfo(s, B.leg)).muted, true, `the mute button acted on A only (B was ${b0}, now muted)`);
      await screenshot(s.desktop, `${mode}-2-selected-A`);
    });

    test(`${mode} 3: un-holding A holds and mutes B and un-mutes A`, async () => {
      await click(s, A.reservationSid, 'unhold');
      await until(() => onHold(s, B.callSid) && !onHold(s, A.callSid), { what: 'B held, A un-held' });
      await settle();
      assert.equal((await callInfo(s, A.leg)).muted, false, 'A un-muted');
      assert.equal((await callInfo(s, B.leg)).muted, true, 'B muted');
      const e = await farEnds(s);
      assert.ok(e[B.callSid] < SILENT, `B's customer receives silence: ${e[B.callSid]}`);
      assert.ok(e[A.callSid] > AUDIBLE, `A's customer hears the agent: ${e[A.callSid]}`);
      await screenshot(s.desktop, `${mode}-3-A-unheld`);
    });

    const destroyed = (label) => until(() => s.desktop.evaluate((d) => desktop.devices().find((x) => x.label === d)?.destroyed, label),
      { what: `${label} destroyed${why()}` });

    test(`${mode} 4a: B's customer hangs up while B is active: A becomes active, B's Device is destroyed`, async () => {
      await click(s, B.reservationSid, 'select');
      await click(s, B.reservationSid, 'unhold');
      await until(async () => (await activeCall(s)) === B.leg && onHold(s, A.callSid) && !onHold(s, B.callSid), { what: 'B active again, A held' });
      const bDevice = (await callInfo(s, B.leg)).device;
      assert.notEqual(bDevice, "Flex's Device", 'B, the second call, is on an extra Device');
      await s.customer.evaluate((sid) => customerPanel.hangup(sid), B.callSid);
      await until(async () => (await callInfo(s, B.leg)).status === 'closed', { what: 'B closed' });
      await until(async () => (await activeCall(s)) === A.leg, { what: `A active once B ended${why()}` });
      await destroyed(bDevice);
    });

    test(`${mode} 4b, 2: the agent hangs up the selected call C while D is newer: C ends, D stays, a live call becomes active`, async () => {
      C = await transferred(s, '+15550103 (C)');
      assert.equal(await activeCall(s), C.leg, 'C active after accept');
      const D = await transferred(s, '+15550104 (D)');
      assert.equal(await activeCall(s), D.leg, 'D active after accept');
      await click(s, C.reservationSid, 'select');
      await until(async () => (await activeCall(s)) === C.leg, { what: 'C active after select' });
      const cDevice = (await callInfo(s, C.leg)).device;
      assert.notEqual(cDevice, "Flex's Device", 'C is on an extra Device');
      await s.desktop.click('#hangup');
      await until(async () => (await callInfo(s, C.leg)).status === 'closed', { what: 'C closed' });
      assert.equal(s.gateway.world.calls.get(C.callSid).status, 'completed', "C's customer was hung up");
      assert.equal((await callInfo(s, D.leg)).status, 'open', 'the hangup button acted on the selected C, not on the newer D');
      assert.equal((await callInfo(s, A.leg)).status, 'open', 'A is untouched');
      await until(async () => [A.leg, D.leg].includes(await activeCall(s)), { what: `a live call is active after C ends${why()}` });
      await destroyed(cDevice);
      B = D; // the second live call from here on
    });

    test(`${mode} 6: a token refresh reaches every Device; a signaling drop loses no call`, async () => {
      const before = s.gateway.snapshot().sessions.filter((x) => x.identity === 'alice').length;
      await s.desktop.click('#refresh-token');
      const devices = await s.desktop.evaluate(() => desktop.devices().filter((d) => !d.destroyed));
      await until(() => {
        const sessions = s.gateway.snapshot().sessions.filter((x) => x.identity === 'alice');
        const latest = sessions.map((x) => x.lastToken);
        return sessions.length >= devices.length && new Set(latest).size === 1 && sessions.every((x) => x.tokens > 1);
      }, { what: `the new token on every Device's socket (${devices.length} Devices, ${before} sockets)` });

      // Devices carrying a call that were registered must register again; an
      // idle standby may be replaced instead (its error retires it), but one
      // must be registered and ready again in standby mode.
      const registered = devices.filter((d) => d.state === 'registered' && d.calls.length).map((d) => d.label);
      s.gateway.dropSignaling('alice');
      await until(() => s.desktop.evaluate((legs) => legs.every((leg) => desktop.events().some((e) => e.ev === 'reconnected' && e.callSid === leg)), [A.leg, B.leg]),
        { what: 'each call reconnected', timeout: 25000 });
      const ready = () => s.desktop.evaluate(({ labels, standby }) => {
        const live = desktop.devices().filter((d) => !d.destroyed);
        const again = labels.every((l) => live.find((d) => d.label === l)?.state === 'registered');
        const idle = live.filter((d) => d.label !== "Flex's Device" && !d.calls.some((c) => desktop.calls().some((x) => x.callSid === c && x.status !== 'closed')));
        return again && (!standby || (idle.length === 1 && idle[0].state === 'registered'));
      }, { labels: registered, standby: mode === 'standby' });
      await until(ready, { what: `registered again after the drop (${registered.join(', ')}${mode === 'standby' ? ', and one idle standby' : ''})`, timeout: 25000 })
        .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await s.desktop.evaluate(() => desktop.devices().map((d) => [d.label, d.state, d.destroyed, d.calls])))}${why()}`); });
      for (const leg of [A.leg, B.leg]) assert.equal((await callInfo(s, leg)).status, 'open', `${leg} still open`);
      const e = await farEnds(s);
      const audible = [A.callSid, B.callSid].filter((c) => e[c] > AUDIBLE);
      assert.equal(audible.length, 1, `exactly one customer hears the agent after the drop: ${JSON.stringify(e)}`);
    });

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
      await s.desktop.locator('[data-action="monitor"]').first().click();
      await until(() => onHold(s, A.callSid) && onHold(s, B.callSid), { what: `both customers held for monitoring${why()}` });
      await until(async () => (await callInfo(s, A.leg)).muted && (await callInfo(s, B.leg)).muted, { what: 'both legs muted' });
      const monitor = await until(() => [...s.gateway.legs.values()].find((l) => l.kind === 'monitor' && l.customerCallSid === bobs && l.state === 'answered'),
        { what: 'monitor leg answered' });
      assert.ok(monitor);
      await screenshot(s.desktop, `${mode}-8-monitoring`);
      await s.cmd({ type: 'monitor.stop' });
      await s.customer.evaluate((sid) => customerPanel.hangup(sid), bobs);
    });

    test(`${mode} 4c: once the last call ends there is no active call`, async () => {
      for (const c of [B, A]) await s.customer.evaluate((sid) => customerPanel.hangup(sid), c.callSid);
      await until(async () => (await activeCall(s)) === null, { what: `no active call${why()}` });
      await until(() => s.desktop.evaluate(() => desktop.devices().filter((d) => d.label !== "Flex's Device" && !d.destroyed && d.calls.length).length === 0),
        { what: 'extra Devices with calls destroyed' });
      await screenshot(s.desktop, `${mode}-4c-idle`);
    });

    test(`${mode} 9: no request left 127.0.0.1`, async () => {
      assert.deepEqual(offLoopback(s.browser.requests), []);
      const remotes = new Set(s.gateway.frames.filter((f) => f.ch === 'http').map((f) => f.remote));
      assert.deepEqual([...remotes].filter((r) => !/^(::ffff:)?127\.0\.0\.1$/.test(r)), []);
    });
  });
}

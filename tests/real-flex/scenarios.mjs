// A shift with multi-call inside the real Flex UI, for one mode: the agent
// takes a call, receives a transfer while on it, switches between calls with
// Flex's own buttons, and the calls end. Each step is a test; they share one
// desktop and run in order. Audio is measured at the far ends.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  openFlex, inbound, transferred, farEnds, farEndsWhen, until, callOf, customerHeld, flexShowsHeld, taskCard, offLoopback, screenshot, copyToDocs, diagnose,
  AUDIBLE, SILENT,
} from './harness.mjs';

/** Whether `request` came from `page` (a Service Worker's own requests have no frame). */
function fromPage(request, page) {
  try {
    return request.frame().page() === page;
  } catch {
    return false;
  }
}

export function multiCallScenarios(mode) {
  describe(`multi-call in real Flex, ${mode} mode`, () => {
    let s;
    let A, B;
    const why = () => `\n--- console ---\n${s.console().split('\n').filter((l) => !/Conversations|wsconnect\?c=chat/.test(l)).slice(-30).join('\n')}`;
    const active = async () => (await s.state()).activeCall;
    const selected = async () => (await s.state()).selected;

    before(async () => { s = await openFlex({ mode }); });
    after(async () => { await s?.close(); });

    test(`${mode}: Flex's plugin loader loads multi-call and it turns on; only chat (not simulated) is degraded`, async () => {
      const { degraded } = await s.state();
      assert.deepEqual(degraded.filter((d) => d !== 'ConversationsClient'), [], `degraded Flex clients: ${degraded}`);
      await until(() => s.pluginLines().some((l) => l.includes(`on: ${mode} mode`)), { what: `"[multi-call] on: ${mode} mode"${why()}` });
      const list = s.gateway.frames.find((f) => f.ch === 'twilio-rest' && f.path === '/plugins');
      assert.ok(list, 'Flex asked for its plugin list');
      assert.ok(s.gateway.frames.some((f) => f.ch === 'http' && f.url === '/plugin/plugin-multi-call.js'), "Flex's loader fetched the bundle");
    });

    test(`${mode} 1: a transfer to the busy agent holds and mutes A; B is heard and is Flex's active call`, async () => {
      A = await inbound(s, 'Ada');
      assert.equal(await active(), A.leg, 'A is the active call');
      assert.equal((await callOf(s, A.leg)).flexDevice, true, "the first call is on Flex's own Device");
      await farEndsWhen(s, (e) => e[A.callSid] > AUDIBLE, "A's customer hearing the agent");

      B = await transferred(s, 'Ben');
      assert.equal((await callOf(s, B.leg)).flexDevice, false, 'the transferred call is on an extra Device');
      await until(async () => (await callOf(s, A.leg)).muted, { what: `A muted${why()}` });
      assert.equal(customerHeld(s, A.callSid), true, "A's customer is held in the conference");
      await until(() => flexShowsHeld(s, A.reservationSid), { what: `Flex shows A's customer held (participant.modified)${why()}` });
      assert.equal((await callOf(s, B.leg)).muted, false, "B's leg is not muted");
      assert.equal(await active(), B.leg, `B is Flex's active call${why()}`);
      assert.equal(await selected(), B.reservationSid, 'B is the selected task');

      await farEndsWhen(s, (e) => e[A.callSid] < SILENT && e[B.callSid] > AUDIBLE, `A's customer receiving silence and B's hearing the agent${why()}`);
      const shot = await screenshot(s.flex, `real-flex-${mode}-1-two-calls-one-held`);
      if (mode === 'standby') copyToDocs(shot, 'real-flex-two-calls.png');
    });

    test(`${mode} 1b: B's extra Device plays Flex's own sounds, and no Device fetched the sounds again`, async () => {
      const { device } = await callOf(s, B.leg);
      const sounds = await s.flex.evaluate((i) => window.probe.sharedSounds(i), device);
      assert.ok(sounds.flexHas > 0, "Flex's Device has its sounds");
      assert.deepEqual(sounds, { shared: sounds.flexHas, of: sounds.flexHas, flexHas: sounds.flexHas }, "every sound of B's Device is Flex's");
      // Flex's Device fetched each sound once at start-up; before, every extra Device fetched all of them again.
      const fetched = s.requests.filter(({ url, request }) => request && new URL(url).pathname.startsWith('/sounds/') && fromPage(request, s.flex)).map(({ url }) => new URL(url).pathname);
      assert.ok(fetched.length > 0, "Flex's Device fetched its sounds (the requests are seen)");
      assert.deepEqual(fetched.filter((p, i) => fetched.indexOf(p) !== i), [], `sounds fetched more than once: ${fetched.join(', ')}`);
    });

    test(`${mode} 2: selecting A's card makes A Flex's active call; the mute button then acts on A`, async () => {
      await s.closeBanner();
      await taskCard(s, 'Ada').locator('text=Ada').first().click();
      await until(async () => (await active()) === A.leg, { what: `A active after selecting its card${why()}` });
      const aMuted = (await callOf(s, A.leg)).muted;
      await s.closeBanner();
      await s.flex.locator('[data-testid="mute-call"]').click();
      await until(async () => (await callOf(s, A.leg)).muted !== aMuted, { what: `the mute button toggles A${why()}` });
      const both = [(await callOf(s, A.leg)).muted, (await callOf(s, B.leg)).muted];
      assert.ok(both.includes(true), `never two unmuted calls: A ${both[0]}, B ${both[1]}`);
      await s.closeBanner();
      await s.flex.locator('[data-testid="mute-call"]').click();
      await until(async () => (await callOf(s, A.leg)).muted === aMuted, { what: 'the mute button toggles A back' });
      assert.equal(await active(), A.leg, `A is still Flex's active call after Flex's own mute handler ran${why()}`);
      // Un-muting held A silenced B first; muting A again must not reopen B.
      assert.equal((await callOf(s, B.leg)).muted, true, 'the mute button acted on A only');
      const unmuted = (await s.calls()).filter((c) => c.status === 'open' && !c.muted);
      assert.ok(unmuted.length <= 1, `never two unmuted calls: ${JSON.stringify(unmuted)}`);
    });

    test(`${mode} 3: un-holding A from the call canvas holds and mutes B and un-mutes A`, async () => {
      await s.closeBanner();
      await s.flex.locator('[data-testid="hold-participant"]').first().click();
      await until(() => customerHeld(s, B.callSid) && !customerHeld(s, A.callSid), { what: `B held, A un-held${why()}` });
      await until(async () => !(await callOf(s, A.leg)).muted && (await callOf(s, B.leg)).muted, { what: 'A un-muted, B muted' });
      await farEndsWhen(s, (e) => e[B.callSid] < SILENT && e[A.callSid] > AUDIBLE, `B's customer receiving silence and A's hearing the agent${why()}`);
      await until(() => flexShowsHeld(s, B.reservationSid), { what: "Flex shows B's customer held" });
    });

    test(`${mode} 3b: a signalling drop loses no call; the agent is still heard on A only`, async () => {
      s.gateway.dropSignaling('alice');
      await until(() => s.flex.evaluate((legs) => legs.every((leg) => window.probe.events().some((e) => e.ev === 'reconnected' && e.callSid === leg)), [A.leg, B.leg]),
        { what: `each call reconnected${why()}`, timeout: 30000 });
      for (const leg of [A.leg, B.leg]) assert.equal((await callOf(s, leg))?.status, 'open', `${leg} still open`);
      await until(async () => {
        const e = await farEnds(s, 1000);
        return e[A.callSid] > AUDIBLE && e[B.callSid] < SILENT;
      }, { what: "A's customer hears the agent and B's hears silence after the drop" });
    });

    test(`${mode} 4: un-holding B from its task card while A is selected makes B the selected task and Flex's active call`, async () => {
      const lost = [A, B].filter((c) => s.gateway.legs.get(c.leg)?.state !== 'answered');
      assert.deepEqual(lost.map((c) => c.leg), [], `no call is lost before this step:\n${lost.map((c) => diagnose(s, c.callSid)).join('\n')}${why()}`);
      assert.equal(await selected(), A.reservationSid, 'A is selected');
      await s.closeBanner();
      await taskCard(s, 'Ben').locator('[data-testid="hold-task"]').click({ timeout: 10000 }).catch(async (e) => {
        await screenshot(s.flex, `real-flex-${mode}-4-failed`);
        throw new Error(`${e.message}\n${JSON.stringify((await s.state()).tasks)}\n${diagnose(s, B.callSid)}${why()}`);
      });
      await until(() => customerHeld(s, A.callSid) && !customerHeld(s, B.callSid), { what: `A held, B un-held${why()}` });
      await until(async () => !(await callOf(s, B.leg)).muted && (await callOf(s, A.leg)).muted, { what: 'B un-muted, A muted' });
      await until(async () => (await selected()) === B.reservationSid && (await active()) === B.leg,
        { what: `B selected and Flex's active call, so mute and hang-up act on the call the agent hears${why()}` });
    });

    test(`${mode} 4b: holding B from its task card while A is selected holds B only; nobody hears the agent`, async () => {
      await s.closeBanner();
      await taskCard(s, 'Ada').locator('text=Ada').first().click();
      await until(async () => (await selected()) === A.reservationSid, { what: 'A selected' });
      await until(() => flexShowsHeld(s, B.reservationSid).then((held) => held === false), { what: 'Flex shows B live' });
      await s.closeBanner();
      await taskCard(s, 'Ben').locator('[data-testid="hold-task"]').click();
      await until(() => customerHeld(s, B.callSid), { what: `B held from its card${why()}` });
      assert.equal(customerHeld(s, A.callSid), true, 'A stays held');
      // A held customer hears silence and is not heard, whatever the agent's leg carries.
      const hearing = (sid) => s.customer.evaluate((c) => window.customerPanel.hearing(c), sid);
      await until(async () => { const [a, b] = [await hearing(A.callSid), await hearing(B.callSid)]; return !a.hears && !a.heard && !b.hears && !b.heard; },
        { what: 'neither customer hears the agent or is heard' });
      const unmuted = (await s.calls()).filter((c) => c.status === 'open' && !c.muted);
      assert.ok(unmuted.length <= 1, `never two unmuted calls: ${JSON.stringify(unmuted)}`);
    });

    test(`${mode} 5: B's customer hangs up: A stays held and becomes the active call; B's extra Device goes`, async () => {
      const bDevice = (await callOf(s, B.leg)).device;
      await s.customer.evaluate((sid) => window.customerPanel.hangup(sid), B.callSid);
      await until(async () => !(await callOf(s, B.leg)), { what: 'B closed' });
      await until(async () => (await active()) === A.leg, { what: `A active once B ended${why()}` });
      assert.equal(customerHeld(s, A.callSid), true, 'A stays held until the agent resumes it');
      await until(() => s.flex.evaluate((i) => window.probe.devices()[i].state === 'destroyed', bDevice), { what: `B's Device destroyed${why()}` });
    });

    test(`${mode} 6: hanging up held A from its card ends A; nothing is left active`, async () => {
      await s.closeBanner();
      await taskCard(s, 'Ada').locator('[data-testid="hangup-task"]').click();
      await until(() => s.world.calls.get(A.callSid).status === 'completed', { what: `A's customer hung up${why()}` });
      await until(async () => (await active()) === null, { what: `no active call${why()}` });
    });

    test(`${mode} 7: every payload satisfied the SDKs, no call was answered twice, and no request left 127.0.0.1`, async () => {
      assert.deepEqual(s.sandbox.taskrouter.shapeErrors, []);
      assert.deepEqual(await offLoopback(s.requests), []);
      // Each agent leg was answered (or taken over) once, however many Devices it rang.
      const answers = s.gateway.frames.filter((f) => f.ch === 'signal' && f.dir === 'in' && f.type === 'answer').map((f) => f.payload.callsid);
      assert.deepEqual(answers.filter((c, i) => answers.indexOf(c) !== i), [], 'no call answered twice');
      const pageErrors = s.flex.consoleLog.filter((l) => l.includes('pageerror'));
      assert.deepEqual(pageErrors, [], 'no uncaught error in the Flex page');
    });
  });
}

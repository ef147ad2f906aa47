// Supervisor monitoring inside the real Flex UI while the agent is on a call,
// in both modes: Alice (agent and supervisor) is talking to Ada when a
// customer calls Bob; from the Teams view she monitors Bob's call with Flex's
// own Monitor button, then stops with the same button. The local Twilio
// carries out TaskRouter's `supervise` instruction (a muted supervisor leg
// rings Alice's Devices) and reports the supervisor joining over the task's
// Sync conference map, which is what Flex waits for before it counts as
// monitoring. Stopping must end the monitoring call, never Ada's.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFlex, inbound, until, callOf, customerHeld, farEndsWhen, offLoopback, screenshot, AUDIBLE, SILENT } from './harness.mjs';

/** Energy per second that reaches the agent on a call (its remote stream), over `ms`. */
function heardOn([callSid, ms]) {
  const call = window.probe.call(callSid);
  const stream = call && call.getRemoteStream();
  if (!stream) return Promise.resolve(-1);
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 1024;
  ctx.createMediaStreamSource(stream).connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  let energy = 0;
  let last = performance.now();
  const start = last;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const x of buf) sum += x * x;
      const now = performance.now();
      energy += (sum / buf.length) * ((now - last) / 1000);
      last = now;
      if (now - start >= ms) {
        clearInterval(timer);
        ctx.close();
        resolve(energy / ((now - start) / 1000));
      }
    }, 20);
  });
}

const monitoring = (s) => s.flex.evaluate(() => {
  const m = window.Twilio.Flex.Manager.getInstance().store.getState().flex.supervisor.callMonitoring;
  // Flex's CallMonitoringStatus is a numeric enum: none 0, waiting 1, monitoring 2.
  return { status: ['none', 'waiting', 'monitoring'][m.status] ?? m.status, task: m.task ? m.task.taskSid : null };
});

export function monitoringScenario(mode) {
  describe(`monitoring in real Flex while on a call, ${mode} mode`, () => {
    let s;
    let A, cy, bobTask, monitor;
    const syncLog = () => s.gateway.frames.filter((f) => f.ch === 'sync' && (f.map || /map|Maps/.test(JSON.stringify(f))) || f.ch === 'twilsock' && /Maps/.test(f.http || '')).map((f) => `${f.t % 100000} ${JSON.stringify(f)}`).slice(-25).join('\n');
    const why = () => `\n--- sync ---\n${syncLog()}\n--- console ---\n${s.console().split('\n').filter((l) => !/Conversations|wsconnect\?c=chat/.test(l)).slice(-30).join('\n')}`;
    const monitorButton = () => s.flex.locator('.Twilio-SupervisorTaskOverviewActions-MonitorButton');

    before(async () => { s = await openFlex({ mode }); });
    after(async () => { await s?.close(); });

    test(`${mode}: Flex's Monitor button holds Ada, and the monitoring call is answered on another line and hears Bob's call`, async () => {
      A = await inbound(s, 'Ada');
      cy = await s.customer.evaluate(() => window.customerPanel.place('Cy', 'bob'));
      bobTask = await until(() => [...s.world.tasks.values()].find((t) => t.attributes.call_sid === cy && t.status === 'assigned'), { what: "Bob's task for Cy" });

      await s.invoke('NavigateToView', { viewName: 'teams' });
      await s.closeBanner();
      const bobsCard = s.flex.locator('table tbody tr').filter({ hasText: 'Bob' }).locator('[data-testid="task-card"], .Twilio-TaskCard').filter({ hasText: 'Cy' }).first();
      await bobsCard.waitFor({ timeout: 20000 });
      await bobsCard.click();
      // The button appears once Flex has Bob's conference (from the task's Sync map).
      await monitorButton().waitFor({ timeout: 20000 }).catch((e) => { throw new Error(`${e.message}${why()}`); });
      assert.equal(customerHeld(s, A.callSid), false, 'Ada is not held before monitoring');
      await s.closeBanner();
      await monitorButton().click();

      monitor = await until(() => [...s.gateway.legs.values()].find((l) => l.kind === 'monitor' && l.customerCallSid === cy && l.state === 'answered'),
        { what: `the monitoring leg answered${why()}` });
      // multi-call's beforeMonitorCall hook held Ada and muted Alice's leg to her before the monitoring call opened.
      const ada = s.world.conferences.get(s.world.calls.get(A.callSid).conferenceSid).participants.find((p) => p.callSid === A.callSid);
      assert.equal(ada.onHold, true, "Ada's customer is held");
      assert.ok(ada.holdChangedAt <= monitor.answeredAt, `Ada was held (${ada.holdChangedAt}) before the monitoring call was answered (${monitor.answeredAt})`);
      // The gateway answers the leg a moment before the page's call emits 'accept' (under load, much more than a moment).
      const events = await until(async () => {
        const all = await s.flex.evaluate(() => window.probe.events());
        return all.some((e) => e.ev === 'accept' && e.callSid === monitor.callSid) && all;
      }, { what: `the monitoring call opened in the page${why()}` });
      const mutedAt = events.find((e) => e.ev === 'mute' && e.callSid === A.leg && e.muted);
      const openedAt = events.find((e) => e.ev === 'accept' && e.callSid === monitor.callSid);
      assert.ok(mutedAt, `Alice's leg to Ada was muted${why()}`);
      assert.ok(mutedAt.t <= openedAt.t, `muted (${mutedAt.t}) before the monitoring call opened (${openedAt.t})`);

      const call = await until(() => callOf(s, monitor.callSid), { what: 'the monitoring call in the page' });
      assert.equal(call.status, 'open');
      assert.equal(call.flexDevice, false, "Flex's own Device is busy with Ada: the monitoring call is on an extra line");
      assert.equal((await callOf(s, A.leg)).status, 'open', "Ada's call stays up");
      assert.equal((await callOf(s, A.leg)).muted, true, "Alice's leg to Ada is muted");

      const joined = s.world.conferences.get(bobTask.conferenceSid).participants.find((p) => p.callSid === monitor.callSid);
      assert.deepEqual([joined.participantType, joined.workerSid, joined.muted, joined.status], ['supervisor', s.world.workers.get('WK' + 'a'.repeat(32)).sid, true, 'joined'],
        "the monitoring leg is in Bob's conference as Alice's muted supervisor participant");
      await until(async () => (await monitoring(s)).status === 'monitoring', { what: `Flex's callMonitoring status "monitoring"${why()}` });
      assert.equal((await monitoring(s)).task, bobTask.sid);

      const heard = await until(async () => { const e = await s.flex.evaluate(heardOn, [monitor.callSid, 1000]); return e > AUDIBLE && e; },
        { what: 'the monitoring call hearing Cy' });
      assert.ok(heard > AUDIBLE, `the monitoring call hears Bob's call: ${heard}`);
      await farEndsWhen(s, (e) => e[A.callSid] < SILENT, `Ada hearing nothing from Alice while she monitors${why()}`);
      await screenshot(s.flex, `real-flex-${mode}-monitoring`);
    });

    test(`${mode}: stopping with Flex's own button ends the monitoring call; Ada's call stays up`, async (t) => {
      // Flex stops by disconnecting its active call: if that is Ada's, multi-call must end the monitoring call instead.
      const activeBefore = (await s.state()).activeCall;
      assert.ok([A.leg, monitor.callSid].includes(activeBefore), `Flex's active call is Ada's or the monitoring call: ${activeBefore}`);
      await s.closeBanner();
      await monitorButton().click();
      await until(() => monitor.state === 'ended', { what: `the monitoring leg ended${why()}` });
      await until(async () => (await monitoring(s)).status === 'none', { what: `Flex no longer monitoring${why()}` });
      await until(async () => !(await callOf(s, monitor.callSid)), { what: 'the monitoring call closed in the page' });
      assert.equal(s.world.calls.get(A.callSid).status, 'in-progress', "Ada's customer was not hung up");
      assert.equal((await callOf(s, A.leg))?.status, 'open', "Alice's call to Ada is still open");
      assert.equal(s.world.calls.get(cy).status, 'in-progress', "Bob's call goes on");
      const byPlugin = s.pluginLines().some((l) => l.includes(`ending monitoring call ${monitor.callSid}`));
      if (activeBefore === A.leg) assert.ok(byPlugin, `Flex's active call was Ada's: multi-call ended the monitoring call instead${why()}`);
      t.diagnostic(activeBefore === A.leg ? "Flex's active call was Ada's: multi-call cancelled Flex's disconnect and ended the monitoring call"
        : "Flex's active call was the monitoring call: Flex's own disconnect ended it");
    });

    test(`${mode}: every payload satisfied the SDKs and no request left 127.0.0.1`, async () => {
      assert.deepEqual(s.sandbox.taskrouter.shapeErrors, []);
      assert.deepEqual(await offLoopback(s.requests), []);
      assert.deepEqual(s.flex.consoleLog.filter((l) => l.includes('pageerror')), [], 'no uncaught error in the Flex page');
    });
  });
}

if (process.env.MODE !== 'forward') monitoringScenario('standby');
if (process.env.MODE !== 'standby') monitoringScenario('forward');

// Four calls at once inside real Flex, in both modes, audio measured at the far
// ends: after every accept and every switch exactly one customer hears the
// agent, and it is Flex's active call; then the agent hangs up a call she
// selected while newer ones are up, with the call canvas's own button.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFlex, inbound, transferred, until, callOf, customerHeld, flexShowsHeld, taskCard, farEnds, screenshot, AUDIBLE, SILENT } from './harness.mjs';

for (const mode of ['standby', 'forward']) describe(`four calls in real Flex, ${mode} mode`, () => {
  let s;
  const live = [];
  before(async () => { s = await openFlex({ mode }); });
  after(async () => { await s?.close(); });

  const why = () => `\n${s.pluginLines().slice(-12).join('\n')}`;
  const active = async () => (await s.state()).activeCall;

  /** `one` is heard (audible at its far end) and every other customer receives silence. */
  const onlyHeard = async (one, what) => {
    // Un-muting and holding settle over a few hundred ms of media: measure until stable.
    let figures;
    const ok = await until(async () => {
      const e = await farEnds(s, 1200);
      figures = JSON.stringify(Object.fromEntries(live.map((c) => [c.from, e[c.callSid]])));
      return e[one.callSid] > AUDIBLE && live.every((c) => c === one || e[c.callSid] < SILENT);
    }, { what: `${what}: only ${one.from} hears the agent`, timeout: 15000 }).catch((e) => { throw new Error(`${e.message}: ${figures}${why()}`); });
    assert.ok(ok);
  };

  /** The agent resumes `target` with the un-hold button on its task card (which also selects it). */
  const switchTo = async (target) => {
    // The card offers un-hold only once Flex has the participant update.
    await until(() => flexShowsHeld(s, target.reservationSid), { what: `Flex shows ${target.from} held` });
    await s.closeBanner();
    await taskCard(s, target.from).locator('[data-testid="hold-task"]').click().catch(async (e) => {
      await screenshot(s.flex, `real-flex-${mode}-no-hold-button`);
      throw new Error(`${e.message}\nFlex: ${JSON.stringify(await s.state())}${why()}`);
    });
    await until(() => !customerHeld(s, target.callSid) && live.every((c) => c === target || customerHeld(s, c.callSid)),
      { what: `${target.from} resumed, every other call held${why()}` });
    await onlyHeard(target, `after switching to ${target.from}`);
    assert.equal(await active(), target.leg, `${target.from} is Flex's active call`);
    assert.equal((await s.state()).selected, target.reservationSid, `${target.from} is the selected task`);
  };

  test(`${mode} 5: three and four calls, each accept and each switch leaves exactly one audible`, async () => {
    live.push({ ...(await inbound(s, 'One')), from: 'One' });
    for (const from of ['Two', 'Three', 'Four']) {
      live.push({ ...(await transferred(s, from)), from });
      const newest = live.at(-1);
      await until(() => live.slice(0, -1).every((c) => customerHeld(s, c.callSid)), { what: `every call but ${from} held${why()}` });
      await onlyHeard(newest, `after accepting ${from}`);
      assert.equal(await active(), newest.leg, `${from} is Flex's active call`);
      const devices = new Set((await s.calls()).filter((c) => c.status === 'open').map((c) => c.device));
      assert.equal(devices.size, live.length, 'each call on a Device of its own');
      if (from === 'Three') for (const target of [live[0], live[2]]) await switchTo(target);
    }
    await screenshot(s.flex, `real-flex-${mode}-four-calls`);
    for (const target of [live[0], live[2], live[1], live[3]]) await switchTo(target);
  });

  test(`${mode} 4b: hanging up the selected call with the call canvas's button ends that call only; a live call becomes active`, async () => {
    const [one, two, three, four] = live;
    await switchTo(two); // selected and active, with newer calls up
    const device = (await callOf(s, two.leg)).device;
    await s.closeBanner();
    await s.flex.locator('[data-testid="hangup-footer"]').first().click();
    await until(() => s.world.calls.get(two.callSid).status === 'completed', { what: `Two's customer hung up${why()}` });
    for (const c of [one, three, four]) assert.equal((await callOf(s, c.leg))?.status, 'open', `${c.from} stays up`);
    await until(async () => [one.leg, three.leg, four.leg].includes(await active()),
      { what: `a live call is Flex's active call${why()}` });
    await until(() => s.flex.evaluate((i) => window.probe.devices()[i].state === 'destroyed', device), { what: `Two's Device destroyed${why()}` });
    const unmuted = (await s.calls()).filter((c) => c.status === 'open' && !c.muted);
    assert.ok(unmuted.length <= 1, `never two unmuted calls: ${JSON.stringify(unmuted)}`);
  });
});

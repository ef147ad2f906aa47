// Benchmark 7, switching: from the agent's click on Flex's un-hold button of
// a held call's task card to the moment that call's customer hears the agent
// and every other customer hears silence, in the real Flex UI against the
// local Twilio with real media; per mode, at 0 and 150 ms per Twilio request,
// beside stock Flex (multi-call off) un-holding its one call the same way.
// The customer page watches each customer's received level every 10 ms
// (sandbox/public/customer.js `watchSwitch`); the click's time is taken in the
// Flex page by a capture listener; both as epoch ms (one machine, one clock).
// Two marks split the time: when Flex's un-hold request leaves the page (an
// XMLHttpRequest whose body un-holds a customer: the browser's share) and
// when the local Twilio un-holds that customer (the request's latency after
// it); the rest is the audio reaching the customer.
import { stats, ms } from './lib.mjs';

// `selectFirst`: the held call's task is selected before the click, so the
// click is the one stock Flex's agent makes on their one (selected) call.
// Without it the click lands on another task's card, and Flex's own task
// switch (the card's SelectTask re-rendering the task canvas) runs in the
// same click, before Flex's un-hold request leaves. `mutedWhileHeld` (stock
// Flex only, the control for multi-call's mute): the agent's microphone on
// the call is muted once it is held and un-muted at the un-hold click, as
// multi-call does with every held call, so that the time audio takes to
// resume after an un-mute is measured without multi-call. `comfortNoise:
// false`: the far ends leave comfort noise out of their SDP. Chromium's far
// ends offer it, and with it negotiated a muted agent's browser sends a
// comfort-noise frame every ~100 ms instead of voice packets; whether
// Twilio's media servers negotiate it is not known here, so the 0 ms
// selected-task case runs both ways (the un-mute cost as much either way).
// `chatSelected` (stock Flex only, the control for a click on another task's
// card): a chat task is offered beside the one call and is the selected task
// when the agent clicks un-hold on the held call's card, so stock Flex's own
// task switch runs in that click too.
// `speakAtClick`: the agent is silent for a moment before the click and
// speaks from the click on (the harness's microphone gate), so "heard" is
// the time until the customer hears what the agent says after the click, in
// stock Flex too. Without it stock Flex's customer at once hears what the
// agent said just before the click, already on its way; multi-call's customer
// cannot, by its rule: with two calls, that is what the agent said to the
// other customer, and the un-held call's microphone was muted.
export const CONFIGS = [
  ...[0, 150].flatMap((latencyMs) => [
    { mode: 'standby', latencyMs }, { mode: 'standby', latencyMs, selectFirst: true },
    { mode: 'forward', latencyMs }, { mode: 'forward', latencyMs, selectFirst: true },
    { mode: 'off', latencyMs }, { mode: 'off', latencyMs, mutedWhileHeld: true },
  ]),
  ...[{ mode: 'standby', selectFirst: true }, { mode: 'forward', selectFirst: true }, { mode: 'off' }, { mode: 'off', mutedWhileHeld: true }]
    .map((x) => ({ ...x, latencyMs: 0, comfortNoise: false })),
  ...[0, 150].map((latencyMs) => ({ mode: 'off', latencyMs, chatSelected: true })),
  ...[0, 150].flatMap((latencyMs) => [
    { mode: 'standby', selectFirst: true }, { mode: 'forward', selectFirst: true }, { mode: 'off' },
    { mode: 'standby' }, { mode: 'forward' }, { mode: 'off', chatSelected: true },
  ].map((x) => ({ ...x, latencyMs, speakAtClick: true }))),
];

/** A configuration's flags when not given (results from before a flag existed lack it too). */
const DEFAULTS = { selectFirst: false, mutedWhileHeld: false, chatSelected: false, comfortNoise: true, speakAtClick: false };
/** A configuration (or a result) with every flag filled in. */
const withDefaults = (x) => ({ ...DEFAULTS, ...Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) });

/** A configuration's name in reports. */
export const configName = (x) => (x.mode === 'off' ? `stock Flex, one call${x.mutedWhileHeld ? ', muted while held' : ''}${x.chatSelected ? ', a chat task selected' : ''}` : `multi-call, ${x.mode}, ${x.selectFirst ? 'selected task' : "another task's card"}`) +
  (x.comfortNoise === false ? ', far ends without comfort noise' : '') + (x.speakAtClick ? ', speaking from the click' : '');

const FIELDS = ['heard', 'silent', 'switched', 'sent', 'applied', 'roundTrip'];
// The agent's fake microphone pauses this long between syllables (the tests'
// pause 40–160 ms): a click landing in a pause counts the pause as switching
// time, and long pauses moved one run's medians by tens of milliseconds.
const SPEECH_PAUSE_MS = [10, 30];

/**
 * `rounds` un-holds per configuration in each of `runs` runs. A run opens
 * every configuration's Flex page afresh, in turn (every other run in the
 * reverse order); the rounds of all runs are pooled, and each run's own
 * median is kept too, since one run's figures move with the machine.
 */
export async function switching({ rounds = 6, runs = 1, configs = CONFIGS } = {}) {
  const pooled = configs.map(() => ({ samples: Object.fromEntries(FIELDS.map((k) => [k, []])), misses: [], runMedians: { heard: [], sent: [] } }));
  for (let run = 0; run < runs; run++) {
    const order = [...configs.keys()];
    if (run % 2) order.reverse();
    for (const i of order) {
      const p = pooled[i];
      const from = Object.fromEntries(FIELDS.map((k) => [k, p.samples[k].length]));
      const misses = await switchingRun(configs[i], rounds, p.samples);
      p.misses.push(...misses.map((m) => (runs > 1 ? `run ${run + 1}, ${m}` : m)));
      for (const k of ['heard', 'sent']) p.runMedians[k].push(stats(p.samples[k].slice(from[k])).median ?? NaN);
    }
  }
  return {
    runs,
    configs: configs.map((config, i) => {
      const { mode, latencyMs, selectFirst, mutedWhileHeld, chatSelected, comfortNoise, speakAtClick } = withDefaults(config);
      const { samples, misses, runMedians } = pooled[i];
      for (const k of FIELDS) if (!samples[k].length) samples[k].push(NaN); // stats() of nothing
      return { mode, latencyMs, selectFirst, mutedWhileHeld, chatSelected, comfortNoise, speakAtClick, rounds: samples.heard.filter(Number.isFinite).length, runs, misses, runMedians,
        ...Object.fromEntries(FIELDS.map((k) => [k, stats(samples[k])])) };
    }),
  };
}

/** One configuration's Flex page, `rounds` un-holds timed into `samples`; returns the rounds left out. */
async function switchingRun(config, rounds, samples) {
  const { openFlex, inbound, transferred, taskCard, until, customerHeld, aliceTask, AUDIBLE, SILENT } = await import('../tests/real-flex/harness.mjs');
  const { mode, latencyMs, selectFirst, mutedWhileHeld, chatSelected, comfortNoise, speakAtClick } = withDefaults(config);
  const label = `${configName(config)} at ${latencyMs} ms`;
  const s = await openFlex({ mode, latencyMs, speechPauseMs: SPEECH_PAUSE_MS, comfortNoise, micGate: speakAtClick });
  const misses = [];
  let appliedAt = null;
  const hold = s.world.hold.bind(s.world);
  s.world.hold = (task, target, on) => {
    if (!on && appliedAt === null) appliedAt = Date.now();
    return hold(task, target, on);
  };
  try {
    await s.flex.evaluate((speak) => {
      document.addEventListener('click', () => {
        window.lastClickAt = performance.timeOrigin + performance.now();
        window.unholdSentAt = null;
        window.unholdRoundTrip = null;
        if (speak) window.agentMic.speak(true); // first, before Flex's and multi-call's listeners (the document's capture phase)
        if (window.unmuteAtClick) window.unmuteAtClick.mute(false); // mutedWhileHeld's un-mute, as multi-call's listener does
        window.unmuteAtClick = null;
      }, true);
      const send = XMLHttpRequest.prototype.send;
      XMLHttpRequest.prototype.send = function (body) {
        if (window.unholdSentAt === null && typeof body === 'string' && body.includes('"Hold":false')) {
          const at = performance.now();
          window.unholdSentAt = performance.timeOrigin + at;
          // One request's round trip, the issue's yardstick: from sending it to its whole answer.
          this.addEventListener('loadend', () => { window.unholdRoundTrip = performance.now() - at; }, { once: true });
        }
        return send.call(this, body);
      };
    }, speakAtClick);
    const calls = [await inbound(s, 'Ada')];
    if (mode !== 'off') calls.push(await transferred(s, 'Ben'));
    // The chat stays offered (not accepted: the local Twilio does not simulate chat's Conversations); Flex selects it all the same.
    let chat = null;
    if (chatSelected) {
      await s.customer.evaluate(() => window.customerPanel.chat('Cy'));
      chat = await until(() => [...s.world.tasks.values()].find((t) => t.channel === 'chat'), { what: 'the chat task' });
      await until(async () => (await s.state()).tasks.some((t) => t.sid === chat.reservationSid), { what: 'the chat task in Flex' });
    }
    const name = (c) => (c === calls[0] ? 'Ada' : 'Ben');
    const held = () => calls.find((c) => customerHeld(s, c.callSid));
    for (let r = 0; r < rounds; r++) {
      await s.closeBanner();
      if (mode === 'off') {
        // Stock Flex has one call: hold it first (not timed).
        await taskCard(s, 'Ada').locator('[data-testid="hold-task"]').click();
        await until(() => customerHeld(s, calls[0].callSid), { what: 'Ada held' });
        if (mutedWhileHeld) {
          await s.flex.evaluate(() => {
            const call = window.Twilio.Flex.Manager.getInstance().store.getState().flex.phone.activeCall;
            call.mute(true);
            window.unmuteAtClick = call;
          });
        }
        if (chat) {
          await taskCard(s, 'Cy').click({ position: { x: 8, y: 8 } });
          await until(async () => (await s.state()).selected === chat.reservationSid, { what: "Cy's chat task selected" });
        }
        await new Promise((res) => setTimeout(res, 800));
      }
      const target = held();
      if (!target) {
        misses.push(`round ${r + 1}: no call was held any more (every customer un-held); rounds stopped. Flex: ${JSON.stringify(await s.state().then((st) => ({ selected: st.selected, active: st.activeCall })))}; ${s.pluginLines().slice(-6).join(' | ')}`);
        console.error(`switching, ${label}: ${misses.at(-1)}`);
        break;
      }
      const others = calls.filter((c) => c !== target).map((c) => c.callSid);
      if (selectFirst) {
        // As a person does: click the card's corner (not its buttons), then look at the task a moment.
        const reservation = aliceTask(s, target.callSid).reservationSid;
        await taskCard(s, name(target)).click({ position: { x: 8, y: 8 } });
        await until(async () => (await s.state()).selected === reservation, { what: `${name(target)}'s task selected` });
        await new Promise((res) => setTimeout(res, 800));
      }
      // As a person does: click once Flex's card offers to un-hold (Flex learns of holds from the conference's events).
      const button = taskCard(s, name(target)).locator('[data-testid="hold-task"]');
      await until(async () => /^Unhold/.test((await button.getAttribute('aria-label')) || ''), { what: `Flex's card offering to un-hold ${name(target)}` });
      if (speakAtClick) {
        // The agent falls silent, and what they said drains from every customer's jitter buffer, before the click.
        await s.flex.evaluate(() => window.agentMic.speak(false));
        await new Promise((res) => setTimeout(res, 500));
      }
      const watching = s.customer.evaluate((o) => window.customerPanel.watchSwitch(o),
        { target: target.callSid, others, audible: AUDIBLE, silent: SILENT });
      await new Promise((res) => setTimeout(res, 100)); // the watcher's first reading
      appliedAt = null;
      await button.click();
      const w = await watching;
      const { clickAt, sentAt } = await s.flex.evaluate(() => ({ clickAt: window.lastClickAt, sentAt: window.unholdSentAt }));
      if (sentAt !== null) samples.sent.push(sentAt - clickAt);
      const roundTrip = await until(() => s.flex.evaluate(() => window.unholdRoundTrip), { what: "the un-hold request's answer" }).catch(() => null);
      if (roundTrip !== null) samples.roundTrip.push(roundTrip);
      if (appliedAt !== null) samples.applied.push(appliedAt - clickAt);
      if (w.heardAt === null) {
        // Reported, not thrown: a customer who never hears the agent after an un-hold is a finding.
        misses.push(`round ${r + 1}: ${name(target)}'s customer did not hear the agent within 6 s of the click`);
        console.error(`switching, ${label}: ${misses.at(-1)}`);
        await until(() => !customerHeld(s, target.callSid), { what: 'the un-hold settled' });
        continue;
      }
      const heard = w.heardAt - clickAt;
      const silent = Math.max(0, ...Object.values(w.lastLoud).map((t) => (t === null ? 0 : t - clickAt)));
      samples.heard.push(heard);
      samples.silent.push(silent);
      samples.switched.push(Math.max(heard, silent));
      await until(() => !customerHeld(s, target.callSid), { what: 'the un-hold settled' });
      await new Promise((res) => setTimeout(res, 800));
    }
  } finally {
    await s.close();
  }
  console.error(`switching, ${label}: heard ${stats(samples.heard).median?.toFixed(0)} ms, others silent ${stats(samples.silent).median?.toFixed(0)} ms (medians so far)`);
  return misses;
}

/**
 * Each multi-call configuration with stock Flex's at the same latency, with
 * far ends and a voice alike: `same`, the same click (on the selected task's
 * card; for another task's card, with a chat task selected), `stock`, the
 * plain un-hold of the selected task, and `muted`, its muted-while-held
 * control (each undefined when not measured).
 */
export function comparisons(sw) {
  const configs = sw.configs.map(withDefaults);
  const find = (o) => configs.find((x) => Object.entries(o).every(([k, v]) => x[k] === v));
  return configs.filter((x) => x.mode !== 'off').map((x) => {
    const group = { latencyMs: x.latencyMs, comfortNoise: x.comfortNoise, speakAtClick: x.speakAtClick, mode: 'off' };
    const stock = find({ ...group, mutedWhileHeld: false, chatSelected: false });
    const muted = find({ ...group, mutedWhileHeld: true, chatSelected: false });
    const chat = find({ ...group, mutedWhileHeld: false, chatSelected: true });
    return { x, same: x.selectFirst ? stock : chat, stock, muted };
  });
}

/** BENCHMARKS.md's section for this benchmark (lines). */
export function renderSwitching(sw) {
  const L = ['## 7. Switching between calls in the real Flex UI (issue 13)', ''];
  L.push('Reproduce: `node bench/run.mjs --only=switching --no-build`.', '');
  if (sw.error) return [...L, `**Not measured** in this run: ${sw.error}.`, ''];
  L.push('The real Flex UI against the local Twilio with real media (`sandbox/`, its `--latency` setting adding the given delay to every',
    'Twilio request). An agent on two calls (Ada inbound, Ben transferred in; one held) clicks Flex\'s own un-hold button on the held',
    'call\'s task card; the next round un-holds the other one. Stock Flex (multi-call off, one call) holds its call first and is timed',
    'on the un-hold the same way: its agent clicks the card of the task that is already selected. multi-call is timed both ways:',
    '**another task\'s card**, where the click also selects that task (Flex\'s own task switch, re-rendering the task canvas in the',
    'same click, before its un-hold request leaves), and **selected task**, where the agent selected the held call\'s task first (a',
    'click on the card\'s corner, 800 ms before), the click stock Flex\'s agent makes. multi-call mutes the agent\'s microphone on',
    'every held call and un-mutes it at the un-hold click; **stock Flex, muted while held** is the control for that: its one call is',
    'muted once held and un-muted by a capture listener at the click, so the time audio takes to resume after an un-mute is measured',
    'without multi-call. An un-mute costs one trip through the audio path: after it the customer can hear only what the agent says',
    'after the click (the far end\'s jitter buffer alone held 80–90 ms of audio in a check here), where after a plain un-hold the customer at once hears',
    'what the agent said just before the click, already on its way. The far ends are Chromium pages, which offer comfort noise',
    '(RFC 3389, `CN/8000`) beside PCMU; with it negotiated, a muted agent\'s browser sends a comfort-noise frame about every 100 ms',
    'instead of 50 voice packets a second. Whether Twilio\'s media servers negotiate it is not known here, so the 0 ms selected-task case',
    'also runs with **far ends without comfort noise** (`sandbox/public/customer.js` `?cn=off`: the muted sender keeps sending silence',
    'at 50 packets a second); the un-mute costs as much either way. From the click (a capture listener in the Flex page) to **heard**: the first 20 ms window in which',
    'that customer receives the agent above the tests\' audible level, and to **others silent**: the last window in which any other',
    'customer still received the agent above the silent level (0 when none did after the click). The fake microphone plays',
    `syllables with ${SPEECH_PAUSE_MS[0]}–${SPEECH_PAUSE_MS[1]} ms pauses (the tests' microphone: 40–160 ms), so "heard" can include one short pause. Times in epoch ms in both pages (one machine, one clock).`,
    'multi-call mutes the other calls within the click (under a millisecond after it); what an other customer still receives after',
    'that is audio already sent and in its receiver\'s jitter buffer, until that customer\'s hold mutes it (a held customer counts',
    'as silent), so "others silent" grows with the hold request\'s latency up to that buffer\'s length.', '');
  L.push('**Speaking from the click**: the agent is silent for 500 ms before the click and speaks from the click on; the voice is a',
    'steady tone (the harness\'s microphone gate, `openFlex({ micGate: true })`), at full level from its first sample, started by a',
    'capture listener on the click before Flex\'s and multi-call\'s own. So **heard** is the time until the customer hears what the',
    'agent says after the click, for stock Flex too, and **others silent** is whether any other customer received any of it. This is',
    'the like-for-like comparison: without it, stock Flex\'s customer at once hears what the agent said just before the click, already',
    'on its way, which multi-call\'s customer cannot, by its rule: with two calls that is what the agent said to the other customer,',
    'and the un-held call\'s microphone was muted. The tone starts 1–4 ms before multi-call\'s own listener mutes the other call, so',
    'in a few rounds that customer received those first milliseconds (the largest "others silent" figures of these rows); the',
    'real-Flex privacy test (`tests/real-flex/privacy.test.mjs`), where the agent speaks once the page has handled the click, finds',
    'that no other customer\'s leg receives any of it.', '');
  L.push('Where the time goes: **request sent**, from the click to Flex\'s un-hold request leaving the page (an `XMLHttpRequest` whose body',
    'un-holds a customer; the browser\'s share: Flex\'s action, multi-call\'s listener, what both render), and **applied**, to the local',
    'Twilio un-holding that customer (the request\'s latency after it). What remains to **heard** is the audio reaching the customer.',
    '**Round trip**: from that request leaving to its whole answer (`loadend`), the issue\'s yardstick of one request\'s round trip.', '');
  const runs = sw.runs || 1;
  if (runs > 1) {
    L.push(`${runs} runs: each opens every configuration's Flex page afresh, in turn (every other run in the reverse order), for`,
      `${sw.configs[0] ? Math.round(sw.configs[0].rounds / runs) : '–'} rounds. The medians below pool every run's rounds; one run's own medians move with the machine by tens of`,
      'milliseconds, so each run\'s median is shown too, and the comparison with stock Flex is also made run by run.', '');
  }
  const perRun = (x, k) => (x.runMedians && runs > 1 ? ` | ${x.runMedians[k].map((v) => (Number.isFinite(v) ? v.toFixed(0) : '–')).join(' / ')}` : '');
  L.push(`| configuration | heard: median (min – max)${runs > 1 ? ' | heard: each run\'s median, ms' : ''} | others silent: median (min – max) | switched (the later of the two): median | request sent: median (min – max) | applied: median | round trip: median |`,
    `| --- | ---: |${runs > 1 ? ' ---: |' : ''} ---: | ---: | ---: | ---: | ---: |`);
  for (const x of sw.configs) {
    const name = `${configName(x)}, ${x.latencyMs} ms per request`;
    const sent = x.sent ? `${ms(x.sent.median)} (${ms(x.sent.min)} – ${ms(x.sent.max)})` : '–';
    L.push(`| ${name} | ${ms(x.heard.median)} (${ms(x.heard.min)} – ${ms(x.heard.max)})${perRun(x, 'heard')} | ${ms(x.silent.median)} (${ms(x.silent.min)} – ${ms(x.silent.max)}) | ${ms(x.switched.median)} | ${sent} | ${x.applied ? ms(x.applied.median) : '–'} | ${x.roundTrip ? ms(x.roundTrip.median) : '–'} |`);
  }
  const extras = [];
  const signed = (d) => (Number.isFinite(d) ? `${Math.round(d) >= 0 ? '+' : ''}${ms(d)}` : '–');
  for (const { x, same, stock, muted } of comparisons(sw)) {
    const over = (base, k) => signed(base ? x[k].median - base[k].median : NaN);
    // Run by run: this configuration's median less stock Flex's in the same run.
    const byRun = (base) => (base && base.runMedians ? ` | ${x.runMedians.heard.map((v, i) => {
      const d = v - base.runMedians.heard[i];
      return Number.isFinite(d) ? `${d >= 0 ? '+' : ''}${d.toFixed(0)}` : '–';
    }).join(' / ')}` : ' | –');
    extras.push(`| ${configName(x)}, ${x.latencyMs} ms per request | ${over(same, 'heard')} | ${over(stock, 'heard')} | ${over(muted, 'heard')}${runs > 1 ? byRun(same) : ''} | ${over(same, 'sent')} | ${x.roundTrip ? ms(x.roundTrip.median) : '–'} |`);
  }
  if (extras.length) {
    L.push('', 'Medians over stock Flex at the same latency, with far ends and a voice alike: over **the same click** in stock Flex (on the',
      'selected task\'s card; for another task\'s card, stock Flex with a chat task selected, so its own task switch runs in the click too),',
      'over its plain un-hold of the selected task, and over the control with its call muted while held (the same un-mute at the click as',
      'multi-call). The request-sent column is the browser\'s share only. – where that stock Flex configuration was not measured.', '',
      `| multi-call configuration | heard, over the same click in stock Flex | heard, over stock Flex's plain un-hold | heard, over stock Flex muted while held${runs > 1 ? ' | heard over the same click, run by run, ms' : ''} | request sent, over the same click | one request's round trip (its own) |`,
      `| --- | ---: | ---: | ---: |${runs > 1 ? ' ---: |' : ''} ---: | ---: |`, ...extras);
  }
  const misses = sw.configs.flatMap((x) => (x.misses || []).map((m) => `${configName(x)} at ${x.latencyMs} ms, ${m}`));
  L.push('', misses.length ? `Rounds left out: ${misses.join('; ')}.` : 'In every round the customer heard the agent.');
  L.push('');
  return L;
}

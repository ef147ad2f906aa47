// Benchmarks 4 and 5 in the local sandbox (real @twilio/voice-sdk, local
// signaling gateway, real WebRTC media), for standby and forward mode:
//   5. second-call latency: from the click on Accept of a call transferred to
//      the busy agent to the first audio of that customer at the agent (the
//      SDK's `volume` output level of that call), against the same figure for
//      a first call, with the timeline in between (Device creation,
//      registration, incoming, accept()/connect(), peer connection, ICE);
//   4. crosstalk: over scripted accept / select / un-hold / hang-up steps on
//      2-4 calls, the total time two of the agent's calls had an enabled
//      microphone track at once (sampled in the desktop page every 4 ms and
//      every animation frame), and the audio energy held customers received
//      (the mean square of the decoded stream, integrated by the customer panel).
// Run by bench/run.mjs inside a network namespace; writes target/bench/calls.json.
import { startSandbox, launchBrowser, until } from '../tests/e2e/harness.mjs';
import { transferred, click, onHold, settle, SILENT } from '../tests/e2e/desk.mjs';
import { save, stats } from './lib.mjs';

const arg = (name, def) => Number((process.argv.find((a) => a.startsWith(`--${name}=`)) || '').split('=')[1] || def);
const ROUNDS = arg('rounds', 5);
const STEPS = arg('steps', 120);
const MODES = (process.argv.find((a) => a.startsWith('--modes=')) || '--modes=standby,forward').slice(8).split(',');
const FIRST_AUDIO = 0.02; // SDK output volume (0..1) counted as the customer's voice

// Added to flex-double.js as served (it loads after the Voice SDK, before the desktop's module):
// instruments the SDK's Device and Call, and samples the microphones.
const PATCH = String.raw`
;(function () {
  const T = window.Twilio, now = () => performance.timeOrigin + performance.now();
  const B = window.__bench = { events: [], calls: [], overlapMs: 0, overlaps: 0, samples: 0, maxGapMs: 0, last: null, clicks: [] };
  const push = (e) => { e.t = now(); B.events.push(e); };
  const sid = (c) => c && c.parameters && c.parameters.CallSid;
  const res = (c) => c && c.customParameters && c.customParameters.get && c.customParameters.get('reservationSid');
  let seq = 0;
  const D = T.Device;
  class BenchDevice extends D {
    constructor(...a) { const t0 = now(); super(...a); this.__id = ++seq; B.events.push({ t: t0, ev: 'device.create', dev: this.__id, ms: now() - t0 }); }
  }
  T.Device = BenchDevice;
  const dEmit = D.prototype.emit;
  D.prototype.emit = function (name, ...a) {
    if (['registering', 'registered', 'unregistered', 'error', 'incoming', 'destroyed'].includes(name)) {
      const c = name === 'incoming' ? a[0] : null;
      push({ ev: 'device.' + name, dev: this.__id, call: sid(c), res: res(c) });
      if (c) track(c, this.__id);
    }
    return dEmit.call(this, name, ...a);
  };
  const dRegister = D.prototype.register;
  D.prototype.register = function (...a) { push({ ev: 'device.register()', dev: this.__id }); return dRegister.apply(this, a); };
  const dConnect = D.prototype.connect;
  D.prototype.connect = async function (...a) {
    push({ ev: 'device.connect()', dev: this.__id, forward: !!(a[0] && a[0].connectToken) });
    const c = await dConnect.apply(this, a);
    track(c, this.__id);
    return c;
  };
  const C = T.Call;
  const cAccept = C.prototype.accept;
  C.prototype.accept = function (...a) { push({ ev: 'call.accept()', call: sid(this), res: res(this) }); return cAccept.apply(this, a); };
  function track(c, dev) {
    if (B.calls.some((x) => x.call === c)) return;
    const entry = { call: c, dev, sid: sid(c), res: res(c), firstAudio: null };
    B.calls.push(entry);
    c.on('volume', (input, output) => {
      if (entry.firstAudio === null && output > ${FIRST_AUDIO}) { entry.firstAudio = now(); push({ ev: 'call.firstAudio', call: sid(c), res: entry.res, dev }); }
    });
    for (const ev of ['accept', 'disconnect', 'cancel', 'reject', 'ringing', 'reconnecting', 'reconnected'])
      c.on(ev, () => push({ ev: 'call.' + ev, call: sid(c), res: entry.res, dev }));
  }
  // ICE and peer connections: every RTCPeerConnection the page makes.
  const PC = window.RTCPeerConnection;
  let pcs = 0;
  window.RTCPeerConnection = class extends PC {
    constructor(...a) {
      super(...a); const id = ++pcs; push({ ev: 'pc.create', pc: id });
      this.addEventListener('iceconnectionstatechange', () => push({ ev: 'pc.ice.' + this.iceConnectionState, pc: id }));
      this.addEventListener('connectionstatechange', () => push({ ev: 'pc.' + this.connectionState, pc: id }));
    }
  };
  // The click on a task's Accept button.
  document.addEventListener('click', (e) => {
    const b = e.target.closest && e.target.closest('[data-action]');
    const card = b && b.closest('[data-task]');
    if (b) B.clicks.push({ t: now(), action: b.getAttribute('data-action'), res: card && card.getAttribute('data-task') });
  }, true);
  // Crosstalk: how many open calls have an enabled microphone track, sampled often.
  function sample() {
    const t = now();
    let open = 0;
    for (const x of B.calls) {
      let st; try { st = x.call.status(); } catch (e) { continue; }
      if (st !== 'open' && st !== 'reconnecting') continue;
      const s = x.call.getLocalStream && x.call.getLocalStream();
      const tr = s && s.getAudioTracks()[0];
      if (tr && tr.enabled && tr.readyState === 'live' && !x.call.isMuted()) open++;
    }
    if (B.last !== null) {
      const dt = t - B.last.t;
      B.maxGapMs = Math.max(B.maxGapMs, dt);
      if (B.last.open >= 2) { B.overlapMs += dt; }
      if (open >= 2 && B.last.open < 2) B.overlaps++;
    }
    B.last = { t, open };
    B.samples++;
  }
  setInterval(sample, 4);
  const raf = () => { sample(); requestAnimationFrame(raf); };
  requestAnimationFrame(raf);
})();
`;

async function openSandbox(mode) {
  const sandbox = await startSandbox();
  const browser = await launchBrowser();
  await browser.context.route('**/flex-double/flex-double.js', async (route) => {
    const resp = await route.fetch();
    await route.fulfill({ response: resp, body: (await resp.text()) + PATCH });
  });
  const customer = await browser.page(`${sandbox.url}/customer?mic=device`, 'customer');
  const desktop = await browser.page(`${sandbox.url}/desktop?mode=${mode}`, 'desktop');
  await until(() => desktop.evaluate(() => window.desktop?.devices().some((d) => d.state === 'registered')), { what: "Flex's Device registered", timeout: 20000 });
  await until(() => desktop.evaluate(() => /ready|loaded/i.test(String(window.desktop.pluginState()))), { what: 'plugin ready', timeout: 20000 });
  const s = { sandbox, browser, customer, desktop, gateway: sandbox.gateway };
  s.close = async () => { await browser.close(); await sandbox.close(); };
  return s;
}

const bench = (s) => s.desktop.evaluate(() => ({ events: __bench.events, clicks: __bench.clicks, calls: __bench.calls.map((c) => ({ sid: c.sid, res: c.res, dev: c.dev, firstAudio: c.firstAudio })) }));
const liveLegs = (s) => s.desktop.evaluate(() => desktop.calls().filter((c) => c.status === 'open'));

/** Hang up every customer call and wait until the desktop is idle again. */
async function clearAll(s) {
  for (const c of s.gateway.world.calls.values()) if (c.status !== 'completed') await s.customer.evaluate((sid) => customerPanel.hangup(sid), c.sid);
  await until(async () => (await liveLegs(s)).length === 0, { what: 'no open call', timeout: 15000 });
  await until(() => s.desktop.evaluate(() => desktop.devices().filter((d) => d.label !== "Flex's Device" && !d.destroyed).length === 0), { what: 'extra Devices gone', timeout: 15000 });
  // Complete wrapping tasks so the list stays short.
  for (const b of await s.desktop.locator('[data-action="complete"]').all()) await b.click().catch(() => {});
}

/** The timeline of one accepted call, relative to the click on Accept. */
function timeline(b, reservationSid, frames) {
  const click = b.clicks.filter((c) => c.action === 'accept' && c.res === reservationSid).at(-1);
  const call = b.calls.filter((c) => c.res === reservationSid).at(-1);
  if (!click || !call || !call.firstAudio) return null;
  const t0 = click.t;
  const within = (e) => e.t >= t0 - 1 && e.t <= call.firstAudio + 1;
  const mine = b.events.filter(within).filter((e) => !e.res || e.res === reservationSid);
  const first = (pred) => { const e = mine.find(pred); return e ? e.t - t0 : null; };
  const fr = frames.filter((f) => f.t >= t0 - 1 && f.t <= call.firstAudio + 1);
  const ctl = (type) => { const f = fr.find((x) => x.ch === 'control' && x.type === type); return f ? f.t - t0 : null; };
  const pcCreate = first((e) => e.ev === 'pc.create');
  const pcId = (mine.find((e) => e.ev === 'pc.create') || {}).pc;
  return {
    total: call.firstAudio - t0,
    device: call.dev,
    marks: {
      'gateway: hold requests in': ctl('participant.hold'),
      'gateway: task.accept in': ctl('task.accept'),
      'a new Device created (the next standby, or in forward mode the next spare)': first((e) => e.ev === 'device.create'),
      'a new Device registered': first((e) => e.ev === 'device.registered'),
      'incoming on a Device': first((e) => e.ev === 'device.incoming' && e.res === reservationSid),
      'call.accept() / device.connect()': first((e) => (e.ev === 'call.accept()' && e.res === reservationSid) || e.ev === 'device.connect()'),
      'peer connection created': pcCreate,
      'ICE checking': first((e) => e.ev === 'pc.ice.checking' && e.pc === pcId),
      'ICE connected': first((e) => e.ev === 'pc.ice.connected' && e.pc === pcId),
      "call 'accept' event": first((e) => e.ev === 'call.accept' && e.res === reservationSid),
      'first audio from the customer': call.firstAudio - t0,
    },
  };
}

async function latency(mode) {
  const s = await openSandbox(mode);
  const out = { first: [], second: [], standbyReady: [] };
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const A = await transferred(s, `+1555030${r}0 (first)`);
      await until(async () => (await bench(s)).calls.some((c) => c.res === A.reservationSid && c.firstAudio), { what: 'first audio of the first call', timeout: 15000 });
      if (mode === 'standby') {
        const t = Date.now();
        await until(() => s.desktop.evaluate(() => desktop.devices().some((d) => d.label !== "Flex's Device" && !d.destroyed && d.state === 'registered')), { what: 'standby registered', timeout: 15000 });
        out.standbyReady.push(Date.now() - t);
      }
      await settle(500);
      const B2 = await transferred(s, `+1555030${r}1 (second)`);
      await until(async () => (await bench(s)).calls.some((c) => c.res === B2.reservationSid && c.firstAudio), { what: 'first audio of the second call', timeout: 15000 });
      const b = await bench(s);
      const frames = s.gateway.frames;
      const a = timeline(b, A.reservationSid, frames);
      const bb = timeline(b, B2.reservationSid, frames);
      if (a) out.first.push(a);
      if (bb) out.second.push(bb);
      await clearAll(s);
      await settle(300);
    }
    // How long a standby takes to appear, from Flex's first call (standby mode, off the critical path).
    if (mode === 'standby') {
      const b = await bench(s);
      const created = b.events.filter((e) => e.ev === 'device.create' && e.dev > 1);
      out.standbyCreateToRegistered = created.map((c) => {
        const reg = b.events.find((e) => e.ev === 'device.registered' && e.dev === c.dev);
        return reg ? reg.t - c.t : null;
      }).filter((x) => x !== null);
    }
    const fwd = (await bench(s)).events.filter((e) => e.ev === 'device.create' && e.dev > 1);
    out.deviceConstructMs = fwd.map((e) => e.ms);
  } finally {
    await s.close();
  }
  return out;
}

// ---------------------------------------------------------------- crosstalk

function rng(seed) { let x = seed; return () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff); }

async function crosstalk(mode) {
  const s = await openSandbox(mode);
  const rand = rng(mode === 'standby' ? 11 : 13);
  const live = []; // { callSid, reservationSid, leg }
  let n = 0;
  const counts = { accept: 0, select: 0, unhold: 0, hangup: 0 };
  let lastAction = null; let steps = 0;
  // Two windows after each step: `tail` (150-500 ms: may still carry speech spoken before the switch,
  // in flight in the network and the customer's jitter buffer) and `steady` (500-900 ms).
  const w = { tail: { energy: 0, seconds: 0, max: 0, loud: [] }, steady: { energy: 0, seconds: 0, max: 0, loud: [] } };
  const measureHeld = async (which, ms) => {
    const heldBefore = new Set(live.filter((c) => onHold(s, c.callSid)).map((c) => c.callSid));
    const m = await s.customer.evaluate((t) => customerPanel.measure(t), ms);
    for (const c of live) {
      if (!heldBefore.has(c.callSid) || !onHold(s, c.callSid) || !m[c.callSid]) continue;
      const rate = m[c.callSid].energy;
      const x = w[which];
      x.energy += rate * ms / 1000; x.seconds += ms / 1000; x.max = Math.max(x.max, rate);
      if (rate >= SILENT) x.loud.push({ step: steps, after: lastAction, rate, live: live.length });
    }
  };
  const t0 = Date.now();
  try {
    await s.desktop.evaluate(() => { __bench.overlapMs = 0; __bench.overlaps = 0; __bench.samples = 0; __bench.maxGapMs = 0; });
    while (steps < STEPS) {
      let action;
      if (live.length < 2) action = 'accept';
      else {
        const r = rand();
        action = r < 0.25 && live.length < 4 ? 'accept' : r < 0.5 ? 'select' : r < 0.8 ? 'unhold' : 'hangup';
        if (action === 'hangup' && live.length <= 2 && rand() < 0.5) action = 'select';
      }
      if (action === 'accept') {
        const c = await transferred(s, `+15550${mode === 'standby' ? 4 : 5}${String(++n).padStart(3, '0')}`);
        live.push(c);
      } else if (action === 'select') {
        const c = live[Math.floor(rand() * live.length)];
        const sel = await s.desktop.evaluate(() => desktop.selected());
        if (sel === c.reservationSid) continue;
        await click(s, c.reservationSid, 'select');
        await until(() => s.desktop.evaluate(() => desktop.selected()).then((x) => x === c.reservationSid), { what: 'selected' });
      } else if (action === 'unhold') {
        const held = live.filter((c) => onHold(s, c.callSid));
        if (!held.length) continue;
        const c = held[Math.floor(rand() * held.length)];
        await click(s, c.reservationSid, 'unhold');
        await until(() => !onHold(s, c.callSid), { what: 'un-held' });
      } else {
        const i = Math.floor(rand() * live.length);
        const [c] = live.splice(i, 1);
        if (rand() < 0.5) await s.customer.evaluate((sid) => customerPanel.hangup(sid), c.callSid);
        else {
          // The agent hangs up: select the task, then the hang-up button (acts on Flex's active call).
          if ((await s.desktop.evaluate(() => desktop.selected())) !== c.reservationSid) await click(s, c.reservationSid, 'select');
          await until(async () => (await s.desktop.evaluate(() => desktop.activeCall())) === c.leg, { what: 'active call follows the selection' });
          await s.desktop.click('#hangup');
        }
        await until(() => s.gateway.world.calls.get(c.callSid).status === 'completed', { what: 'call ended' });
      }
      counts[action]++;
      lastAction = action;
      steps++;
      await settle(150);
      await measureHeld('tail', 350);
      await measureHeld('steady', 400);
      if (steps % 20 === 0) console.error(`# calls: ${mode} crosstalk step ${steps}/${STEPS} (${live.length} calls)`);
    }
    const b = await s.desktop.evaluate(() => ({ overlapMs: __bench.overlapMs, overlaps: __bench.overlaps, samples: __bench.samples, maxGapMs: __bench.maxGapMs }));
    const secs = (Date.now() - t0) / 1000;
    return { steps, counts, seconds: secs, ...b, sampleRateHz: b.samples / secs, held: w,
      pass: b.overlapMs === 0 && w.steady.max < SILENT, passTail: w.tail.max < SILENT };
  } finally {
    await s.close();
  }
}

// ---------------------------------------------------------------- main

const result = { rounds: ROUNDS, stepsWanted: STEPS, firstAudioThreshold: FIRST_AUDIO, latency: {}, crosstalk: {}, raw: {} };
for (const mode of MODES) {
  console.error(`# calls: ${mode}: latency (${ROUNDS} rounds)`);
  const l = await latency(mode);
  result.raw[mode] = l;
  const marks = (list) => {
    const keys = Object.keys(list[0]?.marks || {});
    return Object.fromEntries(keys.map((k) => [k, stats(list.map((x) => x.marks[k]).filter((v) => v !== null)).median ?? null]));
  };
  result.latency[mode] = {
    first: stats(l.first.map((x) => x.total)), second: stats(l.second.map((x) => x.total)),
    firstMarks: marks(l.first), secondMarks: marks(l.second),
    standbyReady: stats(l.standbyReady || []), standbyCreateToRegistered: stats(l.standbyCreateToRegistered || []), deviceConstructMs: stats(l.deviceConstructMs || []),
  };
}
for (const mode of MODES) {
  console.error(`# calls: ${mode}: crosstalk (${STEPS} steps)`);
  try {
    result.crosstalk[mode] = await crosstalk(mode);
  } catch (e) {
    console.error(`# calls: ${mode} crosstalk failed: ${e.stack || e}`);
    result.crosstalkErrors = { ...(result.crosstalkErrors || {}), [mode]: String(e.message || e).split('\n')[0] };
  }
}
result.markdown = markdown(result);
await save('calls', result);
process.exit(0);

function markdown(r) {
  const ms = (n) => (n === null || n === undefined ? '–' : `${Math.round(n)} ms`);
  const L = [];
  L.push('### 5. Second-call latency', '');
  L.push(`From the click on **Accept** (a capture listener in the desktop page) to the **first audio from that customer at the agent**: the`,
    `first Voice SDK \`volume\` event of that call whose output level exceeds ${r.firstAudioThreshold} (the fake microphone plays speech-like syllables`,
    'with 40–160 ms pauses, so the figure can include up to one pause). Each round: a call transferred to the idle agent (first call),',
    'then a second call transferred to her while she is on the first; both hung up. Both calls are transfers, so they differ only in',
    `the agent being busy. ${r.rounds} rounds per mode; medians. Times from the desktop page (\`performance.timeOrigin + now()\`,`,
    'instrumenting the SDK\'s Device and Call and `RTCPeerConnection`) and the gateway\'s frame log (`Date.now()`, same clock).', '');
  const modes = Object.keys(r.latency);
  L.push(`| | ${modes.map((m) => `${m}: first call | ${m}: second call`).join(' | ')} |`, `| --- | ${modes.map(() => '---: | ---:').join(' | ')} |`);
  L.push(`| **click → first audio (median)** | ${modes.map((m) => `**${ms(r.latency[m].first.median)}** | **${ms(r.latency[m].second.median)}**`).join(' | ')} |`);
  L.push(`| min – max | ${modes.map((m) => `${ms(r.latency[m].first.min)} – ${ms(r.latency[m].first.max)} | ${ms(r.latency[m].second.min)} – ${ms(r.latency[m].second.max)}`).join(' | ')} |`);
  const keys = Object.keys(r.latency[modes[0]].secondMarks);
  for (const k of keys) L.push(`| ${k} | ${modes.map((m) => `${ms(r.latency[m].firstMarks[k])} | ${ms(r.latency[m].secondMarks[k])}`).join(' | ')} |`);
  L.push('', 'Rows after the first two are the median time of each mark after the click ("–": did not happen on that path).',
    'Where the time goes: Flex accepting the reservation (multi-call\'s holds of the other calls go out at the same time; no Flex',
    'action waits for them), the gateway ringing the agent\'s Device, the SDK answering (getUserMedia, peer connection, ICE on',
    'loopback), then the first voiced syllable. Off the critical path:');
  for (const m of modes) {
    const l = r.latency[m];
    if (l.standbyCreateToRegistered.n) L.push(`- ${m}: a standby Device takes ${ms(l.standbyCreateToRegistered.median)} (median of ${l.standbyCreateToRegistered.n}) from construction to \`registered\`; it is made when the first call opens, so a transfer arriving earlier than that would not ring (the rounds wait for it).`);
    if (l.deviceConstructMs.n) L.push(`- ${m}: constructing an extra Device (\`new Device(token, options)\`) takes ${ms(l.deviceConstructMs.median)} (median of ${l.deviceConstructMs.n}).`);
  }
  const f = r.latency.forward;
  const RANG = 'incoming on a Device';
  const CONNECT = 'call.accept() / device.connect()';
  const PC = 'peer connection created';
  const ICE = 'ICE checking';
  if (f && [RANG, CONNECT, PC, ICE].every((k) => k in f.secondMarks)) {
    const gap = (marks, a, b) => (marks[a] === null || marks[b] === null ? null : marks[b] - marks[a]);
    L.push('', 'Where a forwarded second call loses time against a first call (medians of the marks above):',
      `- from ringing on Flex's Device to \`connect()\` on the spare Device made ahead (its audio applied long before): ${ms(gap(f.secondMarks, RANG, CONNECT))}, against ${ms(gap(f.firstMarks, RANG, CONNECT))} to \`accept()\` for a first call (the forward "new Device created" mark is the next spare, made once this call opens);`,
      `- \`connect()\` to a peer connection: ${ms(gap(f.secondMarks, CONNECT, PC))}, against ${ms(gap(f.firstMarks, CONNECT, PC))} from \`accept()\` for a first call (the Device opens its own signalling socket first);`,
      `- peer connection to ICE checking: ${ms(gap(f.secondMarks, PC, ICE))}, against ${ms(gap(f.firstMarks, PC, ICE))} (the takeover's new offer goes through the local Twilio to the customer's page, the sandbox's stand-in for Twilio's media server, for a fresh answer; it answers with its UDP candidates at once, as Twilio's ICE-lite servers do, so this is one more signalling round trip on loopback).`);
  }
  L.push('', '### 4. Crosstalk', '');
  L.push('Scripted, seeded random steps over 2–4 calls per mode: accept a transferred call (at most 4), select a task, un-hold a held',
    'call, hang up (half by the customer, half by the agent via select + the hang-up button). The desktop page counts, every 4 ms',
    '(`setInterval`) and every animation frame, the open calls whose local microphone track (`call.getLocalStream().getAudioTracks()[0]`)',
    'is enabled and live and whose `isMuted()` is false; time with two or more such calls adds up as **overlap** (resolution: the gap',
    'between samples). After each step and a 150 ms settle, the customer panel measures received energy (mean square of the decoded stream, Web Audio) per customer',
    `over two windows, 0.15–0.5 s and 0.5–0.9 s after the step; energy counted only for customers held through the whole window. Silence: below ${SILENT}/s (the e2e tests' threshold; speech is ≈ 1e-2/s).`, '');
  L.push('| mode | steps (accept / select / un-hold / hang-up) | two mics open at once | sampling | held customers, 0.5–0.9 s after each step | held customers, 0.15–0.5 s after each step | result |', '| --- | --- | ---: | --- | --- | --- | --- |');
  const en = (x) => `max ${x.max.toExponential(1)}/s, total ${x.energy.toExponential(1)} over ${x.seconds.toFixed(0)} customer-s; ${x.loud.length} windows ≥ ${SILENT}/s`;
  for (const [m, e] of Object.entries(r.crosstalkErrors || {})) L.push(`| ${m} | not measured: the run failed (${e.replace(/\|/g, '/')}) | | | | | |`);
  for (const [m, x] of Object.entries(r.crosstalk)) {
    L.push(`| ${m} | ${x.steps} (${x.counts.accept} / ${x.counts.select} / ${x.counts.unhold} / ${x.counts.hangup}) in ${Math.round(x.seconds)} s | **${x.overlapMs.toFixed(1)} ms** (${x.overlaps} episodes) | ${Math.round(x.sampleRateHz)} Hz, longest gap ${Math.round(x.maxGapMs)} ms | ${en(x.held.steady)} | ${en(x.held.tail)} | ${x.pass ? 'PASS' : 'FAIL'}${x.passTail ? '' : ' (tail: not silent)'} |`);
  }
  L.push('', 'Budget: 0 ms with two open microphones, and silence at held customers. The verdict uses the overlap and the 0.5–0.9 s window;',
    'the 0.15–0.5 s window is shown apart because it can still carry what the agent said *before* the switch (audio in flight and in the',
    'customer\'s jitter buffer), which is not crosstalk. Windows ≥ the threshold, with the step that preceded them, are in `target/bench/calls.json`.');
  return L;
}

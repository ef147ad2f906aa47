// The customer panel: the far ends. One RTCPeerConnection per leg (the agent's
// leg, and a supervisor's monitor leg), fed by a clone of the fake microphone.
// A held customer stops sending (is not heard); what each customer receives
// from the agent is measured as audio energy of the decoded stream (Web Audio),
// whether or not the customer's speaker plays it (a held customer hears silence).
import { connectControl, gathered, h } from './control.js';

const legs = new Map();   // leg CallSid → { pc, kind, customerCallSid, track, audio, stats }
let calls = [];
let legViews = [];
let mic;

// The far ends speak from the sandbox's speech-like recording, never from
// this computer's microphone; `?mic=device` uses the browser's capture device
// instead (the tests' Chromium feeds it a file).
const useDevice = new URLSearchParams(location.search).get('mic') === 'device';
// `?cn=off`: the far ends leave comfort noise (RFC 3389, `CN`) out of their
// offers and answers. Chromium offers it, and with it negotiated beside PCMU
// a muted or silent agent sends a comfort-noise frame every ~100 ms instead
// of 50 voice packets a second; whether Twilio's media servers negotiate it
// is not known, so the switching benchmark measures both.
const noComfortNoise = new URLSearchParams(location.search).get('cn') === 'off';
const audioCtx = new AudioContext();
// Browsers start audio only after a gesture: the panel's buttons are one.
document.addEventListener('pointerdown', () => audioCtx.resume());

async function fakeMic() {
  const data = await (await fetch('/sounds/speech.wav')).arrayBuffer();
  const source = audioCtx.createBufferSource();
  source.buffer = await audioCtx.decodeAudioData(data);
  source.loop = true;
  const out = audioCtx.createMediaStreamDestination();
  source.connect(out);
  source.start();
  return out.stream;
}

async function micTrack() {
  mic ||= useDevice
    ? await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } })
    : await fakeMic();
  return mic.getAudioTracks()[0].clone();
}

/** Everything a leg holds goes: a page keeps every peer connection it has
 * not let go of, and Chromium refuses new ones past a few hundred (a long
 * run's customers then stop ringing anyone). */
function release(leg) {
  leg.pc.close();
  leg.track.stop();
  leg.meter?.stop();
  if (leg.audio) { leg.audio.pause(); leg.audio.srcObject = null; }
  leg.ended = true;
}

async function newPeer(callSid, kind, customerCallSid) {
  const old = legs.get(callSid);
  if (old) release(old);
  const pc = new RTCPeerConnection({ iceServers: [] });
  const track = await micTrack();
  pc.addTrack(track, new MediaStream([track]));
  if (noComfortNoise) {
    const codecs = RTCRtpReceiver.getCapabilities('audio').codecs.filter((c) => c.mimeType.toLowerCase() !== 'audio/cn');
    pc.getTransceivers()[0].setCodecPreferences(codecs);
  }
  const leg = { pc, kind, customerCallSid, track, audio: null, samples: [] };
  pc.addEventListener('track', (ev) => {
    const stream = ev.streams[0] || new MediaStream([ev.track]);
    // Chromium feeds a remote stream to Web Audio only while a media element
    // plays it; the element is also what the customer hears (muted on hold).
    leg.audio = new Audio();
    leg.audio.srcObject = stream;
    leg.audio.play().catch(() => {});
    leg.meter?.stop();
    leg.meter = energyMeter(stream);
    applyHold();
  });
  legs.set(callSid, leg);
  applyHold();
  return leg;
}

const control = connectControl('customer', async (msg) => {
  switch (msg.type) {
    case 'calls': calls = msg.calls; legViews = msg.legs; applyHold(); render(); return undefined;
    case 'leg.offer': {
      const { pc } = await newPeer(msg.callSid, msg.kind, msg.customerCallSid);
      await pc.setLocalDescription(await pc.createOffer());
      return { sdp: await gathered(pc) };
    }
    case 'leg.answer':
      await legs.get(msg.callSid)?.pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
      return undefined;
    case 'leg.reoffer': {
      // connect({connectToken}) on another Device: a new peer takes the leg over.
      const old = legs.get(msg.callSid);
      const { pc } = await newPeer(msg.callSid, old?.kind || 'agent', old?.customerCallSid);
      await pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      return { sdp: await gathered(pc) };
    }
    case 'leg.end': {
      const leg = legs.get(msg.callSid);
      if (leg) { release(leg); legs.delete(msg.callSid); }
      return undefined;
    }
    default: return undefined;
  }
});

/** A held customer is not heard (its microphone stops reaching every leg)
 * and hears silence, as in a Twilio conference. What reaches it from the
 * agent is still measured: that is what the agent's own mute decides. */
function applyHold() {
  for (const leg of legs.values()) {
    const held = !!calls.find((c) => c.sid === leg.customerCallSid)?.onHold;
    leg.track.enabled = !held;
    // A supervisor's monitor leg is never played to the customer.
    if (leg.audio) leg.audio.muted = held || leg.kind === 'monitor';
  }
}

/** Integrates the mean square of a decoded stream's samples over time
 * (energy per second, as getStats' totalAudioEnergy counts it), every 20 ms.
 * Unlike getStats it does not depend on the element's mute or volume. */
function energyMeter(stream) {
  const analyser = audioCtx.createAnalyser();
  analyser.fftSize = 1024;
  const source = audioCtx.createMediaStreamSource(stream);
  source.connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  const m = { energy: 0, last: performance.now() };
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const x of buf) sum += x * x;
    const now = performance.now();
    m.energy += (sum / buf.length) * ((now - m.last) / 1000);
    m.last = now;
  }, 20);
  m.stop = () => { clearInterval(timer); source.disconnect(); };
  return m;
}

// ── measurement ───────────────────────────────────────────────────────────

async function legStats(leg) {
  let bytes = 0, sent = 0;
  if (leg.pc.connectionState !== 'closed') {
    (await leg.pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') bytes += s.bytesReceived || 0;
      if (s.type === 'outbound-rtp' && s.kind === 'audio') sent += s.bytesSent || 0;
    });
  }
  // Energy from the Web Audio meter (see energyMeter); bytes from getStats.
  return { t: performance.now(), energy: leg.meter ? leg.meter.energy : 0, bytes, sent };
}

/** Per customer call: what the customer receives from the agent (agent legs only). */
async function totals() {
  const out = {};
  for (const [callSid, leg] of legs) {
    if (leg.kind !== 'agent' || leg.ended) continue;
    const s = await legStats(leg);
    const prev = out[leg.customerCallSid];
    out[leg.customerCallSid] = prev ? { ...s, energy: prev.energy + s.energy, bytes: prev.bytes + s.bytes, sent: prev.sent + s.sent } : { ...s, leg: callSid };
  }
  return out;
}

/** Received energy per second over the next `ms`, per customer call (tests call this). */
async function measure(ms = 1500) {
  const a = await totals();
  await new Promise((r) => setTimeout(r, ms));
  const b = await totals();
  const rate = {};
  for (const [sid, end] of Object.entries(b)) {
    const start = a[sid] && a[sid].leg === end.leg ? a[sid] : { energy: 0, bytes: 0, sent: 0, t: end.t - ms };
    const secs = (end.t - start.t) / 1000;
    rate[sid] = { energy: (end.energy - start.energy) / secs, bytesIn: (end.bytes - start.bytes) / secs, bytesOut: (end.sent - start.sent) / secs };
  }
  return rate;
}

/** Samples what each customer has received, every ~20 ms, until `stop` (tests: ordering by audio). */
let recording = null;
function record() {
  const samples = [];
  recording = samples;
  (async () => {
    while (recording === samples) {
      samples.push(await totals());
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
}
function stopRecording() {
  const samples = recording || [];
  recording = null;
  return samples;
}

// ── UI ────────────────────────────────────────────────────────────────────

let levels = {};
async function tick() {
  levels = await measure(500).catch(() => ({}));
  render();
  setTimeout(tick, 0);
}

/** Received energy per second as a meter width: speech at the agent is ~1e-2..1e-1, silence ~0. */
const meterPct = (value) => Math.max(0, Math.min(100, (Math.log10(Math.max(value, 1e-6)) + 6) / 5 * 100));

// The list is rebuilt only when the calls change; the meters tick in place.
// Rebuilding it on every tick would replace a button between mouse-down and
// mouse-up, and the click would be lost.
let shown = '';
function render() {
  const list = document.getElementById('calls');
  const key = JSON.stringify(calls.map((c) => [c.sid, c.status, c.onHold, c.worker]));
  if (key !== shown) {
    shown = key;
    list.replaceChildren(...(calls.length ? calls.slice().reverse().map((c) => {
      const live = c.status !== 'completed';
      return h('li', { class: `call ${live ? '' : 'ended'} ${c.onHold ? 'held' : ''}`, 'data-call': c.sid },
        h('div', { class: 'who' }, h('strong', {}, c.from), h('span', { class: 'muted' }, live ? (c.worker ? ` with ${c.worker}` : ' waiting for an agent') : ' ended')),
        h('div', { class: 'badges' }, c.onHold && live ? h('span', { class: 'badge hold' }, 'on hold (not heard)') : null),
        live ? h('div', { class: 'level' }, h('span', { class: 'muted' }, 'hears the agent'), h('span', { class: 'meter' }, h('span', {})), h('span', { class: 'num' }, '')) : null,
        live ? h('div', { class: 'actions' },
          c.worker.startsWith('Bob') ? h('button', { onclick: () => control.request({ type: 'call.transfer', callSid: c.sid }), 'data-action': 'transfer' }, 'Bob transfers to Alice') : null,
          h('button', { class: 'danger', onclick: () => control.request({ type: 'call.hangup', callSid: c.sid }), 'data-action': 'hangup' }, 'Hang up')) : null);
    }) : [h('li', { class: 'empty' }, 'No calls yet.')]));
  }
  for (const li of list.querySelectorAll('li[data-call]')) {
    const lv = levels[li.dataset.call] || { energy: 0, bytesIn: 0 };
    const bar = li.querySelector('.meter > span');
    if (!bar) continue;
    bar.style.width = `${meterPct(lv.energy)}%`;
    bar.parentElement.title = lv.energy.toExponential(2);
    li.querySelector('.num').textContent = `${Math.round(lv.bytesIn)} B/s`;
  }
}

let n = 0;
const caller = () => document.getElementById('from').value.trim() || `+1555010${++n}`;
document.getElementById('call-alice').addEventListener('click', () => control.request({ type: 'call.place', from: caller(), worker: 'alice' }));
document.getElementById('call-bob').addEventListener('click', () => control.request({ type: 'call.place', from: caller(), worker: 'bob' }));
document.getElementById('chat').addEventListener('click', () => control.request({ type: 'chat.start', from: caller() }));

/**
 * For benchmarks: watches every customer's received level every 10 ms from
 * now, and returns when customer call `target` first heard the agent (a
 * 20 ms window above `audible`) and when each of `others` last did (above
 * `silent`), as epoch ms (performance.timeOrigin + now()); it stops once the
 * target is heard and the others have been quiet for `quietMs`, or after `timeoutMs`.
 */
async function watchSwitch({ target, others = [], audible, silent, quietMs = 600, timeoutMs = 6000 }) {
  const epoch = (t) => performance.timeOrigin + t;
  const meters = () => {
    const out = {};
    for (const leg of legs.values()) {
      if (leg.kind === 'agent' && !leg.ended && leg.meter) out[leg.customerCallSid] = { e: leg.meter.energy, t: leg.meter.last, held: !leg.audio || leg.audio.muted };
    }
    return out;
  };
  const start = epoch(performance.now());
  const prev = meters();
  const lastLoud = Object.fromEntries(others.map((o) => [o, null]));
  let heardAt = null;
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    await new Promise((r) => setTimeout(r, 10));
    for (const [sid, m] of Object.entries(meters())) {
      const p = prev[sid];
      prev[sid] = m;
      if (!p || m.t <= p.t) continue;
      const rate = m.held ? 0 : (m.e - p.e) / ((m.t - p.t) / 1000);
      if (sid === target && heardAt === null && rate > audible) heardAt = epoch(m.t);
      if (sid in lastLoud && rate > silent) lastLoud[sid] = epoch(m.t);
    }
    const settled = Math.max(heardAt ?? Infinity, ...Object.values(lastLoud).map((x) => x ?? start));
    if (epoch(performance.now()) - settled > quietMs) break;
  }
  return { start, heardAt, lastLoud };
}

/** For tests: the same operations as the buttons, plus measurement. */
window.customerPanel = {
  place: (from, worker = 'alice') => control.request({ type: 'call.place', from, worker }),
  transfer: (callSid) => control.request({ type: 'call.transfer', callSid }),
  hangup: (callSid) => control.request({ type: 'call.hangup', callSid }),
  chat: (from) => control.request({ type: 'chat.start', from }),
  calls: () => calls,
  legs: () => legViews,
  measure,
  watchSwitch,
  record,
  stopRecording,
  /** Whether customer call `sid` hears the agent and is heard (its agent leg). */
  hearing: (sid) => {
    const leg = [...legs.values()].find((l) => l.customerCallSid === sid && l.kind === 'agent' && !l.ended);
    return leg ? { hears: !!leg.audio && !leg.audio.muted, heard: leg.track.enabled } : null;
  },
};
render();
tick();

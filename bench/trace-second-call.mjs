// The timeline of a first and a second call in the real Flex UI, click by
// click: marks in the Flex page (Flex's accept actions, the SDK's Device
// events and connect(), getUserMedia, each peer connection's steps, the first
// audible 'volume' event) merged with the local Twilio's frame log (signalling
// and requests), both as epoch ms on one machine. How benchmark 9's "where the
// time goes" was found.
//   node bench/trace-second-call.mjs [standby|forward] [ms per request] [rounds]
import { openFlex, accept, transferToAlice, endCall } from '../tests/real-flex/harness.mjs';
import { FIRST_AUDIO } from './second-call-real.mjs';
const mode = process.argv[2] || 'forward';
const latencyMs = +(process.argv[3] || 0);
const rounds = +(process.argv[4] || 2);
/** Installed in the Flex page: `window.marks`, [epoch ms, what] pairs; `threshold`: benchmark 9's first-audio level. */
function marks(threshold) {
  const now = () => performance.timeOrigin + performance.now();
  const L = window.marks = [];
  const m = (what) => L.push([now(), what]);
  /** Marks a call's events and its first output above `threshold` (HEARD). */
  const watch = (c, label, events) => {
    const sid = () => c.parameters.CallSid;
    for (const e of events) c.once(e, () => m(`${label} ${sid()} ${e}`));
    let heard = false;
    c.on('volume', (i, o) => { if (o > threshold && !heard) { heard = true; m(`${label} ${sid()} HEARD`); } });
  };
  document.addEventListener('click', (e) => { if (e.target.closest && e.target.closest('[data-testid="accept-task"]')) m('CLICK accept'); }, true);
  const F = window.Twilio.Flex;
  F.Actions.addListener('beforeAcceptTask', () => m('beforeAcceptTask'));
  F.Actions.addListener('afterAcceptTask', () => m('afterAcceptTask'));
  const Device = Object.getPrototypeOf(F.Manager.getInstance().voiceClient).constructor;
  const devs = [];
  const di = (d) => { let i = devs.indexOf(d); if (i < 0) i = devs.push(d) - 1; return i; };
  const emit = Device.prototype.emit;
  Device.prototype.emit = function (ev, ...a) {
    if (ev !== 'tokenWillExpire') m(`D${di(this)} emit ${ev}${ev === 'incoming' ? ' ' + a[0].parameters.CallSid : ''}`);
    if (ev === 'incoming') watch(a[0], 'call', ['accept', 'ringing', 'sample']);
    return emit.call(this, ev, ...a);
  };
  const connect = Device.prototype.connect;
  Device.prototype.connect = async function (...a) {
    m(`D${di(this)} connect() called`);
    const c = await connect.apply(this, a);
    m(`D${di(this)} connect() resolved`);
    watch(c, 'conn call', ['accept', 'ringing']);
    return c;
  };
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => { m('gUM called'); const s = await gum(c); m('gUM resolved'); return s; };
  const en = navigator.mediaDevices.enumerateDevices.bind(navigator.mediaDevices);
  navigator.mediaDevices.enumerateDevices = async () => { m('enumerateDevices called'); const s = await en(); m('enumerateDevices resolved'); return s; };
  const PC = window.RTCPeerConnection;
  let pcn = 0;
  window.RTCPeerConnection = function (...a) {
    const pc = new PC(...a); const n = pcn++; m(`PC${n} new`);
    pc.addEventListener('iceconnectionstatechange', () => m(`PC${n} ice ${pc.iceConnectionState}`));
    pc.addEventListener('connectionstatechange', () => m(`PC${n} conn ${pc.connectionState}`));
    for (const f of ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription']) {
      const o = pc[f].bind(pc); pc[f] = async (...x) => { m(`PC${n} ${f}`); const r = await o(...x); m(`PC${n} ${f} done`); return r; };
    }
    return pc;
  };
  window.RTCPeerConnection.prototype = PC.prototype;
}
const s = await openFlex({ mode, latencyMs });
await s.flex.evaluate(marks, FIRST_AUDIO);
const frames0 = () => s.gateway.frames.length;
/** A call transferred to Alice, accepted with Flex's button; prints its timeline from the click. */
async function take(from) {
  await s.flex.evaluate(() => { window.marks.length = 0; });
  const f0 = frames0();
  const c = await accept(s, await transferToAlice(s, from));
  await new Promise((r) => setTimeout(r, 1200));
  const pm = await s.flex.evaluate(() => window.marks);
  const click = pm.find(([, w]) => w === 'CLICK accept')?.[0] ?? pm[0][0];
  const gf = s.gateway.frames.slice(f0).filter((f) => f.t >= click - 50).map((f) => [f.t, f.ch === 'http'
    ? `    local Twilio: ${f.method} ${f.url.slice(0, 100)}`
    : `    local Twilio: ${f.ch} ${f.dir || ''} ${f.session ? `session ${f.session}` : ''} ${f.type || ''} ${f.payload?.callsid || ''} ${f.warn || f.error || f.note || ''}`]);
  const all = [...pm, ...gf].sort((a, b) => a[0] - b[0]).filter(([t]) => t < click + 2000);
  console.log(`\n=== ${from} (leg ${c.leg}) ===`);
  for (const [t, w] of all) console.log(`${(t - click).toFixed(1).padStart(8)}  ${w}`);
  return c;
}
for (let r = 0; r < rounds; r++) {
  const a = await take(`First ${r + 1}`);
  await new Promise((res) => setTimeout(res, 1500));
  const b = await take(`Second ${r + 1}`);
  await endCall(s, b); await endCall(s, a);
  await new Promise((res) => setTimeout(res, 1000));
}
await s.close();

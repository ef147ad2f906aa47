// Shared set-up for the tests inside the real Flex UI: the local Twilio on an
// ephemeral port, headless Chromium with fake media and a resolver guard (no
// name but 127.0.0.1 resolves, so a stray request fails and is recorded),
// the customer panel, and Flex's agent desktop loaded exactly as a person
// opens it. Helpers read Flex's own state (its Redux store, its Devices and
// calls) and the local Twilio's; audio is measured at the far ends.
import { mkdtempSync, writeFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startSandbox } from '../../sandbox/server.mjs';
import { speechWav } from '../../sandbox/sounds.mjs';
import { until as baseUntil, screenshot } from '../e2e/harness.mjs';
import { AUDIBLE, SILENT } from '../e2e/desk.mjs';

export { screenshot, AUDIBLE, SILENT };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Poll `fn` until it returns a truthy value (real Flex gets 20 s by default: its SDKs take longer to settle). */
export const until = (fn, opts = {}) => baseUntil(fn, { timeout: 20000, ...opts });

/**
 * Installed in the Flex page once Flex is up: records every Call on every
 * Device built from Flex's Device class (Flex's own and multi-call's extra
 * ones), so tests can read which Device carries a call and whether it is muted.
 * It holds Devices and ended Calls only weakly: a probe that kept them would
 * itself keep every call's peer connection (Chromium makes no more than 500
 * that are not collected) and show up in the memory benchmark's heap.
 */
function installProbe() {
  const manager = window.Twilio.Flex.Manager.getInstance();
  const Device = Object.getPrototypeOf(manager.voiceClient).constructor;
  const devices = []; // WeakRefs, by index
  const calls = []; // { call (while not ended) | ref, callSid, device, muted }
  const events = [];
  const deviceIndex = (d) => {
    const i = devices.findIndex((r) => r.deref() === d);
    return i >= 0 ? i : devices.push(new WeakRef(d)) - 1;
  };
  const track = (call, device) => {
    if (calls.some((c) => (c.call || c.ref.deref()) === call)) return;
    const entry = { call, device: deviceIndex(device), callSid: call.parameters && call.parameters.CallSid, muted: false };
    calls.push(entry);
    const sid = () => call.parameters && call.parameters.CallSid;
    for (const ev of ['accept', 'disconnect', 'cancel', 'reject', 'mute', 'reconnecting', 'reconnected']) {
      call.on(ev, (x) => {
        events.push({ t: performance.now(), ev, callSid: sid(), device: entry.device, muted: ev === 'mute' ? !!x : undefined });
        if (events.length > 5000) events.splice(0, 1000);
        entry.callSid = sid();
        entry.muted = call.isMuted();
        if (ev === 'disconnect' || ev === 'cancel' || ev === 'reject') {
          entry.ref = new WeakRef(call);
          entry.call = undefined;
        }
      });
    }
  };
  const emit = Device.prototype.emit;
  Device.prototype.emit = function probeEmit(ev, ...args) {
    if (ev === 'incoming' && args[0]) track(args[0], this);
    return emit.call(this, ev, ...args);
  };
  const connect = Device.prototype.connect;
  Device.prototype.connect = async function probeConnect(...args) {
    const call = await connect.apply(this, args);
    track(call, this);
    return call;
  };
  // Flex hands out its Device through a Proxy: mark the object behind it to know it again.
  const isFlex = (d) => {
    const mark = {};
    if (manager.voiceClient) manager.voiceClient.probeMark = mark;
    return d.probeMark === mark;
  };
  const live = (entry) => entry.call || entry.ref.deref();
  window.probe = {
    calls: () => calls.map((entry) => {
      const call = live(entry);
      const device = devices[entry.device].deref();
      return call
        ? { callSid: call.parameters && call.parameters.CallSid, status: call.status(), muted: call.isMuted(), device: entry.device, flexDevice: !!device && isFlex(device) }
        : { callSid: entry.callSid, status: 'closed', muted: entry.muted, device: entry.device, flexDevice: !!device && isFlex(device) };
    }),
    /** A Device already garbage-collected reads as destroyed: nothing else could have let go of it. */
    devices: () => devices.map((r, i) => {
      const d = r.deref();
      return d ? { index: i, state: d.state, flex: isFlex(d) } : { index: i, state: 'destroyed', flex: false };
    }),
    /** How many of Device `index`'s sounds are the very objects Flex's Device plays (of how many it has). */
    sharedSounds: (index) => {
      const d = devices[index] && devices[index].deref();
      const own = manager.voiceClient._soundcache;
      const mine = d && d._soundcache ? [...d._soundcache] : [];
      return { shared: mine.filter(([name, sound]) => own.get(name) === sound).length, of: mine.length, flexHas: own.size };
    },
    /** The live Call object of a CallSid (for what the agent hears on it). */
    call: (sid) => calls.map(live).filter((c) => c && c.parameters && c.parameters.CallSid === sid).find((c) => c.status() !== 'closed'),
    events: () => events,
  };
}

/**
 * Installed before any script of the Flex page when `openFlex({ micGate: true })`:
 * the agent's voice is a steady tone that a test starts and stops
 * (`window.agentMic.speak(on)`), on every microphone stream the page asks for
 * (Flex's Device and each extra Device) at once. Chromium's fake capture plays
 * its file in a loop and cannot be started at a chosen moment, and speech
 * starts at a random point of a syllable; a tone is at full level from its
 * first sample. The microphone is still opened as the SDK asked (its device
 * handling stays real); the tone goes out in its place, through the Voice
 * SDK's own track, so the SDK's mute still applies after it.
 */
function micGate() {
  if (location.pathname.startsWith('/customer') || !navigator.mediaDevices) return;
  const md = navigator.mediaDevices;
  const getUserMedia = md.getUserMedia.bind(md);
  const gains = new Set();
  let open = true;
  let tone = null;
  md.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    if (!constraints || !constraints.audio) return stream;
    if (!tone) {
      const context = new AudioContext();
      tone = context.createOscillator();
      tone.type = 'square';
      tone.frequency.value = 300;
      tone.start();
    }
    const gain = tone.context.createGain();
    gain.gain.value = open ? 0.25 : 0;
    const out = tone.context.createMediaStreamDestination();
    tone.connect(gain).connect(out);
    gains.add(gain);
    const [track] = out.stream.getAudioTracks();
    // The SDK stops the track it was given when a call ends: close the microphone under it too.
    const stop = track.stop.bind(track);
    track.stop = () => { stop(); stream.getTracks().forEach((t) => t.stop()); gain.disconnect(); gains.delete(gain); };
    return out.stream;
  };
  let afterClick = false;
  // The page's next task after the click: Flex's and multi-call's listeners for what the click does have run.
  document.addEventListener('click', () => {
    if (afterClick) setTimeout(() => window.agentMic.speak(true), 0);
    afterClick = false;
  }, true);
  window.agentMic = {
    /** Whether the agent speaks (the tone plays) from now on, on every stream. */
    speak(on) { open = !!on; for (const g of gains) g.gain.value = open ? 0.25 : 0; },
    /** The agent starts speaking right after their next click (once the page has handled it). */
    speakAfterNextClick() { afterClick = true; },
  };
}

/** The Flex state the tests read: tasks, participants, the active call, notifications. */
function readFlex() {
  const Flex = window.Twilio.Flex;
  const manager = Flex.Manager.getInstance();
  const s = manager.store.getState().flex;
  const active = s.phone.activeCall;
  return {
    activity: s.worker.activity && s.worker.activity.name,
    selected: s.view.selectedTaskSid || null,
    activeCall: active ? active.parameters.CallSid : null,
    tasks: [...s.worker.tasks.values()].map((t) => ({
      sid: t.sid, taskSid: t.taskSid, status: t.status, channel: t.taskChannelUniqueName, from: t.attributes && t.attributes.from,
      participants: t.conference ? t.conference.participants.map((p) => ({ type: p.participantType, callSid: p.callSid, status: p.status, onHold: p.onHold, me: p.isCurrentWorker, worker: p.workerSid })) : null,
      // Flex offers a card's hold button only for a two-party call (liveParticipantCount 2).
      live: t.conference ? t.conference.liveParticipantCount : null,
    })),
    notifications: Flex.Notifications.activeNotifications.map((n) => n.id),
    degraded: Object.entries((Object.values(s).find((v) => v && v.degradeMap) || {}).degradeMap || {}).filter(([, v]) => v).map(([k]) => k),
    voice: manager.voiceClient && manager.voiceClient.state,
  };
}

/**
 * The local Twilio, Chromium, the customer panel and the real Flex desktop.
 * `initScripts` (Playwright's `{ path }` or `{ content }`) run in every page before its own scripts (the benchmarks' instruments).
 * `speechPauseMs` sets the fake microphone's pauses between syllables (the shortest and longest).
 * `comfortNoise: false` has the far ends leave comfort noise out of their SDP (`?cn=off` in sandbox/public/customer.js).
 * `micGate: true`: the agent's voice is a tone the test starts and stops (`window.agentMic`, see micGate).
 * @param {{mode?: string, latencyMs?: number, plugin?: boolean, initScripts?: object[], speechPauseMs?: number[], comfortNoise?: boolean, micGate?: boolean}} opts
 */
export async function openFlex(opts = {}) {
  const { speechPauseMs, comfortNoise = true, micGate: gate = false, ...sandboxOpts } = opts;
  const sandbox = await startSandbox({ port: 0, ...sandboxOpts });
  const dir = mkdtempSync(path.join(tmpdir(), 'mc-flex-'));
  const mic = path.join(dir, 'speech.wav');
  writeFileSync(mic, speechWav(8, 7, speechPauseMs ? { pauseMs: speechPauseMs } : {}));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-quic', '--disable-dev-shm-usage', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${mic}`, '--autoplay-policy=no-user-gesture-required',
      '--disable-features=WebRtcHideLocalIpsWithMdns', '--allow-loopback-in-peer-connection',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  const context = await browser.newContext({ serviceWorkers: 'allow', viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['microphone'], { origin: sandbox.url });
  if (gate) await context.addInitScript(micGate);
  for (const script of opts.initScripts || []) await context.addInitScript(script);
  // Every request and socket, and whether the Service Worker answered it (then it never reached the network).
  const requests = [];
  context.on('request', (r) => { if (!r.serviceWorker()) requests.push({ url: r.url(), request: r }); });
  context.on('page', (p) => p.on('websocket', (ws) => requests.push({ url: ws.url() })));
  const open = async (url, name) => {
    const page = await context.newPage();
    page.consoleLog = [];
    page.on('console', (m) => page.consoleLog.push(`[${name}] ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => page.consoleLog.push(`[${name}] pageerror: ${e.message}`));
    await page.goto(url);
    return page;
  };
  const customer = await open(`${sandbox.url}/customer${comfortNoise ? '' : '?cn=off'}`, 'customer');
  const flex = await open(`${sandbox.url}/?panel=0`, 'flex');
  const s = { sandbox, browser, context, customer, flex, gateway: sandbox.gateway, world: sandbox.gateway.world, requests };
  s.close = async () => { await browser.close(); await sandbox.close(); rmSync(dir, { recursive: true, force: true }); };
  s.state = () => flex.evaluate(readFlex);
  s.calls = () => flex.evaluate(() => window.probe.calls());
  s.console = () => [...flex.consoleLog, ...customer.consoleLog].join('\n');
  s.pluginLines = () => flex.consoleLog.filter((l) => l.includes('[multi-call]'));
  s.invoke = (name, payload) => flex.evaluate(([n, p]) => window.Twilio.Flex.Actions.invokeAction(n, p).then(() => 'ok', (e) => `rejected: ${e && e.message || e}`), [name, payload]);
  const ready = await until(() => flex.evaluate(() => window.sandbox && window.sandbox.state !== 'starting' && window.sandbox), { timeout: 90000, what: 'Flex to start' });
  if (ready.state !== 'ready') throw new Error(`Flex did not start: ${ready.error}\n${s.console()}`);
  await until(() => flex.evaluate(() => { const m = window.Twilio.Flex.Manager.getInstance(); return m.voiceClient && m.voiceClient.state === 'registered'; }),
    { timeout: 30000, what: "Flex's Device registered" });
  await flex.evaluate(installProbe);
  // The sandbox does not simulate Conversations, so Flex shows its "degraded"
  // banner for chat, over the top of the task list: close it, as a person
  // would, once it is up (and again before each click on a task card).
  s.closeBanner = () => flex.evaluate(() => window.Twilio.Flex.Notifications.dismissNotificationById('DegradedModeActive'));
  await until(async () => (await s.state()).degraded.includes('ConversationsClient'), { timeout: 20000, what: 'Conversations in degraded mode' }).catch(() => {});
  await s.closeBanner();
  return s;
}

/** The requests and sockets that went to the network other than 127.0.0.1 (a Service Worker answer does not). */
export async function offLoopback(requests) {
  const out = [];
  for (const { url, request } of requests) {
    let host;
    try { host = new URL(url).hostname; } catch { out.push(url); continue; }
    if (host === '127.0.0.1' || /^(data|blob):/.test(url)) continue;
    const response = request && await request.response().catch(() => null);
    if (!response || !response.fromServiceWorker()) out.push(url);
  }
  return out;
}


/** Refreshes a picture in docs/ when UPDATE_DOCS=1 (so a test run leaves the tree clean). */
export function copyToDocs(file, name) {
  if (process.env.UPDATE_DOCS === '1') copyFileSync(file, path.join(root, 'docs', name));
}

// ── what a person does ──────────────────────────────────────────────────

/** The World's task for a customer call offered to Alice (the newest). */
export const aliceTask = (s, callSid) => [...s.world.tasks.values()].filter((t) => t.attributes.call_sid === callSid && t.workerSid.startsWith('WKa')).at(-1);

/** Click Flex's own Accept button on Alice's reservation for this customer call, once Flex shows it; returns the World's task. */
export async function clickAccept(s, callSid) {
  const task = await until(() => aliceTask(s, callSid), { what: `a task for ${callSid}` });
  await until(async () => (await s.state()).tasks.some((t) => t.sid === task.reservationSid && t.status === 'pending'), { what: `reservation ${task.reservationSid} pending in Flex` });
  await s.closeBanner();
  await taskCard(s, task.attributes.from).locator('[data-testid="accept-task"]').click({ timeout: 10000 });
  return task;
}

/** Accept Alice's reservation for this customer call with Flex's own Accept button, and wait until her leg is answered. */
export async function accept(s, callSid) {
  const task = await clickAccept(s, callSid);
  const leg = await until(() => [...s.gateway.legs.values()].find((l) => l.customerCallSid === callSid && l.kind === 'agent' && l.state === 'answered'), { what: `the agent leg for ${callSid} answered` })
    .catch((e) => { throw new Error(`${e.message}\n${diagnose(s, callSid)}`); });
  await until(async () => (await s.calls()).some((c) => c.callSid === leg.callSid && c.status === 'open'), { what: `call ${leg.callSid} open in the page` });
  return { callSid, reservationSid: task.reservationSid, taskSid: task.sid, leg: leg.callSid };
}

/** The legs of a customer call, their signalling and the gateway's notes, and multi-call's last lines. */
export function diagnose(s, callSid) {
  const legs = [...s.gateway.legs.values()].filter((l) => l.customerCallSid === callSid);
  const sids = new Set(legs.map((l) => l.callSid));
  const frames = s.gateway.frames.filter((f) => f.ch === 'signal' && sids.has(f.payload?.callsid) || f.ch === 'gateway')
    .map((f) => `${f.t % 100000} ${f.ch} ${f.dir || ''} ${f.session || ''} ${f.type || ''} ${f.warn || f.error || f.note || ''}`);
  return [`legs: ${JSON.stringify(legs.map((l) => ({ callSid: l.callSid, state: l.state, invited: l.invited.size })))}`,
    `signalling sessions: ${JSON.stringify([...s.gateway.sessions].map((x) => ({ id: x.id, identity: x.identity, registered: x.registered })))}`,
    ...frames.slice(-20), ...s.pluginLines().slice(-12)].join('\n');
}

/** Flex's task list card of the task whose caller is `from`. */
export const taskCard = (s, from) => s.flex.locator('[data-testid="task-item"]').filter({ hasText: from });

/** A customer calls the queue; Alice accepts. */
export async function inbound(s, from) {
  const callSid = await s.customer.evaluate((f) => window.customerPanel.place(f, 'alice'), from);
  return accept(s, callSid);
}

/** A customer talks to Bob, who transfers the call to Alice; returns the customer's CallSid. */
export async function transferToAlice(s, from) {
  const callSid = await s.customer.evaluate((f) => window.customerPanel.place(f, 'bob'), from);
  await s.customer.evaluate((sid) => window.customerPanel.transfer(sid), callSid);
  return callSid;
}

/** Bob's customer is transferred to busy Alice, who clicks Accept: Flex shows its SecondVoiceCallIncoming prompt; returns the agent leg. */
export async function secondCallRings(s, from) {
  const callSid = await transferToAlice(s, from);
  await clickAccept(s, callSid);
  await until(async () => (await s.state()).notifications.includes('SecondVoiceCallIncoming'), { what: "Flex's SecondVoiceCallIncoming prompt" });
  return [...s.gateway.legs.values()].find((l) => l.customerCallSid === callSid && l.kind === 'agent');
}

/** A customer talks to Bob, who transfers the call to (busy) Alice; she accepts. */
export async function transferred(s, from) {
  return accept(s, await transferToAlice(s, from));
}

/** The customer of a call accepted by Alice hangs up; once Flex has it in wrap-up, the agent completes the task. */
export async function endCall(s, c) {
  await s.customer.evaluate((sid) => window.customerPanel.hangup(sid), c.callSid);
  await until(async () => (await s.state()).tasks.find((t) => t.sid === c.reservationSid)?.status === 'wrapping', { what: 'the call in wrap-up' });
  await s.invoke('CompleteTask', { sid: c.reservationSid });
  await until(async () => !(await s.state()).tasks.some((t) => t.sid === c.reservationSid), { what: 'the task gone' });
}

/** Energy each customer receives from the agent, per customer CallSid. */
export async function farEnds(s, ms = 1500) {
  const m = await s.customer.evaluate((t) => window.customerPanel.measure(t), ms);
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.energy]));
}

/**
 * Waits until the far ends' energies satisfy `ok`, measuring again while they
 * do not (audio sent before a switch may still be in flight, longer on a
 * loaded machine), and returns them; a timeout names the last figures.
 */
export async function farEndsWhen(s, ok, what, timeout = 15000) {
  let e;
  await until(async () => { e = await farEnds(s, 1200); return ok(e); }, { what, timeout })
    .catch((err) => { throw new Error(`${err.message}: ${JSON.stringify(e)}`); });
  return e;
}

/** The live (not closed) call in the page for an agent leg. */
export const callOf = async (s, leg) => (await s.calls()).filter((c) => c.callSid === leg).find((c) => c.status !== 'closed');
export const customerHeld = (s, callSid) => s.world.customerOnHold(s.world.calls.get(callSid));
/** Whether Flex shows the customer of this reservation as held (from participant.modified). */
export const flexShowsHeld = async (s, reservationSid) => (await s.state()).tasks.find((t) => t.sid === reservationSid)?.participants?.find((p) => p.type === 'customer')?.onHold;

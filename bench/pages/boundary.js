// Decision time through the wasm boundary, in the browser: the same wasm the
// bundle embeds (target/bindgen/multi_call_bg.wasm, after wasm-opt) with
// wasm-bindgen's glue, driven the way js-shim/index.js drives it: each event a
// plain `{ type, ...fields }` object handed to `Plugin.handle`, which returns
// the commands as an array of objects; the engine's timers are armed in the
// binding, which hands their `timerFired` events to the `wake` function given
// to `new Plugin(wake)`. Each sample is one `handle` call: the event read in
// wasm (js-sys), the engine's decision, the commands made into JS objects
// (serde-wasm-bindgen). A small simulated Flex page (a port of
// tests/common/mod.rs, standby mode) carries the commands out and feeds their
// consequences back, untimed, exactly as the native criterion benchmark
// (benches/decisions.rs) does.

// The page drives each revision through its own boundary, so `bench/run.mjs
// --before=REV` can time a revision from before b5b0fb4 in the same run:
// there, `handle` took the event as JSON text and returned JSON text (both
// timed, as that shim's `JSON.stringify` and `JSON.parse` were), the
// constructor took no `wake`, and timers came out as `startTimer` commands
// that the shim armed. The constructor's arity tells the two apart.
function open(Plugin, wake) {
  if (Plugin.length === 0) {
    const p = new Plugin();
    return (event) => JSON.parse(p.handle(JSON.stringify(event)));
  }
  const p = new Plugin(wake);
  return (event) => p.handle(event);
}

const FLEX = 0;
const MAX_LIVE = 10;

class Sim {
  constructor(Plugin) {
    this.tasks = new Map();
    this.calls = new Map(); // call sid -> { device, open, muted, task }
    this.devices = new Map(); // id -> registered
    this.selected = null;
    this.active = null;
    this.queue = [];
    this.seq = 0;
    this.probe = null;
    this.probed = null;
    this.handle = open(Plugin, (event) => this.send(this.ev('timerFired', event)));
    const out = this.handle({ type: 'start', feature: { enabled: true, mode: 'standby' },
      flexVersion: '2.17.1', sdkVersion: '2.11.1', deviceClass: true, allowIncomingWhileBusy: false });
    if (!out.some((c) => c.type === 'enable')) throw new Error('multi-call did not enable: ' + JSON.stringify(out));
  }

  // ----- events (each a kind and the event object, as the shim makes them)
  // `kind` names the event for the probe; `event` is what the shim would send.
  ev(kind, event) { return { kind, event }; }
  taskChanged(t) {
    // The shim passes plain copies of the participants (Flex's are getter-backed).
    const sid = t.sid, isCall = t.isCall, status = t.status;
    const parts = t.participants.map((p) => ({ callSid: p.callSid, workerSid: p.workerSid, participantType: p.participantType,
      status: p.status, isCurrentWorker: p.isCurrentWorker, onHold: p.onHold, sequenceNumber: p.sequenceNumber }));
    return this.ev('taskChanged', { type: 'taskChanged', sid, isCall, status, participants: parts });
  }

  send(e) {
    this.queue.push(e);
    while (this.queue.length) {
      const x = this.queue.shift();
      const timed = this.probed === null && this.probe === x.kind;
      const t0 = performance.now();
      const out = this.handle(x.event);
      const t1 = performance.now();
      if (timed) this.probed = t1 - t0;
      this.carryAll(out);
    }
  }

  carryAll(out) { for (const c of out || []) this.carry(c); }

  carry(c) {
    switch (c.type) {
      case 'createDevice':
        this.devices.set(c.device, false);
        if (c.register) { this.devices.set(c.device, true); this.queue.push(this.ev('deviceRegistered', { type: 'deviceRegistered', device: c.device })); }
        break;
      case 'destroyDevice': this.devices.delete(c.device); break;
      case 'startTimer': // a revision before b5b0fb4 only: its shim armed the timers
        setTimeout(() => this.send(this.ev('timerFired', { type: 'timerFired', timer: c.timer })), c.after_ms);
        break;
      case 'acceptCall': {
        const task = c.call.replace(/^CA-agent-/, '');
        this.calls.set(c.call, { device: c.device, open: true, muted: false, task });
        this.queue.push(this.ev('callAccepted', { type: 'callAccepted', device: c.device, call: c.call }));
        break;
      }
      case 'muteCall': {
        const call = this.calls.get(c.call);
        call.muted = c.muted;
        this.queue.push(this.ev('callMuted', { type: 'callMuted', device: call.device, call: c.call, muted: c.muted }));
        if (call.device === FLEX) { this.active = c.call; this.queue.push(this.ev('activeCallChanged', { type: 'activeCallChanged', call: c.call })); }
        break;
      }
      case 'holdParticipant': {
        const t = this.tasks.get(c.task);
        const p = t.participants.find((x) => x.callSid === c.target || x.workerSid === c.target);
        p.onHold = true;
        this.queue.push(this.taskChanged(t));
        this.queue.push(this.ev('holdSettled', { type: 'holdSettled', task: c.task, target: c.target }));
        break;
      }
      case 'setActiveCall': this.active = c.call; this.queue.push(this.ev('activeCallChanged', { type: 'activeCallChanged', call: c.call })); break;
      case 'clearActiveCall': this.active = null; this.queue.push(this.ev('activeCallChanged', { type: 'activeCallChanged' })); break;
      case 'forwardCall': case 'restoreFlexPrompt': throw new Error('unexpected in standby mode: ' + c.type);
      default: break; // log, notify, enable, cancel, updateToken, applyAudio
    }
  }

  participant(type, callSid, workerSid, me) {
    return { callSid, workerSid, participantType: type, status: 'joined', isCurrentWorker: me, onHold: false, sequenceNumber: ++this.seq };
  }

  // ----- what the agent and callers do (as tests/common/mod.rs)
  offer(sid) {
    const t = { sid, isCall: true, status: 'reserved', participants: [this.participant('customer', 'CA-cust-' + sid, undefined, false)] };
    this.tasks.set(sid, t);
    this.send(this.taskChanged(t));
  }
  addChat(sid) {
    const t = { sid, isCall: false, status: 'assigned', participants: [] };
    this.tasks.set(sid, t);
    this.send(this.taskChanged(t));
  }
  flexBusy() { for (const c of this.calls.values()) if (c.open && c.device === FLEX) return true; return false; }
  accept(sid) {
    this.send(this.ev('accepting', { type: 'acceptingTask', task: sid, isCall: true }));
    const t = this.tasks.get(sid);
    t.status = 'assigned';
    this.send(this.taskChanged(t));
    this.select(sid);
    const call = 'CA-agent-' + sid;
    if (!this.flexBusy()) {
      this.send(this.ev('callIncoming', { type: 'callIncoming', device: FLEX, call, busy: false }));
      this.calls.set(call, { device: FLEX, open: true, muted: false, task: sid });
      this.send(this.ev('callAccepted', { type: 'callAccepted', device: FLEX, call }));
      this.active = call;
      this.send(this.ev('activeCallChanged', { type: 'activeCallChanged', call }));
    } else {
      const idle = [...this.devices].filter(([d, reg]) => reg && ![...this.calls.values()].some((c) => c.open && c.device === d)).map(([d]) => d);
      for (const d of idle) this.send(this.ev('callIncoming', { type: 'callIncoming', device: d, call, busy: false }));
    }
    if (this.calls.get(call)?.open) {
      t.participants.push(this.participant('worker', call, 'WK-me', true));
      this.send(this.taskChanged(t));
    } else throw new Error('call of ' + sid + ' did not open');
  }
  select(sid) { this.selected = sid; this.send(this.ev('selected', { type: 'taskSelected', task: sid })); }
  unhold(sid) {
    this.send(this.ev('unholding', { type: 'unholding', task: sid }));
    const t = this.tasks.get(sid);
    for (const p of t.participants) p.onHold = false;
    this.send(this.taskChanged(t));
  }
  hangUp(call) {
    const c = this.calls.get(call);
    if (!c || !c.open) return;
    c.open = false;
    if (c.device === FLEX) { this.active = null; this.queue.push(this.ev('activeCallChanged', { type: 'activeCallChanged' })); }
    this.send(this.ev('callEnded', { type: 'callEnded', device: c.device, call }));
    const t = this.tasks.get(c.task);
    if (t) { t.status = 'wrapping'; for (const p of t.participants) p.status = 'left'; this.send(this.taskChanged(t)); }
  }
  remove(sid) {
    this.tasks.delete(sid);
    for (const [k, c] of this.calls) if (!c.open && c.task === sid) this.calls.delete(k);
    if (this.selected === sid) this.selected = null;
    this.send(this.ev('removed', { type: 'taskRemoved', task: sid }));
  }
}

/** The state of the native benchmark: min(N, 10) live calls, the rest chats and wrapping call tasks. */
function build(Plugin, n) {
  const s = new Sim(Plugin);
  const b = { s, live: [], next: 0, flip: false };
  b.sid = () => 'WR' + String(++b.next).padStart(5, '0');
  const live = Math.min(n, MAX_LIVE);
  for (let i = 0; i < n - live; i++) {
    const t = b.sid();
    if (i % 2 === 0) s.addChat(t); else { s.offer(t); s.accept(t); s.hangUp('CA-agent-' + t); }
  }
  for (let i = 0; i < live; i++) { const t = b.sid(); s.offer(t); s.accept(t); b.live.push(t); }
  if (s.tasks.size !== n) throw new Error(`expected ${n} tasks, have ${s.tasks.size}`);
  return b;
}

function pick(b) {
  b.flip = !b.flip;
  const n = b.live.length;
  return b.live[n >= 2 && b.flip ? n - 2 : n - 1];
}

function timed(b, probe, step) {
  b.s.probe = probe; b.s.probed = null;
  step();
  b.s.probe = null;
  if (b.s.probed === null) throw new Error('probe ' + probe + ' not sent');
  return b.s.probed;
}

const CYCLES = {
  select: (b) => { const t = pick(b); return timed(b, 'selected', () => b.s.select(t)); },
  unhold: (b) => { const t = pick(b); return timed(b, 'unholding', () => b.s.unhold(t)); },
  accept: (b) => turnover(b, 'accepting'),
  ended: (b) => turnover(b, 'callEnded'),
  // Not one of issue 4's four events, but the shim's most frequent call: a task
  // snapshot (participants copied across the boundary) after a store change.
  taskChanged: (b) => { const t = b.s.tasks.get(pick(b)); return timed(b, 'taskChanged', () => b.s.send(b.s.taskChanged(t))); },
};

function turnover(b, probe) {
  const t = b.sid();
  b.s.offer(t);
  b.s.probe = probe; b.s.probed = null;
  b.s.accept(t);
  b.live.push(t);
  const old = b.live.shift();
  b.s.hangUp('CA-agent-' + old);
  b.s.remove(old);
  b.s.probe = null;
  if (b.s.probed === null) throw new Error('probe ' + probe + ' not sent');
  return b.s.probed;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A revision's glue module with its wasm instantiated (once per module: the glue's init keeps its instance). */
async function load(glue, wasm) {
  const g = await import(glue);
  const bytes = new Uint8Array(await (await fetch(wasm, { cache: 'no-store' })).arrayBuffer());
  await g.default({ module_or_path: bytes });
  return g;
}

// Where the after-idle figures' results go, so no engine can drop their work as unused.
let sink = 0;

function resolution() {
  let min = Infinity;
  for (let i = 0; i < 2000; i++) {
    const a = performance.now(); let b2 = a;
    while (b2 === a) b2 = performance.now();
    min = Math.min(min, b2 - a);
  }
  return min * 1000; // µs
}

/**
 * `revisions`: [{ name, glue, wasm }], the glue module's and the wasm's paths
 * on the bench server. Every cell (event, task count) runs each revision in
 * turn, in alternating order, so a change in the machine's load falls on each alike.
 */
window.runBoundary = async ({ revisions, sizes, samples, warmup }) => {
  const plugins = {};
  for (const r of revisions) plugins[r.name] = (await load(r.glue, r.wasm)).Plugin;
  const res = { crossOriginIsolated: window.crossOriginIsolated, timerResolutionUs: resolution(), results: {}, boundaries: {} };
  for (const r of revisions) {
    res.results[r.name] = {};
    res.boundaries[r.name] = plugins[r.name].length === 0 ? 'json' : 'objects';
  }
  let turn = 0;
  for (const [name, cycle] of Object.entries(CYCLES)) {
    for (const r of revisions) res.results[r.name][name] = {};
    for (const n of sizes) {
      for (const r of turn++ % 2 ? [...revisions].reverse() : revisions) {
        const b = build(plugins[r.name], n);
        for (let i = 0; i < warmup; i++) cycle(b);
        const v = [];
        for (let i = 0; i < samples; i++) {
          v.push(cycle(b) * 1000); // µs
          // Let the engine's timers (the 50 ms reconcile after a Flex call ends) fire now and then.
          if (i % 250 === 249) await sleep(60);
        }
        res.results[r.name][name][n] = v;
      }
    }
  }
  return res;
};
/**
 * The same events as an agent meets them: the first `handle` after the page
 * sat idle for `idleMs` (a click comes after a pause), then the same event
 * again at once. `entry` is a call into the wasm that does nothing (the
 * `panicked` export). `control` is plain JavaScript of the shim's kind (a task
 * snapshot made and `JSON.stringify`d, 20 times), timed the same two ways, so
 * the share of the pause that any code pays on this machine shows beside the wasm's.
 */
window.runAfterIdle = async ({ glue, wasm, sizes, samples, idleMs }) => {
  const g = await load(glue, wasm);
  const cycles = {
    // Entering the wasm and nothing else: an export that reads one flag.
    entry: () => {
      const t0 = performance.now();
      sink += g.panicked() ? 1 : 0;
      return performance.now() - t0;
    },
    select: CYCLES.select,
    unhold: CYCLES.unhold,
    taskChanged: CYCLES.taskChanged,
    control: (b) => {
      const t = b.s.tasks.get(pick(b));
      const t0 = performance.now();
      for (let k = 0; k < 20; k++) sink += JSON.stringify(b.s.taskChanged(t).event).length;
      return performance.now() - t0;
    },
  };
  const out = {};
  for (const [name, cycle] of Object.entries(cycles)) {
    out[name] = {};
    for (const n of sizes) {
      const b = build(g.Plugin, n);
      for (let i = 0; i < 300; i++) cycle(b);
      const first = [], again = [];
      for (let i = 0; i < samples; i++) {
        await sleep(idleMs);
        first.push(cycle(b) * 1000); // µs
        again.push(cycle(b) * 1000);
      }
      out[name][n] = { first, again };
    }
  }
  return out;
};
window.boundaryReady = true;

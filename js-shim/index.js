// multi-call's Flex wiring. It only subscribes to Flex, copies plain
// snapshots into the engine and carries out the commands the engine returns;
// every decision is made in Rust (src/engine). Events go in as plain
// `{ type, ...fields }` objects (the shapes are in src/decode.rs) and
// commands come back as objects (src/engine/command.rs); `commands.d.ts` is
// the command and event unions (kept in step by hand).

import { initSync, Plugin as Engine, panicked } from '../target/bindgen/multi_call.js';
import wasmBase64 from '../target/bindgen/wasm-bytes.js';
import { addCallsColumn } from './teams-view.js';
import { followActiveCall } from './live-comms-bar.js';

const TAG = '[multi-call]';
const FLEX = 0; // the engine's id for Flex's own Device
const PROMPT = 'SecondVoiceCallIncoming';
const HOLD_WAIT_MS = 4000; // longest an accept waits for holds to settle
const VOICE_WAIT_MS = 30000; // longest multi-call waits for Flex's voice Device

const log = (level, msg) => console[level](`${TAG} ${msg}`);
const errorText = (e) => (e && (e.message || e.toString && e.toString())) || String(e);
const sidOf = (call) => call && call.parameters && call.parameters.CallSid;
/** A `deviceFailed` event; `err.code` is the Twilio error code when there is one. */
const failed = (device, message, err) => ({ type: 'deviceFailed', device, message, code: (err && err.code) >>> 0 });

/** The inlined wasm (deflated, then base64; see scripts/build.mjs) as bytes. */
async function wasmBytes() {
  let packed;
  if (typeof Uint8Array.fromBase64 === 'function') packed = Uint8Array.fromBase64(wasmBase64);
  else {
    const text = atob(wasmBase64);
    packed = new Uint8Array(text.length);
    for (let i = 0; i < packed.length; i++) packed[i] = text.charCodeAt(i);
  }
  const inflated = new Blob([packed]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

const AUDIO_LIST_WAIT_MS = 5000; // longest an apply waits for a new Device to list the audio devices

/** Runs `fn`; resolves with its error, or null once it succeeded. */
const settle = (fn) => Promise.resolve().then(fn).then(() => null, (e) => e || new Error('failed'));

/**
 * Resolves once a Device's AudioHelper has listed the browser's audio devices.
 * Its constructor starts `enumerateDevices()` and fills `availableOutputDevices`
 * and `availableInputDevices` later, emitting 'deviceChange'; the SDK then
 * selects 'default' for its speaker and ringtone in the same microtasks, so the
 * apply runs one task later, after that selection.
 */
function audioReady(audio) {
  const listed = () => (audio.availableOutputDevices && audio.availableOutputDevices.size)
    || (audio.availableInputDevices && audio.availableInputDevices.size);
  if (listed() || typeof audio.on !== 'function') return undefined;
  return new Promise((resolve) => {
    let timer;
    const done = () => {
      clearTimeout(timer);
      if (audio.removeListener) audio.removeListener('deviceChange', done);
      setTimeout(resolve, 0);
    };
    timer = setTimeout(done, AUDIO_LIST_WAIT_MS);
    audio.on('deviceChange', done);
  });
}

/** Asks the AudioHelper to list the devices again (an SDK internal; waits a moment without it). */
function relist(audio) {
  const listed = typeof audio._updateAvailableDevices === 'function'
    ? Promise.resolve().then(() => audio._updateAvailableDevices()).catch(() => {})
    : new Promise((r) => setTimeout(r, 500));
  return listed.then(() => new Promise((r) => setTimeout(r, 0)));
}

/** The Flex plugin class: Flex constructs it and awaits `init`. */
class MultiCallPlugin {
  constructor() {
    this.name = 'MultiCallPlugin';
    this.version = '0.1.0';
  }

  async init(flex, manager) {
    if (typeof DecompressionStream !== 'function') {
      log('error', 'could not start: this browser has no DecompressionStream (Chrome 80, Firefox 113, Safari 16.4 and later have it). ' +
        'Flex keeps working with one call at a time.');
      return;
    }
    let bytes;
    try {
      bytes = await wasmBytes();
    } catch (e) {
      log('error', `could not start: the embedded engine could not be unpacked (${errorText(e)}); ` +
        'the file may have been altered in transit. Flex keeps working with one call at a time.');
      return;
    }
    try {
      // Compile off the main thread's critical path, then instantiate: the
      // glue's own async loader (fetch, streaming, MIME checks) is not needed.
      initSync({ module: await WebAssembly.compile(bytes) });
    } catch (e) {
      log('error', `could not start: the browser refused to compile WebAssembly (${errorText(e)}). ` +
        "If this Flex page sets a Content-Security-Policy, add 'wasm-unsafe-eval' to script-src. " +
        'Flex keeps working with one call at a time.');
      return;
    }
    const start = () => {
      try {
        new Host(flex, manager).start();
      } catch (e) {
        log('error', `could not start (${errorText(e)}); Flex keeps working with one call at a time`);
      }
    };
    if (manager.voiceClient) return start();
    // Flex may create its voice Device after plugins load: wait for it
    // without holding up Flex's start-up, then start (or report it missing).
    const deadline = Date.now() + VOICE_WAIT_MS;
    const poll = () => (manager.voiceClient || Date.now() > deadline ? start() : setTimeout(poll, 250));
    setTimeout(poll, 250);
    return undefined;
  }
}

/** Everything multi-call holds on to for one Flex page. */
class Host {
  constructor(flex, manager) {
    this.flex = flex;
    this.manager = manager;
    this.queue = [];
    this.draining = false;
    this.dead = false;
    this.undo = []; // removes each installed hook
    this.devices = new Map(); // engine device id -> { device, incoming: Map<sid, Call> }
    this.calls = new Map(); // call sid -> { call, device } for open calls
    this.ringing = new Map(); // call sid -> Call ringing on Flex's Device
    this.prompts = new Map(); // call sid -> Flex's second-call prompt context
    this.pendingPrompt = undefined;
    this.holds = undefined; // holds started by the before-listener running now
    this.taskSigs = new Map();
    // The binding arms the engine's timers and hands their events back here.
    this.engine = new Engine((event) => this.feed(event));
  }

  get voice() {
    const c = this.manager.configuration || {};
    return (c.sdkOptions && c.sdkOptions.voice) || {};
  }

  start() {
    const { flex, manager } = this;
    const cfg = manager.configuration || {};
    const feature = cfg.custom_data && cfg.custom_data.features ? cfg.custom_data.features.multi_call : undefined;
    const client = manager.voiceClient;
    const cls = client ? Object.getPrototypeOf(client).constructor : undefined;
    const isDevice = typeof cls === 'function' && !!cls.prototype &&
      ['register', 'connect', 'destroy', 'updateToken'].every((m) => typeof cls.prototype[m] === 'function');
    this.DeviceClass = isDevice ? cls : undefined;
    const sdkVersion = isDevice && typeof cls.version === 'string' ? cls.version : undefined;
    this.feed({ type: 'start', feature, flexVersion: flex.VERSION, sdkVersion, deviceClass: isDevice,
      allowIncomingWhileBusy: this.voice.allowIncomingWhileBusy });
  }

  // ----- events in -----

  /** Runs one event (a plain object), queues its commands and carries them out. */
  feed(event) {
    if (this.dead) return [];
    let cmds;
    try {
      cmds = this.engine.handle(event);
    } catch (e) {
      this.fault(e);
      return [];
    }
    this.enqueue(cmds);
    return cmds || [];
  }

  enqueue(cmds) {
    if (!Array.isArray(cmds) || this.dead) return;
    for (const c of cmds) if (c.type !== 'cancel') this.queue.push(c);
    if (this.draining) return; // the outer drain picks them up, in order
    this.draining = true;
    try {
      while (this.queue.length && !this.dead) {
        const c = this.queue.shift();
        try {
          this.run(c);
        } catch (e) {
          log('error', `could not carry out ${c.type}: ${errorText(e)}`);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Feeds `make()`'s event from a before-listener; resolves once its holds settle. `abort` is Flex's, called when the engine cancels. */
  beforeAction(make, abort) {
    try {
      this.checkFlexDevice(); // a replaced Device must be watched before the action's call arrives
      const started = [];
      this.holds = started;
      try {
        const cmds = this.feed(make());
        if (abort && cmds.some((c) => c.type === 'cancel')) abort();
      } finally {
        this.holds = undefined;
      }
      if (!started.length) return Promise.resolve();
      const timeout = new Promise((r) => setTimeout(r, HOLD_WAIT_MS));
      return Promise.race([Promise.all(started), timeout]).then(() => undefined);
    } catch (e) {
      this.fault(e);
      return Promise.resolve();
    }
  }

  /** Wraps a listener handed to Flex so nothing ever throws into Flex. */
  guard(fn) {
    return (...args) => {
      try {
        return fn(...args);
      } catch (e) {
        this.fault(e);
        return undefined;
      }
    };
  }

  /** A fault in multi-call itself: remove every hook, keep calls, say so once. */
  fault(e) {
    if (this.dead) return;
    // A panic in the engine has said what failed on the console already.
    let reported = false;
    try { reported = panicked(); } catch (_) { /* the wasm is unusable: report here */ }
    if (!reported) {
      log('error', `turned itself off after an internal error (${errorText(e)}). ` +
        'Flex keeps working with one call at a time; calls already on extra lines continue until they end.');
    }
    this.disable();
    try {
      this.notify('fault', 'error', 'multi-call stopped after an internal error. Your calls continue; new calls work one at a time. Reload Flex to restore multi-call.');
    } catch (n) {
      log('error', `could not show the notification either (${errorText(n)})`);
    }
  }

  disable() {
    this.dead = true;
    this.queue = [];
    for (const undo of this.undo.splice(0).reverse()) {
      try { undo(); } catch (_) { /* keep undoing the rest */ }
    }
    // Never drop a call: Devices with an open call stay until it ends.
    for (const id of [...this.devices.keys()]) {
      const open = [...this.calls.values()].filter((c) => c.device === id);
      if (!open.length) this.destroyDevice(id);
      for (const c of open) {
        c.call.on('disconnect', () => {
          this.destroyDevice(id);
          // Flex only clears the active call for its own Device's calls; a
          // stale one would keep the dialpad disabled.
          try {
            const phone = this.manager.store.getState().flex.phone;
            if (phone && phone.activeCall === c.call) this.manager.store.dispatch({ type: 'PHONE_REMOVE_CALL', payload: undefined });
          } catch (e) {
            log('warn', `could not clear the ended call from Flex's phone state: ${errorText(e)}`);
          }
        });
      }
    }
  }

  // ----- commands out -----

  run(c) {
    switch (c.type) {
      case 'log':
        return log(c.level === 'error' ? 'error' : c.level === 'warning' ? 'warn' : 'info', c.message);
      case 'notify':
        return this.notify(c.id, c.level, c.message);
      case 'enable':
        // Half-installed hooks would be worse than none.
        try {
          return this.enable();
        } catch (e) {
          return this.fault(e);
        }
      case 'cancel':
        return undefined;
      case 'createDevice':
        return this.createDevice(c.device, c.register);
      case 'destroyDevice':
        return this.destroyDevice(c.device);
      case 'acceptCall':
        return this.acceptCall(c.device, c.call);
      case 'forwardCall':
        return this.forwardCall(c.device, c.call);
      case 'restoreFlexPrompt':
        return this.restorePrompt(c.call);
      case 'muteCall': {
        const entry = this.calls.get(c.call);
        if (entry) entry.call.mute(c.muted);
        return undefined;
      }
      case 'disconnectCall': {
        const entry = this.calls.get(c.call);
        if (entry) entry.call.disconnect();
        return undefined;
      }
      case 'holdParticipant':
        return this.hold(c.task, c.target);
      case 'setActiveCall': {
        const entry = this.calls.get(c.call);
        if (entry) this.manager.store.dispatch({ type: 'PHONE_ADD_CALL', payload: entry.call });
        return undefined;
      }
      case 'clearActiveCall':
        return this.manager.store.dispatch({ type: 'PHONE_REMOVE_CALL', payload: undefined });
      case 'updateToken': {
        const entry = this.devices.get(c.device);
        if (entry && this.token()) entry.device.updateToken(this.token());
        return undefined;
      }
      case 'applyAudio':
        return this.applyAudio(c.device);
      default:
        return log('warn', `unknown command ${c.type}`);
    }
  }

  notify(id, level, message) {
    const { Notifications, NotificationType } = this.flex;
    if (!Notifications) return;
    const key = `multi-call-${id}`;
    const strings = this.manager.strings;
    if (strings && !strings[key]) strings[key] = message;
    const registered = Notifications.registeredNotifications;
    if (!(registered && registered.get && registered.get(key))) {
      const types = NotificationType || {};
      Notifications.registerNotification({
        id: key,
        content: strings ? key : message,
        type: (level === 'error' ? types.error : level === 'warning' ? types.warning : types.information) || level,
        timeout: level === 'error' ? 0 : 10000,
        closeButton: true,
      });
    }
    Notifications.showNotification(key);
  }

  token() {
    if (this.latestToken) return this.latestToken;
    const m = this.manager;
    return (m.voiceClient && m.voiceClient.token) || (m.user && m.user.token) || undefined;
  }

  /** Flex's Device options for an extra Device, never an `undefined` value. */
  deviceOptions() {
    const opts = { allowIncomingWhileBusy: true };
    for (const [k, v] of Object.entries(this.voice)) {
      if (k !== 'acceptOptions' && k !== 'audioConstraints' && v !== undefined) opts[k] = v;
    }
    opts.appName = 'flex-ui';
    if (typeof this.flex.VERSION === 'string') opts.appVersion = this.flex.VERSION;
    return opts;
  }

  createDevice(id, register) {
    let device;
    try {
      device = new this.DeviceClass(this.token(), this.deviceOptions());
    } catch (e) {
      return this.later(failed(id, `new Device threw: ${errorText(e)}`));
    }
    const entry = { device, incoming: new Map() };
    this.devices.set(id, entry);
    // Without an error listener a Device error would throw into Flex.
    device.on('error', this.guard((err) => this.feed(failed(id, errorText(err), err))));
    device.on('registered', this.guard(() => this.feed({ type: 'deviceRegistered', device: id })));
    device.on('incoming', this.guard((call) => {
      const sid = sidOf(call);
      entry.incoming.set(sid, call);
      this.watchCall(id, call);
      this.feed({ type: 'callIncoming', device: id, call: sid, busy: !!device.isBusy });
    }));
    const constraints = this.voice.audioConstraints;
    if (constraints && device.audio && device.audio.setAudioConstraints) {
      Promise.resolve(device.audio.setAudioConstraints(constraints)).catch((e) => log('warn', `audioConstraints not applied: ${errorText(e)}`));
    }
    entry.audioApplied = this.applyAudio(id);
    if (register) {
      Promise.resolve().then(() => device.register()).catch((e) => this.feed(failed(id, `register failed: ${errorText(e)}`, e)));
    }
    return undefined;
  }

  destroyDevice(id) {
    const entry = this.devices.get(id);
    if (!entry) return;
    this.devices.delete(id);
    try { entry.device.destroy(); } catch (e) { log('warn', `Device ${id} did not destroy cleanly: ${errorText(e)}`); }
  }

  /** Feeds an event on the next tick (for failures found while running a command). */
  later(event) {
    Promise.resolve().then(() => this.feed(event));
  }

  acceptCall(id, sid) {
    const entry = this.devices.get(id);
    const call = entry && entry.incoming.get(sid);
    if (!call) return this.later(failed(id, `call ${sid} is no longer ringing`));
    // As for a forwarded call: the microphone is acquired after the agent's devices are applied.
    Promise.resolve(entry.audioApplied)
      .then(() => call.accept(this.voice.acceptOptions))
      .catch((e) => this.feed(failed(id, `accept failed: ${errorText(e)}`)));
    return undefined;
  }

  forwardCall(id, sid) {
    const entry = this.devices.get(id);
    const original = this.ringing.get(sid);
    const connectToken = original && original.connectToken;
    if (!entry || !connectToken) {
      return this.later(failed(id, original ? 'the call has no connectToken' : `call ${sid} is no longer ringing`));
    }
    // The takeover replaces Flex's accept, so it uses the accept's RTC settings.
    const accept = this.voice.acceptOptions || {};
    const opts = { connectToken };
    const rtcConfiguration = accept.rtcConfiguration !== undefined ? accept.rtcConfiguration : this.voice.rtcConfiguration;
    const rtcConstraints = accept.rtcConstraints !== undefined ? accept.rtcConstraints : this.voice.rtcConstraints;
    if (rtcConfiguration !== undefined) opts.rtcConfiguration = rtcConfiguration;
    if (rtcConstraints !== undefined) opts.rtcConstraints = rtcConstraints;
    // Connect once the agent's devices are applied: changing the input while
    // the call acquires the microphone fails it (AcquisitionFailedError, seen in real Flex).
    Promise.resolve(entry.audioApplied).then(() => entry.device.connect(opts)).then((call) => {
      if (!this.devices.has(id)) return;
      this.watchCall(id, call, sid);
      if (call.status && call.status() === 'open') this.opened(id, call, sid);
    }, (e) => this.feed(failed(id, `connect failed: ${errorText(e)}`, e)));
    return undefined;
  }

  restorePrompt(sid) {
    const call = this.ringing.get(sid);
    if (!call) return;
    const context = this.prompts.get(sid) || {
      accept: () => call.accept(this.voice.acceptOptions),
      reject: () => call.reject(),
    };
    this.flex.Notifications.showNotification(PROMPT, context);
  }

  hold(taskSid, targetSid) {
    const task = this.taskBySid(taskSid);
    const settle = (error) => this.feed({ type: 'holdSettled', task: taskSid, target: targetSid, error });
    const p = Promise.resolve()
      .then(() => this.flex.Actions.invokeAction('HoldParticipant', { task, targetSid }))
      .then(() => settle(undefined), (e) => settle(errorText(e)));
    if (this.holds) this.holds.push(p); // a before-listener waits for these
  }

  /**
   * Copies the speaker and microphone of Flex's Device to extra Device `id`
   * once that Device's audio helper has listed the browser's devices (a new
   * Device lists them asynchronously and refuses every id until then).
   * Returns a promise that settles (never rejects) when that is done.
   */
  applyAudio(id) {
    const entry = this.devices.get(id);
    const to = entry && entry.device.audio;
    if (!to || !this.flexDevice || !this.flexDevice.audio) return Promise.resolve();
    const alive = () => !this.dead && this.devices.get(id) === entry;
    // The agent's choice is read when applying, so a late apply never
    // brings back an older choice.
    const apply = () => {
      const from = alive() && this.flexDevice && this.flexDevice.audio;
      if (!from) return Promise.resolve([]);
      const jobs = [];
      const speakers = from.speakerDevices && from.speakerDevices.get ? [...from.speakerDevices.get()].map((d) => d.deviceId) : [];
      if (speakers.length && to.speakerDevices && to.isOutputSelectionSupported !== false) jobs.push(settle(() => to.speakerDevices.set(speakers)));
      const input = from.inputDevice && from.inputDevice.deviceId;
      if (input && to.setInputDevice) jobs.push(settle(() => to.setInputDevice(input)));
      return Promise.all(jobs).then((errors) => errors.filter(Boolean));
    };
    const notFound = (errors) => errors.some((e) => /not found/i.test(errorText(e)));
    return Promise.resolve()
      .then(() => audioReady(to))
      .then(apply)
      // Listed, yet an id is missing: list again (the SDK's own refresh), then retry once.
      .then((errors) => (notFound(errors) && alive() ? relist(to).then(apply) : errors))
      .then((errors) => {
        if (errors.length && alive()) log('warn', `could not apply the agent's audio devices to Device ${id}: ${errors.map(errorText).join('; ')}`);
      })
      .catch((e) => log('warn', `could not apply the agent's audio devices to Device ${id}: ${errorText(e)}`));
  }

  // ----- hooks -----

  enable() {
    const { flex, manager } = this;
    const { Actions, Notifications } = flex;
    const before = (name, handler) => {
      const fn = (payload) => this.beforeAction(() => handler(payload || {}));
      Actions.addListener(`before${name}`, fn);
      this.undo.push(() => Actions.removeListener(`before${name}`, fn));
    };
    const sid = (p) => p.sid || (p.task && p.task.sid);
    before('AcceptTask', (p) => {
      const task = p.task || this.taskBySid(p.sid);
      return { type: 'acceptingTask', task: sid(p) || '', isCall: !!(task && flex.TaskHelper.isCallTask(task)) };
    });
    before('SelectTask', (p) => ({ type: 'taskSelected', task: sid(p) }));
    before('UnholdCall', (p) => ({ type: 'unholding', task: sid(p) || '' }));
    before('UnholdParticipant', (p) => ({ type: 'unholding', task: sid(p) || '' }));
    before('MonitorCall', () => ({ type: 'monitoring' }));
    // Flex stops monitoring by disconnecting its active call: with several
    // calls the engine may cancel that and end the monitoring call itself.
    const onStopMonitoring = (payload, abort) => this.beforeAction(() => ({ type: 'stoppingMonitoring' }), abort);
    Actions.addListener('beforeStopMonitoringCall', onStopMonitoring);
    this.undo.push(() => Actions.removeListener('beforeStopMonitoringCall', onStopMonitoring));
    before('ToggleMute', () => ({ type: 'togglingMute' }));

    const onNotification = this.guard((n, cancel) => {
      if (!n || n.id !== PROMPT || this.dead) return;
      this.pendingPrompt = n.context;
      const cmds = this.feed({ type: 'notificationAdding', id: n.id });
      if (cmds.some((c) => c.type === 'cancel')) cancel();
    });
    Notifications.addListener('beforeAddNotification', onNotification);
    this.undo.push(() => Notifications.removeListener('beforeAddNotification', onNotification));

    if (manager.events && manager.events.addListener) {
      const onToken = this.guard((p) => {
        if (p && typeof p.token === 'string') this.latestToken = p.token;
        this.feed({ type: 'tokenUpdated' });
      });
      manager.events.addListener('tokenUpdated', onToken);
      this.undo.push(() => manager.events.removeListener && manager.events.removeListener('tokenUpdated', onToken));
    }

    this.attachFlexDevice(manager.voiceClient);
    const unsubscribe = manager.store.subscribe(this.guard(() => this.onStore()));
    this.undo.push(unsubscribe);
    // Flex may replace its Device without any store change.
    const timer = setInterval(this.guard(() => this.checkFlexDevice()), 500);
    this.undo.push(() => clearInterval(timer));
    this.undo.push(() => this.attachFlexDevice(undefined));

    try {
      this.undo.push(addCallsColumn(flex, manager));
    } catch (e) {
      log('warn', `teams view calls column not replaced: ${errorText(e)}`);
    }
    try {
      this.undo.push(followActiveCall(flex, manager));
    } catch (e) {
      log('warn', `Flex's call bar outside the agent desktop may name a held call: ${errorText(e)}`);
    }
    this.onStore();
  }

  taskBySid(sid) {
    const state = this.manager.store.getState();
    const tasks = state.flex && state.flex.worker && state.flex.worker.tasks;
    return (tasks && tasks.get && tasks.get(sid)) ||
      (this.flex.TaskHelper && this.flex.TaskHelper.getTaskByTaskSid && this.flex.TaskHelper.getTaskByTaskSid(sid));
  }

  /** Copies what changed in Redux into the engine. */
  onStore() {
    if (this.dead) return;
    this.checkFlexDevice();
    const flexState = this.manager.store.getState().flex || {};
    const tasks = (flexState.worker && flexState.worker.tasks) || new Map();
    // Every change, not only a new tasks Map: a task's conference (its
    // participants) can change in place. The signature skips unchanged tasks.
    const seen = new Set();
    for (const [sid, task] of tasks) {
      seen.add(sid);
      const snap = this.snapshot(sid, task);
      const sig = JSON.stringify(snap);
      if (this.taskSigs.get(sid) === sig) continue;
      this.taskSigs.set(sid, sig);
      this.feed(snap);
    }
    for (const sid of [...this.taskSigs.keys()]) {
      if (!seen.has(sid)) {
        this.taskSigs.delete(sid);
        this.feed({ type: 'taskRemoved', task: sid });
      }
    }
    const selected = (flexState.view && flexState.view.selectedTaskSid) || undefined;
    if (selected !== this.lastSelected) {
      this.lastSelected = selected;
      this.feed({ type: 'taskSelected', task: selected });
    }
    const active = sidOf(flexState.phone && flexState.phone.activeCall);
    if (active !== this.lastActive) {
      this.lastActive = active;
      this.feed({ type: 'activeCallChanged', call: active });
    }
  }

  /** A task's `taskChanged` event: Flex's participant fields are prototype getters, copied out. */
  snapshot(sid, task) {
    const conf = task.conference;
    const participants = ((conf && conf.participants) || []).map((p) => ({
      callSid: p.callSid,
      workerSid: p.workerSid,
      participantType: p.participantType,
      status: p.status,
      isCurrentWorker: p.isCurrentWorker,
      onHold: p.onHold,
      sequenceNumber: p.mediaProperties ? p.mediaProperties.sequenceNumber : undefined,
    }));
    const status = task.taskStatus || (task.status === 'accepted' ? 'assigned' : task.status) || '';
    return { type: 'taskChanged', sid, isCall: !!this.flex.TaskHelper.isCallTask(task), status, participants };
  }

  checkFlexDevice() {
    const current = this.manager.voiceClient;
    if (current === this.flexDevice || !current || this.dead) return;
    const replaced = !!this.flexDevice;
    this.attachFlexDevice(current);
    if (replaced) this.feed({ type: 'flexDeviceReplaced' });
  }

  /** Listens to Flex's Device, after Flex's own listeners. */
  attachFlexDevice(device) {
    const old = this.flexDevice;
    if (old && this.flexOff) this.flexOff();
    this.flexDevice = device;
    this.flexOff = undefined;
    if (!device) return;
    const onIncoming = this.guard((call) => {
      const sid = sidOf(call);
      this.ringing.set(sid, call);
      if (this.pendingPrompt) this.prompts.set(sid, this.pendingPrompt);
      this.pendingPrompt = undefined;
      this.watchCall(FLEX, call);
      this.feed({ type: 'callIncoming', device: FLEX, call: sid, busy: !!device.isBusy });
    });
    device.on('incoming', onIncoming);
    const unwrap = this.watchAudio(device);
    this.flexOff = () => {
      device.removeListener('incoming', onIncoming);
      unwrap();
    };
    // Calls Flex's Device already carries when multi-call starts.
    const existing = typeof device.calls === 'object' && device.calls ? [...device.calls] : [];
    for (const call of existing) {
      this.watchCall(FLEX, call);
      if (call.status && call.status() === 'open') this.opened(FLEX, call, sidOf(call));
    }
  }

  /** Wraps the audio setters Flex's settings use, to follow the agent's choice. */
  watchAudio(device) {
    const audio = device.audio;
    const undo = [];
    const wrap = (obj, name) => {
      if (!obj || typeof obj[name] !== 'function') return;
      const original = obj[name];
      const host = this;
      obj[name] = function wrapped(...args) {
        const result = original.apply(this, args);
        Promise.resolve(result).then(() => host.feed({ type: 'audioDevicesChanged' }), () => {});
        return result;
      };
      undo.push(() => { obj[name] = original; });
    };
    if (audio) {
      wrap(audio, 'setInputDevice');
      wrap(audio.speakerDevices, 'set');
    }
    return () => undo.forEach((u) => u());
  }

  opened(id, call, sid) {
    this.calls.set(sid, { call, device: id });
    if (id === FLEX) this.ringing.delete(sid);
    this.feed({ type: 'callAccepted', device: id, call: sid });
  }

  /** Reports a call's life to the engine. */
  watchCall(id, call, knownSid) {
    const sid = knownSid || sidOf(call);
    const ended = this.guard(() => {
      const entry = this.devices.get(id);
      if (entry) entry.incoming.delete(sid);
      if (id === FLEX) {
        this.ringing.delete(sid);
        this.prompts.delete(sid);
      }
      const open = this.calls.get(sid);
      if (open && open.call === call) this.calls.delete(sid);
      this.feed({ type: 'callEnded', device: id, call: sid });
    });
    call.on('accept', this.guard(() => this.opened(id, call, sid)));
    call.on('disconnect', ended);
    call.on('cancel', ended);
    call.on('reject', ended);
    call.on('mute', this.guard((muted) => this.feed({ type: 'callMuted', device: id, call: sid, muted: !!muted })));
    call.on('error', (e) => log('warn', `call ${sid} reported ${errorText(e)}`));
  }
}

const flexGlobal = typeof window !== 'undefined' && window.Twilio && window.Twilio.Flex;
if (flexGlobal && flexGlobal.Plugins && typeof flexGlobal.Plugins.init === 'function') {
  flexGlobal.Plugins.init(MultiCallPlugin);
} else {
  log('error', 'window.Twilio.Flex.Plugins is missing: load this script from Flex UI as a plugin');
}

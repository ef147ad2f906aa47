// Devices and calls: the extra Voice SDK Devices multi-call creates from
// Flex's Device class, Flex's own Device, their calls and audio. The voice
// events come in here, and the Device and call commands are carried out here.
import { FLEX, PROMPT, log, errorText, sidOf } from './util.js';

/** A `deviceFailed` event; `err.code` is the Twilio error code when there is one. */
const failed = (device, message, err) => ({ type: 'deviceFailed', device, message, code: (err && err.code) >>> 0 });

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

/** Host methods for Devices, calls and audio (mixed into `Host`). */
export const devices = {
  token() {
    if (this.latestToken) return this.latestToken;
    const m = this.manager;
    return (m.voiceClient && m.voiceClient.token) || (m.user && m.user.token) || undefined;
  },

  /** Flex's Device options for an extra Device, never an `undefined` value. */
  deviceOptions() {
    const opts = { allowIncomingWhileBusy: true };
    for (const [k, v] of Object.entries(this.voice)) {
      if (k !== 'acceptOptions' && k !== 'audioConstraints' && v !== undefined) opts[k] = v;
    }
    opts.appName = 'flex-ui';
    if (typeof this.flex.VERSION === 'string') opts.appVersion = this.flex.VERSION;
    // Flex's Device has fetched and decoded the SDK's 15 sounds (ringtone,
    // tones); a new Device would do it all again, per call in standby mode.
    // The SDK makes each through its `Sound` option (an internal hook), which
    // here lends the new Device Flex's own, or makes one when Flex has none.
    // Its speaker choice is set to Flex's (applyAudio), so every sound stays
    // on the output Flex plays it on.
    const own = this.flexDevice && this.flexDevice._soundcache;
    const any = own && own.size && own.values().next().value;
    if (any) opts.Sound = function Sound(name, ...rest) { return own.get(name) || new any.constructor(name, ...rest); };
    return opts;
  },

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
  },

  destroyDevice(id) {
    const entry = this.devices.get(id);
    if (!entry) return;
    const { device } = entry;
    this.devices.delete(id);
    try { device.destroy(); } catch (e) { log('warn', `Device ${id} did not destroy cleanly: ${errorText(e)}`); }
    // The SDK's destroy() leaves its token-expiry timer set, and the timer
    // keeps the whole Device (its sounds' audio elements included) until the
    // token expires: a page taking calls all day grew 3.4 MB per 100 calls.
    clearTimeout(device._tokenWillExpireTimeout);
    // Its ended calls share its sound cache, and Chromium keeps some of them
    // (a closed peer connection's pending state event; stock Flex's calls
    // alike): each would keep this Device's 15 audio elements.
    if (device._soundcache) device._soundcache.clear();
  },

  /** Feeds an event on the next tick (for failures found while running a command). */
  later(event) {
    Promise.resolve().then(() => this.feed(event));
  },

  acceptCall(id, sid) {
    const entry = this.devices.get(id);
    const call = entry && entry.incoming.get(sid);
    if (!call) return this.later(failed(id, `call ${sid} is no longer ringing`));
    // As for a forwarded call: the microphone is acquired after the agent's devices are applied.
    Promise.resolve(entry.audioApplied)
      .then(() => call.accept(this.voice.acceptOptions))
      .catch((e) => this.feed(failed(id, `accept failed: ${errorText(e)}`)));
    return undefined;
  },

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
  },

  restorePrompt(sid) {
    const call = this.ringing.get(sid);
    if (!call) return;
    const context = this.prompts.get(sid) || {
      accept: () => call.accept(this.voice.acceptOptions),
      reject: () => call.reject(),
    };
    this.flex.Notifications.showNotification(PROMPT, context);
  },

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
  },

  checkFlexDevice() {
    const current = this.manager.voiceClient;
    if (current === this.flexDevice || !current || this.dead) return;
    const replaced = !!this.flexDevice;
    this.attachFlexDevice(current);
    if (replaced) this.feed({ type: 'flexDeviceReplaced' });
  },

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
  },

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
  },

  opened(id, call, sid) {
    this.calls.set(sid, { call, device: id });
    if (id === FLEX) this.ringing.delete(sid);
    this.feed({ type: 'callAccepted', device: id, call: sid });
  },

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
    call.on('mute', this.guard((muted) => this.ownMute === call || this.feed({ type: 'callMuted', device: id, call: sid, muted: !!muted })));
    call.on('error', (e) => log('warn', `call ${sid} reported ${errorText(e)}`));
  },
};

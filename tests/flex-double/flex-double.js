/*
 * Flex UI double: a small, faithful stand-in for Twilio Flex UI 2.x and the
 * Twilio Voice JS SDK, built from /work/shared/FLEX-FACTS.md (and checked
 * against @twilio/flex-ui 2.17.1 and @twilio/voice-sdk 2.11.1), not from the
 * plugin's code.
 *
 * Classic browser script. Defines `window.FlexDouble`:
 *   createFlexDouble(opts)  builds window.Twilio.Flex + a Manager and returns a handle
 *   createFakeVoiceSdk(opts) a fake Device/Call pair with a test-side switchboard
 *   boot(setup)             used by index.html: fake SDK + double + view + plugin script
 *   ReactDouble             a tiny React stand-in (createElement + DOM render)
 *
 * The double never logs to the console (console lines are the plugin's), and
 * keeps one ordered timeline of everything that happens, for tests.
 *
 * With the real SDK (sandbox): createFlexDouble({ config, DeviceClass: Twilio.Device,
 * token, identity, conference(task, double) { ...start the agent's leg...;
 * double.addParticipant(task.sid, { isCurrentWorker: true, participantType: 'worker',
 * workerSid: double.workerSid, callSid }) } }). The switchboard, the device registry and
 * the invariant monitor only see fake Devices.
 */
(function (global) {
  'use strict';

  // ------------------------------------------------------------------ emitter

  /** Node EventEmitter semantics: listener exceptions reach emit(); 'error' without a listener throws. */
  class Emitter {
    constructor() { Object.defineProperty(this, '_events', { value: new Map(), writable: true }); }
    on(name, fn) {
      if (typeof fn !== 'function') throw new TypeError('listener must be a function');
      if (!this._events.has(name)) this._events.set(name, []);
      this._events.get(name).push(fn);
      return this;
    }
    addListener(name, fn) { return this.on(name, fn); }
    prependListener(name, fn) { this.on(name, fn); const l = this._events.get(name); l.unshift(l.pop()); return this; }
    once(name, fn) {
      const self = this;
      function wrapper(...args) { self.removeListener(name, wrapper); return fn.apply(self, args); }
      wrapper.listener = fn;
      return this.on(name, wrapper);
    }
    removeListener(name, fn) {
      const l = this._events.get(name);
      if (!l) return this;
      const i = l.findIndex((x) => x === fn || x.listener === fn);
      if (i >= 0) l.splice(i, 1);
      return this;
    }
    off(name, fn) { return this.removeListener(name, fn); }
    removeAllListeners(name) { if (name === undefined) this._events.clear(); else this._events.delete(name); return this; }
    listeners(name) { return (this._events.get(name) || []).map((x) => x.listener || x); }
    listenerCount(name) { return (this._events.get(name) || []).length; }
    emit(name, ...args) {
      const l = (this._events.get(name) || []).slice();
      if (name === 'error' && l.length === 0) {
        const err = args[0] instanceof Error ? args[0] : new Error('Unhandled error. (' + describeError(args[0]) + ')');
        throw err;
      }
      for (const fn of l) fn.apply(this, args);
      return l.length > 0;
    }
  }

  function describeError(e) {
    if (!e) return String(e);
    if (e instanceof Error) return e.message;
    if (typeof e === 'object') return (e.code ? e.code + ' ' : '') + (e.message || e.description || '');
    return String(e);
  }

  const delay = (ms) => new Promise((r) => setTimeout(r, ms));

  function versionAtLeast(v, min) {
    const a = String(v).split('.').map((x) => parseInt(x, 10) || 0);
    const b = String(min).split('.').map((x) => parseInt(x, 10) || 0);
    for (let i = 0; i < 3; i++) { if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0); }
    return true;
  }

  function clone(v) {
    if (v === undefined) return undefined;
    try { return JSON.parse(JSON.stringify(v)); } catch (_) { return String(v); }
  }

  /** Copy of an options object that keeps `undefined` values visible as the string "<undefined>". */
  function cloneShowingUndefined(o) {
    if (o === undefined) return '<undefined>';
    if (o === null || typeof o !== 'object') return o;
    if (Array.isArray(o)) return o.map(cloneShowingUndefined);
    const out = {};
    for (const k of Object.keys(o)) out[k] = typeof o[k] === 'function' ? '<function>' : cloneShowingUndefined(o[k]);
    return out;
  }

  // ------------------------------------------------------------------ world: timeline + invariant monitor

  function createWorld() {
    const world = {
      seq: 0,
      timeline: [],
      devices: [],        // every fake Device ever built
      invites: new Map(), // CallSid -> invite
      violations: [],     // moments with two unmuted live calls (checked one macrotask after each change)
      log(kind, data) {
        const e = Object.assign({ seq: ++world.seq, t: Math.round(performance.now()), kind }, data || {});
        world.timeline.push(e);
        if (world.timeline.length > 5000) world.timeline.shift();
        return e;
      },
      liveCalls() {
        const out = [];
        for (const d of world.devices) for (const c of d._calls) if (c._status === 'open') out.push(c);
        return out;
      },
      _checkPending: false,
      scheduleInvariantCheck() {
        if (world._checkPending) return;
        world._checkPending = true;
        setTimeout(() => {
          world._checkPending = false;
          const unmuted = world.liveCalls().filter((c) => !c._muted);
          if (unmuted.length > 1) {
            world.violations.push({ seq: world.seq, callSids: unmuted.map((c) => c.parameters.CallSid) });
            world.log('invariant.violation', { callSids: unmuted.map((c) => c.parameters.CallSid) });
          }
        }, 0);
      },
    };
    return world;
  }

  // ------------------------------------------------------------------ fake Voice SDK

  const FAKE_INPUTS = [['default', 'Default microphone'], ['mic-1', 'Headset microphone'], ['mic-2', 'USB microphone']];
  const FAKE_OUTPUTS = [['default', 'Default speaker'], ['spk-1', 'Headset'], ['spk-2', 'Desk speaker']];

  function mediaDeviceInfo(deviceId, label, kind) {
    return { deviceId, groupId: 'group-' + deviceId, kind, label, toJSON() { return { deviceId, groupId: this.groupId, kind, label }; } };
  }

  /**
   * Builds a fake `Device`/`Call` pair following FLEX-FACTS §4 timing, plus the
   * switchboard tests use to deliver, forward and end calls.
   * opts: { version: '2.11.1', world, hideVersion } (hideVersion: no static Device.version,
   * which FLEX-FACTS does not promise)
   */
  function createFakeVoiceSdk(opts) {
    opts = opts || {};
    const world = opts.world || createWorld();
    const sdkVersion = opts.version || '2.11.1';
    const supportsConnectToken = versionAtLeast(sdkVersion, '2.11.0');
    let deviceCounter = 0;
    let legCounter = 0;
    const faults = { register: [], connect: [] };

    class OutputDeviceCollection {
      constructor(name, helper, initialIds) {
        this._name = name;
        this._helper = helper;
        this._activeDevices = new Set(initialIds.map((id) => helper.availableOutputDevices.get(id)));
      }
      get() { return this._activeDevices; }
      async set(deviceIdOrIds) {
        const ids = Array.isArray(deviceIdOrIds) ? deviceIdOrIds : [deviceIdOrIds];
        if (!ids.length) throw new Error('Must specify at least one device to set');
        const missing = ids.filter((id) => !this._helper.availableOutputDevices.has(id));
        if (missing.length) throw new Error('Devices not found: ' + missing.join(', '));
        this._activeDevices.clear();
        ids.forEach((id) => this._activeDevices.add(this._helper.availableOutputDevices.get(id)));
        world.log('audio.' + this._name, { deviceId: this._helper._device._id, ids: ids.slice() });
      }
      delete(info) { return this._activeDevices.delete(info); }
      async test() {}
    }

    class AudioHelper extends Emitter {
      constructor(device) {
        super();
        this._device = device;
        this.availableInputDevices = new Map(FAKE_INPUTS.map(([id, l]) => [id, mediaDeviceInfo(id, l, 'audioinput')]));
        this.availableOutputDevices = new Map(FAKE_OUTPUTS.map(([id, l]) => [id, mediaDeviceInfo(id, l, 'audiooutput')]));
        this.speakerDevices = new OutputDeviceCollection('speakerDevices', this, ['default']);
        this.ringtoneDevices = new OutputDeviceCollection('ringtoneDevices', this, ['default']);
        this._inputDevice = null;
        this._audioConstraints = null;
        this.isOutputSelectionSupported = true;
        this.isVolumeSupported = true;
      }
      get inputDevice() { return this._inputDevice; }
      get audioConstraints() { return this._audioConstraints; }
      get inputStream() { return null; }
      async setInputDevice(deviceId) {
        if (typeof deviceId !== 'string') throw new Error('Must specify the device to set');
        const info = this.availableInputDevices.get(deviceId);
        if (!info) throw new Error('Device not found: ' + deviceId);
        this._inputDevice = info;
        world.log('audio.inputDevice', { deviceId: this._device._id, id: deviceId });
      }
      async unsetInputDevice() { this._inputDevice = null; world.log('audio.inputDevice', { deviceId: this._device._id, id: null }); }
      async setAudioConstraints(c) { this._audioConstraints = Object.assign({}, c); world.log('audio.constraints', { deviceId: this._device._id, constraints: clone(c) }); }
      async unsetAudioConstraints() { this._audioConstraints = null; }
      incoming() { return true; }
      outgoing() { return true; }
      disconnect() { return true; }
    }

    class Call extends Emitter {
      constructor(device, invite, direction) {
        super();
        this._device = device;
        this._invite = invite;
        this._legId = ++legCounter;
        this._direction = direction;
        this._status = 'pending';
        this._muted = false;
        this._acceptOptions = undefined;
        this._connectToken = 'CT_' + invite.callSid + '_' + this._legId;
        this.parameters = { CallSid: invite.callSid, From: invite.from, To: invite.to, AccountSid: 'ACfake' };
        this.customParameters = new Map(Object.entries(invite.customParameters || {}));
        this.direction = direction;
      }
      status() { return this._status; }
      isMuted() { return this._muted; }
      accept(options) {
        if (this._status !== 'pending') return;
        this._status = 'connecting';
        this._acceptOptions = options === undefined ? undefined : clone(options);
        world.log('call.acceptRequested', { callSid: this.parameters.CallSid, deviceId: this._device._id, acceptOptions: clone(options) });
        // The real SDK opens the call asynchronously: isBusy stays false while 'incoming' handlers run.
        setTimeout(() => this._open(), 5);
      }
      _open() {
        if (this._status !== 'connecting' && this._status !== 'pending') return;
        this._status = 'open';
        world.log('call.accept', { callSid: this.parameters.CallSid, deviceId: this._device._id, legId: this._legId });
        switchboard._onLegOpen(this);
        world.scheduleInvariantCheck();
        this.emit('accept', this);
      }
      reject() {
        if (this._status !== 'pending') return;
        this._close('reject');
        world.log('call.reject', { callSid: this.parameters.CallSid, deviceId: this._device._id });
        switchboard._onLegRejected(this);
        this.emit('reject');
      }
      ignore() { if (this._status === 'pending') { this._close('ignore'); world.log('call.ignore', { callSid: this.parameters.CallSid, deviceId: this._device._id }); } }
      disconnect() {
        if (this._status === 'closed') return;
        const wasPending = this._status === 'pending';
        this._close('disconnect');
        world.log('call.disconnect', { callSid: this.parameters.CallSid, deviceId: this._device._id, by: 'agent' });
        if (wasPending) switchboard._onLegRejected(this); else switchboard._onLegHungUp(this);
        this.emit('disconnect', this);
      }
      mute(shouldMute) {
        const next = shouldMute === undefined ? true : !!shouldMute;
        if (this._status === 'closed') return;
        if (next === this._muted) return;
        this._muted = next;
        world.log('call.mute', { callSid: this.parameters.CallSid, deviceId: this._device._id, muted: next });
        world.scheduleInvariantCheck();
        this.emit('mute', next, this);
      }
      sendDigits(d) { world.log('call.digits', { callSid: this.parameters.CallSid, digits: d }); }
      _close(reason) {
        this._status = 'closed';
        this._closeReason = reason;
        const i = this._device._calls.indexOf(this);
        if (i >= 0) this._device._calls.splice(i, 1);
        this._device._pastCalls.push(this);
        world.scheduleInvariantCheck();
      }
      _cancel() {
        if (this._status !== 'pending' && this._status !== 'connecting') return;
        this._close('cancel');
        world.log('call.cancel', { callSid: this.parameters.CallSid, deviceId: this._device._id });
        this.emit('cancel');
      }
      _remoteHangup() {
        if (this._status === 'closed') return;
        if (this._status !== 'open') return this._cancel();
        this._close('remote');
        world.log('call.disconnect', { callSid: this.parameters.CallSid, deviceId: this._device._id, by: 'remote' });
        this.emit('disconnect', this);
      }
    }
    if (supportsConnectToken) {
      Object.defineProperty(Call.prototype, 'connectToken', {
        get() { return this._direction === 'INCOMING' && this._status !== 'closed' ? this._connectToken : undefined; },
        configurable: true,
      });
    }

    class Device extends Emitter {
      constructor(token, options) {
        super();
        if (typeof token !== 'string' || !token) throw new TypeError('Parameter "token" must be of type "string".');
        options = options || {};
        for (const k of Object.keys(options)) {
          if (options[k] === undefined) throw new TypeError('Device option "' + k + '" is undefined (' + k + ' cannot be undefined)');
        }
        if ('codecPreferences' in options && !Array.isArray(options.codecPreferences)) throw new TypeError('codecPreferences must be an array');
        this._id = 'DEV' + (++deviceCounter);
        this._token = token;
        this._tokens = [token];
        this._options = Object.assign({}, options);
        this._optionsSeen = cloneShowingUndefined(options);
        this._state = 'unregistered';
        this._destroyed = false;
        this._calls = [];
        this._pastCalls = [];
        this._connects = [];
        this._flex = false;
        this._audio = new AudioHelper(this);
        world.devices.push(this);
        world.log('device.create', { deviceId: this._id, options: this._optionsSeen });
      }
      static get version() { return opts.hideVersion ? undefined : sdkVersion; }
      static get packageName() { return '@twilio/voice-sdk'; }
      static get isSupported() { return true; }
      get audio() { return this._audio; }
      get token() { return this._token; }
      get identity() { return identityOf(this._token); }
      get state() { return this._state; }
      get calls() { return this._calls.slice(); }
      get isBusy() { return this._calls.some((c) => c._status === 'open'); }
      get edge() { return this._options.edge || 'roaming'; }
      get home() { return 'us1'; }
      async register() {
        if (this._destroyed) throw new Error('Device has been destroyed');
        this._state = 'registering';
        world.log('device.registering', { deviceId: this._id });
        this.emit('registering');
        await delay(10);
        if (this._destroyed) throw new Error('Device has been destroyed');
        const fault = !this._flex && takeFault('register', this);
        if (fault) {
          this._state = 'unregistered';
          const err = twilioError(fault);
          world.log('device.registerFailed', { deviceId: this._id, code: err.code });
          this.emit('error', err);
          throw err;
        }
        this._state = 'registered';
        world.log('device.registered', { deviceId: this._id });
        this.emit('registered');
      }
      async unregister() {
        if (this._state !== 'registered') return;
        this._state = 'unregistered';
        world.log('device.unregistered', { deviceId: this._id });
        this.emit('unregistered');
      }
      updateToken(token) {
        if (typeof token !== 'string') throw new TypeError('Parameter "token" must be of type "string".');
        this._token = token;
        this._tokens.push(token);
        world.log('device.updateToken', { deviceId: this._id });
      }
      disconnectAll() { this._calls.slice().forEach((c) => c.disconnect()); }
      destroy() {
        if (this._destroyed) return;
        this.disconnectAll();
        this._destroyed = true;
        this._state = 'destroyed';
        world.log('device.destroy', { deviceId: this._id });
        this.emit('destroyed');
      }
      async connect(options) {
        options = options || {};
        world.log('device.connect', { deviceId: this._id, options: cloneShowingUndefined(options) });
        this._connects.push(cloneShowingUndefined(options));
        if (this._destroyed) throw new Error('Device has been destroyed');
        if (this.isBusy) throw new Error('A Call is already active');
        await delay(10);
        const fault = takeFault('connect', this);
        if (fault) {
          const err = twilioError(fault);
          world.log('device.connectFailed', { deviceId: this._id, code: err.code });
          throw err;
        }
        let call;
        if (options.connectToken && supportsConnectToken) {
          const leg = switchboard._legByConnectToken(options.connectToken);
          if (!leg) throw twilioError({ code: 31404, message: 'Not Found: connectToken does not match a ringing call' });
          call = new Call(this, leg._invite, 'INCOMING');
          call._forwardedFrom = leg;
          this._calls.push(call);
          leg._cancel(); // the originating Device's pending call is cancelled
          world.log('call.forwarded', { callSid: call.parameters.CallSid, from: leg._device._id, to: this._id });
        } else {
          const invite = switchboard._newInvite({ from: 'client:' + (identityOf(this._token) || 'agent'), to: (options.params && options.params.To) || 'outbound', customParameters: options.params || {} });
          call = new Call(this, invite, 'OUTGOING');
          invite.legs.push(call);
          this._calls.push(call);
        }
        call._acceptOptions = { rtcConfiguration: clone(options.rtcConfiguration), rtcConstraints: clone(options.rtcConstraints) };
        // resolves with an already-open call; 'accept' follows a moment later
        call._status = 'open';
        world.log('call.open', { callSid: call.parameters.CallSid, deviceId: this._id, legId: call._legId });
        switchboard._onLegOpen(call);
        world.scheduleInvariantCheck();
        setTimeout(() => { if (call._status === 'open') { world.log('call.accept', { callSid: call.parameters.CallSid, deviceId: this._id, legId: call._legId }); call.emit('accept', call); } }, 5);
        return call;
      }
      _receiveInvite(invite) {
        if (this._destroyed || this._state !== 'registered') return null;
        if (!this._options.allowIncomingWhileBusy && this.isBusy) {
          world.log('device.ignoredInvite', { deviceId: this._id, callSid: invite.callSid });
          return null;
        }
        const call = new Call(this, invite, 'INCOMING');
        this._calls.push(call);
        invite.legs.push(call);
        world.log('device.incoming', { deviceId: this._id, callSid: invite.callSid, legId: call._legId });
        this.emit('incoming', call);
        return call;
      }
    }
    Device.EventName = { Error: 'error', Incoming: 'incoming', Destroyed: 'destroyed', Unregistered: 'unregistered', Registering: 'registering', Registered: 'registered', TokenWillExpire: 'tokenWillExpire' };
    Device.State = { Destroyed: 'destroyed', Unregistered: 'unregistered', Registering: 'registering', Registered: 'registered' };

    function identityOf(token) {
      const m = /^FAKEJWT\.([^.]+)\./.exec(token || '');
      return m ? m[1] : null;
    }

    function twilioError(f) {
      const e = new Error(f.message || 'Fake SDK failure');
      e.code = f.code || 31005;
      e.name = 'TwilioError';
      e.description = f.message || 'Fake SDK failure';
      return e;
    }

    function takeFault(kind, device) {
      const list = faults[kind];
      while (list.length) {
        const f = list[0];
        if (f.remaining <= 0) { list.shift(); continue; }
        if (f.filter && !f.filter(device)) return null;
        f.remaining--;
        return f;
      }
      return null;
    }

    let inviteCounter = 0;
    const switchboard = {
      world,
      /** Deliver a call to every registered Device of `identity` (first accept wins). */
      deliver(spec) {
        const invite = this._newInvite(spec);
        const identity = spec.identity;
        const targets = world.devices.filter((d) => !d._destroyed && d._state === 'registered' && (!identity || d.identity === identity));
        world.log('switchboard.deliver', { callSid: invite.callSid, targets: targets.map((d) => d._id) });
        for (const d of targets) {
          if (invite.state !== 'ringing') break;
          try { d._receiveInvite(invite); } catch (e) { world.log('switchboard.listenerThrew', { deviceId: d._id, error: String(e && e.message || e) }); invite.listenerErrors.push(String(e && e.message || e)); }
        }
        if (!invite.legs.length) world.log('switchboard.noDeviceRang', { callSid: invite.callSid });
        return invite.callSid;
      },
      _newInvite(spec) {
        const callSid = spec.callSid || ('CA' + String(++inviteCounter).padStart(4, '0') + (spec.tag ? '_' + spec.tag : ''));
        const invite = { callSid, from: spec.from || '+15550000000', to: spec.to || 'client:agent', customParameters: spec.customParameters || {}, legs: [], state: 'ringing', taskSid: spec.taskSid, reservationSid: spec.reservationSid, listenerErrors: [] };
        world.invites.set(callSid, invite);
        return invite;
      },
      _legByConnectToken(token) {
        for (const inv of world.invites.values()) for (const l of inv.legs) if (l._connectToken === token && l._status === 'pending') return l;
        return null;
      },
      _onLegOpen(call) {
        const inv = call._invite;
        if (!inv.legs.includes(call)) inv.legs.push(call);
        inv.state = 'answered';
        inv.answeredBy = call._device._id;
        for (const other of inv.legs) if (other !== call && other._status === 'pending') other._cancel();
        if (this.onAnswered) this.onAnswered(inv, call);
      },
      _onLegRejected(call) {
        const inv = call._invite;
        if (inv.state === 'ringing' && inv.legs.every((l) => l._status === 'closed') && call._closeReason === 'reject') {
          inv.state = 'rejected';
          world.log('switchboard.rejected', { callSid: inv.callSid });
        }
      },
      _onLegHungUp(call) {
        const inv = call._invite;
        if (inv.legs.every((l) => l._status === 'closed')) { inv.state = 'ended'; if (this.onEnded) this.onEnded(inv, 'agent'); }
      },
      /** The far end hangs up: open legs get 'disconnect', ringing legs 'cancel'. */
      hangup(callSid) {
        const inv = world.invites.get(callSid);
        if (!inv) return false;
        world.log('switchboard.hangup', { callSid });
        inv.state = 'ended';
        for (const l of inv.legs.slice()) l._remoteHangup();
        if (this.onEnded) this.onEnded(inv, 'remote');
        return true;
      },
      /** Emit an 'error' on a Device (or every Device); records whether emit threw (no listener). */
      deviceError(deviceIdOrAll, err) {
        const e = twilioError(err || { code: 31005, message: 'Connection error (fake network loss)' });
        const targets = world.devices.filter((d) => !d._destroyed && (deviceIdOrAll === '*' || d._id === deviceIdOrAll));
        const results = [];
        for (const d of targets) {
          try { d.emit('error', e); results.push({ deviceId: d._id, threw: false }); } catch (x) { results.push({ deviceId: d._id, threw: true, error: String(x && x.message) }); }
        }
        world.log('switchboard.deviceError', { results });
        return results;
      },
      /** The next `count` register() calls of non-Flex Devices fail. */
      failRegistrations(count, err) { faults.register.push(Object.assign({ remaining: count }, err || { code: 31005, message: 'Fake registration failure' })); },
      /** The next `count` connect() calls fail. */
      failConnects(count, err) { faults.connect.push(Object.assign({ remaining: count }, err || { code: 31005, message: 'Fake connect failure' })); },
      clearFaults() { faults.register.length = 0; faults.connect.length = 0; },
      invite(callSid) { return world.invites.get(callSid); },
    };

    return { Device, Call, AudioHelper, switchboard, world, version: sdkVersion, supportsConnectToken, identityOf, makeToken: (identity, n) => 'FAKEJWT.' + identity + '.SECRET' + (n || 0) + 'x' + Math.random().toString(36).slice(2, 10) };
  }

  // ------------------------------------------------------------------ tiny React double

  const ReactDouble = (function () {
    const Fragment = Symbol.for('react.fragment');
    function createElement(type, props, ...children) {
      props = Object.assign({}, props || {});
      const key = props.key !== undefined ? String(props.key) : null;
      const ref = props.ref || null;
      delete props.key; delete props.ref;
      if (children.length === 1) props.children = children[0];
      else if (children.length > 1) props.children = children;
      if (type && type.defaultProps) for (const k in type.defaultProps) if (props[k] === undefined) props[k] = type.defaultProps[k];
      return { $$typeof: Symbol.for('react.element'), type, key, ref, props };
    }
    class Component { constructor(props) { this.props = props; this.state = {}; } setState(s) { Object.assign(this.state, typeof s === 'function' ? s(this.state, this.props) : s); } }
    Component.prototype.isReactComponent = {};
    class PureComponent extends Component {}
    function isValidElement(x) { return !!x && x.$$typeof === Symbol.for('react.element'); }
    function forwardRef(render) { const f = (props) => render(props, null); f.displayName = 'ForwardRef'; return f; }
    function memo(c) { return c; }
    const hooks = {
      useState: (i) => [typeof i === 'function' ? i() : i, () => {}],
      useReducer: (r, i) => [i, () => {}],
      useEffect: () => {}, useLayoutEffect: () => {},
      useMemo: (f) => f(), useCallback: (f) => f, useRef: (v) => ({ current: v }),
      useContext: (c) => (c && c._value),
    };
    function createContext(v) { const ctx = { _value: v }; ctx.Provider = (p) => p.children; ctx.Consumer = (p) => p.children(ctx._value); return ctx; }
    const Children = { toArray: (c) => flatten(c), map: (c, f) => flatten(c).map(f), count: (c) => flatten(c).length, forEach: (c, f) => flatten(c).forEach(f) };
    function flatten(c) { if (c === null || c === undefined || c === false || c === true) return []; if (Array.isArray(c)) return c.flatMap(flatten); return [c]; }

    function toCss(style) {
      return Object.keys(style || {}).map((k) => k.replace(/[A-Z]/g, (m) => '-' + m.toLowerCase()) + ':' + (typeof style[k] === 'number' && !/^(opacity|zIndex|flex|fontWeight|lineHeight|order)$/.test(k) ? style[k] + 'px' : style[k])).join(';');
    }
    /** Renders an element tree into real DOM nodes (enough for test views). */
    function renderToDom(node, doc) {
      doc = doc || document;
      if (node === null || node === undefined || node === false || node === true) return doc.createDocumentFragment();
      if (typeof node === 'string' || typeof node === 'number') return doc.createTextNode(String(node));
      if (Array.isArray(node)) { const f = doc.createDocumentFragment(); node.forEach((n) => f.appendChild(renderToDom(n, doc))); return f; }
      if (!isValidElement(node)) return doc.createTextNode(String(node));
      const { type, props } = node;
      if (type === Fragment) return renderToDom(props.children, doc);
      if (typeof type === 'function') {
        if (type.prototype && type.prototype.isReactComponent) { const inst = new type(props); return renderToDom(inst.render(), doc); }
        return renderToDom(type(props), doc);
      }
      if (typeof type === 'object' && type && typeof type.render === 'function') return renderToDom(type.render(props, null), doc);
      const el = doc.createElement(String(type));
      for (const k of Object.keys(props)) {
        const v = props[k];
        if (k === 'children') continue;
        if (k === 'style' && v && typeof v === 'object') el.setAttribute('style', toCss(v));
        else if (k === 'className') el.setAttribute('class', v);
        else if (k === 'htmlFor') el.setAttribute('for', v);
        else if (/^on[A-Z]/.test(k) && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
        else if (k === 'dangerouslySetInnerHTML') el.innerHTML = v.__html;
        else if (v !== undefined && v !== null && v !== false && typeof v !== 'object' && typeof v !== 'function') el.setAttribute(k, v === true ? '' : String(v));
      }
      el.appendChild(renderToDom(props.children, doc));
      return el;
    }
    return Object.assign({ createElement, Fragment, Component, PureComponent, isValidElement, forwardRef, memo, createContext, Children, renderToDom, version: '17.0.2-double', __double: true }, hooks);
  })();

  // ------------------------------------------------------------------ Redux (minimal, real semantics)

  function createStore(reducer) {
    let state = reducer(undefined, { type: '@@redux/INIT' });
    let dispatching = false;
    let subs = [];
    return {
      getState() { if (dispatching) throw new Error('You may not call store.getState() while the reducer is executing.'); return state; },
      dispatch(action) {
        if (!action || typeof action.type !== 'string') throw new Error('Actions must be plain objects with a type.');
        if (dispatching) throw new Error('Reducers may not dispatch actions.');
        try { dispatching = true; state = reducer(state, action); } finally { dispatching = false; }
        for (const s of subs.slice()) s();
        return action;
      },
      subscribe(fn) { subs.push(fn); let on = true; return () => { if (!on) return; on = false; subs = subs.filter((x) => x !== fn); }; },
      replaceReducer(r) { reducer = r; },
    };
  }

  // ------------------------------------------------------------------ tasks and participants

  const PARTICIPANT_FIELDS = ['participantSid', 'participantType', 'status', 'callSid', 'workerSid', 'isCurrentWorker', 'onHold', 'muted', 'mediaProperties', 'workerName', 'label', 'connecting'];

  /** Conference participant whose fields are prototype getters (non-enumerable), as in real Flex. */
  function ConferenceParticipant(source) { Object.defineProperty(this, 'source', { value: Object.freeze(Object.assign({}, source)), enumerable: false }); }
  for (const f of PARTICIPANT_FIELDS) {
    Object.defineProperty(ConferenceParticipant.prototype, f, { get() { return this.source[f]; }, enumerable: false, configurable: true });
  }

  // ------------------------------------------------------------------ the Flex double

  const DEFAULT_STRINGS = {
    SecondIncomingVoiceCallNotificationContent: 'You have an incoming call',
    SecondIncomingVoiceCallNotificationAccept: 'Accept',
    SecondIncomingVoiceCallNotificationReject: 'Reject',
    NoInputDevice: 'No input device found',
  };
  const FLEX_NOTIFICATIONS = [
    { id: 'SecondVoiceCallIncoming', content: 'SecondIncomingVoiceCallNotificationContent', type: 'warning', timeout: 0, closeButton: false },
    { id: 'NoInputDevice', content: 'NoInputDevice', type: 'error', timeout: 0 },
    { id: 'MicTaken', content: 'Microphone is in use by another application', type: 'error', timeout: 0 },
  ];

  /**
   * Builds window.Twilio.Flex and a Manager.
   * opts: {
   *   config: ui_attributes ({ custom_data, sdkOptions, initialDeviceCheck, ... }),
   *   DeviceClass: the Voice SDK Device class (fake or real),
   *   flexVersion: '2.17.1', workerSid, identity, token,
   *   conference(task, double): starts the agent's leg after AcceptTask of a call task (default: fake switchboard),
   *   switchboard: from createFakeVoiceSdk (optional when DeviceClass is real),
   *   world: shared timeline (optional),
   *   React: defaults to window.React, else ReactDouble,
   *   registerVoiceClient: default true,
   *   audio: { speaker: 'spk-1', input: 'mic-1' } the agent's chosen devices on Flex's Device
   * }
   */
  function createFlexDouble(opts) {
    opts = opts || {};
    const world = opts.world || (opts.switchboard && opts.switchboard.world) || createWorld();
    const DeviceClass = opts.DeviceClass;
    if (typeof DeviceClass !== 'function') throw new Error('createFlexDouble: DeviceClass is required');
    const switchboard = opts.switchboard || null;
    const flexVersion = opts.flexVersion || '2.17.1';
    const workerSid = opts.workerSid || 'WKalice';
    const identity = opts.identity || 'agent_alice';
    const config = clone(opts.config || {});
    config.sdkOptions = config.sdkOptions || {};
    const React = opts.React || global.React || ReactDouble;
    if (!global.React) global.React = React;
    const double = {
      world, switchboard, workerSid, identity, flexVersion,
      actionLog: [],            // one entry per invocation: {seq, name, sid, targetSid, outcome, error}
      listenerErrors: [],       // exceptions thrown by before/after listeners into the pipeline
      shownNotifications: [],   // every showNotification call that was not cancelled
      cancelledNotifications: [],
      plugins: [],              // { name, initCalledWhileEvaluating, state: 'pending'|'ready'|'failed', error }
      flexDeviceErrors: [],
      tokens: [],
    };
    let tokenCounter = 0;
    const makeToken = () => (opts.makeToken ? opts.makeToken(identity, ++tokenCounter) : 'FAKEJWT.' + identity + '.SECRET' + (++tokenCounter) + 'x' + Math.random().toString(36).slice(2, 10));

    // ---------------- store
    const initialPhone = { listener: undefined, activeCall: undefined, lastCallSid: undefined, connection: undefined };
    function phoneReducer(state, action) {
      state = state || initialPhone;
      switch (action.type) {
        case 'PHONE_ADD_CALL': {
          const sid = action.payload && action.payload.parameters ? action.payload.parameters.CallSid : undefined;
          return Object.assign({}, state, { lastCallSid: sid, activeCall: action.payload, connection: { source: action.payload } });
        }
        case 'PHONE_TOGGLE_MUTE': return Object.assign({}, state, { activeCall: action.payload, connection: { source: action.payload } });
        case 'PHONE_REMOVE_CALL': return Object.assign({}, state, { activeCall: undefined, connection: undefined });
        default: return state;
      }
    }
    function workerReducer(state, action) {
      state = state || { tasks: new Map(), worker: { sid: workerSid, name: identity, fullName: 'Alice Agent', attributes: { contact_uri: 'client:' + identity } }, activity: { name: 'Available', available: true } };
      if (action.type === 'DOUBLE_SET_TASK') {
        const tasks = new Map(state.tasks);
        tasks.set(action.payload.sid, action.payload);
        return Object.assign({}, state, { tasks });
      }
      if (action.type === 'DOUBLE_REMOVE_TASK') {
        const tasks = new Map(state.tasks);
        tasks.delete(action.payload);
        return Object.assign({}, state, { tasks });
      }
      return state;
    }
    // Real Flex names its active view once it has rendered its desktop, after
    // every plugin's init; with `renderAfterMs` the double does so that long
    // after the plugin's init has resolved (null: never), else from the start.
    function viewReducer(state, action) {
      state = state || (opts.renderAfterMs === undefined ? { selectedTaskSid: undefined, activeView: 'agent-desktop' } : { selectedTaskSid: undefined });
      if (action.type === 'VIEW_SELECT_TASK') return Object.assign({}, state, { selectedTaskSid: action.payload });
      if (action.type === 'DOUBLE_DESKTOP_RENDERED') return Object.assign({}, state, { activeView: 'agent-desktop' });
      return state;
    }
    function flexReducer(state, action) {
      state = state || {};
      const next = { phone: phoneReducer(state.phone, action), worker: workerReducer(state.worker, action), view: viewReducer(state.view, action), config: state.config || config };
      return (next.phone === state.phone && next.worker === state.worker && next.view === state.view) ? state : next;
    }
    const store = createStore((state, action) => {
      state = state || {};
      const flex = flexReducer(state.flex, action);
      return flex === state.flex ? state : Object.assign({}, state, { flex });
    });
    const origDispatch = store.dispatch;
    store.dispatch = function (action) {
      const e = { type: action && action.type };
      if (action && /^PHONE_/.test(action.type)) e.callSid = action.payload && action.payload.parameters ? action.payload.parameters.CallSid : undefined;
      world.log('redux.' + (action && action.type), e);
      return origDispatch(action);
    };

    const getTask = (sid) => store.getState().flex.worker.tasks.get(sid);

    // Task objects are replaced (never mutated) on every change.
    function putTask(fields) {
      const prev = getTask(fields.sid);
      const base = prev ? taskSource(prev) : {};
      const src = Object.assign({}, base, fields);
      const task = buildTask(src);
      store.dispatch({ type: 'DOUBLE_SET_TASK', payload: task });
      return task;
    }
    const SOURCES = new WeakMap();
    function taskSource(task) { return SOURCES.get(task); }
    function buildTask(src) {
      const task = {
        sid: src.sid,
        taskSid: src.taskSid,
        taskChannelUniqueName: src.channel,
        channelType: src.channel === 'voice' ? 'voice' : src.channel,
        status: src.status,
        taskStatus: src.taskStatus,
        attributes: Object.assign({}, src.attributes),
        workerSid: src.workerSid,
        queueName: src.queueName || 'Everyone',
        routingTarget: src.routingTarget,
        dateCreated: src.dateCreated,
        age: 0,
        conference: src.channel === 'voice' && src.participants ? {
          conferenceSid: 'CF' + src.taskSid,
          participants: src.participants.map((p) => new ConferenceParticipant(p)),
          liveParticipantCount: src.participants.filter((p) => p.status === 'joined').length,
          liveWorkerCount: src.participants.filter((p) => p.status === 'joined' && p.participantType === 'worker').length,
        } : undefined,
        get defaultFrom() { return '+15550001111'; },
      };
      SOURCES.set(task, src);
      return task;
    }
    let seqNo = 0;
    function updateParticipants(reservationSid, fn) {
      const t = getTask(reservationSid);
      if (!t) return null;
      const src = taskSource(t);
      const participants = (src.participants || []).map((p) => Object.assign({}, p));
      fn(participants);
      return putTask({ sid: reservationSid, participants });
    }

    // ---------------- TaskHelper
    const TaskHelper = {
      getTaskByTaskSid: (sid) => getTask(sid),
      getTaskFromConference: undefined,
      isCallTask: (task) => !!task && task.taskChannelUniqueName === 'voice',
      isVoiceTask: (task) => !!task && task.taskChannelUniqueName === 'voice',
      isChatBasedTask: (task) => !!task && task.taskChannelUniqueName !== 'voice',
      isTaskAccepted: (task) => !!task && (task.status === 'accepted' || task.status === 'wrapping' || task.status === 'completed'),
      isLiveCall: (task) => !!task && task.taskChannelUniqueName === 'voice' && task.status === 'accepted',
      isPending: (task) => !!task && task.status === 'pending',
      isInWrapupMode: (task) => !!task && task.status === 'wrapping',
      isCompleted: (task) => !!task && task.status === 'completed',
      isTaskAssignedToCurrentWorker: (task) => !!task && task.workerSid === workerSid,
      isCurrentWorkerOnHold(task) {
        const p = task && task.conference && task.conference.participants.find((x) => x.isCurrentWorker && x.status === 'joined');
        return !!p && !!p.onHold;
      },
      canHold(task) {
        return TaskHelper.isLiveCall(task) && TaskHelper.isTaskAssignedToCurrentWorker(task) && !TaskHelper.isCurrentWorkerOnHold(task);
      },
      isCallOnHold(task) { return !!(task && task.conference && task.conference.participants.some((p) => p.participantType === 'customer' && p.onHold)); },
      isOutboundCallTask: (task) => TaskHelper.isCallTask(task) && !!task.routingTarget && task.attributes.direction === 'outbound',
    };

    // ---------------- Notifications
    const notifEmitter = new Emitter();
    const NotificationType = Object.freeze({ information: 'information', success: 'success', warning: 'warning', error: 'error' });
    let instanceCounter = 0;
    let pluginLoadStarted = false;
    const Notifications = {
      registeredNotifications: new Map(),
      activeNotifications: [],
      handlers: {},
      addListener(name, fn) { notifEmitter.on(name, fn); return this; },
      on(name, fn) { notifEmitter.on(name, fn); return this; },
      removeListener(name, fn) { notifEmitter.removeListener(name, fn); return this; },
      off(name, fn) { notifEmitter.removeListener(name, fn); return this; },
      listenerCount(name) { return notifEmitter.listenerCount(name); },
      registerNotification(n) {
        if (!n || !n.id) throw new Error('Notification must have an id');
        this.registeredNotifications.set(n.id, Object.assign({}, n));
        world.log('notification.register', { id: n.id, type: n.type, byPlugin: pluginLoadStarted });
        if (pluginLoadStarted) double.pluginNotificationIds = (double.pluginNotificationIds || []).concat(n.id);
      },
      showNotification(id, context) {
        const reg = this.registeredNotifications.get(id);
        if (!reg) { world.log('notification.unknown', { id }); return null; }
        const n = Object.assign({}, reg, { instanceId: 'N' + (++instanceCounter), context: context });
        let cancelled = false;
        const cancel = () => { cancelled = true; };
        for (const fn of notifEmitter.listeners('beforeAddNotification')) {
          try { fn(n, cancel); } catch (e) { double.listenerErrors.push({ where: 'beforeAddNotification', id, error: String(e && e.message || e) }); }
        }
        if (cancelled) {
          double.cancelledNotifications.push({ seq: world.seq + 1, id });
          world.log('notification.cancelled', { id });
          return null;
        }
        this.activeNotifications.push(n);
        const rec = { seq: world.seq + 1, id, type: n.type || 'information', text: renderNotificationText(n), instanceId: n.instanceId, hasContext: !!context, byPlugin: (double.pluginNotificationIds || []).includes(id), dismissed: false };
        double.shownNotifications.push(rec);
        world.log('notification.show', { id, type: rec.type, text: rec.text });
        try { notifEmitter.emit('notificationAdded', n); } catch (e) { double.listenerErrors.push({ where: 'notificationAdded', error: String(e && e.message) }); }
        if (n.timeout > 0) setTimeout(() => this.dismissNotification(n), n.timeout);
        return n;
      },
      showNotificationSingle(id) { if (!this.isNotificationActive(id)) this.showNotification(id); },
      dismissNotification(n) {
        const i = this.activeNotifications.indexOf(n);
        if (i < 0) return;
        this.activeNotifications.splice(i, 1);
        const rec = double.shownNotifications.find((r) => r.instanceId === n.instanceId);
        if (rec) rec.dismissed = true;
        world.log('notification.dismiss', { id: n.id });
        try { notifEmitter.emit('notificationDismissed', n); } catch (_) { /* recorded elsewhere */ }
      },
      dismissNotificationById(id) { this.activeNotifications.filter((n) => n.id === id).forEach((n) => this.dismissNotification(n)); },
      dismissAll() { this.activeNotifications.slice().forEach((n) => this.dismissNotification(n)); },
      isNotificationActive(id) { return this.activeNotifications.some((n) => n.id === id); },
    };
    function renderNotificationText(n) {
      let c = n.content;
      try {
        if (typeof c === 'function') c = c({ notificationContext: n.context });
        if (typeof c === 'string') {
          const tpl = manager.strings[c] !== undefined ? manager.strings[c] : c;
          return String(tpl).replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, k) => { const v = n.context && n.context[k]; return v === undefined ? '' : String(v); });
        }
        if (c && typeof c === 'object') { const el = ReactDouble.renderToDom(c); return el.textContent; }
      } catch (e) { return '<content failed to render: ' + (e && e.message) + '>'; }
      return String(c);
    }
    FLEX_NOTIFICATIONS.forEach((n) => Notifications.registerNotification(n));

    // ---------------- Actions
    const actionEmitter = new Emitter();
    /** Every listener on Flex's actions, all names together. */
    const actionListenerCount = () => Array.from(actionEmitter._events.values()).reduce((n, l) => n + l.length, 0);
    const inFlight = new Set();
    const impls = new Map();
    const Actions = {
      addListener(name, fn) { actionEmitter.on(name, fn); return this; },
      removeListener(name, fn) { actionEmitter.removeListener(name, fn); return this; },
      removeAllListeners(name) { actionEmitter.removeAllListeners(name); return this; },
      listenerCount(name) { return actionEmitter.listenerCount(name); },
      registerAction(name, impl) { if (impls.has(name)) return false; impls.set(name, impl); return true; },
      replaceAction(name, fn) { const original = impls.get(name); impls.set(name, (payload) => fn(payload, original)); },
      async invokeAction(name, payload) {
        payload = Object.assign({}, payload || {});
        if (payload.sid && !payload.task) payload.task = getTask(payload.sid);
        if (payload.task && !payload.sid) payload.sid = payload.task.sid;
        const key = JSON.stringify([name, payload.sid || null, payload.targetSid || null, payload.destination || null]);
        const entry = { seq: world.seq + 1, name, sid: payload.sid, targetSid: payload.targetSid, outcome: 'pending' };
        double.actionLog.push(entry);
        world.log('action.invoke', { name, sid: payload.sid, targetSid: payload.targetSid });
        if (inFlight.has(key)) {
          entry.outcome = 'duplicate';
          world.log('action.rejected', { name, reason: 'in flight' });
          throw new Error('Action ' + name + ' is already being executed with the same payload');
        }
        inFlight.add(key);
        try {
          let cancelled = false;
          const cancel = () => { cancelled = true; };
          for (const fn of actionEmitter.listeners('before' + name)) {
            try { await fn(payload, cancel); } catch (e) {
              double.listenerErrors.push({ where: 'before' + name, error: String(e && e.message || e) });
              entry.outcome = 'listenerThrew';
              throw e;
            }
          }
          if (cancelled) {
            entry.outcome = 'cancelled';
            world.log('action.cancelled', { name, sid: payload.sid });
            throw new Error('Action ' + name + ' was cancelled');
          }
          const impl = impls.get(name);
          world.log('action.run', { name, sid: payload.sid, targetSid: payload.targetSid });
          let result;
          try { result = impl ? await impl(payload) : undefined; } catch (e) {
            entry.outcome = 'failed'; entry.error = String(e && e.message || e);
            world.log('action.failed', { name, sid: payload.sid, error: entry.error });
            throw e;
          }
          world.log('action.done', { name, sid: payload.sid, targetSid: payload.targetSid });
          for (const fn of actionEmitter.listeners('after' + name)) {
            try { await fn(payload, () => {}); } catch (e) {
              double.listenerErrors.push({ where: 'after' + name, error: String(e && e.message || e) });
            }
          }
          entry.outcome = 'done';
          return result;
        } finally {
          inFlight.delete(key);
        }
      },
    };

    function requireTask(payload) {
      const t = payload.task || getTask(payload.sid);
      if (!t) throw new Error('Task not found: ' + payload.sid);
      return getTask(t.sid) || t;
    }
    function conferenceHook(task) {
      if (opts.conference) return opts.conference(task, double);
      if (!switchboard) return undefined;
      setTimeout(() => {
        switchboard.deliver({ identity, tag: 'agent_' + task.taskSid, customParameters: { taskSid: task.taskSid, reservationSid: task.sid }, taskSid: task.taskSid, reservationSid: task.sid, from: taskSource(task).from });
      }, opts.conferenceDelayMs === undefined ? 20 : opts.conferenceDelayMs);
      return undefined;
    }
    impls.set('AcceptTask', async (payload) => {
      const task = requireTask(payload);
      if (task.status !== 'pending') throw new Error('Task ' + task.sid + ' is not pending');
      await delay(5);
      const t = putTask({ sid: task.sid, status: 'accepted', taskStatus: 'assigned' });
      if (TaskHelper.isCallTask(t) && !TaskHelper.isOutboundCallTask(t)) conferenceHook(t);
    });
    impls.set('RejectTask', async (payload) => { const t = requireTask(payload); putTask({ sid: t.sid, status: 'rejected', taskStatus: 'pending' }); store.dispatch({ type: 'DOUBLE_REMOVE_TASK', payload: t.sid }); });
    impls.set('SelectTask', async (payload) => { store.dispatch({ type: 'VIEW_SELECT_TASK', payload: payload.sid }); });
    function holdTarget(payload, onHold) {
      const task = requireTask(payload);
      if (onHold && !TaskHelper.canHold(task)) throw new Error('Cannot hold: task ' + task.sid + ' is not a live call of this worker');
      let found = false;
      updateParticipants(task.sid, (ps) => {
        for (const p of ps) {
          const match = payload.targetSid === undefined
            ? p.participantType === 'customer' && p.status === 'joined'
            : ((p.participantType === 'worker' && p.workerSid === payload.targetSid) || p.callSid === payload.targetSid);
          if (match && !p.isCurrentWorker) { p.onHold = onHold; found = true; }
        }
      });
      if (!found) throw new Error('Participant ' + payload.targetSid + ' not found in task ' + task.sid);
      world.log(onHold ? 'conference.hold' : 'conference.unhold', { sid: task.sid, targetSid: payload.targetSid || 'customer' });
    }
    impls.set('HoldCall', async (p) => { await delay(5); holdTarget(Object.assign({}, p, { targetSid: undefined }), true); });
    impls.set('UnholdCall', async (p) => { await delay(5); holdTarget(Object.assign({}, p, { targetSid: undefined }), false); });
    impls.set('HoldParticipant', async (p) => { await delay(5); holdTarget(p, true); });
    impls.set('UnholdParticipant', async (p) => { await delay(5); holdTarget(p, false); });
    impls.set('ToggleMute', async () => {
      const call = store.getState().flex.phone.activeCall;
      if (!call) throw new Error('No active call to mute');
      call.mute(!call.isMuted());
    });
    impls.set('HangupCall', async () => {
      const call = store.getState().flex.phone.activeCall;
      if (!call) throw new Error('No active call to hang up');
      call.disconnect();
    });
    impls.set('MonitorCall', async (p) => { world.log('conference.monitor', { sid: p.sid, taskSid: p.task && p.task.taskSid }); });
    impls.set('StartOutboundCall', async (p) => {
      if (store.getState().flex.phone.activeCall) { const e = new Error('VOICE_CALL_ALREADY_LIVE'); e.code = 'VOICE_CALL_ALREADY_LIVE'; throw e; }
      const n = ++outboundCounter;
      const sid = 'WRout' + n;
      const t = double.addTask({ sid, taskSid: 'WTout' + n, channel: 'voice', status: 'accepted', taskStatus: 'assigned', routingTarget: workerSid, attributes: { direction: 'outbound', to: p.destination } });
      conferenceHookOutbound(t);
    });
    let outboundCounter = 0;
    function conferenceHookOutbound(task) {
      if (opts.conference) return opts.conference(task, double);
      if (!switchboard) return undefined;
      setTimeout(() => switchboard.deliver({ identity, tag: 'agent_' + task.taskSid, customParameters: { taskSid: task.taskSid, reservationSid: task.sid }, taskSid: task.taskSid, reservationSid: task.sid }), 20);
      return undefined;
    }
    impls.set('WrapupTask', async (p) => {
      const t = requireTask(p);
      const leg = double.agentCallSid(t.sid);
      putTask({ sid: t.sid, status: 'wrapping', taskStatus: 'wrapping' });
      if (leg && switchboard) switchboard.hangup(leg);
    });
    impls.set('CompleteTask', async (p) => {
      const t = requireTask(p);
      putTask({ sid: t.sid, status: 'completed', taskStatus: 'completed' });
      setTimeout(() => store.dispatch({ type: 'DOUBLE_REMOVE_TASK', payload: t.sid }), 10);
    });
    ['SetActivity', 'ShowDirectory', 'HideDirectory', 'NavigateToView', 'SendDTMFDigits', 'SetComponentState'].forEach((n) => impls.set(n, async () => {}));

    // ---------------- components
    // How a TaskCardList lays out its cards. Flex UI 2.x (2.0.0, 2.10.0, 2.17.1): TaskCardListImpl renders
    // StyledFlexBox (`flex-wrap: wrap`) as the DynamicComponent root, and in 2.17.1 it computes to wrap over
    // the rootContainerStyles "flex-wrap: nowrap": every card shows. Flex UI 1.x (1.34.6, flex-ui-core
    // 0.60.5): the cards sit in FlexBox "Twilio-TaskCardList-Container" without allowWrap ("flexWrap:
    // nowrap"), so in a narrow column the cards after the first are cut off.
    const flexMajor = Number((/^v?(\d+)\./.exec(String(flexVersion)) || [])[1]);
    const cardsWrap = !(flexMajor < 2);
    const TaskCardList = function TaskCardList(props) {
      const tasks = (props.tasks || []).filter(props.filter || (() => true));
      return React.createElement('div', { className: 'Twilio-TaskCardList', 'data-double': 'TaskCardList', style: { display: 'flex', flexDirection: 'row', flexWrap: cardsWrap ? 'wrap' : 'nowrap' } },
        tasks.map((t) => React.createElement('div', {
          key: t.sid, className: 'Twilio-TaskCard' + (t.sid === props.selectedTaskSid ? ' selected' : '') + (t.sid === props.highlightedTaskSid ? ' highlighted' : ''),
          'data-task-sid': t.sid, style: { width: 90, height: 28, border: '1px solid #888', margin: 2, flex: '0 0 auto', boxSizing: 'border-box', fontSize: 11, overflow: 'hidden' },
          onClick: () => props.onCardSelected && props.onCardSelected(t),
        }, t.sid)));
    };
    const ColumnDefinition = function ColumnDefinition() { return null; };
    // WorkersDataTable.Content is a DynamicContentStore (flex-ui 2.17.1; the same in flex-ui-core 0.60.5):
    // add and remove only register a fragment / a remove request and return a cleanup function;
    // DynamicComponent.parseFragment applies them at every render: it drops EVERY child whose key equals a
    // remove request's key (whose `if`, if any, holds for the table's props), stock or added, whether added
    // before or after the remove. Children are ordered by sortOrder (stock: their index; added: `sortOrder`,
    // else the count so far), stable. replace() is add() with `replace: true`: it replaces ALL the columns.
    const teamsContent = { fragments: [], removeRequests: [] };
    const WorkersDataTable = {
      Content: {
        add(element, options) {
          if (!element || element.key == null) throw new Error('No key prop provided when adding component to WorkersDataTable');
          const frag = { key: element.key, element, options: Object.assign({}, options), byPlugin: true };
          teamsContent.fragments.push(frag);
          world.log('teams.column.add', { key: frag.key });
          return () => { teamsContent.fragments = teamsContent.fragments.filter((f) => f !== frag); };
        },
        remove(key, options) {
          const req = { key, options: Object.assign({}, options) };
          teamsContent.removeRequests.push(req);
          world.log('teams.column.remove', { key });
          return () => { teamsContent.removeRequests = teamsContent.removeRequests.filter((r) => r !== req); };
        },
        replace(element, options) { return this.add(element, Object.assign({}, options, { replace: true })); },
      },
    };
    const stockColumns = [
      { key: 'agent', element: React.createElement(ColumnDefinition, { key: 'agent', header: 'Agent', content: (item) => item.worker.fullName }), options: {}, byPlugin: false },
      // Flex's own filters (2.17.1 and 1.34.6): callsFilter = isCallTask && isTaskAccepted; tasksFilter = !isCallTask && isTaskAccepted.
      { key: 'calls', element: React.createElement(ColumnDefinition, { key: 'calls', header: 'Calls', content: (item, ctx) => React.createElement(TaskCardList, { tasks: item.tasks, filter: (t) => TaskHelper.isCallTask(t) && TaskHelper.isTaskAccepted(t), onCardSelected: ctx.onTaskSelected, selectedTaskSid: ctx.selectedTask && ctx.selectedTask.sid, highlightedTaskSid: ctx.monitoredTaskSid }) }), options: {}, byPlugin: false },
      { key: 'tasks', element: React.createElement(ColumnDefinition, { key: 'tasks', header: 'Messages', content: (item, ctx) => React.createElement(TaskCardList, { tasks: item.tasks, filter: (t) => !TaskHelper.isCallTask(t) && TaskHelper.isTaskAccepted(t), onCardSelected: ctx.onTaskSelected, selectedTaskSid: ctx.selectedTask && ctx.selectedTask.sid, highlightedTaskSid: ctx.monitoredTaskSid }) }), options: {}, byPlugin: false },
    ];
    /** The columns the Teams view renders now, as DynamicComponent.parseFragment picks them. */
    function teamsColumns(tableProps) {
      const holds = (options) => !options.if || options.if(tableProps);
      const items = stockColumns.map((col, i) => ({ sortOrder: i, col }));
      let replaced = null;
      for (const f of teamsContent.fragments) {
        if (!holds(f.options)) continue;
        const entry = { sortOrder: f.options.sortOrder === undefined ? items.length : f.options.sortOrder, col: f };
        if (f.options.replace) replaced = [entry]; else items.push(entry);
      }
      const removals = teamsContent.removeRequests.filter((r) => holds(r.options));
      return (replaced || items)
        .filter((e) => !removals.some((r) => e.col.key === r.key))
        .map((e, i) => ({ e, i }))
        .sort((a, b) => (a.e.sortOrder - b.e.sortOrder) || (a.i - b.i))
        .map((x) => x.e.col);
    }
    const teamsTableProps = () => ({ workers: [store.getState().flex.worker.worker], selectedTask: undefined, selectedWorker: undefined, monitoredTaskSid: undefined });
    Object.defineProperty(double, 'columns', { enumerable: true, get: () => teamsColumns(teamsTableProps()) });
    double.teamsContent = teamsContent;

    // ---------------- manager
    const events = new Emitter();
    let voiceClient = null;
    const audioChoice = Object.assign({ speaker: 'spk-1', input: 'mic-1' }, opts.audio || {});
    const voiceOpts = config.sdkOptions.voice || {};
    function flexDeviceOptions() {
      const rest = Object.assign({}, voiceOpts);
      delete rest.acceptOptions; delete rest.audioConstraints;
      return Object.assign({ allowIncomingWhileBusy: true }, rest, { appName: 'flex-ui', appVersion: flexVersion });
    }
    double.flexDeviceOptions = flexDeviceOptions();

    /** Flex's own listeners on its Device (FLEX-FACTS §4). */
    function attachFlexListeners(device) {
      device.on('error', (err) => { double.flexDeviceErrors.push({ deviceId: device._id, code: err && err.code }); world.log('flex.deviceError', { code: err && err.code }); });
      device.on('incoming', (call) => {
        world.log('flex.incoming', { callSid: call.parameters.CallSid });
        const onMute = (muted, c) => store.dispatch({ type: 'PHONE_TOGGLE_MUTE', payload: c });
        call.on('accept', (c) => { store.dispatch({ type: 'PHONE_ADD_CALL', payload: c }); c.on('mute', onMute); });
        call.on('cancel', () => Notifications.dismissNotificationById('SecondVoiceCallIncoming'));
        call.on('disconnect', (c) => { store.dispatch({ type: 'PHONE_REMOVE_CALL', payload: undefined }); c.removeListener('mute', onMute); });
        const accept = () => call.accept(voiceOpts.acceptOptions);
        if (manager.voiceClient && manager.voiceClient.isBusy) {
          Notifications.showNotification('SecondVoiceCallIncoming', {
            accept() { accept(); Notifications.dismissNotificationById('SecondVoiceCallIncoming'); },
            reject() { call.reject(); Notifications.dismissNotificationById('SecondVoiceCallIncoming'); },
          });
        } else {
          accept();
        }
      });
    }
    function buildVoiceClient(token) {
      const d = new DeviceClass(token, flexDeviceOptions());
      d._flex = true;
      attachFlexListeners(d);
      const setups = [];
      if (voiceOpts.audioConstraints && d.audio) setups.push(d.audio.setAudioConstraints(voiceOpts.audioConstraints).catch(() => {}));
      if (d.audio && audioChoice.speaker) setups.push(d.audio.speakerDevices.set([audioChoice.speaker]).catch(() => {}));
      if (d.audio && audioChoice.input) setups.push(d.audio.setInputDevice(audioChoice.input).catch(() => {}));
      return { device: d, ready: Promise.all(setups) };
    }

    class Manager {
      static getInstance() { return manager; }
      get voiceClient() { return voiceClient; }
      get store() { return store; }
    }
    const manager = new Manager();
    Object.assign(manager, {
      configuration: config,
      serviceConfiguration: { ui_attributes: config },
      events,
      strings: Object.assign({}, DEFAULT_STRINGS),
      user: { token: opts.token || makeToken(), identity },
      workerClient: { sid: workerSid, attributes: { contact_uri: 'client:' + identity } },
    });
    double.tokens.push(manager.user.token);
    const first = buildVoiceClient(manager.user.token);
    voiceClient = first.device;

    // ---------------- Flex global
    const Plugins = {
      init(PluginClass) {
        const rec = { name: (PluginClass && (PluginClass.name || (PluginClass.prototype && PluginClass.prototype.name))) || '?', initCalledWhileEvaluating: !!document.currentScript, state: 'pending', error: null };
        double.plugins.push(rec);
        world.log('plugin.registered', { name: rec.name, whileEvaluating: rec.initCalledWhileEvaluating });
        rec.promise = Promise.resolve().then(async () => {
          const instance = new PluginClass();
          rec.pluginName = instance.name;
          await instance.init(Flex, manager);
          rec.initResolvedAt = performance.now(); // what Flex awaits
          if (typeof opts.renderAfterMs === 'number') {
            setTimeout(() => {
              double.renderedAt = performance.now();
              double.actionListenersAtRender = actionListenerCount();
              store.dispatch({ type: 'DOUBLE_DESKTOP_RENDERED' });
            }, opts.renderAfterMs);
          }
          // multi-call starts once Flex has rendered and the page is next idle (see js-shim/index.js):
          // the double's "ready" is once it has started, as every test expects.
          if (instance.ready && typeof instance.ready.then === 'function') await instance.ready;
          rec.state = 'ready';
          world.log('plugin.ready', { name: rec.name });
        }).catch((e) => {
          rec.state = 'failed';
          rec.error = String(e && (e.stack || e.message) || e);
          world.log('plugin.failed', { name: rec.name, error: String(e && e.message || e) });
        });
        if (double._onPluginRegistered) double._onPluginRegistered(rec);
      },
    };
    const Flex = {
      VERSION: flexVersion,
      Manager,
      Actions,
      Notifications,
      NotificationType,
      NotificationBar: { Action: function Action() { return null; } },
      TaskHelper,
      WorkersDataTable,
      ColumnDefinition,
      TaskCardList,
      Plugins,
      React,
    };
    global.Twilio = global.Twilio || {};
    global.Twilio.Flex = Flex;
    double.Flex = Flex;
    double.manager = manager;
    double.store = store;
    double.Actions = Actions;
    double.Notifications = Notifications;
    double.TaskHelper = TaskHelper;

    // ---------------- double API for tests and sandbox
    Object.assign(double, {
      ready: (async () => { await first.ready; if (opts.registerVoiceClient !== false) await voiceClient.register(); })(),
      get voiceClient() { return voiceClient; },
      getTask,
      putTask,
      taskSource,
      /** Add (or replace) a task. fields: { sid, taskSid, channel, status, taskStatus, attributes, participants, from } */
      addTask(fields) {
        const f = Object.assign({ channel: 'voice', status: 'pending', taskStatus: 'reserved', attributes: {}, workerSid, from: '+1555' + String(Math.floor(Math.random() * 1e7)).padStart(7, '0') }, fields);
        if (!f.taskSid) f.taskSid = 'WT' + f.sid.replace(/^WR/, '');
        if (f.channel === 'voice' && !f.participants) {
          f.participants = [{ participantSid: 'PA_cust_' + f.taskSid, participantType: 'customer', status: 'joined', callSid: 'CAcust_' + f.taskSid, onHold: false, muted: false, isCurrentWorker: false, mediaProperties: { sequenceNumber: ++seqNo } }];
        }
        return putTask(f);
      },
      /** Add another participant to a task's conference (e.g. a second worker on a transfer). */
      addParticipant(reservationSid, p) {
        return updateParticipants(reservationSid, (ps) => ps.push(Object.assign({ status: 'joined', onHold: false, muted: false, isCurrentWorker: false, mediaProperties: { sequenceNumber: ++seqNo } }, p)));
      },
      setParticipant(reservationSid, match, fields) {
        return updateParticipants(reservationSid, (ps) => ps.forEach((p) => { if (Object.keys(match).every((k) => p[k] === match[k])) Object.assign(p, fields); }));
      },
      /** The agent's own call: newest joined current-worker participant with a callSid. */
      agentCallSid(reservationSid) {
        const t = getTask(reservationSid);
        if (!t || !t.conference) return undefined;
        const mine = t.conference.participants.filter((p) => p.isCurrentWorker && p.status === 'joined' && p.callSid);
        mine.sort((a, b) => ((b.mediaProperties && b.mediaProperties.sequenceNumber) || 0) - ((a.mediaProperties && a.mediaProperties.sequenceNumber) || 0));
        return mine[0] ? mine[0].callSid : undefined;
      },
      /** Flex refreshes the token: updates its own Device, then emits tokenUpdated. */
      refreshToken() {
        const token = makeToken();
        manager.user.token = token;
        double.tokens.push(token);
        if (voiceClient) voiceClient.updateToken(token);
        world.log('flex.tokenUpdated', {});
        try { events.emit('tokenUpdated', { token, expiration: new Date(Date.now() + 3600e3).toISOString() }); } catch (e) { double.listenerErrors.push({ where: 'tokenUpdated', error: String(e && e.message || e) }); }
        return token;
      },
      /** Flex re-creates its Device (retries, tab visibility): listeners on the old one are lost. */
      async recreateVoiceClient() {
        const old = voiceClient;
        const built = buildVoiceClient(manager.user.token);
        voiceClient = built.device;
        world.log('flex.voiceClientRecreated', { old: old && old._id, now: voiceClient._id });
        if (old) old.destroy();
        await built.ready;
        await voiceClient.register();
        return voiceClient._id;
      },
      /** The agent picks devices on Flex's Device audio helper (as Flex's settings UI does). */
      async chooseAudio({ speaker, input }) {
        if (speaker) { audioChoice.speaker = speaker; await voiceClient.audio.speakerDevices.set([speaker]); }
        if (input) { audioChoice.input = input; await voiceClient.audio.setInputDevice(input); }
      },
      snapshot() { return snapshot(); },
      /** From now on, registered notifications count as the plugin's. */
      markPluginLoadStarted() { pluginLoadStarted = true; },
      liveUnmutedCallSids() { return world.liveCalls().filter((c) => !c._muted).map((c) => c.parameters.CallSid); },
      /** Render the Teams view's columns for this worker into `container` (DOM). */
      renderTeamsView(container, width) {
        const item = { worker: store.getState().flex.worker.worker, tasks: Array.from(store.getState().flex.worker.tasks.values()) };
        const ctx = { onTaskSelected: (t) => world.log('teams.taskSelected', { sid: t && t.sid }), monitoredTaskSid: undefined, selectedTask: undefined };
        const table = document.createElement('table');
        table.className = 'teams-view';
        const head = table.insertRow();
        const row = table.insertRow();
        const results = [];
        for (const col of double.columns) {
          const props = col.element.props || {};
          const th = document.createElement('th');
          th.textContent = typeof props.header === 'string' ? props.header : (props.header ? ReactDouble.renderToDom(props.header).textContent : (col.key || ''));
          head.appendChild(th);
          const td = row.insertCell();
          td.dataset.column = col.key || '';
          td.style.width = (width || 200) + 'px';
          td.style.maxWidth = (width || 200) + 'px';
          td.style.overflow = 'hidden';
          td.style.verticalAlign = 'top';
          let error = null;
          try {
            const content = typeof props.content === 'function' ? props.content(item, ctx) : props.children;
            td.appendChild(ReactDouble.renderToDom(content));
          } catch (e) { error = String(e && e.message || e); td.textContent = 'render error: ' + error; }
          results.push({ key: col.key, error });
        }
        container.innerHTML = '';
        container.appendChild(table);
        return results;
      },
    });

    if (switchboard) {
      // The conference learns about the agent's leg once it is answered.
      switchboard.onAnswered = (invite, call) => {
        if (!invite.reservationSid || !getTask(invite.reservationSid)) return;
        updateParticipants(invite.reservationSid, (ps) => {
          ps.forEach((p) => { if (p.isCurrentWorker && p.status === 'joined') p.status = 'left'; });
          ps.push({ participantSid: 'PA_' + invite.callSid, participantType: 'worker', status: 'joined', callSid: invite.callSid, workerSid, isCurrentWorker: true, onHold: false, muted: false, mediaProperties: { sequenceNumber: ++seqNo } });
        });
        world.log('conference.joined', { sid: invite.reservationSid, callSid: invite.callSid, deviceId: call._device._id });
      };
      // When the agent's leg ends the task goes to wrap-up (the conference is left).
      switchboard.onEnded = (invite, by) => {
        const t = invite.reservationSid && getTask(invite.reservationSid);
        if (!t) return;
        updateParticipants(t.sid, (ps) => ps.forEach((p) => { if (p.callSid === invite.callSid || (by === 'remote' && p.participantType === 'customer')) p.status = 'left'; }));
        if (t.status === 'accepted') putTask({ sid: t.sid, status: 'wrapping', taskStatus: 'wrapping' });
      };
    }

    // ---------------- snapshot (serialisable state for tests)
    function callInfo(c) {
      if (!c) return null;
      return {
        callSid: c.parameters && c.parameters.CallSid,
        deviceId: c._device ? c._device._id : null,
        status: typeof c.status === 'function' ? c.status() : undefined,
        muted: typeof c.isMuted === 'function' ? c.isMuted() : undefined,
        legId: c._legId,
        direction: c._direction,
        acceptOptions: c._acceptOptions,
        forwardedFrom: c._forwardedFrom ? c._forwardedFrom._device._id : undefined,
        closeReason: c._closeReason,
      };
    }
    function deviceInfo(d) {
      const a = d._audio;
      return {
        id: d._id,
        isFlex: d === voiceClient,
        wasFlex: !!d._flex,
        state: d._state,
        destroyed: d._destroyed,
        token: d._token,
        tokens: d._tokens.slice(),
        options: d._optionsSeen,
        errorListeners: d.listenerCount('error'),
        incomingListeners: d.listenerCount('incoming'),
        busy: d.isBusy,
        calls: d._calls.map(callInfo),
        pastCalls: d._pastCalls.map(callInfo),
        connects: d._connects.slice(),
        audio: a ? {
          speakers: Array.from(a.speakerDevices.get()).map((x) => x.deviceId),
          ringtones: Array.from(a.ringtoneDevices.get()).map((x) => x.deviceId),
          input: a.inputDevice ? a.inputDevice.deviceId : null,
          constraints: a.audioConstraints ? clone(a.audioConstraints) : null,
        } : null,
      };
    }
    function snapshot() {
      const s = store.getState().flex;
      const tasks = Array.from(s.worker.tasks.values()).map((t) => {
        const base = { sid: t.sid, taskSid: t.taskSid, channel: t.taskChannelUniqueName, status: t.status, taskStatus: t.taskStatus };
        try { // tests may plant tasks whose fields throw
          return Object.assign(base, { agentCallSid: double.agentCallSid(t.sid), participants: t.conference ? t.conference.participants.map((p) => Object.assign({}, p.source)) : null });
        } catch (e) { return Object.assign(base, { agentCallSid: undefined, participants: null, readError: String(e && e.message || e) }); }
      });
      const ac = s.phone.activeCall;
      return {
        seq: world.seq,
        flexDeviceId: voiceClient ? voiceClient._id : null,
        activeCall: ac ? callInfo(ac) : null,
        lastCallSid: s.phone.lastCallSid,
        selectedTaskSid: s.view.selectedTaskSid,
        tasks,
        devices: world.devices.map(deviceInfo),
        liveCalls: world.liveCalls().map(callInfo),
        invites: Array.from(world.invites.values()).map((i) => ({ callSid: i.callSid, state: i.state, answeredBy: i.answeredBy, reservationSid: i.reservationSid, legs: i.legs.map(callInfo), listenerErrors: i.listenerErrors })),
        actions: double.actionLog.slice(),
        notifications: double.shownNotifications.slice(),
        activeNotifications: Notifications.activeNotifications.map((n) => n.id),
        cancelledNotifications: double.cancelledNotifications.slice(),
        registeredNotificationIds: Array.from(Notifications.registeredNotifications.keys()),
        pluginNotificationIds: (double.pluginNotificationIds || []).slice(),
        listenerErrors: double.listenerErrors.slice(),
        violations: world.violations.slice(),
        plugins: double.plugins.map((p) => ({ name: p.name, pluginName: p.pluginName, state: p.state, error: p.error, initCalledWhileEvaluating: p.initCalledWhileEvaluating })),
        columns: double.columns.map((c) => ({ key: c.key, byPlugin: c.byPlugin, options: clone(c.options), header: c.element && c.element.props && typeof c.element.props.header === 'string' ? c.element.props.header : null })),
        teamsRemoveRequests: teamsContent.removeRequests.map((r) => r.key),
        listeners: {
          beforeAcceptTask: actionEmitter.listenerCount('beforeAcceptTask'),
          beforeSelectTask: actionEmitter.listenerCount('beforeSelectTask'),
          beforeUnholdCall: actionEmitter.listenerCount('beforeUnholdCall'),
          beforeUnholdParticipant: actionEmitter.listenerCount('beforeUnholdParticipant'),
          beforeMonitorCall: actionEmitter.listenerCount('beforeMonitorCall'),
          allActions: actionListenerCount(),
          beforeAddNotification: notifEmitter.listenerCount('beforeAddNotification'),
          tokenUpdated: events.listenerCount('tokenUpdated'),
          flexDeviceIncoming: voiceClient ? voiceClient.listenerCount('incoming') : 0,
        },
        flexDeviceErrors: double.flexDeviceErrors.slice(),
        tokens: double.tokens.slice(),
      };
    }

    // ---------------- scenario helpers (page side)
    double.scenario = {
      /** A voice reservation arrives (pending). */
      offerCall(sid, fields) { return double.addTask(Object.assign({ sid, channel: 'voice' }, fields || {})).sid; },
      offerChat(sid, fields) { return double.addTask(Object.assign({ sid, channel: 'chat', participants: undefined }, fields || {})).sid; },
      /**
       * What the agent does: select the reservation, then AcceptTask (as Flex's accept shortcut does),
       * then wait (up to `timeoutMs`) for the agent's leg to be open on some Device.
       * `select: false` accepts without selecting.
       */
      async acceptCall(sid, timeoutMs, select) {
        let error = null;
        if (select !== false) { try { await Actions.invokeAction('SelectTask', { sid }); } catch (e) { error = 'SelectTask: ' + String(e && e.message || e); } }
        try { await Actions.invokeAction('AcceptTask', { sid }); } catch (e) { error = String(e && e.message || e); }
        const callSid = await double.scenario.waitForAgentLeg(sid, timeoutMs || 3000);
        return { error, callSid: callSid || null };
      },
      async waitForAgentLeg(sid, timeoutMs) {
        const until = performance.now() + (timeoutMs || 3000);
        while (performance.now() < until) {
          const cs = double.agentCallSid(sid);
          if (cs && world.liveCalls().some((c) => c.parameters.CallSid === cs)) return cs;
          await delay(10);
        }
        return null;
      },
      async invoke(name, payload) {
        try { const r = await Actions.invokeAction(name, payload); return { ok: true, result: r === undefined ? null : clone(r) }; } catch (e) { return { ok: false, error: String(e && e.message || e) }; }
      },
      /** The customer of a task hangs up. */
      customerHangup(sid) { const cs = double.agentCallSid(sid); return switchboard ? switchboard.hangup(cs) : false; },
    };
    return double;
  }

  // ------------------------------------------------------------------ readable page view

  function mountView(double, root) {
    root = root || document.getElementById('flex-double-view');
    if (!root) return;
    const esc = (s) => String(s === undefined || s === null ? '' : s).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
    function render() {
      let s;
      try { s = double.snapshot(); } catch (e) { root.textContent = 'snapshot failed: ' + e.message; return; }
      const ac = s.activeCall;
      const devices = s.devices.filter((d) => !d.destroyed || d.pastCalls.length);
      const plugin = s.plugins[0];
      const mc = (double.manager.configuration.custom_data && double.manager.configuration.custom_data.features && double.manager.configuration.custom_data.features.multi_call) || {};
      root.innerHTML =
        '<header><b>Flex double</b> · Flex UI ' + esc(double.flexVersion) + ' · Voice SDK ' + esc(double.voiceClient && double.voiceClient.constructor.version) +
        ' · multi_call ' + esc(JSON.stringify(mc)) + ' · plugin: ' + esc(plugin ? plugin.state : 'not loaded') + '</header>' +
        '<section class="active"><b>Active call (Redux):</b> ' + (ac ? esc(ac.callSid) + ' on ' + esc(ac.deviceId) + (ac.muted ? ' (muted)' : ' (unmuted)') : '<i>none</i>') +
        ' · <b>Selected task:</b> ' + esc(s.selectedTaskSid || '—') + '</section>' +
        '<h3>Tasks</h3><table><tr><th>Reservation</th><th>Channel</th><th>Status</th><th>Agent call</th><th>Participants</th></tr>' +
        s.tasks.map((t) => '<tr class="' + (t.sid === s.selectedTaskSid ? 'selected' : '') + '"><td>' + esc(t.sid) + '</td><td>' + esc(t.channel) + '</td><td>' + esc(t.status + ' / ' + t.taskStatus) + '</td><td>' + esc(t.agentCallSid || '') + '</td><td>' +
          (t.participants || []).map((p) => esc(p.participantType + (p.isCurrentWorker ? '(me)' : '') + ' ' + p.status + (p.onHold ? ' HELD' : '') + (p.muted ? ' muted' : ''))).join('<br>') + '</td></tr>').join('') + '</table>' +
        '<h3>Devices</h3><table><tr><th>Device</th><th>Role</th><th>State</th><th>Calls</th><th>Audio</th></tr>' +
        devices.map((d) => '<tr class="' + (d.destroyed ? 'gone' : '') + '"><td>' + esc(d.id) + '</td><td>' + (d.isFlex ? 'Flex' : d.wasFlex ? 'old Flex' : 'extra') + '</td><td>' + esc(d.state) + '</td><td>' +
          d.calls.map((c) => esc(c.callSid + ' ' + c.status + (c.status === 'open' ? (c.muted ? ' · MUTED' : ' · unmuted') : ''))).join('<br>') + '</td><td>' + esc((d.audio ? d.audio.speakers.join('+') + ' / ' + (d.audio.input || '-') : '')) + '</td></tr>').join('') + '</table>' +
        '<h3>Notifications</h3><ul>' + s.notifications.slice(-6).map((n) => '<li class="' + esc(n.type) + '">[' + esc(n.type) + '] ' + esc(n.id) + ': ' + esc(n.text) + (n.dismissed ? ' (dismissed)' : '') + '</li>').join('') +
        s.cancelledNotifications.slice(-3).map((n) => '<li class="cancelled">cancelled: ' + esc(n.id) + '</li>').join('') + '</ul>' +
        '<h3>Actions</h3><ol class="actions">' + s.actions.slice(-10).map((a) => '<li>' + esc(a.name + (a.sid ? ' ' + a.sid : '') + (a.targetSid ? ' → ' + a.targetSid : '') + ': ' + a.outcome) + '</li>').join('') + '</ol>' +
        '<h3>Teams view</h3><div id="flex-double-teams"></div>';
      const teams = root.querySelector('#flex-double-teams');
      if (teams) double.renderTeamsView(teams, 200);
    }
    render();
    const timer = setInterval(render, 100);
    return { render, stop: () => clearInterval(timer) };
  }

  // ------------------------------------------------------------------ boot (index.html)

  /**
   * setup: { config, sdkVersion, flexVersion, workerSid, identity, plugin (URL or null), audio }
   * Builds fake SDK + double, mounts the view, then adds the plugin with <script async src>
   * as Flex does. Returns the double (also at FlexDouble.current).
   */
  function boot(setup) {
    setup = setup || {};
    const sdk = createFakeVoiceSdk({ version: setup.sdkVersion || '2.11.1', hideVersion: !!setup.hideSdkVersion });
    const identity = setup.identity || 'agent_alice';
    const double = createFlexDouble({
      config: setup.config || {},
      DeviceClass: sdk.Device,
      switchboard: sdk.switchboard,
      world: sdk.world,
      flexVersion: setup.flexVersion || '2.17.1',
      workerSid: setup.workerSid,
      identity,
      audio: setup.audio,
      conferenceDelayMs: setup.conferenceDelayMs,
      renderAfterMs: setup.renderAfterMs,
    });
    double.sdk = sdk;
    FlexDouble.current = double;
    mountView(double);
    double.pluginSettled = false;
    const pluginUrl = setup.plugin === undefined ? '/dist/plugin-multi-call.js' : setup.plugin;
    double.pluginPromise = double.ready.then(() => new Promise((resolve) => {
      if (!pluginUrl) { double.pluginSettled = true; resolve(null); return; }
      let registered = null;
      double._onPluginRegistered = (rec) => { registered = rec; };
      const s = document.createElement('script');
      s.async = true;
      s.src = pluginUrl;
      s.onload = () => {
        if (!registered) { double.pluginSettled = true; double.pluginLoadError = 'script ran but did not call Plugins.init'; resolve(null); return; }
        registered.promise.then(() => { double.pluginSettled = true; resolve(registered.state); });
      };
      s.onerror = () => { double.pluginSettled = true; double.pluginLoadError = 'script failed to load: ' + pluginUrl; resolve(null); };
      document.head.appendChild(s);
      // Notifications registered from now on belong to the plugin.
      double.markPluginLoadStarted();
    }));
    return double;
  }
  global.FlexDouble = { createFlexDouble, createFakeVoiceSdk, createWorld, ReactDouble, mountView, boot, ConferenceParticipant, current: null };
})(typeof window !== 'undefined' ? window : globalThis);

// The host loop: one engine per Flex page. Events are fed in order, the
// commands they return are queued and carried out (`run`), and a fault turns
// multi-call off and undoes every hook. Where events come from and how
// commands act on Flex and the Voice SDK is in flex-hooks.js and devices.js,
// whose methods are mixed into `Host` so that all share one state.
import { Plugin as Engine, panicked } from '../target/bindgen/multi_call.js';
import { log, errorText, sidOf } from './util.js';
import { flexHooks } from './flex-hooks.js';
import { devices } from './devices.js';

/** Everything multi-call holds on to for one Flex page. */
export class Host {
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
    this.taskSigs = new Map(); // task sid -> { task, conf, sig }: what the engine was last told
    this.seen = {}; // the Flex state objects of the last complete store pass
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

  /** Feeds `make()`'s event from a before-listener, without holding Flex's action up. `abort` is Flex's, called when the engine cancels. */
  beforeAction(make, abort) {
    try {
      this.checkFlexDevice(); // a replaced Device must be watched before the action's call arrives
      const cmds = this.feed(make());
      if (abort && cmds.some((c) => c.type === 'cancel')) abort();
    } catch (e) {
      this.fault(e);
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
        if (!entry) return undefined;
        // The engine counts the call as (un)muted already: the SDK's 'mute'
        // event, emitted inside this call (only when the state changes, so
        // with this value), is not fed back (a wasm crossing inside the
        // listener Flex waits on, for nothing). `ownMute`: the call being muted.
        this.ownMute = entry.call;
        try {
          entry.call.mute(c.muted);
        } finally {
          this.ownMute = undefined;
        }
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
        if (!entry) return undefined;
        // The engine set this itself: the store pass feeds only a different outcome.
        this.lastActive = sidOf(entry.call);
        return this.manager.store.dispatch({ type: 'PHONE_ADD_CALL', payload: entry.call });
      }
      case 'clearActiveCall':
        this.lastActive = undefined;
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
}

Object.assign(Host.prototype, flexHooks, devices);

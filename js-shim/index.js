// The plugin entry: Flex's plugin loader constructs `MultiCallPlugin` and
// awaits `init`, which returns at once; once Flex has rendered its desktop
// and the page is next idle, the engine is unpacked, compiled and
// instantiated and the host (host.js) starts, or multi-call says on the
// console why it could not and leaves Flex as it is.
//
// multi-call's Flex wiring. It only subscribes to Flex, copies plain
// snapshots into the engine and carries out the commands the engine returns;
// every decision is made in Rust (src/engine). Events go in as plain
// `{ type, ...fields }` objects (the shapes are in src/decode.rs) and
// commands come back as objects (src/engine/command.rs); `commands.d.ts` is
// the command and event unions (kept in step by hand).

import { initSync } from '../target/bindgen/multi_call.js';
import wasmBase64 from '../target/bindgen/wasm-bytes.js';
import { log, errorText, mark } from './util.js';
import { Host } from './host.js';

const VOICE_WAIT_MS = 30000; // longest multi-call waits for Flex's voice Device

/** The inlined wasm (deflated, then base64; see scripts/build.mjs) as bytes. */
async function wasmBytes() {
  let packed;
  if (typeof Uint8Array.fromBase64 === 'function') packed = Uint8Array.fromBase64(wasmBase64);
  else {
    const text = atob(wasmBase64);
    packed = new Uint8Array(text.length);
    for (let i = 0; i < packed.length; i++) packed[i] = text.charCodeAt(i);
  }
  // A Response's body, not a Blob's stream: 2 ms less in a cold page (measured).
  const inflated = new Response(packed).body.pipeThrough(new DecompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(inflated).arrayBuffer());
  mark('unpacked');
  return bytes;
}

let compiling;
const IDLE_WAIT_MS = 2000; // longest multi-call's start waits for an idle moment
const RENDER_WAIT_MS = 5000; // longest multi-call's start waits for Flex's desktop

/**
 * Settles once Flex has rendered its desktop (its view state names an active
 * view): at once when it already has, or when the state has no view to tell
 * by, and after `RENDER_WAIT_MS` at the latest.
 */
function flexRendered(manager) {
  const pending = () => {
    try {
      const view = manager.store.getState().flex.view;
      return !!view && typeof view === 'object' && !view.activeView;
    } catch (_) {
      return false;
    }
  };
  return new Promise((resolve) => {
    let unsubscribe = () => {};
    let timer;
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      mark('rendered');
      resolve();
    };
    if (!pending()) return done();
    timer = setTimeout(done, RENDER_WAIT_MS);
    try {
      unsubscribe = manager.store.subscribe(() => { if (!pending()) done(); });
    } catch (_) {
      done();
    }
  });
}

/** Calls `fn` when the page is next idle (at most `IDLE_WAIT_MS` later). */
const whenIdle = (fn) => (typeof requestIdleCallback === 'function'
  ? requestIdleCallback(() => fn(), { timeout: IDLE_WAIT_MS })
  : setTimeout(fn, 0));

/** The compiled engine, or the reason there is none (`{ module }` or `{ error }`). */
function engineModule() {
  if (compiling) return compiling;
  if (typeof DecompressionStream !== 'function') {
    compiling = Promise.resolve({ error: 'this browser has no DecompressionStream (Chrome 80, Firefox 113, Safari 16.4 and later have it).' });
    return compiling;
  }
  compiling = wasmBytes().then(
    // Compile off the main thread's critical path; `init` instantiates: the
    // glue's own async loader (fetch, streaming, MIME checks) is not needed.
    (bytes) => WebAssembly.compile(bytes).then((m) => { mark('compiled'); return { module: m }; }, (e) => ({
      error: `the browser refused to compile WebAssembly (${errorText(e)}). ` +
        "If this Flex page sets a Content-Security-Policy, add 'wasm-unsafe-eval' to script-src.",
    })),
    (e) => ({ error: `the embedded engine could not be unpacked (${errorText(e)}); the file may have been altered in transit.` }));
  return compiling;
}

/** The Flex plugin class: Flex constructs it and awaits `init`. */
class MultiCallPlugin {
  constructor() {
    this.name = 'MultiCallPlugin';
    this.version = '0.1.0';
    /** Settles once multi-call has started, or has said on the console why not. */
    this.ready = undefined;
  }

  /**
   * Flex awaits every plugin's `init` before it goes on with its start-up,
   * so multi-call does its ~12 ms of work (unpacking, compiling and starting
   * the engine, hooking Flex) later: once Flex has rendered its desktop and
   * the page is next idle. Run sooner, in an idle moment while Flex waited on
   * a request, it held Flex's desktop up by about that much (BENCHMARKS.md,
   * 2b). Nothing is missed meanwhile: the engine's first look at Flex's state
   * takes in every task already there, a second call needs a first one
   * accepted, and Flex applies the call bar's wrapper at its next render.
   */
  async init(flex, manager) {
    this.ready = flexRendered(manager).then(() => new Promise(whenIdle)).then(() => this.start(flex, manager));
  }

  /** Instantiates the compiled engine and starts the host (once Flex's voice Device exists). */
  async start(flex, manager) {
    mark('idle');
    const { module, error } = await engineModule();
    if (error) {
      log('error', `could not start: ${error} Flex keeps working with one call at a time.`);
      return;
    }
    try {
      initSync({ module });
      mark('instantiated');
    } catch (e) {
      log('error', `could not start: the engine could not be instantiated (${errorText(e)}). Flex keeps working with one call at a time.`);
      return;
    }
    const start = () => {
      try {
        new Host(flex, manager).start();
        mark('started');
      } catch (e) {
        log('error', `could not start (${errorText(e)}); Flex keeps working with one call at a time`);
      }
    };
    if (manager.voiceClient) return start();
    // Flex may create its voice Device after plugins load: wait for it
    // without holding up Flex's start-up, then start (or report it missing).
    const deadline = Date.now() + VOICE_WAIT_MS;
    return new Promise((resolve) => {
      const poll = () => {
        if (!manager.voiceClient && Date.now() <= deadline) return setTimeout(poll, 250);
        start();
        return resolve();
      };
      setTimeout(poll, 250);
    });
  }
}

const flexGlobal = typeof window !== 'undefined' && window.Twilio && window.Twilio.Flex;
if (flexGlobal && flexGlobal.Plugins && typeof flexGlobal.Plugins.init === 'function') {
  mark('evaluated');
  flexGlobal.Plugins.init(MultiCallPlugin);
} else {
  log('error', 'window.Twilio.Flex.Plugins is missing: load this script from Flex UI as a plugin');
}

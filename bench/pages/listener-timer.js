// Times multi-call's own listeners inside a Flex page (the Flex double or the
// real Flex UI): its `before*` action listeners and its Redux store listener,
// each call's synchronous time, which is what Flex waits for before it goes
// on. Installed before the plugin loads: when the bundle calls
// `Flex.Plugins.init` (Flex's manager and store exist by then), the wrappers
// go onto `Actions.addListener` and `store.subscribe`, and only listeners
// registered from the bundle's own script (found by its file name in the
// registering stack) are timed. A listener's time includes what runs inside
// it synchronously: the engine, the commands carried out, and the store
// listeners (Flex's too) of any dispatch it makes.
(function () {
  'use strict';
  const samples = {};
  let counting = true;
  const storeListeners = []; // multi-call's own store listeners, unwrapped
  // A listener called again inside itself (a dispatch it makes) is part of the outer call's time, not a sample of its own.
  const inside = new Set();
  const timed = (name, fn) => function timedListener(...args) {
    if (inside.has(name)) return fn.apply(this, args);
    inside.add(name);
    const t = performance.now();
    try {
      return fn.apply(this, args);
    } finally {
      inside.delete(name);
      if (counting) (samples[name] || (samples[name] = [])).push(performance.now() - t);
    }
  };
  const fromBundle = (file) => (new Error().stack || '').includes(file);

  /** Wraps `Flex.Plugins.init`; `getStore()` returns Flex's Redux store once Flex has made it. */
  window.installListenerTimer = function installListenerTimer(Flex, getStore, file = 'plugin-multi-call') {
    const init = Flex.Plugins.init;
    Flex.Plugins.init = function timedInit(...args) {
      const store = getStore();
      const subscribe = store.subscribe;
      store.subscribe = function timedSubscribe(fn) {
        if (!fromBundle(file)) return subscribe.call(this, fn);
        storeListeners.push(fn);
        const unsubscribe = subscribe.call(this, timed('store', fn));
        // A listener multi-call has dropped (its one-shot wait for Flex's render) is not called again.
        return function timedUnsubscribe() {
          const i = storeListeners.indexOf(fn);
          if (i >= 0) storeListeners.splice(i, 1);
          return unsubscribe.apply(this, arguments);
        };
      };
      const { Actions } = Flex;
      const addListener = Actions.addListener;
      Actions.addListener = function timedAddListener(name, fn) {
        return addListener.call(this, name, fromBundle(file) ? timed(name, fn) : fn);
      };
      return init.apply(this, args);
    };
  };

  window.listenerTimes = {
    /** Drops every sample so far (set-up steps are not measured). */
    clear() { for (const k of Object.keys(samples)) delete samples[k]; },
    /** Stops (false) or resumes (true) recording. */
    count(on) { counting = on; },
    /** How many store listeners multi-call has registered. */
    storeListenerCount() { return storeListeners.length; },
    /** The samples of one listener (`beforeUnholdCall`, `store`, ...) since the last `clear`, in ms. */
    take(name) { const v = samples[name] || []; delete samples[name]; return v; },
    /** multi-call's whole time in its store listeners since the last `clear`, in ms, as one sample (none: no sample). */
    takeStoreTotal() { const v = this.take('store'); return v.length ? [v.reduce((a, b) => a + b, 0)] : []; },
    names() { return Object.keys(samples); },
    /**
     * multi-call's store listeners (its state copy, and the call bar's
     * wrapper where Flex renders one) called `calls` times in a row with
     * Flex's state unchanged, as on a dispatch that changes nothing they
     * read; the mean µs per dispatch of each of `batches` batches (one timing
     * per batch, so the timer's resolution does not matter).
     */
    unchangedCost(batches = 10, calls = 1000) {
      if (!storeListeners.length) throw new Error('multi-call has not subscribed to the store');
      const out = [];
      for (let b = 0; b < batches; b++) {
        const t = performance.now();
        for (let i = 0; i < calls; i++) for (const fn of storeListeners) fn();
        out.push(((performance.now() - t) * 1000) / calls);
      }
      return out;
    },
  };
})();

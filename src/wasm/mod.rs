//! The browser binding: events in as the shim's plain objects, commands out
//! as JS objects, and the engine's timers armed here.
//!
//! One exported method carries every event (see `decode` for the shapes);
//! `read` reads them with js-sys. Commands go out through
//! serde-wasm-bindgen. A [`Command::StartTimer`] never reaches the shim: a
//! gloo timer is armed here, and when it fires the shim's `wake` function gets
//! the [`Event::TimerFired`](crate::Event::TimerFired) event to feed back in,
//! so timer events take the same path (and the same fault handling) as any other.

mod read;

use std::sync::atomic::{AtomicBool, Ordering};

use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;

use crate::{Command, Engine, Level};

// lol_alloc's free list in place of std's dlmalloc (see Cargo.toml);
// tests/browser/memory.test.mjs checks the heap stays put.
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// Set by the panic hook: the engine stopped mid-event and must not be used again.
static PANICKED: AtomicBool = AtomicBool::new(false);

/// Whether multi-call's engine panicked; the panic hook has already said so
/// on the console, so the shim turns itself off without a second error.
#[wasm_bindgen]
pub fn panicked() -> bool {
    PANICKED.load(Ordering::Relaxed)
}

/// One multi-call engine for one Flex page.
#[wasm_bindgen]
pub struct Plugin {
    engine: Engine,
    /// Called with a `timerFired` event when an engine timer fires.
    wake: js_sys::Function,
    /// Armed timers by engine timer id; dropping one (on free) clears it.
    timers: Vec<(u32, Timeout)>,
}

#[wasm_bindgen]
impl Plugin {
    /// Creates the engine; `wake(event)` must feed `event` back through `handle`.
    #[wasm_bindgen(constructor)]
    pub fn new(wake: js_sys::Function) -> Plugin {
        std::panic::set_hook(Box::new(|info| {
            PANICKED.store(true, Ordering::Relaxed);
            web_sys::console::error_1(
                &format!(
                    "[multi-call] turned itself off after an internal error ({info}). \
                     Flex keeps working with one call at a time; calls already on extra lines continue until they end."
                )
                .into(),
            );
        }));
        Plugin { engine: Engine::new(), wake, timers: Vec::new() }
    }

    /// Runs one event (`{ type, ...fields }`) and returns its commands as an
    /// array of objects (see [`Command`]). A malformed event is not run: its
    /// one command is an error log saying what was wrong.
    pub fn handle(&mut self, event: JsValue) -> JsValue {
        let commands = match crate::decode::event(&event) {
            #[cfg(feature = "fault-injection")]
            Ok(crate::Event::TaskChanged(t)) if t.sid == "WRpanic" => panic!("fault injected by a test (task {})", t.sid),
            Ok(e) => {
                if let crate::Event::TimerFired { timer } = e {
                    // Fired: forget it (gloo keeps the running callback alive until it returns).
                    self.timers.retain(|(id, _)| *id != timer);
                }
                self.engine.handle(e)
            }
            Err(why) => vec![Command::Log { level: Level::Error, message: format!("ignored a malformed event: {why}") }],
        };
        let mut out = Vec::with_capacity(commands.len());
        for c in commands {
            match c {
                Command::StartTimer { timer, after_ms } => self.arm(timer, after_ms),
                c => out.push(c),
            }
        }
        // Commands hold only strings, numbers, booleans and unit enums, which
        // serde-wasm-bindgen always encodes; should one fail, say so rather than drop the batch.
        serde_wasm_bindgen::to_value(&out).unwrap_or_else(|e| {
            let message = format!("internal error: commands could not be encoded ({e}); they were not carried out");
            serde_wasm_bindgen::to_value(&[Command::Log { level: Level::Error, message }]).unwrap_or(JsValue::NULL)
        })
    }

    /// Arms engine timer `timer` to fire after `after_ms`.
    fn arm(&mut self, timer: u32, after_ms: u32) {
        let wake = self.wake.clone();
        let fired = Timeout::new(after_ms, move || {
            let event = js_sys::Object::new();
            // Setting a field on a fresh plain object cannot fail.
            let _ = js_sys::Reflect::set(&event, &"type".into(), &"timerFired".into());
            let _ = js_sys::Reflect::set(&event, &"timer".into(), &timer.into());
            // The shim's wake never throws (it catches and reports its own faults).
            let _ = wake.call1(&JsValue::NULL, &event);
        });
        self.timers.push((timer, fired));
    }
}

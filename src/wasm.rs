//! The browser binding: one event in as JSON text, its commands out as JSON text.
//!
//! One exported method carries every event (see `decode` for the shapes):
//! typed exports each bring argument shims in the wasm and in wasm-bindgen's
//! JS glue (the glue is 1.6 KB gzipped this way, 2.7 KB with typed exports),
//! and `JSON.stringify` / `JSON.parse` on the JS side are native. Timers go
//! out as [`Command::StartTimer`] for the shim to arm and come back as
//! [`Event::TimerFired`](crate::Event::TimerFired).
//!
//! The crate links no std in the browser: the panic handler below traps, the
//! shim catches the `RuntimeError`, turns multi-call off and says so once.
//! Std's handler would format the panic message, kilobytes of code for a
//! message nobody could read.

use alloc::string::String;
use alloc::vec::Vec;

use wasm_bindgen::prelude::*;

use crate::engine::text::text;
use crate::{Command, Engine, Level};

// lol_alloc's free list in place of the default dlmalloc: several KB less
// wasm for an engine that holds a few dozen small strings at a time (see
// Cargo.toml); tests/browser/memory.test.mjs checks the heap stays put.
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// One multi-call engine for one Flex page.
#[wasm_bindgen]
pub struct Plugin {
    engine: Engine,
}

#[wasm_bindgen]
impl Plugin {
    /// Creates the engine.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Plugin {
        Plugin { engine: Engine::new() }
    }

    /// Runs one event (`JSON.stringify` of `{ type, ...fields }`); returns
    /// its commands as a JSON array (see [`Command`]). A malformed event is
    /// not run: its one command is an error log saying what was wrong.
    pub fn handle(&mut self, event: &str) -> String {
        let commands: Vec<Command> = match crate::decode::event(event) {
            Ok(e) => self.engine.handle(e),
            Err(why) => Vec::from([Command::Log { level: Level::Error, message: text!("ignored a malformed event: ", why) }]),
        };
        // Commands only hold shapes `wire` writes; should one not, say so
        // rather than drop the batch silently.
        crate::wire::to_json(&commands).unwrap_or_else(|_| {
            r#"[{"type":"log","level":"error","message":"internal error: commands could not be encoded; they were not carried out"}]"#.into()
        })
    }
}

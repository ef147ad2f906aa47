//! multi-call: lets a Twilio Flex agent hold more than one voice call at once.
//!
//! The crate is a pure, deterministic engine ([`Engine`]) with one way in,
//! [`Engine::handle`], and one way out, the returned [`Command`]s. It reads no
//! clock and touches no browser API, so it builds and tests natively. The
//! browser binding (`wasm` module, compiled only for `wasm32`) reads host
//! facts into [`Event`]s, turns commands into JS objects and arms the
//! engine's timers; the JS shim in
//! `js-shim/` wires Flex to it and carries the commands out.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// The engine uses only `core` and `alloc`, so it could run anywhere; the
// browser build links std like any other (src/wasm/).
extern crate alloc;

pub(crate) mod engine;

pub use engine::command::{Command, Level};
pub use engine::config::{Config, ConfigReport, HostInfo, Mode, Raw, RawConfig};
pub use engine::event::{Event, Participant, TaskSnapshot};
pub use engine::{DeviceId, Engine, FLEX_DEVICE};

// Reading events is pure Rust (tested natively); only `wasm` uses it.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod decode;

#[cfg(target_arch = "wasm32")]
mod wasm;

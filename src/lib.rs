//! multi-call: lets a Twilio Flex agent hold more than one voice call at once.
//!
//! The crate is a pure, deterministic engine ([`Engine`]) with one way in,
//! [`Engine::handle`], and one way out, the returned [`Command`]s. It reads no
//! clock and touches no browser API, so it builds and tests natively. The
//! browser binding (`wasm` module, compiled only for `wasm32`) converts host
//! facts into [`Event`]s and commands into JS values; the JS shim in
//! `js-shim/` wires Flex to it and carries the commands out.
#![cfg_attr(target_arch = "wasm32", no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// `no_std` + `alloc` in the browser: the wasm links no std, so a panic costs
// no formatting code (see `wasm.rs`). Native builds, tests and benchmarks
// link std as usual (the code itself only uses `core` and `alloc`).
extern crate alloc;

pub(crate) mod engine;

pub use engine::command::{Command, Level};
pub use engine::config::{Config, ConfigReport, HostInfo, Mode, Raw, RawConfig};
pub use engine::event::{Event, Participant, TaskSnapshot};
pub use engine::{DeviceId, Engine, FLEX_DEVICE};

// The JSON boundary is pure Rust (tested natively); only `wasm` uses it.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod decode;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod json;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod wire;

#[cfg(target_arch = "wasm32")]
mod wasm;

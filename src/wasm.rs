//! The browser binding: typed wasm-bindgen methods in, serde commands out.
//!
//! Values from JS are read with `js_sys` accessors into plain Rust types (the
//! engine validates them); `serde_wasm_bindgen::from_value` is avoided on
//! purpose because its deserializer alone would triple the wasm size.
//! Commands go out as one JSON string (see `wire`); timers go out as
//! [`Command::StartTimer`] for the shim to arm and come back as
//! [`EventKind::TimerFired`].
//!
//! The crate links no std in the browser: the panic handler below traps, the
//! shim catches the `RuntimeError`, turns multi-call off and says so once.
//! Std's handler would format the panic message, kilobytes of code for a
//! message nobody could read.

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::engine::text::text;
use crate::{Command, Engine, Event, HostInfo, Participant, Raw, RawConfig, TaskSnapshot};

// talc in place of the default dlmalloc: about 5 KB less wasm for an engine
// that holds a few dozen small strings at a time.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// One multi-call engine for one Flex page.
#[wasm_bindgen]
pub struct Plugin {
    engine: Engine,
}

fn raw(value: &JsValue) -> Raw {
    if value.is_undefined() {
        Raw::Absent
    } else if value.is_null() {
        Raw::Null
    } else if let Some(b) = value.as_bool() {
        Raw::Bool(b)
    } else if let Some(n) = value.as_f64() {
        Raw::Number(n)
    } else if let Some(s) = value.as_string() {
        Raw::Text(s)
    } else if Array::is_array(value) {
        Raw::Array
    } else {
        Raw::Object
    }
}

fn field(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A string field that may be absent; any other type is an error naming it.
fn opt_string(obj: &JsValue, key: &str, at: &str) -> Result<Option<String>, JsValue> {
    let v = field(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string()
        .map(Some)
        .ok_or_else(|| JsValue::from_str(&text!(at, ".", key, " must be a string")))
}

fn flag(obj: &JsValue, key: &str, at: &str) -> Result<bool, JsValue> {
    let v = field(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(false);
    }
    v.as_bool()
        .ok_or_else(|| JsValue::from_str(&text!(at, ".", key, " must be a boolean")))
}

fn participant(obj: &JsValue, index: u32) -> Result<Participant, JsValue> {
    let at = text!("participants[", index, "]");
    if !obj.is_object() {
        return Err(JsValue::from_str(&text!(at, " must be an object")));
    }
    let sequence = field(obj, "sequenceNumber");
    Ok(Participant {
        call_sid: opt_string(obj, "callSid", &at)?,
        worker_sid: opt_string(obj, "workerSid", &at)?,
        kind: opt_string(obj, "participantType", &at)?.unwrap_or_default(),
        status: opt_string(obj, "status", &at)?.unwrap_or_default(),
        is_current_worker: flag(obj, "isCurrentWorker", &at)?,
        on_hold: flag(obj, "onHold", &at)?,
        sequence: sequence.as_f64().unwrap_or(0.0),
    })
}

#[wasm_bindgen]
impl Plugin {
    /// Creates the engine.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Plugin {
        Plugin { engine: Engine::new() }
    }

    /// Runs `event`; its commands as a JSON array (see [`Command`]).
    fn feed(&mut self, event: Event) -> String {
        let commands: Vec<Command> = self.engine.handle(event);
        // Commands only hold shapes `wire` writes; should one not, say so
        // rather than drop the batch silently.
        crate::wire::to_json(&commands).unwrap_or_else(|_| {
            r#"[{"type":"log","level":"error","message":"internal error: commands could not be encoded; they were not carried out"}]"#.into()
        })
    }

    /// Plugin `init`: the raw `custom_data.features.multi_call` value and host facts.
    pub fn start(
        &mut self,
        feature: JsValue,
        flex_version: Option<String>,
        sdk_version: Option<String>,
        device_class: bool,
        connect_token: Option<bool>,
        allow_incoming_while_busy: JsValue,
    ) -> String {
        let mut entries = Vec::new();
        let root = raw(&feature);
        if root == Raw::Object {
            for key in Object::keys(feature.unchecked_ref::<Object>()).iter() {
                let name = key.as_string().unwrap_or_default();
                entries.push((name, raw(&Reflect::get(&feature, &key).unwrap_or(JsValue::UNDEFINED))));
            }
        }
        let host = HostInfo {
            flex_version,
            sdk_version,
            device_class,
            connect_token,
            allow_incoming_while_busy: raw(&allow_incoming_while_busy),
        };
        self.feed(Event::Start { config: RawConfig { root, entries }, host })
    }

    /// A task was added or changed; `participants` are plain copies.
    #[wasm_bindgen(js_name = taskChanged)]
    pub fn task_changed(&mut self, sid: String, is_call: bool, status: String, participants: Array) -> Result<String, JsValue> {
        let mut list = Vec::with_capacity(participants.length() as usize);
        for (i, p) in participants.iter().enumerate() {
            list.push(participant(&p, i as u32)?);
        }
        Ok(self.feed(Event::TaskChanged(TaskSnapshot { sid, is_call, status, participants: list })))
    }

    /// Every other event: `kind` says which, and which arguments it uses.
    /// One export instead of one per event keeps the wasm small (each export
    /// brings its own conversion shims).
    pub fn handle(
        &mut self,
        kind: EventKind,
        device: u32,
        a: Option<String>,
        b: Option<String>,
        flag: bool,
        code: u32,
    ) -> String {
        let text = |v: Option<String>| v.unwrap_or_default();
        let event = match kind {
            EventKind::TaskRemoved => Event::TaskRemoved { task: text(a) },
            EventKind::TaskSelected => Event::TaskSelected { task: a },
            EventKind::ActiveCallChanged => Event::ActiveCallChanged { call: a },
            EventKind::AcceptingTask => Event::AcceptingTask { task: text(a), is_call: flag },
            EventKind::Unholding => Event::Unholding { task: text(a) },
            EventKind::Monitoring => Event::Monitoring,
            EventKind::TogglingMute => Event::TogglingMute,
            EventKind::HoldSettled => Event::HoldSettled { task: text(a), target: text(b), error: None },
            EventKind::HoldFailed => Event::HoldSettled { task: text(a), target: text(b), error: Some(String::new()) },
            EventKind::NotificationAdding => Event::NotificationAdding { id: text(a) },
            EventKind::CallIncoming => Event::CallIncoming { device, call: text(a), busy: flag },
            EventKind::CallAccepted => Event::CallAccepted { device, call: text(a) },
            EventKind::CallEnded => Event::CallEnded { device, call: text(a) },
            EventKind::CallMuted => Event::CallMuted { device, call: text(a), muted: flag },
            EventKind::DeviceRegistered => Event::DeviceRegistered { device },
            EventKind::DeviceFailed => Event::DeviceFailed { device, code, message: text(a) },
            EventKind::FlexDeviceReplaced => Event::FlexDeviceReplaced,
            EventKind::TokenUpdated => Event::TokenUpdated,
            EventKind::AudioDevicesChanged => Event::AudioDevicesChanged,
            EventKind::TimerFired => Event::TimerFired { timer: code },
        };
        self.feed(event)
    }
}

/// Which [`Event`] a [`Plugin::handle`] call carries. Arguments:
/// `a` is the task, call or notification id (or a Device error's message),
/// `b` a hold target, `flag` is-call / busy / muted, `code` an error code
/// or a timer id.
#[wasm_bindgen]
#[derive(Clone, Copy)]
pub enum EventKind {
    /// `a` = reservation sid.
    TaskRemoved,
    /// `a` = reservation sid or none.
    TaskSelected,
    /// `a` = call sid or none.
    ActiveCallChanged,
    /// `a` = reservation sid, `flag` = is a call task.
    AcceptingTask,
    /// `a` = reservation sid.
    Unholding,
    /// No arguments.
    Monitoring,
    /// No arguments.
    TogglingMute,
    /// `a` = reservation sid, `b` = target sid.
    HoldSettled,
    /// `a` = reservation sid, `b` = target sid (the reason is logged by the shim).
    HoldFailed,
    /// `a` = notification id.
    NotificationAdding,
    /// `device`, `a` = call sid, `flag` = the Device was busy.
    CallIncoming,
    /// `device`, `a` = call sid.
    CallAccepted,
    /// `device`, `a` = call sid.
    CallEnded,
    /// `device`, `a` = call sid, `flag` = muted.
    CallMuted,
    /// `device`.
    DeviceRegistered,
    /// `device`, `code`, `a` = message.
    DeviceFailed,
    /// No arguments.
    FlexDeviceReplaced,
    /// No arguments.
    TokenUpdated,
    /// No arguments.
    AudioDevicesChanged,
    /// `code` = the timer id of a [`Command::StartTimer`] whose delay passed.
    TimerFired,
}

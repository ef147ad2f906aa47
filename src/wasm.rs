//! The browser binding: typed wasm-bindgen methods in, serde commands out.
//!
//! Values from JS are read with `js_sys` accessors into plain Rust types (the
//! engine validates them); `serde_wasm_bindgen::from_value` is avoided on
//! purpose because its deserializer alone would triple the wasm size.
//! Timers requested by the engine are armed here with gloo-timers and their
//! commands delivered through the `sink` callback given at construction.
//! No panic hook: with `panic = "abort"` a panic traps, the shim catches the
//! `RuntimeError`, turns multi-call off and says so once (a hook would cost
//! kilobytes of formatting code for the same outcome).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::{Command, Engine, Event, HostInfo, Participant, Raw, RawConfig, TaskSnapshot};

/// One multi-call engine for one Flex page.
#[wasm_bindgen]
pub struct Plugin {
    engine: Rc<RefCell<Engine>>,
    sink: Function,
}

/// Runs `event` and turns the commands into JS, arming timers on the way.
fn run(engine: &Rc<RefCell<Engine>>, sink: &Function, event: Event) -> JsValue {
    let commands = engine.borrow_mut().handle(event);
    let mut out = Vec::with_capacity(commands.len());
    for command in commands {
        if let Command::StartTimer { timer, after_ms } = command {
            let engine = engine.clone();
            let sink = sink.clone();
            gloo_timers::callback::Timeout::new(after_ms, move || {
                let commands = run(&engine, &sink, Event::TimerFired { timer });
                // The sink is the shim's command runner; it never throws.
                let _ = sink.call1(&JsValue::NULL, &commands);
            })
            .forget();
        } else {
            out.push(command);
        }
    }
    serde_wasm_bindgen::to_value(&out).unwrap_or(JsValue::NULL)
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
        .ok_or_else(|| JsValue::from_str(&format!("{at}.{key} must be a string")))
}

fn flag(obj: &JsValue, key: &str, at: &str) -> Result<bool, JsValue> {
    let v = field(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(false);
    }
    v.as_bool()
        .ok_or_else(|| JsValue::from_str(&format!("{at}.{key} must be a boolean")))
}

fn participant(obj: &JsValue, index: u32) -> Result<Participant, JsValue> {
    let at = format!("participants[{index}]");
    if !obj.is_object() {
        return Err(JsValue::from_str(&format!("{at} must be an object")));
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
    /// Creates the engine; `sink(commands)` receives commands caused by timers.
    #[wasm_bindgen(constructor)]
    pub fn new(sink: Function) -> Plugin {
        Plugin { engine: Rc::new(RefCell::new(Engine::new())), sink }
    }

    fn feed(&self, event: Event) -> JsValue {
        run(&self.engine, &self.sink, event)
    }

    /// Plugin `init`: the raw `custom_data.features.multi_call` value and host facts.
    pub fn start(
        &self,
        feature: JsValue,
        flex_version: Option<String>,
        sdk_version: Option<String>,
        device_class: bool,
        connect_token: Option<bool>,
        allow_incoming_while_busy: JsValue,
    ) -> JsValue {
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
    pub fn task_changed(&self, sid: String, is_call: bool, status: String, participants: Array) -> Result<JsValue, JsValue> {
        let mut list = Vec::with_capacity(participants.length() as usize);
        for (i, p) in participants.iter().enumerate() {
            list.push(participant(&p, i as u32)?);
        }
        Ok(self.feed(Event::TaskChanged(TaskSnapshot { sid, is_call, status, participants: list })))
    }

    /// A task left `flex.worker.tasks`.
    #[wasm_bindgen(js_name = taskRemoved)]
    pub fn task_removed(&self, task: String) -> JsValue {
        self.feed(Event::TaskRemoved { task })
    }

    /// The selected task changed.
    #[wasm_bindgen(js_name = taskSelected)]
    pub fn task_selected(&self, task: Option<String>) -> JsValue {
        self.feed(Event::TaskSelected { task })
    }

    /// `flex.phone.activeCall` changed.
    #[wasm_bindgen(js_name = activeCallChanged)]
    pub fn active_call_changed(&self, call: Option<String>) -> JsValue {
        self.feed(Event::ActiveCallChanged { call })
    }

    /// `beforeAcceptTask`.
    #[wasm_bindgen(js_name = acceptingTask)]
    pub fn accepting_task(&self, task: String, is_call: bool) -> JsValue {
        self.feed(Event::AcceptingTask { task, is_call })
    }

    /// `beforeUnholdCall` / `beforeUnholdParticipant`.
    pub fn unholding(&self, task: String) -> JsValue {
        self.feed(Event::Unholding { task })
    }

    /// `beforeMonitorCall`.
    pub fn monitoring(&self) -> JsValue {
        self.feed(Event::Monitoring)
    }

    /// `beforeToggleMute`.
    #[wasm_bindgen(js_name = togglingMute)]
    pub fn toggling_mute(&self) -> JsValue {
        self.feed(Event::TogglingMute)
    }

    /// A `HoldParticipant` the engine asked for settled.
    #[wasm_bindgen(js_name = holdSettled)]
    pub fn hold_settled(&self, task: String, target: String, error: Option<String>) -> JsValue {
        self.feed(Event::HoldSettled { task, target, error })
    }

    /// `beforeAddNotification` for notification `id`.
    #[wasm_bindgen(js_name = notificationAdding)]
    pub fn notification_adding(&self, id: String) -> JsValue {
        self.feed(Event::NotificationAdding { id })
    }

    /// An invite reached Device `device`.
    #[wasm_bindgen(js_name = callIncoming)]
    pub fn call_incoming(&self, device: u32, call: String, busy: bool) -> JsValue {
        self.feed(Event::CallIncoming { device, call, busy })
    }

    /// A call opened on Device `device`.
    #[wasm_bindgen(js_name = callAccepted)]
    pub fn call_accepted(&self, device: u32, call: String) -> JsValue {
        self.feed(Event::CallAccepted { device, call })
    }

    /// A call on Device `device` ended.
    #[wasm_bindgen(js_name = callEnded)]
    pub fn call_ended(&self, device: u32, call: String) -> JsValue {
        self.feed(Event::CallEnded { device, call })
    }

    /// A call reported its mute state.
    #[wasm_bindgen(js_name = callMuted)]
    pub fn call_muted(&self, device: u32, call: String, muted: bool) -> JsValue {
        self.feed(Event::CallMuted { device, call, muted })
    }

    /// An extra Device registered.
    #[wasm_bindgen(js_name = deviceRegistered)]
    pub fn device_registered(&self, device: u32) -> JsValue {
        self.feed(Event::DeviceRegistered { device })
    }

    /// A Device failed.
    #[wasm_bindgen(js_name = deviceFailed)]
    pub fn device_failed(&self, device: u32, code: u32, message: String) -> JsValue {
        self.feed(Event::DeviceFailed { device, code, message })
    }

    /// Flex replaced `manager.voiceClient`.
    #[wasm_bindgen(js_name = flexDeviceReplaced)]
    pub fn flex_device_replaced(&self) -> JsValue {
        self.feed(Event::FlexDeviceReplaced)
    }

    /// Flex got a new token.
    #[wasm_bindgen(js_name = tokenUpdated)]
    pub fn token_updated(&self) -> JsValue {
        self.feed(Event::TokenUpdated)
    }

    /// The agent changed speaker or microphone.
    #[wasm_bindgen(js_name = audioDevicesChanged)]
    pub fn audio_devices_changed(&self) -> JsValue {
        self.feed(Event::AudioDevicesChanged)
    }
}

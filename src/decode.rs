//! Events from the shim's plain objects: `{ type, ...fields }`.
//!
//! Each event is an object whose `type` is the [`Event`] variant in
//! camelCase and whose fields are the variant's fields in camelCase
//! (`{ type: 'callIncoming', device: 0, call: 'CA…', busy: true }`). A wrong
//! shape is an error naming the field, never a guess. The rules are pure
//! Rust over [`Source`]: the binding reads JS values through it with js-sys,
//! and the tests read JSON values.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;

use crate::{Event, HostInfo, Participant, Raw, RawConfig, TaskSnapshot};

/// What one value from the host is, with its content when it is a scalar.
#[derive(Debug, PartialEq)]
pub enum Kind {
    /// `undefined` (a missing field reads as this too).
    Absent,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Text(String),
    /// An array.
    Array,
    /// An object (or anything else that is not one of the above).
    Object,
}

/// A value from the host, read one field at a time.
pub trait Source: Sized {
    /// What this value is.
    fn kind(&self) -> Kind;
    /// Field `key` of this object (an absent value if there is none). Keys
    /// are the decoder's own literals, so a binding may cache them.
    fn field(&self, key: &'static str) -> Self;
    /// The items of this array.
    fn items(&self) -> Vec<Self>;
    /// The own keys and values of this object, in order.
    fn entries(&self) -> Vec<(String, Self)>;

    // Typed reads of the common case, which a binding can do in one step
    // instead of the several `kind` may take (each a call out of the wasm
    // in the browser); `None` sends the reader on to `kind`.

    /// Whether this value is an object that is not an array.
    fn is_record(&self) -> bool {
        matches!(self.kind(), Kind::Object)
    }
    /// Whether this value is an array.
    fn is_list(&self) -> bool {
        matches!(self.kind(), Kind::Array)
    }
    /// This value if it is a string.
    fn as_text(&self) -> Option<String> {
        match self.kind() {
            Kind::Text(s) => Some(s),
            _ => None,
        }
    }
    /// This value if it is a boolean.
    fn as_flag(&self) -> Option<bool> {
        match self.kind() {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }
    /// This value if it is a number.
    fn as_num(&self) -> Option<f64> {
        match self.kind() {
            Kind::Num(n) => Some(n),
            _ => None,
        }
    }
}

/// Reads one event; the error says what was wrong with it.
pub fn event<S: Source>(v: &S) -> Result<Event, String> {
    if !v.is_record() {
        return Err("event is not an object".into());
    }
    let Some(kind) = v.field("type").as_text() else {
        return Err("event has no \"type\" string".into());
    };
    let f = Fields { v, at: &kind, wrong: Cell::new(None) };
    let event = if kind == "start" { start(&f) } else { other(&f)? };
    f.result(event)
}

// `start` and `other` are separate functions on purpose: V8 compiles wasm
// functions on first call, and start-up then compiles only the first.

/// The `start` event.
#[inline(never)]
fn start<S: Source>(f: &Fields<'_, S>) -> Event {
    let feature = f.v.field("feature");
    let root = raw(&feature);
    let entries = match root {
        Raw::Object => feature.entries().into_iter().map(|(k, x)| (k, raw(&x))).collect(),
        _ => Vec::new(),
    };
    Event::Start {
        config: RawConfig { root, entries },
        host: HostInfo {
            flex_version: f.text("flexVersion"),
            sdk_version: f.text("sdkVersion"),
            device_class: f.flag("deviceClass"),
            allow_incoming_while_busy: raw(&f.v.field("allowIncomingWhileBusy")),
        },
    }
}

/// Every event but `start`.
#[inline(never)]
fn other<S: Source>(f: &Fields<'_, S>) -> Result<Event, String> {
    let (v, kind) = (f.v, f.at);
    Ok(match kind {
        "taskChanged" => {
            let list = v.field("participants");
            let participants = if list.is_list() {
                let items = list.items();
                let mut out = Vec::with_capacity(items.len());
                for (i, p) in items.iter().enumerate() {
                    out.push(participant(p, i)?);
                }
                out
            } else if matches!(list.kind(), Kind::Absent | Kind::Null) {
                Vec::new()
            } else {
                return Err(format!("{kind}.participants must be an array"));
            };
            Event::TaskChanged(TaskSnapshot {
                sid: f.need("sid"),
                is_call: f.flag("isCall"),
                status: f.text("status").unwrap_or_default(),
                participants,
            })
        }
        "taskRemoved" => Event::TaskRemoved { task: f.need("task") },
        "taskSelected" => Event::TaskSelected { task: f.text("task") },
        "activeCallChanged" => Event::ActiveCallChanged { call: f.text("call") },
        "acceptingTask" => Event::AcceptingTask { task: f.need("task"), is_call: f.flag("isCall") },
        "unholding" => Event::Unholding { task: f.need("task") },
        "monitoring" => Event::Monitoring,
        "stoppingMonitoring" => Event::StoppingMonitoring,
        "togglingMute" => Event::TogglingMute,
        "holdSettled" => Event::HoldSettled { task: f.need("task"), target: f.need("target"), error: f.text("error") },
        "notificationAdding" => Event::NotificationAdding { id: f.need("id") },
        "callIncoming" => Event::CallIncoming { device: f.num("device"), call: f.need("call"), busy: f.flag("busy") },
        "callAccepted" => Event::CallAccepted { device: f.num("device"), call: f.need("call") },
        "callEnded" => Event::CallEnded { device: f.num("device"), call: f.need("call") },
        "callMuted" => Event::CallMuted { device: f.num("device"), call: f.need("call"), muted: f.flag("muted") },
        "deviceRegistered" => Event::DeviceRegistered { device: f.num("device") },
        "deviceFailed" => Event::DeviceFailed {
            device: f.num("device"),
            code: f.num("code"),
            message: f.text("message").unwrap_or_default(),
        },
        "flexDeviceReplaced" => Event::FlexDeviceReplaced,
        "tokenUpdated" => Event::TokenUpdated,
        "audioDevicesChanged" => Event::AudioDevicesChanged,
        "timerFired" => Event::TimerFired { timer: f.num("timer") },
        other => return Err(format!("unknown event type \"{other}\"")),
    })
}

fn participant<S: Source>(p: &S, index: usize) -> Result<Participant, String> {
    let at = format!("participants[{index}]");
    if !p.is_record() {
        return Err(format!("{at} must be an object"));
    }
    let f = Fields { v: p, at: &at, wrong: Cell::new(None) };
    let participant = Participant {
        call_sid: f.text("callSid"),
        worker_sid: f.text("workerSid"),
        kind: f.text("participantType").unwrap_or_default(),
        status: f.text("status").unwrap_or_default(),
        is_current_worker: f.flag("isCurrentWorker"),
        on_hold: f.flag("onHold"),
        sequence: p.field("sequenceNumber").as_num().unwrap_or(0.0),
    };
    f.result(participant)
}

/// A configuration value as found; a missing key is [`Raw::Absent`].
fn raw<S: Source>(v: &S) -> Raw {
    match v.kind() {
        Kind::Absent => Raw::Absent,
        Kind::Null => Raw::Null,
        Kind::Bool(b) => Raw::Bool(b),
        Kind::Num(n) => Raw::Number(n),
        Kind::Text(s) => Raw::Text(s),
        Kind::Array => Raw::Array,
        Kind::Object => Raw::Object,
    }
}

/// Typed reads of one object's fields. A read of the wrong type gives a
/// default and remembers the first such field; [`Fields::result`] then
/// turns it into the error (`at.key must be …`).
struct Fields<'a, S> {
    v: &'a S,
    at: &'a str,
    wrong: Cell<Option<(&'static str, &'static str)>>,
}

impl<S: Source> Fields<'_, S> {
    fn fail<T: Default>(&self, key: &'static str, what: &'static str) -> T {
        if self.wrong.get().is_none() {
            self.wrong.set(Some((key, what)));
        }
        T::default()
    }

    /// `value`, or the error naming the first field of the wrong type.
    fn result<T>(&self, value: T) -> Result<T, String> {
        match self.wrong.get() {
            None => Ok(value),
            Some((key, what)) => Err(format!("{}.{key} must be {what}", self.at)),
        }
    }

    /// A string that may be absent or null.
    fn text(&self, key: &'static str) -> Option<String> {
        let v = self.v.field(key);
        if let Some(s) = v.as_text() {
            return Some(s);
        }
        match v.kind() {
            Kind::Absent | Kind::Null => None,
            _ => self.fail(key, "a string"),
        }
    }

    /// A string that must be there.
    fn need(&self, key: &'static str) -> String {
        match self.text(key) {
            Some(s) => s,
            None => self.fail(key, "a string"),
        }
    }

    /// A boolean; absent or null is false.
    fn flag(&self, key: &'static str) -> bool {
        let v = self.v.field(key);
        if let Some(b) = v.as_flag() {
            return b;
        }
        match v.kind() {
            Kind::Absent | Kind::Null => false,
            _ => self.fail(key, "true or false"),
        }
    }

    /// A whole number from 0 to 2^32 - 1; absent or null is 0.
    fn num(&self, key: &'static str) -> u32 {
        let v = self.v.field(key);
        match v.as_num().map_or_else(|| v.kind(), Kind::Num) {
            Kind::Absent | Kind::Null => 0,
            Kind::Num(n) if n >= 0.0 && n <= u32::MAX as f64 && n == (n as u32) as f64 => n as u32,
            _ => self.fail(key, "a whole number from 0 to 4294967295"),
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use alloc::string::String;
    use alloc::vec::Vec;

    use super::{Kind, Source};
    use crate::{Event, Participant, Raw, TaskSnapshot};

    /// JSON stands in for the JS objects the binding reads; `None` is `undefined`.
    struct J(Option<serde_json::Value>);

    impl Source for J {
        fn kind(&self) -> Kind {
            use serde_json::Value as V;
            match &self.0 {
                None => Kind::Absent,
                Some(V::Null) => Kind::Null,
                Some(V::Bool(b)) => Kind::Bool(*b),
                Some(V::Number(n)) => Kind::Num(n.as_f64().unwrap()),
                Some(V::String(s)) => Kind::Text(s.clone()),
                Some(V::Array(_)) => Kind::Array,
                Some(V::Object(_)) => Kind::Object,
            }
        }
        fn field(&self, key: &'static str) -> Self {
            J(self.0.as_ref().and_then(|v| v.get(key)).cloned())
        }
        fn items(&self) -> Vec<Self> {
            self.0.as_ref().and_then(|v| v.as_array()).map(|a| a.iter().map(|x| J(Some(x.clone()))).collect()).unwrap_or_default()
        }
        fn entries(&self) -> Vec<(String, Self)> {
            let object = self.0.as_ref().and_then(|v| v.as_object());
            object.map(|m| m.iter().map(|(k, v)| (k.clone(), J(Some(v.clone())))).collect()).unwrap_or_default()
        }
    }

    fn event(text: &str) -> Result<Event, String> {
        super::event(&J(Some(serde_json::from_str(text).unwrap())))
    }

    #[test]
    fn start_carries_the_raw_feature_and_host_facts() {
        let e = event(r#"{"type":"start","feature":{"enabled":true,"max_calls":2.5,"x":[1]},"flexVersion":"2.17.1","deviceClass":true,"allowIncomingWhileBusy":false}"#).unwrap();
        let Event::Start { config, host } = e else { panic!("{e:?}") };
        assert_eq!(config.root, Raw::Object);
        assert_eq!(
            config.entries,
            vec![("enabled".into(), Raw::Bool(true)), ("max_calls".into(), Raw::Number(2.5)), ("x".into(), Raw::Array)]
        );
        assert_eq!(host.flex_version.as_deref(), Some("2.17.1"));
        assert_eq!(host.sdk_version, None);
        assert!(host.device_class);
        assert_eq!(host.allow_incoming_while_busy, Raw::Bool(false));
        let Event::Start { config, host } = event(r#"{"type":"start","feature":"on"}"#).unwrap() else { panic!() };
        assert_eq!((config.root, config.entries.len()), (Raw::Text("on".into()), 0));
        assert_eq!(host.allow_incoming_while_busy, Raw::Absent);
    }

    #[test]
    fn task_changed_copies_participants() {
        let e = event(r#"{"type":"taskChanged","sid":"WR1","isCall":true,"status":"assigned","participants":[{"callSid":"CA1","participantType":"customer","status":"joined","onHold":true,"sequenceNumber":3},{"workerSid":"WK1","participantType":"worker","status":"joined","isCurrentWorker":true}]}"#).unwrap();
        assert_eq!(
            e,
            Event::TaskChanged(TaskSnapshot {
                sid: "WR1".into(),
                is_call: true,
                status: "assigned".into(),
                participants: vec![
                    Participant { call_sid: Some("CA1".into()), kind: "customer".into(), status: "joined".into(), on_hold: true, sequence: 3.0, ..Default::default() },
                    Participant { worker_sid: Some("WK1".into()), kind: "worker".into(), status: "joined".into(), is_current_worker: true, ..Default::default() },
                ],
            })
        );
    }

    #[test]
    fn every_event_type_is_read() {
        let all = [
            (r#"{"type":"taskRemoved","task":"WR1"}"#, Event::TaskRemoved { task: "WR1".into() }),
            (r#"{"type":"taskSelected"}"#, Event::TaskSelected { task: None }),
            (r#"{"type":"activeCallChanged","call":"CA1"}"#, Event::ActiveCallChanged { call: Some("CA1".into()) }),
            (r#"{"type":"acceptingTask","task":"WR1","isCall":true}"#, Event::AcceptingTask { task: "WR1".into(), is_call: true }),
            (r#"{"type":"unholding","task":"WR1"}"#, Event::Unholding { task: "WR1".into() }),
            (r#"{"type":"monitoring"}"#, Event::Monitoring),
            (r#"{"type":"stoppingMonitoring"}"#, Event::StoppingMonitoring),
            (r#"{"type":"togglingMute"}"#, Event::TogglingMute),
            (r#"{"type":"holdSettled","task":"WR1","target":"CA2","error":"busy"}"#, Event::HoldSettled { task: "WR1".into(), target: "CA2".into(), error: Some("busy".into()) }),
            (r#"{"type":"notificationAdding","id":"X"}"#, Event::NotificationAdding { id: "X".into() }),
            (r#"{"type":"callIncoming","device":2,"call":"CA1","busy":true}"#, Event::CallIncoming { device: 2, call: "CA1".into(), busy: true }),
            (r#"{"type":"callAccepted","device":0,"call":"CA1"}"#, Event::CallAccepted { device: 0, call: "CA1".into() }),
            (r#"{"type":"callEnded","device":1,"call":"CA1"}"#, Event::CallEnded { device: 1, call: "CA1".into() }),
            (r#"{"type":"callMuted","device":1,"call":"CA1","muted":true}"#, Event::CallMuted { device: 1, call: "CA1".into(), muted: true }),
            (r#"{"type":"deviceRegistered","device":4}"#, Event::DeviceRegistered { device: 4 }),
            (r#"{"type":"deviceFailed","device":4,"code":31005,"message":"gone"}"#, Event::DeviceFailed { device: 4, code: 31005, message: "gone".into() }),
            (r#"{"type":"flexDeviceReplaced"}"#, Event::FlexDeviceReplaced),
            (r#"{"type":"tokenUpdated"}"#, Event::TokenUpdated),
            (r#"{"type":"audioDevicesChanged"}"#, Event::AudioDevicesChanged),
            (r#"{"type":"timerFired","timer":7}"#, Event::TimerFired { timer: 7 }),
        ];
        for (text, want) in all {
            assert_eq!(event(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn a_wrong_shape_names_the_field() {
        for (text, why) in [
            ("[]", "event is not an object"),
            ("7", "event is not an object"),
            ("{}", "event has no \"type\" string"),
            (r#"{"type":"jump"}"#, "unknown event type \"jump\""),
            (r#"{"type":"taskRemoved"}"#, "taskRemoved.task must be a string"),
            (r#"{"type":"callEnded","device":-1,"call":"CA1"}"#, "callEnded.device must be a whole number from 0 to 4294967295"),
            (r#"{"type":"callMuted","call":"CA1","muted":"yes"}"#, "callMuted.muted must be true or false"),
            (r#"{"type":"taskChanged","sid":"WR1","participants":{}}"#, "taskChanged.participants must be an array"),
            (r#"{"type":"taskChanged","sid":"WR1","participants":[7]}"#, "participants[0] must be an object"),
            (r#"{"type":"taskChanged","sid":"WR1","participants":[{"callSid":5}]}"#, "participants[0].callSid must be a string"),
        ] {
            assert_eq!(event(text), Err(why.into()), "{text}");
        }
    }
}

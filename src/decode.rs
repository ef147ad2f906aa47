//! Events from JSON text: the shim's `JSON.stringify({ type, ...fields })`.
//!
//! Each event is an object whose `type` is the [`Event`] variant in
//! camelCase and whose fields are the variant's fields in camelCase
//! (`{"type":"callIncoming","device":0,"call":"CA…","busy":true}`). A wrong
//! shape is an error naming the field, never a guess.

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;

use crate::engine::text::text;
use crate::json::{parse, Json};
use crate::{Event, HostInfo, Participant, Raw, RawConfig, TaskSnapshot};

/// Reads one event; the error says what was wrong with it.
pub fn event(input: &str) -> Result<Event, String> {
    let v = parse(input).map_err(|at| text!("event is not JSON (at byte ", at as u32, ")"))?;
    let kind = match v.get("type") {
        Some(Json::Str(k)) => k.as_str(),
        _ => return Err("event has no \"type\" string".into()),
    };
    let f = Fields { v: &v, at: kind, wrong: Cell::new(None) };
    let event = if kind == "start" { start(&f) } else { other(&f)? };
    f.result(event)
}

// `start` and `other` are separate functions on purpose: V8 compiles wasm
// functions on first call, and start-up then compiles only the first.

/// The `start` event.
#[inline(never)]
fn start(f: &Fields<'_>) -> Event {
    let feature = f.v.get("feature");
    let entries = match feature {
        Some(Json::Obj(e)) => e.iter().map(|(k, x)| (k.clone(), raw(Some(x)))).collect(),
        _ => Vec::new(),
    };
    Event::Start {
        config: RawConfig { root: raw(feature), entries },
        host: HostInfo {
            flex_version: f.text("flexVersion"),
            sdk_version: f.text("sdkVersion"),
            device_class: f.flag("deviceClass"),
            allow_incoming_while_busy: raw(f.v.get("allowIncomingWhileBusy")),
        },
    }
}

/// Every event but `start`.
#[inline(never)]
fn other(f: &Fields<'_>) -> Result<Event, String> {
    let (v, kind) = (f.v, f.at);
    Ok(match kind {
        "taskChanged" => {
            let participants = match v.get("participants") {
                None | Some(Json::Null) => Vec::new(),
                Some(Json::Arr(list)) => {
                    let mut out = Vec::with_capacity(list.len());
                    for (i, p) in list.iter().enumerate() {
                        out.push(participant(p, i as u32)?);
                    }
                    out
                }
                Some(_) => return Err(text!(kind, ".participants must be an array")),
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
        other => return Err(text!("unknown event type \"", other, "\"")),
    })
}

fn participant(p: &Json, index: u32) -> Result<Participant, String> {
    let at = text!("participants[", index, "]");
    if !matches!(p, Json::Obj(_)) {
        return Err(text!(at, " must be an object"));
    }
    let f = Fields { v: p, at: &at, wrong: Cell::new(None) };
    let participant = Participant {
        call_sid: f.text("callSid"),
        worker_sid: f.text("workerSid"),
        kind: f.text("participantType").unwrap_or_default(),
        status: f.text("status").unwrap_or_default(),
        is_current_worker: f.flag("isCurrentWorker"),
        on_hold: f.flag("onHold"),
        sequence: match p.get("sequenceNumber") {
            Some(Json::Num(n)) => *n,
            _ => 0.0,
        },
    };
    f.result(participant)
}

/// A configuration value as found; a missing key is [`Raw::Absent`].
fn raw(v: Option<&Json>) -> Raw {
    match v {
        None => Raw::Absent,
        Some(Json::Null) => Raw::Null,
        Some(Json::Bool(b)) => Raw::Bool(*b),
        Some(Json::Num(n)) => Raw::Number(*n),
        Some(Json::Str(s)) => Raw::Text(s.clone()),
        Some(Json::Arr(_)) => Raw::Array,
        Some(Json::Obj(_)) => Raw::Object,
    }
}

/// Typed reads of one object's fields. A read of the wrong type gives a
/// default and remembers the first such field; [`Fields::result`] then
/// turns it into the error (`at.key must be …`). No early returns: each would
/// carry its own drop code for the fields read so far.
struct Fields<'a> {
    v: &'a Json,
    at: &'a str,
    wrong: Cell<Option<(&'static str, &'static str)>>,
}

impl Fields<'_> {
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
            Some((key, what)) => Err(text!(self.at, ".", key, " must be ", what)),
        }
    }

    /// A string that may be absent or null.
    fn text(&self, key: &'static str) -> Option<String> {
        match self.v.get(key) {
            None | Some(Json::Null) => None,
            Some(Json::Str(s)) => Some(s.clone()),
            Some(_) => self.fail(key, "a string"),
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
        match self.v.get(key) {
            None | Some(Json::Null) => false,
            Some(Json::Bool(b)) => *b,
            Some(_) => self.fail(key, "true or false"),
        }
    }

    /// A whole number from 0 to 2^32 - 1; absent or null is 0.
    fn num(&self, key: &'static str) -> u32 {
        match self.v.get(key) {
            None | Some(Json::Null) => 0,
            Some(Json::Num(n)) if *n >= 0.0 && *n <= u32::MAX as f64 && *n == (*n as u32) as f64 => *n as u32,
            Some(_) => self.fail(key, "a whole number from 0 to 4294967295"),
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use super::event;
    use crate::{Event, Participant, Raw, TaskSnapshot};

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
            ("{", "event is not JSON (at byte 1)"),
            ("[]", "event has no \"type\" string"),
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

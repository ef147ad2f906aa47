//! The `custom_data.features.multi_call` configuration and the host facts
//! that decide which mode can work.

use wording::describe;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;

/// A configuration value as the host found it, before validation.
#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    /// The key is not there (or is `undefined`).
    Absent,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    Text(String),
    /// An array.
    Array,
    /// A plain object.
    Object,
}

/// The raw `multi_call` feature object: its own kind and every key in it.
#[derive(Clone, Debug, PartialEq)]
pub struct RawConfig {
    /// What `custom_data.features.multi_call` itself is.
    pub root: Raw,
    /// Each key of the object with its value.
    pub entries: Vec<(String, Raw)>,
}

/// Facts about the Flex page that decide which mode can work.
#[derive(Clone, Debug, PartialEq)]
pub struct HostInfo {
    /// `Flex.VERSION`, when known.
    pub flex_version: Option<String>,
    /// The Voice SDK version of Flex's Device class (`Device.version`).
    pub sdk_version: Option<String>,
    /// Whether `Object.getPrototypeOf(manager.voiceClient).constructor` looks
    /// like a Voice SDK Device class.
    pub device_class: bool,
    /// `sdkOptions.voice.allowIncomingWhileBusy` as configured.
    pub allow_incoming_while_busy: Raw,
}

/// How extra calls reach the agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Mode {
    /// A registered standby Device receives the invite Flex's busy Device ignores.
    Standby,
    /// A new Device takes the call over from Flex's busy Device with `connectToken`.
    Forward,
}

/// A validated configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The resolved mode.
    pub mode: Mode,
    /// Most calls at once; `None` means no limit.
    pub max_calls: Option<u32>,
}

/// The outcome of reading the configuration: the config when the feature is
/// on, and every message to log or show.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ConfigReport {
    /// `Some` when the feature is enabled and can work.
    pub config: Option<Config>,
    /// Console warnings (unknown keys and the like).
    pub warnings: Vec<String>,
    /// Console errors: wrong types or values, each naming the key.
    pub errors: Vec<String>,
    /// An error to show the agent: the configuration cannot work here.
    pub unworkable: Option<String>,
}

const PATH: &str = "custom_data.features.multi_call";
const AIWB: &str = "sdkOptions.voice.allowIncomingWhileBusy";

#[derive(Clone, Copy, PartialEq)]
enum Wanted {
    Auto,
    Standby,
    Forward,
}

/// Reads the raw feature object against the host facts.
pub fn read(raw: &RawConfig, host: &HostInfo) -> ConfigReport {
    let mut report = ConfigReport::default();
    match raw.root {
        Raw::Absent | Raw::Null => return report,
        Raw::Object => {}
        ref other => {
            report.errors.push(format!("{PATH} must be an object like {{ \"enabled\": true }}, found {}; multi-call stays off", describe(other)));
            return report;
        }
    }
    let mut enabled = false;
    let mut wanted = Wanted::Auto;
    let mut max_calls = None;
    for (key, value) in &raw.entries {
        match (key.as_str(), value) {
            (_, Raw::Absent) => {}
            ("enabled", Raw::Bool(b)) => enabled = *b,
            ("enabled", v) => report.errors.push(format!("{PATH}.enabled must be true or false, found {}", describe(v))),
            ("mode", Raw::Text(t)) if t == "auto" => wanted = Wanted::Auto,
            ("mode", Raw::Text(t)) if t == "standby" => wanted = Wanted::Standby,
            ("mode", Raw::Text(t)) if t == "forward" => wanted = Wanted::Forward,
            ("mode", v) => report.errors.push(format!("{PATH}.mode must be \"auto\", \"standby\" or \"forward\", found {}", describe(v))),
            ("max_calls", Raw::Number(n)) if whole(*n) && *n >= 2.0 && *n <= 1000.0 => {
                max_calls = Some(*n as u32)
            }
            ("max_calls", v) => report.errors.push(format!("{PATH}.max_calls must be a whole number from 2 to 1000 (leave it out for no limit), found {}", describe(v))),
            (other, _) => report.warnings.push(format!("{PATH}.{other} is not a multi-call setting and is ignored (known: enabled, mode, max_calls)")),
        }
    }
    if !report.errors.is_empty() {
        let last = report.errors.len() - 1;
        report.errors[last].push_str("; multi-call stays off until the configuration is fixed");
        return report;
    }
    if !enabled {
        return report;
    }
    let aiwb = match &host.allow_incoming_while_busy {
        Raw::Absent | Raw::Null => true,
        Raw::Bool(b) => *b,
        v => {
            report.errors.push(format!("{AIWB} must be true or false, found {}; multi-call stays off", describe(v)));
            return report;
        }
    };
    if !host.device_class {
        report.unworkable = Some(
            "multi-call is off: Flex's voice Device (manager.voiceClient) was not found or is not a Twilio Voice SDK Device; check that voice is enabled for this Flex account".into(),
        );
        return report;
    }
    // The Device class's static `version` is not promised; without it, Flex
    // UI 2.8+ ships Voice SDK 2.11+ (and forwarding still checks each call's
    // connectToken before using it).
    let connect_token = match host.sdk_version.as_deref() {
        Some(sdk) => sdk_supports_connect_token(Some(sdk)),
        None => version_at_least(host.flex_version.as_deref(), 2, 8),
    };
    let mode = match wanted {
        Wanted::Standby => Mode::Standby,
        Wanted::Forward => Mode::Forward,
        Wanted::Auto if connect_token && aiwb => Mode::Forward,
        Wanted::Auto => Mode::Standby,
    };
    let sdk = match (&host.sdk_version, &host.flex_version) {
        (Some(sdk), _) => format!("Voice SDK {sdk}"),
        (None, Some(flex)) => format!("Flex UI {flex}"),
        (None, None) => "an unknown Flex UI version".into(),
    };
    report.unworkable = match mode {
        Mode::Standby if aiwb => Some(format!("multi-call is off: standby mode needs {AIWB} set to false in the Flex configuration (ui_attributes), otherwise Flex's own Device answers every call; set it to false, or use mode \"forward\" on Flex UI 2.8 or later")),
        Mode::Forward if !connect_token => Some(format!("multi-call is off: forward mode needs Flex UI 2.8 or later (Voice SDK 2.11+ with connectToken), this page has {sdk}; use mode \"standby\" with {AIWB} set to false")),
        Mode::Forward if !aiwb => Some(format!("multi-call is off: forward mode needs Flex's Device to see a second call, but {AIWB} is false; remove that setting, or use mode \"standby\"")),
        _ => None,
    };
    if report.unworkable.is_none() {
        report.config = Some(Config { mode, max_calls });
    }
    report
}

/// Whether `n` is a whole number (`f64::fract` is not in `core`).
fn whole(n: f64) -> bool {
    n > -9.0e15 && n < 9.0e15 && n == (n as i64) as f64
}

/// Whether a Voice SDK version has `Call.connectToken` (2.11.0 and later).
pub fn sdk_supports_connect_token(version: Option<&str>) -> bool {
    version_at_least(version, 2, 11)
}

/// Whether `version` ("2.8.3", "v2.11.0-rc1") is at least `major.minor`.
/// Read digit by digit: `str::parse` and `split` cost more wasm than this.
fn version_at_least(version: Option<&str>, major: u32, minor: u32) -> bool {
    let Some(v) = version else { return false };
    let mut parts = [0u32; 2];
    let mut part = 0;
    for (i, b) in v.bytes().enumerate() {
        match b {
            b'v' if i == 0 => {}
            b'0'..=b'9' => {
                if let Some(p) = parts.get_mut(part) {
                    *p = p.saturating_mul(10).saturating_add((b - b'0') as u32);
                }
            }
            b'.' if part == 0 => part = 1,
            _ => break,
        }
    }
    let [got_major, got_minor] = parts;
    got_major > major || (got_major == major && got_minor >= minor)
}

mod wording {
    use alloc::format;
    use alloc::string::String;

    use super::Raw;

    /// Names a raw value for an error message: its kind and, when short, itself.
    pub fn describe(v: &Raw) -> String {
        match v {
            Raw::Absent => "nothing".into(),
            Raw::Null => "null".into(),
            Raw::Bool(b) => format!("the boolean {}", if *b { "true" } else { "false" }),
            Raw::Number(n) if super::whole(*n) && *n > -1e15 && *n < 1e15 => format!("the number {}", *n as i64),
            Raw::Number(_) => "a fractional number".into(),
            Raw::Text(t) if t.len() <= 40 => format!("the string \"{t}\""),
            Raw::Text(_) => "a long string".into(),
            Raw::Array => "an array".into(),
            Raw::Object => "an object".into(),
        }
    }
}

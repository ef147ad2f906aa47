//! Checks the Flex configuration against the multi-call mode, the same way the
//! plugin reads it (`src/engine/config.rs`): the same types, the same ranges,
//! the same rule for `auto`.

use serde::Serialize;
use serde_json::{json, Value};

/// How multi-call takes a second call (see the plugin's config).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Forward when the agent's Flex UI is 2.8+ and `allowIncomingWhileBusy` is not false, else
    /// standby; as an effective mode, the Flex UI version is unknown, so each agent's page decides.
    Auto,
    /// A second Voice SDK Device takes the call; needs `allowIncomingWhileBusy: false`.
    Standby,
    /// Flex's own Device takes it and hands it over; needs it not false and Flex UI 2.8+.
    Forward,
}

impl Mode {
    /// Reads `auto`, `standby` or `forward`.
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "auto" => Some(Mode::Auto),
            "standby" => Some(Mode::Standby),
            "forward" => Some(Mode::Forward),
            _ => None,
        }
    }

    /// The name as written in the config.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Auto => "auto",
            Mode::Standby => "standby",
            Mode::Forward => "forward",
        }
    }
}

/// Lowest Flex UI version that forward mode works with: it ships Voice SDK
/// 2.11, the first with `Call.connectToken`, which the plugin tests for.
const FORWARD_MIN_UI: (u64, u64) = (2, 8);

/// Most calls `max_calls` may allow, as in the plugin.
pub const MAX_CALLS_LIMIT: i64 = 1000;

const FEATURE: &str = "ui_attributes.custom_data.features.multi_call";
const AIWB: &str = "ui_attributes.sdkOptions.voice.allowIncomingWhileBusy";
const STAYS_OFF: &str = "the plugin refuses it and multi-call stays off";

/// What the Flex configuration says about multi-call, and what is wrong with it.
#[derive(Debug, Clone, Serialize)]
pub struct FlexCheck {
    /// `features.multi_call.enabled`.
    pub enabled: bool,
    /// `features.multi_call.mode` as configured (default auto).
    pub configured_mode: Mode,
    /// The mode the plugin will run in; `auto` when that depends on the agents' Flex UI version.
    pub effective_mode: Mode,
    /// `features.multi_call.max_calls`, when valid.
    pub max_calls: Option<i64>,
    /// `sdkOptions.voice.allowIncomingWhileBusy` as configured, when set.
    pub allow_incoming_while_busy: Option<Value>,
    /// The pinned Flex UI version (`ui_version`, else `ui_dependencies["@twilio/flex-ui"]`).
    pub ui_version: Option<String>,
    /// Whether that version has forward mode's `connectToken`; `None` when it cannot be told.
    pub connect_token: Option<bool>,
    /// Problems: each one a sentence naming the setting and what it should be.
    pub problems: Vec<String>,
    /// Advice that does not stop multi-call: ignored keys, what an unknown UI version decides.
    pub notes: Vec<String>,
    /// The `ui_attributes` fragment that would fix the problems, for flex-config files.
    pub suggested_ui_attributes: Option<Value>,
}

/// `features.multi_call` as the plugin reads it.
struct Feature {
    enabled: bool,
    mode: Mode,
    max_calls: Option<i64>,
    /// The `max_calls` a fix should write: the valid one, or the nearest valid to a bad one.
    max_calls_fix: Option<i64>,
}

/// `allowIncomingWhileBusy` as the plugin reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Busy {
    Unset,
    Is(bool),
    Invalid,
}

/// A field that may come back as an object or as JSON text (`ui_attributes`, `ui_dependencies`).
fn object_field(config: &Value, key: &str) -> Value {
    match config.get(key) {
        Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::Null),
        Some(v) => v.clone(),
        None => Value::Null,
    }
}

/// The Flex UI version the configuration pins, when it says.
fn pinned_ui_version(config: &Value) -> Option<String> {
    let deps = object_field(config, "ui_dependencies");
    let version = [config.get("ui_version"), deps.get("@twilio/flex-ui")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::trim)
        .find(|v| !v.is_empty())
        .map(str::to_string);
    version
}

/// `major.minor` of a version's lower bound, and whether the minor is fixed (`2.7`, not `2` or `2.x`).
fn lower_bound(version: &str) -> Option<((u64, u64), bool)> {
    let mut parts = version.trim_start_matches('v').split(['.', '-', '+']);
    let major = parts.next()?.parse().ok()?;
    match parts.next() {
        None | Some("x" | "X" | "*") => Some(((major, 0), false)),
        Some(minor) => Some(((major, minor.parse().ok()?), true)),
    }
}

/// Whether every Flex UI a pinned version or range can load is at least `min`
/// (`Some(true)`), none is (`Some(false)`), or it cannot be told (`None`: `^2.7`, `latest`).
fn at_least(version: &str, min: (u64, u64)) -> Option<bool> {
    let v = version.trim();
    let (op, rest) = match v.find(|c: char| c.is_ascii_alphanumeric()) {
        Some(i) => (&v[..i], &v[i..]),
        None => return None,
    };
    if rest.contains([' ', '|', '<', '>']) {
        return None;
    }
    let (low, minor_fixed) = lower_bound(rest)?;
    if low >= min && matches!(op, "" | "=" | "~" | "^" | ">=" | ">") {
        return Some(true);
    }
    match op {
        "" | "=" | "~" if minor_fixed => Some(false),
        // `^2.7` and `2.x` may load any 2.x: only a major below the minimum settles it.
        "" | "=" | "~" | "^" if low.0 < min.0 => Some(false),
        _ => None,
    }
}

fn read_enabled(value: &Value, problems: &mut Vec<String>) -> bool {
    match value {
        Value::Bool(b) => *b,
        v => {
            problems.push(format!(
                "{FEATURE}.enabled must be true or false, found {v}; {STAYS_OFF}"
            ));
            false
        }
    }
}

fn read_mode(value: &Value, problems: &mut Vec<String>) -> Mode {
    match value.as_str().and_then(Mode::parse) {
        Some(m) => m,
        None => {
            problems.push(format!("{FEATURE}.mode must be \"auto\", \"standby\" or \"forward\", found {value}; {STAYS_OFF}"));
            Mode::Auto
        }
    }
}

/// Reads `max_calls` as the plugin does: a whole number from 2 to 1000 (`2.0` counts).
fn read_max_calls(value: &Value, problems: &mut Vec<String>) -> (Option<i64>, Option<i64>) {
    let limit = MAX_CALLS_LIMIT as f64;
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && (2.0..=limit).contains(&n) => {
            (Some(n as i64), Some(n as i64))
        }
        n => {
            problems.push(format!("{FEATURE}.max_calls must be a whole number from 2 to {MAX_CALLS_LIMIT} (leave it out for no limit), found {value}; {STAYS_OFF}"));
            (
                None,
                Some(n.map_or(2.0, |n| n.round().clamp(2.0, limit)) as i64),
            )
        }
    }
}

fn read_feature(
    raw: Option<&Value>,
    problems: &mut Vec<String>,
    notes: &mut Vec<String>,
) -> Feature {
    let mut f = Feature {
        enabled: false,
        mode: Mode::Auto,
        max_calls: None,
        max_calls_fix: None,
    };
    let entries = match raw {
        // The plugin treats a missing or null feature as "off", without an error.
        None | Some(Value::Null) => {
            problems.push(format!("{FEATURE} is missing; multi-call is off"));
            return f;
        }
        Some(Value::Object(m)) => m,
        Some(v) => {
            problems.push(format!("{FEATURE} must be an object like {{\"enabled\": true}}, found {v}; multi-call is off"));
            return f;
        }
    };
    for (key, value) in entries {
        match key.as_str() {
            "enabled" => f.enabled = read_enabled(value, problems),
            "mode" => f.mode = read_mode(value, problems),
            "max_calls" => (f.max_calls, f.max_calls_fix) = read_max_calls(value, problems),
            other => notes.push(format!("{FEATURE}.{other} is not a multi-call setting; the plugin ignores it (known: enabled, mode, max_calls)")),
        }
    }
    if matches!(entries.get("enabled"), None | Some(Value::Bool(false))) {
        problems.push(format!("{FEATURE}.enabled is not true; multi-call is off"));
    }
    f
}

fn read_busy(value: Option<&Value>, problems: &mut Vec<String>) -> Busy {
    match value {
        None | Some(Value::Null) => Busy::Unset,
        Some(Value::Bool(b)) => Busy::Is(*b),
        Some(v) => {
            problems.push(format!(
                "{AIWB} must be true or false, found {v}; {STAYS_OFF}"
            ));
            Busy::Invalid
        }
    }
}

/// The plugin's rule for the mode it runs in; `Auto` stays when only the Flex UI version could settle it.
fn resolve(mode: Mode, busy: Busy, connect_token: Option<bool>) -> Mode {
    match (mode, busy, connect_token) {
        (Mode::Auto, Busy::Is(false), _) | (Mode::Auto, _, Some(false)) => Mode::Standby,
        (Mode::Auto, _, Some(true)) => Mode::Forward,
        (m, _, _) => m,
    }
}

/// What the Flex UI version is, for messages.
fn ui_label(ui_version: Option<&str>) -> String {
    match ui_version {
        Some(v) => format!("the pinned Flex UI version is {v}"),
        None => "the Flex configuration pins no Flex UI version (ui_version)".to_string(),
    }
}

/// Why the Flex UI version does not settle the mode, for messages.
fn unknown_ui(ui_version: Option<&str>) -> String {
    match ui_version {
        Some(v) => {
            format!("the pinned Flex UI version, {v}, may load versions on either side of 2.8")
        }
        None => "the Flex configuration pins no Flex UI version (ui_version)".to_string(),
    }
}

/// The problems and notes that come from the mode, `allowIncomingWhileBusy` and the Flex UI version.
fn check_mode(
    mode: Mode,
    busy: Busy,
    connect_token: Option<bool>,
    ui_version: Option<&str>,
    problems: &mut Vec<String>,
    notes: &mut Vec<String>,
) {
    let busy_false = busy == Busy::Is(false);
    let (ui, unknown) = (ui_label(ui_version), unknown_ui(ui_version));
    match (mode, resolve(mode, busy, connect_token)) {
        (Mode::Auto, Mode::Standby) if !busy_false => problems.push(format!(
            "auto mode runs as standby here ({ui}, below 2.8, so no connectToken), and standby needs {AIWB} to be false (it is not), or Flex's own Device answers every call; set it to false, or move agents to Flex UI 2.8 or later"
        )),
        (Mode::Standby, _) if !busy_false => problems.push(format!(
            "standby mode needs {AIWB} to be false (it is not), or Flex's own Device takes the second call"
        )),
        (Mode::Forward, _) if busy_false => problems.push(format!(
            "forward mode needs {AIWB} not to be false (it is false), or Flex's Device never sees the second call"
        )),
        (Mode::Auto, Mode::Auto) => notes.push(format!(
            "auto mode resolves on each agent's page by its Flex UI version, and {unknown}: on Flex UI 2.8 or later it runs as forward, which works with {AIWB} not false; below 2.8 it runs as standby, which needs {AIWB} false, so multi-call would stay off there as configured; set it to false to run standby on every version"
        )),
        _ => {}
    }
    if mode == Mode::Forward {
        match connect_token {
            Some(false) => problems.push(format!(
                "forward mode needs Flex UI 2.8 or later (Voice SDK 2.11+ with connectToken), and {ui}; pin 2.8 or later (ui_version), or use mode \"standby\" with {AIWB} false"
            )),
            None => notes.push(format!(
                "forward mode needs Flex UI 2.8 or later (Voice SDK 2.11+ with connectToken), and {unknown}; check it: below 2.8 multi-call stays off"
            )),
            Some(true) => {}
        }
    }
}

/// The `allowIncomingWhileBusy` value a fix for `mode` must write, if any.
fn busy_fix(mode: Mode, busy: Busy, connect_token: Option<bool>) -> Option<bool> {
    match (mode, busy, connect_token) {
        (Mode::Standby, _, _) => Some(false),
        (Mode::Forward, _, _) => Some(true),
        (Mode::Auto, Busy::Is(false), _) => None,
        (Mode::Auto, _, Some(false)) => Some(false),
        // A value the plugin refuses must become a boolean: true keeps forward on 2.8+, false works on every version.
        (Mode::Auto, Busy::Invalid, Some(true)) => Some(true),
        (Mode::Auto, Busy::Invalid, None) => Some(false),
        (Mode::Auto, _, _) => None,
    }
}

/// The `ui_attributes` fragment that makes the configuration work in `mode`.
fn suggest(
    feature: &Feature,
    mode: Mode,
    wanted: Option<Mode>,
    busy: Busy,
    connect_token: Option<bool>,
) -> Value {
    // Forward cannot work on this Flex UI; unless it was asked for, suggest the mode that can.
    let mode = match (mode, connect_token, wanted) {
        (Mode::Forward, Some(false), None) => Mode::Standby,
        _ => mode,
    };
    let mut multi_call = json!({ "enabled": true, "mode": mode.as_str() });
    if let Some(n) = feature.max_calls_fix {
        multi_call["max_calls"] = json!(n);
    }
    let mut fix = json!({ "custom_data": { "features": { "multi_call": multi_call } } });
    if let Some(b) = busy_fix(mode, busy, connect_token) {
        fix["sdkOptions"] = json!({ "voice": { "allowIncomingWhileBusy": b } });
    }
    fix
}

/// Checks a Flex configuration; `wanted` is the mode the admin asked for on the command line.
pub fn check(config: &Value, wanted: Option<Mode>) -> FlexCheck {
    let ui = object_field(config, "ui_attributes");
    let (mut problems, mut notes) = (Vec::new(), Vec::new());
    let feature = read_feature(
        ui.pointer("/custom_data/features/multi_call"),
        &mut problems,
        &mut notes,
    );
    if let Some(w) = wanted.filter(|w| *w != feature.mode) {
        problems.push(format!(
            "features.multi_call.mode is \"{}\" but \"{}\" was asked for",
            feature.mode.as_str(),
            w.as_str()
        ));
    }
    let mode = wanted.unwrap_or(feature.mode);
    let busy_value = ui.pointer("/sdkOptions/voice/allowIncomingWhileBusy");
    let busy = read_busy(busy_value, &mut problems);
    let ui_version = pinned_ui_version(config);
    let connect_token = ui_version
        .as_deref()
        .and_then(|v| at_least(v, FORWARD_MIN_UI));
    check_mode(
        mode,
        busy,
        connect_token,
        ui_version.as_deref(),
        &mut problems,
        &mut notes,
    );
    let suggested_ui_attributes =
        (!problems.is_empty()).then(|| suggest(&feature, mode, wanted, busy, connect_token));
    FlexCheck {
        enabled: feature.enabled,
        configured_mode: feature.mode,
        effective_mode: resolve(mode, busy, connect_token),
        max_calls: feature.max_calls,
        allow_incoming_while_busy: busy_value.filter(|v| !v.is_null()).cloned(),
        ui_version,
        connect_token,
        problems,
        notes,
        suggested_ui_attributes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(feature: Value, aiwb: Option<Value>, ui: Option<&str>) -> Value {
        let mut ui_attributes = json!({ "custom_data": { "features": { "multi_call": feature } } });
        if let Some(b) = aiwb {
            ui_attributes["sdkOptions"] = json!({ "voice": { "allowIncomingWhileBusy": b } });
        }
        let mut c = json!({ "ui_attributes": ui_attributes });
        if let Some(v) = ui {
            c["ui_version"] = json!(v);
        }
        c
    }

    fn on(mode: &str) -> Value {
        json!({"enabled": true, "mode": mode})
    }

    /// Merges a fragment the way a flex-config deploy does: objects key by key, the rest replaced.
    fn merge(into: &mut Value, fragment: &Value) {
        match (into, fragment) {
            (Value::Object(a), Value::Object(b)) => {
                for (k, v) in b {
                    merge(a.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
            (slot, v) => *slot = v.clone(),
        }
    }

    /// Checks, merges the suggested fix, and checks again: the fix must leave no problem.
    fn fixed(config: Value, wanted: Option<Mode>) -> FlexCheck {
        let before = check(&config, wanted);
        assert!(!before.problems.is_empty(), "nothing to fix in {config}");
        let mut after = config;
        merge(
            &mut after["ui_attributes"],
            before.suggested_ui_attributes.as_ref().unwrap(),
        );
        let c = check(&after, wanted);
        assert!(
            c.problems.is_empty(),
            "the fix {:?} left {:?}",
            before.suggested_ui_attributes,
            c.problems
        );
        c
    }

    #[test]
    fn standby_with_busy_false_is_fine() {
        let c = check(&cfg(on("standby"), Some(json!(false)), Some("2.7.0")), None);
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.effective_mode, Mode::Standby);
    }

    #[test]
    fn standby_without_busy_false_is_a_problem_and_the_fix_sets_it() {
        let c = check(&cfg(on("standby"), None, Some("2.8.0")), None);
        assert_eq!(c.problems.len(), 1);
        assert!(c.problems[0].contains("allowIncomingWhileBusy"));
        let after = fixed(cfg(on("standby"), None, Some("2.8.0")), None);
        assert_eq!(after.allow_incoming_while_busy, Some(json!(false)));
    }

    #[test]
    fn auto_follows_the_plugin_rule_when_the_ui_version_is_known() {
        // allowIncomingWhileBusy false: standby on any version.
        let c = check(
            &cfg(json!({"enabled": true}), Some(json!(false)), Some("2.1")),
            None,
        );
        assert_eq!(c.effective_mode, Mode::Standby);
        assert!(c.problems.is_empty() && c.notes.is_empty(), "{c:?}");
        // 2.8 or later and not false: forward.
        let c = check(&cfg(json!({"enabled": true}), None, Some("~2.9.1")), None);
        assert_eq!(c.effective_mode, Mode::Forward);
        assert!(c.problems.is_empty() && c.notes.is_empty(), "{c:?}");
        // Below 2.8: standby, which cannot work with allowIncomingWhileBusy left true.
        let old = cfg(json!({"enabled": true}), None, Some("~2.7.3"));
        let c = check(&old, None);
        assert_eq!(c.effective_mode, Mode::Standby);
        assert!(
            c.problems[0].contains("runs as standby"),
            "{:?}",
            c.problems
        );
        let after = fixed(old, None);
        assert_eq!(after.configured_mode, Mode::Auto);
        assert_eq!(after.effective_mode, Mode::Standby);
    }

    #[test]
    fn auto_with_an_unknown_ui_version_says_what_each_outcome_needs() {
        for ui in [None, Some("^2.7.0"), Some("latest")] {
            let c = check(&cfg(json!({"enabled": true}), None, ui), None);
            assert_eq!(c.effective_mode, Mode::Auto, "{ui:?}");
            assert!(c.problems.is_empty(), "{:?}", c.problems);
            assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
            let note = &c.notes[0];
            assert!(
                note.contains("2.8 or later it runs as forward")
                    && note.contains("below 2.8 it runs as standby"),
                "{note}"
            );
        }
    }

    #[test]
    fn forward_on_an_old_ui_is_fixed_by_standby_unless_forward_was_asked_for() {
        let old = cfg(on("forward"), None, Some("2.7.2"));
        let after = fixed(old.clone(), None);
        assert_eq!(after.effective_mode, Mode::Standby);
        let c = check(&old, Some(Mode::Forward));
        assert!(
            c.problems.iter().any(|p| p.contains("pin 2.8 or later")),
            "{:?}",
            c.problems
        );
        let c = check(&cfg(on("forward"), None, None), None);
        assert!(
            c.problems.is_empty() && c.notes[0].contains("check it"),
            "{c:?}"
        );
    }

    #[test]
    fn max_calls_is_a_whole_number_from_2_to_1000() {
        for (value, want) in [
            (json!(2.0), Some(2)),
            (json!(1000), Some(1000)),
            (json!(7), Some(7)),
        ] {
            let c = check(
                &cfg(
                    json!({"enabled": true, "max_calls": value}),
                    Some(json!(false)),
                    None,
                ),
                None,
            );
            assert!(c.problems.is_empty(), "{value}: {:?}", c.problems);
            assert_eq!(c.max_calls, want);
        }
        for value in [
            json!(1),
            json!(1001),
            json!(2.5),
            json!("3"),
            json!(null),
            json!(-4),
        ] {
            let config = cfg(
                json!({"enabled": true, "max_calls": value}),
                Some(json!(false)),
                None,
            );
            let c = check(&config, None);
            assert!(
                c.problems[0].contains("from 2 to 1000"),
                "{value}: {:?}",
                c.problems
            );
            assert_eq!(c.max_calls, None);
            fixed(config, None);
        }
        let c = check(
            &cfg(json!({"enabled": true}), Some(json!(false)), None),
            None,
        );
        assert_eq!(c.max_calls, None, "absent means no limit");
    }

    #[test]
    fn values_the_plugin_refuses_are_problems_with_a_fix() {
        for (config, says) in [
            (
                cfg(on("standby"), Some(json!("false")), None),
                "allowIncomingWhileBusy must be true or false",
            ),
            (
                cfg(json!({"enabled": true}), Some(json!(0)), Some("2.9")),
                "allowIncomingWhileBusy must be true or false",
            ),
            (
                cfg(json!({"enabled": "true"}), Some(json!(false)), None),
                "enabled must be true or false",
            ),
            (
                cfg(
                    json!({"enabled": true, "mode": "Standby"}),
                    Some(json!(false)),
                    None,
                ),
                "mode must be",
            ),
            (
                cfg(
                    json!({"enabled": true, "mode": null}),
                    Some(json!(false)),
                    None,
                ),
                "mode must be",
            ),
            (cfg(json!([true]), None, None), "must be an object"),
        ] {
            let c = check(&config, None);
            assert!(
                c.problems.iter().any(|p| p.contains(says)),
                "{says}: {:?}",
                c.problems
            );
            fixed(config, None);
        }
        let c = check(&cfg(json!({"enabled": "yes"}), None, None), None);
        assert!(
            !c.problems.iter().any(|p| p.contains("is not true")),
            "one message per key: {:?}",
            c.problems
        );
    }

    #[test]
    fn unknown_keys_are_notes_and_disabled_or_missing_are_problems() {
        let c = check(
            &cfg(
                json!({"enabled": true, "maxCalls": 3}),
                Some(json!(false)),
                None,
            ),
            None,
        );
        assert!(c.problems.is_empty());
        assert!(c.notes[0].contains("maxCalls"), "{:?}", c.notes);
        assert_eq!(check(&json!({"ui_attributes": {}}), None).problems.len(), 1);
        let c = check(
            &cfg(json!({"enabled": false}), Some(json!(false)), None),
            None,
        );
        assert!(c.problems[0].contains("is not true"), "{:?}", c.problems);
    }

    #[test]
    fn a_requested_mode_must_match() {
        let c = check(&cfg(on("forward"), None, Some("2.9")), Some(Mode::Standby));
        assert!(c.problems.iter().any(|p| p.contains("was asked for")));
    }

    #[test]
    fn the_ui_version_comes_from_ui_version_or_ui_dependencies() {
        let mut c = cfg(json!({"enabled": true}), None, None);
        c["ui_dependencies"] = json!({"@twilio/flex-ui": "2.7.1"});
        assert_eq!(check(&c, None).effective_mode, Mode::Standby);
        c["ui_dependencies"] = json!("{\"@twilio/flex-ui\": \"2.10.0\"}");
        assert_eq!(check(&c, None).effective_mode, Mode::Forward);
    }

    #[test]
    fn version_ranges_settle_forward_only_when_every_version_agrees() {
        for (v, want) in [
            ("2.8.0", Some(true)),
            ("~2.13", Some(true)),
            ("^2.8.1", Some(true)),
            (">=2.9", Some(true)),
            ("3", Some(true)),
            ("2.7.9", Some(false)),
            ("~2.7", Some(false)),
            ("1.34.2", Some(false)),
            ("^1.30", Some(false)),
            ("1.x", Some(false)),
            ("1.0", Some(false)),
            ("^2.7.0", None),
            ("2.x", None),
            ("2", None),
            ("latest", None),
            (">=2.0", None),
            ("<2.9", None),
            ("*", None),
        ] {
            assert_eq!(at_least(v, FORWARD_MIN_UI), want, "{v}");
        }
    }
}

//! Checks the Flex configuration against the multi-call mode, the same way the plugin reads it.

use serde::Serialize;
use serde_json::{json, Value};

/// How multi-call takes a second call (see the plugin's config).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Forward unless `allowIncomingWhileBusy` is false, then standby.
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

/// Lowest Flex UI version that forward mode works with.
const FORWARD_MIN_UI: (u64, u64) = (2, 8);

/// What the Flex configuration says about multi-call, and what is wrong with it.
#[derive(Debug, Clone, Serialize)]
pub struct FlexCheck {
    /// `features.multi_call.enabled`.
    pub enabled: bool,
    /// `features.multi_call.mode` as configured (default auto).
    pub configured_mode: Mode,
    /// The mode the plugin will actually run in.
    pub effective_mode: Mode,
    /// `features.multi_call.max_calls`, when valid.
    pub max_calls: Option<i64>,
    /// `sdkOptions.voice.allowIncomingWhileBusy`, when set.
    pub allow_incoming_while_busy: Option<bool>,
    /// The pinned Flex UI version, when known.
    pub ui_version: Option<String>,
    /// Problems: each one a sentence naming the setting and what it should be.
    pub problems: Vec<String>,
    /// The `ui_attributes` fragment that would fix them, for flex-config files.
    pub suggested_ui_attributes: Option<Value>,
}

/// Reads `major.minor` from versions such as `2.8.1`, `~2.8` or `^2.13.0`.
fn major_minor(version: &str) -> Option<(u64, u64)> {
    let digits = version.trim_start_matches(|c: char| !c.is_ascii_digit());
    let mut parts = digits.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    Some((major, minor))
}

/// `ui_attributes` may come back as an object or as JSON text.
fn ui_attributes(config: &Value) -> Value {
    match config.get("ui_attributes") {
        Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::Null),
        Some(v) => v.clone(),
        None => Value::Null,
    }
}

/// Checks a Flex configuration; `wanted` is the mode the admin asked for on the command line.
pub fn check(config: &Value, wanted: Option<Mode>) -> FlexCheck {
    let ui = ui_attributes(config);
    let feature = ui.pointer("/custom_data/features/multi_call");
    let mut problems = Vec::new();

    let enabled = feature
        .and_then(|f| f.get("enabled"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    match feature {
        None => problems.push(
            "ui_attributes.custom_data.features.multi_call is missing; multi-call is off"
                .to_string(),
        ),
        Some(f) if !f.is_object() => problems
            .push("ui_attributes.custom_data.features.multi_call must be an object".to_string()),
        Some(_) if !enabled => problems.push(
            "ui_attributes.custom_data.features.multi_call.enabled is not true; multi-call is off"
                .to_string(),
        ),
        Some(_) => {}
    }

    let configured_mode = match feature.and_then(|f| f.get("mode")) {
        None | Some(Value::Null) => Mode::Auto,
        Some(v) => match v.as_str().and_then(Mode::parse) {
            Some(m) => m,
            None => {
                problems.push(format!("features.multi_call.mode is {v}; it must be \"auto\", \"standby\" or \"forward\""));
                Mode::Auto
            }
        },
    };
    if let Some(w) = wanted {
        if w != configured_mode {
            problems.push(format!(
                "features.multi_call.mode is \"{}\" but \"{}\" was asked for",
                configured_mode.as_str(),
                w.as_str()
            ));
        }
    }
    let mode = wanted.unwrap_or(configured_mode);

    let max_calls = match feature.and_then(|f| f.get("max_calls")) {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64() {
            Some(n) if n >= 2 => Some(n),
            _ => {
                problems.push(format!(
                    "features.multi_call.max_calls is {v}; it must be an integer of at least 2"
                ));
                None
            }
        },
    };

    let aiwb_value = ui.pointer("/sdkOptions/voice/allowIncomingWhileBusy");
    let allow_incoming_while_busy = aiwb_value.and_then(Value::as_bool);
    let busy_false = allow_incoming_while_busy == Some(false);
    let ui_version = config
        .get("ui_version")
        .and_then(Value::as_str)
        .map(str::to_string);
    let old_ui = ui_version
        .as_deref()
        .and_then(major_minor)
        .is_some_and(|v| v < FORWARD_MIN_UI);

    let effective_mode = match mode {
        Mode::Auto if busy_false => Mode::Standby,
        Mode::Auto => Mode::Forward,
        m => m,
    };
    match mode {
        Mode::Standby if !busy_false => problems.push(
            "standby mode needs ui_attributes.sdkOptions.voice.allowIncomingWhileBusy to be false (it is not), or Flex's own Device takes the second call".to_string(),
        ),
        Mode::Forward if busy_false => problems.push(
            "forward mode needs ui_attributes.sdkOptions.voice.allowIncomingWhileBusy not to be false (it is false), or Flex's Device never sees the second call".to_string(),
        ),
        _ => {}
    }
    if effective_mode == Mode::Forward && old_ui {
        let why = if mode == Mode::Auto {
            "auto mode picks forward here (allowIncomingWhileBusy is not false), and forward"
        } else {
            "forward mode"
        };
        problems.push(format!(
            "{why} needs Flex UI 2.8 or later; ui_version is {}",
            ui_version.as_deref().unwrap_or("?")
        ));
    }

    let suggested_ui_attributes = (!problems.is_empty()).then(|| {
        let mut feature = json!({ "enabled": true, "mode": mode.as_str() });
        if let Some(n) = max_calls {
            feature["max_calls"] = json!(n);
        }
        let mut fix = json!({ "custom_data": { "features": { "multi_call": feature } } });
        match mode {
            Mode::Standby => {
                fix["sdkOptions"] = json!({ "voice": { "allowIncomingWhileBusy": false } })
            }
            Mode::Forward => {
                fix["sdkOptions"] = json!({ "voice": { "allowIncomingWhileBusy": true } })
            }
            Mode::Auto => {}
        }
        fix
    });

    FlexCheck {
        enabled,
        configured_mode,
        effective_mode,
        max_calls,
        allow_incoming_while_busy,
        ui_version,
        problems,
        suggested_ui_attributes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(feature: Value, aiwb: Option<bool>, ui: &str) -> Value {
        let mut ui_attributes = json!({ "custom_data": { "features": { "multi_call": feature } } });
        if let Some(b) = aiwb {
            ui_attributes["sdkOptions"] = json!({ "voice": { "allowIncomingWhileBusy": b } });
        }
        json!({ "ui_attributes": ui_attributes, "ui_version": ui })
    }

    #[test]
    fn standby_with_busy_false_is_fine() {
        let c = check(
            &cfg(
                json!({"enabled": true, "mode": "standby"}),
                Some(false),
                "2.7.0",
            ),
            None,
        );
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.effective_mode, Mode::Standby);
    }

    #[test]
    fn standby_without_busy_false_is_a_problem() {
        let c = check(
            &cfg(json!({"enabled": true, "mode": "standby"}), None, "2.8.0"),
            None,
        );
        assert_eq!(c.problems.len(), 1);
        assert!(c.problems[0].contains("allowIncomingWhileBusy"));
        assert_eq!(
            c.suggested_ui_attributes.unwrap()["sdkOptions"]["voice"]["allowIncomingWhileBusy"],
            json!(false)
        );
    }

    #[test]
    fn auto_resolves_and_checks_the_ui_version() {
        let c = check(&cfg(json!({"enabled": true}), Some(false), "2.1"), None);
        assert_eq!(c.effective_mode, Mode::Standby);
        assert!(c.problems.is_empty());
        let c = check(&cfg(json!({"enabled": true}), None, "~2.7.3"), None);
        assert_eq!(c.effective_mode, Mode::Forward);
        assert!(c.problems[0].contains("2.8"), "{:?}", c.problems);
    }

    #[test]
    fn disabled_missing_and_bad_values_are_reported() {
        assert_eq!(check(&json!({"ui_attributes": {}}), None).problems.len(), 1);
        let c = check(
            &cfg(
                json!({"enabled": false, "mode": "both", "max_calls": 1}),
                None,
                "2.9",
            ),
            None,
        );
        assert_eq!(c.problems.len(), 3, "{:?}", c.problems);
    }

    #[test]
    fn a_requested_mode_must_match() {
        let c = check(
            &cfg(json!({"enabled": true, "mode": "forward"}), None, "2.9"),
            Some(Mode::Standby),
        );
        assert!(c.problems.iter().any(|p| p.contains("was asked for")));
    }
}

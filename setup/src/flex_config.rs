//! The Flex configuration write: `flex-config/ui_attributes.common.json` and
//! `ui_attributes.<env>.json`, deep-merged into the account's current
//! `ui_attributes`, checked, shown as a diff, and posted only with `--yes`.
//!
//! The merge is lodash's `merge`, as flex-project-template's flex-config
//! deploy uses it: objects merge key by key, arrays index by index, anything
//! else is replaced. The files go over the current value (the template's
//! `OVERWRITE_CONFIG` order) so that a setting they fix, such as
//! `allowIncomingWhileBusy`, really changes; unlike that mode, nothing is
//! dropped first, so every key the files do not name stays exactly as it was.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{json, Value};

use crate::apply::Outcome;
use crate::diff;
use crate::flex::{self, FlexCheck, Mode};
use crate::http::ApiError;
use crate::json_text::{self, Shape};
use crate::twilio::Api;

/// Which flex-config files to deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlexFiles {
    /// The folder holding `ui_attributes.common.json` and `ui_attributes.<env>.json`.
    pub dir: PathBuf,
    /// The environment, as in `ui_attributes.<env>.json`.
    pub env: String,
}

impl FlexFiles {
    /// The default folder, `flex-config` under the current directory.
    pub fn default_dir() -> PathBuf {
        PathBuf::from("flex-config")
    }

    fn common_path(&self) -> PathBuf {
        self.dir.join("ui_attributes.common.json")
    }

    fn env_path(&self) -> PathBuf {
        self.dir.join(format!("ui_attributes.{}.json", self.env))
    }
}

/// The environments a flex-config folder has files for (`dev`, `prod`, …).
pub fn environments(dir: &Path) -> Vec<String> {
    let mut envs: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let env = name.strip_prefix("ui_attributes.")?.strip_suffix(".json")?;
            (env != "common").then(|| env.to_string())
        })
        .collect();
    envs.sort();
    envs
}

/// Checks an environment name before it becomes part of a file name.
pub fn check_env_name(env: &str) -> Result<(), String> {
    let ok = !env.is_empty()
        && env
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "--env must be a name like dev or prod (letters, digits, - and _), not '{env}'"
        ))
    }
}

fn read_object(path: &Path, files: &FlexFiles) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let known = environments(&files.dir);
        let hint = if !files.dir.is_dir() {
            format!(
                "; there is no folder {}: run from the repository root, or pass --flex-config DIR",
                files.dir.display()
            )
        } else if known.is_empty() {
            String::new()
        } else {
            format!("; environments there: {}", known.join(", "))
        };
        format!("cannot read {}: {e}{hint}", path.display())
    })?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
    if !value.is_object() {
        return Err(format!(
            "{} must hold a JSON object (the ui_attributes to merge), found {}",
            path.display(),
            kind(&value)
        ));
    }
    Ok(value)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads both files and merges the environment's over the common one.
pub fn read_files(files: &FlexFiles) -> Result<Value, String> {
    check_env_name(&files.env)?;
    let mut merged = read_object(&files.common_path(), files)?;
    let env = read_object(&files.env_path(), files)?;
    merge(&mut merged, &env);
    Ok(merged)
}

/// Deep-merges `from` into `into` as lodash's `merge` does for JSON values.
pub fn merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, v) in b.iter().enumerate() {
                match a.get_mut(i) {
                    Some(slot) => merge(slot, v),
                    None => a.push(v.clone()),
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

/// `ui_attributes` as an object: the API may send it as JSON text, or not at all.
pub fn ui_attributes(config: &Value) -> Value {
    let ui = match config.get("ui_attributes") {
        Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::Null),
        Some(v) => v.clone(),
        None => Value::Null,
    };
    if ui.is_object() {
        ui
    } else {
        json!({})
    }
}

/// Whether two JSON values say the same. Numbers are kept as their text
/// (serde_json's `arbitrary_precision`), so `2.50` is written back as `2.50`;
/// here a number also equals one of the same value in another spelling
/// (`2.5`, `25e-1`), as a service that stores numbers may give it back.
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y
                || matches!(
                    (x.to_string().parse::<f64>(), y.to_string().parse::<f64>()),
                    (Ok(p), Ok(q)) if p.is_finite() && p == q
                )
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_json(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// What writing the Flex configuration would change.
#[derive(Debug, Clone, Serialize)]
pub struct FlexConfigPlan {
    /// The environment whose file was merged.
    pub env: String,
    /// The files merged, in order.
    pub files: Vec<String>,
    /// Whether the merged `ui_attributes` differ from the current ones.
    pub changes: bool,
    /// A unified diff of the current and the merged `ui_attributes`.
    pub diff: String,
    /// The multi-call check of the merged result; any problem blocks the write.
    pub check: FlexCheck,
    /// The current `ui_attributes`, to notice a concurrent edit.
    #[serde(skip)]
    pub current: Value,
    /// The merged `ui_attributes` to write.
    #[serde(skip)]
    pub merged: Value,
    /// The whole configuration with the merged `ui_attributes`, for the audit.
    #[serde(skip)]
    pub merged_config: Value,
    /// What the files set, merged into the current text at write time.
    #[serde(skip)]
    pub from_files: Value,
}

impl FlexConfigPlan {
    /// Whether the merged result fails the multi-call check, so nothing may be written.
    pub fn blocked(&self) -> bool {
        !self.check.problems.is_empty()
    }
}

/// Plans the write from the current configuration and the merged files.
pub fn plan(config: &Value, files: &FlexFiles, from_files: &Value, mode: Option<Mode>) -> FlexConfigPlan {
    let current = ui_attributes(config);
    let mut merged = current.clone();
    merge(&mut merged, from_files);
    let mut merged_config = config.clone();
    if let Some(obj) = merged_config.as_object_mut() {
        obj.insert("ui_attributes".into(), merged.clone());
    }
    let check = flex::check(&merged_config, mode);
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default() + "\n";
    FlexConfigPlan {
        env: files.env.clone(),
        files: vec![
            files.common_path().display().to_string(),
            files.env_path().display().to_string(),
        ],
        changes: current != merged,
        diff: diff::unified(&pretty(&current), &pretty(&merged), "current ui_attributes", "proposed ui_attributes"),
        check,
        current,
        merged,
        merged_config,
        from_files: from_files.clone(),
    }
}

/// [`merge`] done on JSON text: `from` is merged into the value `part` (a
/// slice of `whole`, without surrounding space) as text edits, so every byte
/// the merge does not change (numbers such as `1E+5` or `2.50`, escapes,
/// spacing, key order) stays as it was. A value the files set to what it
/// already is, is left alone.
fn merge_edits(
    whole: &str,
    part: &str,
    from: &Value,
    edits: &mut Vec<(Range<usize>, String)>,
) -> Result<(), serde_json::Error> {
    let end_of = |slice: &str| json_text::offset(whole, slice) + slice.len();
    match (json_text::shape(part)?, from) {
        (Shape::Object(members), Value::Object(b)) => {
            let mut added = Vec::new();
            for (k, v) in b {
                // serde_json, like the Flex service, takes the last of repeated keys.
                match members.iter().rev().find(|(key, _)| key == k) {
                    Some((_, slice)) => merge_edits(whole, slice, v, edits)?,
                    None => added.push(format!("{}:{v}", serde_json::to_string(k)?)),
                }
            }
            if !added.is_empty() {
                let (at, sep) = match members.last() {
                    Some((_, last)) => (end_of(last), ","),
                    None => (json_text::offset(whole, part) + 1, ""),
                };
                edits.push((at..at, format!("{sep}{}", added.join(","))));
            }
        }
        (Shape::Array(items), Value::Array(b)) => {
            let mut added = Vec::new();
            for (i, v) in b.iter().enumerate() {
                match items.get(i) {
                    Some(slice) => merge_edits(whole, slice, v, edits)?,
                    None => added.push(v.to_string()),
                }
            }
            if !added.is_empty() {
                let (at, sep) = match items.last() {
                    Some(last) => (end_of(last), ","),
                    None => (json_text::offset(whole, part) + 1, ""),
                };
                edits.push((at..at, format!("{sep}{}", added.join(","))));
            }
        }
        _ => {
            let current: Value = serde_json::from_str(part)?;
            if current != *from {
                edits.push((json_text::span(whole, part), from.to_string()));
            }
        }
    }
    Ok(())
}

/// Merges `from` into the JSON text of an object, byte for byte outside the edits.
pub fn merge_text(text: &str, from: &Value) -> Result<String, serde_json::Error> {
    let root = json_text::root(text)?;
    let mut edits = Vec::new();
    merge_edits(text, root, from, &mut edits)?;
    Ok(json_text::splice(root, {
        let base = json_text::offset(text, root);
        edits.into_iter().map(|(r, t)| (r.start - base..r.end - base, t)).collect()
    }))
}

/// The text of `ui_attributes` in a Configuration response body, when it is
/// an object (or a string holding one, as the API may send it).
fn ui_attributes_text(body: &str) -> Option<String> {
    let Shape::Object(members) = json_text::shape(json_text::root(body).ok()?).ok()? else {
        return None;
    };
    let (_, ui) = members.into_iter().rev().find(|(k, _)| k == "ui_attributes")?;
    match ui.as_bytes().first() {
        Some(b'{') => Some(ui.to_string()),
        Some(b'"') => {
            let inner: String = serde_json::from_str(ui).ok()?;
            let root = json_text::root(&inner).ok()?;
            root.starts_with('{').then(|| root.to_string())
        }
        _ => None,
    }
}

/// The `ui_attributes` text to send: the current text with the flex-config
/// files merged in by text edits, checked to read as the planned result.
pub fn merged_ui_text(current_body: &str, plan: &FlexConfigPlan, from_files: &Value) -> Result<String, String> {
    let Some(current) = ui_attributes_text(current_body) else {
        // No object to keep (missing or null): the merged value is all there is.
        return Ok(plan.merged.to_string());
    };
    let merged = merge_text(&current, from_files).map_err(|e| format!("cannot merge into the current ui_attributes: {e}"))?;
    let reads: Value = serde_json::from_str(&merged).map_err(|e| format!("internal: the merged ui_attributes are not JSON: {e}"))?;
    if reads != plan.merged {
        return Err("internal: the merged ui_attributes text does not read as the planned result; nothing was written".into());
    }
    Ok(merged)
}

/// Writes the merged `ui_attributes` in one request, unless the configuration
/// changed since it was read; then checks what Twilio stored. What the
/// flex-config files do not set is sent exactly as Twilio gave it.
pub fn write(api: &Api<'_>, plan: &FlexConfigPlan) -> Result<Outcome, ApiError> {
    let what = "reading the Flex configuration";
    let text = api.flex.get_text(what, "/v1/Configuration")?;
    let now: Value = serde_json::from_str(&text).map_err(|e| {
        ApiError::new(what, crate::http::ErrorKind::BadResponse, format!("body is not JSON: {e}"))
    })?;
    if !same_json(&ui_attributes(&now), &plan.current) {
        return Ok(Outcome::Skipped(
            "the Flex configuration changed since it was read; run again".into(),
        ));
    }
    let ui = match merged_ui_text(&text, plan, &plan.from_files) {
        Ok(t) => t,
        Err(e) => return Ok(Outcome::Failed(e)),
    };
    let mut body = format!("{{\"ui_attributes\":{ui}");
    if let Some(sid) = now.get("account_sid").filter(|v| v.is_string()) {
        body.push_str(&format!(",\"account_sid\":{sid}"));
    }
    body.push('}');
    let stored = api
        .flex
        .post_json_text("updating the Flex configuration", "/v1/Configuration", &body)?;
    if !same_json(&ui_attributes(&stored), &plan.merged) {
        return Ok(Outcome::Failed(
            "Twilio accepted the update but the stored ui_attributes differ from what was sent".into(),
        ));
    }
    Ok(Outcome::Written)
}

/// Renders the plan (and, after `--yes`, what happened) for people.
pub fn render_text(plan: &FlexConfigPlan, outcome: Option<&Outcome>, stopped: bool) -> String {
    let mut out = format!(
        "Flex configuration (ui_attributes from {}):\n",
        plan.files.join(" + ")
    );
    if plan.blocked() {
        out.push_str("  the merged result would not work, so nothing is written:\n");
        for p in &plan.check.problems {
            out.push_str(&format!("  - {p}\n"));
        }
        if let Some(fix) = &plan.check.suggested_ui_attributes {
            out.push_str(&format!(
                "      remedy: merge into ui_attributes.{}.json: {fix}\n",
                plan.env
            ));
        }
    } else if !plan.changes {
        out.push_str("  nothing to change.\n");
    } else {
        for line in plan.diff.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    match outcome {
        Some(Outcome::Written) => out.push_str("  => written\n"),
        Some(Outcome::Skipped(why)) => out.push_str(&format!("  => skipped: {why}\n")),
        Some(Outcome::Failed(why)) => out.push_str(&format!("  => FAILED: {why}\n")),
        None if stopped && plan.changes && !plan.blocked() => {
            out.push_str("  => not attempted: stopped at an earlier error\n")
        }
        None => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_is_deep_files_win_and_other_keys_stay_in_place() {
        let mut current = json!({
            "colorTheme": { "baseName": "Dark" },
            "custom_data": { "features": { "other": { "enabled": true }, "multi_call": { "enabled": false, "max_calls": 4 } } },
            "sdkOptions": { "voice": { "allowIncomingWhileBusy": true, "codecPreferences": ["opus", "pcmu"] } }
        });
        let files = json!({
            "custom_data": { "features": { "multi_call": { "enabled": true, "mode": "standby" } } },
            "sdkOptions": { "voice": { "allowIncomingWhileBusy": false, "codecPreferences": ["pcmu"] } },
            "newKey": [1]
        });
        merge(&mut current, &files);
        assert_eq!(
            current.to_string(),
            json!({
                "colorTheme": { "baseName": "Dark" },
                "custom_data": { "features": { "other": { "enabled": true }, "multi_call": { "enabled": true, "max_calls": 4, "mode": "standby" } } },
                "sdkOptions": { "voice": { "allowIncomingWhileBusy": false, "codecPreferences": ["pcmu", "pcmu"] } },
                "newKey": [1]
            })
            .to_string(),
            "lodash merges arrays index by index and keeps key order"
        );
    }

    #[test]
    fn merge_replaces_a_scalar_with_an_object_and_null_is_written() {
        let mut v = json!({ "a": 1, "b": { "c": 2 } });
        merge(&mut v, &json!({ "a": { "x": 1 }, "b": null }));
        assert_eq!(v, json!({ "a": { "x": 1 }, "b": null }));
    }

    #[test]
    fn what_the_files_do_not_set_is_written_back_byte_for_byte() {
        let text = r#"{"account_sid":"AC1","ui_attributes":{"big":123456789012345678901234567890, "money":2.50,"sci":1E+5,"neg":-0,"tiny":0.1000,
            "list":[1.0,3e-7],"esc":"\u00e9\/","custom_data":{"features":{"multi_call":{"enabled":false,"max_calls":2.0}}}},"ui_version":"2.9.1"}"#;
        let config: Value = serde_json::from_str(text).unwrap();
        let files = FlexFiles { dir: PathBuf::from("x"), env: "dev".into() };
        let from: Value = serde_json::from_str(r#"{"custom_data":{"features":{"multi_call":{"enabled":true,"mode":"standby","max_calls":2.0}}},"sdkOptions":{"voice":{"allowIncomingWhileBusy":false}}}"#).unwrap();
        let p = plan(&config, &files, &from, None);
        assert!(!p.blocked(), "{:?}", p.check.problems);
        let sent = merged_ui_text(text, &p, &from).unwrap();
        assert_eq!(
            sent,
            r#"{"big":123456789012345678901234567890, "money":2.50,"sci":1E+5,"neg":-0,"tiny":0.1000,
            "list":[1.0,3e-7],"esc":"\u00e9\/","custom_data":{"features":{"multi_call":{"enabled":true,"max_calls":2.0,"mode":"standby"}}},"sdkOptions":{"voice":{"allowIncomingWhileBusy":false}}}"#
        );
        // The diff shows only what the files changed.
        let changed: Vec<&str> = p.diff.lines().filter(|l| (l.starts_with('+') || l.starts_with('-')) && !l.starts_with("+++") && !l.starts_with("---")).collect();
        assert!(changed.iter().all(|l| ["enabled", "mode", "sdkOptions", "voice", "allowIncomingWhileBusy", "}", "max_calls"].iter().any(|k| l.contains(k))), "{}", p.diff);
        // ui_attributes sent as JSON text by the API: merged the same way, sent as an object.
        let as_text = json!({ "ui_attributes": r#"{"sci":1E+5, "custom_data":{}}"# }).to_string();
        let p2 = plan(&serde_json::from_str(&as_text).unwrap(), &files, &from, None);
        assert_eq!(
            merged_ui_text(&as_text, &p2, &from).unwrap(),
            r#"{"sci":1E+5, "custom_data":{"features":{"multi_call":{"enabled":true,"mode":"standby","max_calls":2.0}}},"sdkOptions":{"voice":{"allowIncomingWhileBusy":false}}}"#
        );
    }

    #[test]
    fn the_text_merge_is_lodash_merge() {
        let cases = [
            (r#"{ }"#, r#"{"a":1}"#, r#"{"a":1 }"#),
            (r#"{"a":[1, 2]}"#, r#"{"a":[3]}"#, r#"{"a":[3, 2]}"#),
            (r#"{"a":[1]}"#, r#"{"a":[1, 2, {"b":1}]}"#, r#"{"a":[1,2,{"b":1}]}"#),
            (r#"{"a":[]}"#, r#"{"a":[7]}"#, r#"{"a":[7]}"#),
            (r#"{"a":1,"a":{"x":1}}"#, r#"{"a":{"y":2}}"#, r#"{"a":1,"a":{"x":1,"y":2}}"#),
            (r#"{"a":{"x":1}}"#, r#"{"a":null}"#, r#"{"a":null}"#),
            (r#"{"a":"s"}"#, r#"{"a":{"x":[1]}}"#, r#"{"a":{"x":[1]}}"#),
            (" {\"k\" :\t1e2 }\n", r#"{"k":100}"#, r#"{"k" :	100 }"#),
        ];
        for (text, from, want) in cases {
            let from: Value = serde_json::from_str(from).unwrap();
            let got = merge_text(text, &from).unwrap();
            assert_eq!(got, want, "{text} + {from}");
            let mut value: Value = serde_json::from_str(text).unwrap();
            merge(&mut value, &from);
            assert_eq!(serde_json::from_str::<Value>(&got).unwrap(), value, "reads as the Value merge: {text} + {from}");
        }
    }

    #[test]
    fn numbers_of_the_same_value_are_the_same_json() {
        let a: Value = serde_json::from_str(r#"{"a":[2.50,1e5],"b":1}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"b":1.0,"a":[2.5,100000]}"#).unwrap();
        assert!(same_json(&a, &b));
        assert!(!same_json(&a, &serde_json::from_str(r#"{"a":[2.51,1e5],"b":1}"#).unwrap()));
        assert!(!same_json(&json!({"a": 1}), &json!({"a": "1"})));
    }

    #[test]
    fn ui_attributes_may_be_text_or_missing() {
        assert_eq!(ui_attributes(&json!({ "ui_attributes": "{\"a\":1}" })), json!({ "a": 1 }));
        assert_eq!(ui_attributes(&json!({ "ui_attributes": null })), json!({}));
        assert_eq!(ui_attributes(&json!({})), json!({}));
    }

    #[test]
    fn env_names_are_checked_before_they_become_paths() {
        assert!(check_env_name("prod").is_ok());
        assert!(check_env_name("../etc").unwrap_err().contains("'../etc'"));
        assert!(check_env_name("").is_err());
    }

    #[test]
    fn the_repository_files_merge_into_a_working_configuration() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../flex-config");
        for env in ["dev", "prod"] {
            let files = FlexFiles { dir: dir.clone(), env: env.into() };
            let merged = read_files(&files).unwrap();
            let config = json!({ "ui_version": "2.9.1", "ui_attributes": { "keep": "me" } });
            let p = plan(&config, &files, &merged, None);
            assert!(!p.blocked(), "{env}: {:?}", p.check.problems);
            assert!(p.changes);
            assert_eq!(p.merged["keep"], "me");
            assert!(p.diff.contains("+++ proposed ui_attributes"), "{}", p.diff);
        }
        let missing = read_files(&FlexFiles { dir, env: "staging".into() }).unwrap_err();
        assert!(missing.contains("ui_attributes.staging.json") && missing.contains("environments there: dev, prod"), "{missing}");
    }

    #[test]
    fn a_merged_result_that_cannot_work_blocks_the_write() {
        let files = FlexFiles { dir: PathBuf::from("x"), env: "dev".into() };
        let from = json!({ "custom_data": { "features": { "multi_call": { "enabled": true, "mode": "standby" } } } });
        let config = json!({ "ui_attributes": { "sdkOptions": { "voice": { "allowIncomingWhileBusy": true } } } });
        let p = plan(&config, &files, &from, None);
        assert!(p.blocked());
        let text = render_text(&p, None, false);
        assert!(text.contains("nothing is written") && text.contains("allowIncomingWhileBusy"), "{text}");
    }
}

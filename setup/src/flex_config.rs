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

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{json, Value};

use crate::apply::Outcome;
use crate::diff;
use crate::flex::{self, FlexCheck, Mode};
use crate::http::ApiError;
use crate::twilio::{self, Api};

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
    }
}

/// Writes the merged `ui_attributes` in one request, unless the configuration
/// changed since it was read; then checks what Twilio stored.
pub fn write(api: &Api<'_>, plan: &FlexConfigPlan) -> Result<Outcome, ApiError> {
    let now = twilio::flex_configuration(api)?;
    if ui_attributes(&now) != plan.current {
        return Ok(Outcome::Skipped(
            "the Flex configuration changed since it was read; run again".into(),
        ));
    }
    let mut body = json!({ "ui_attributes": plan.merged });
    if let Some(sid) = now.get("account_sid").filter(|v| v.is_string()) {
        body["account_sid"] = sid.clone();
    }
    let stored = api
        .flex
        .post_json("updating the Flex configuration", "/v1/Configuration", &body)?;
    if ui_attributes(&stored) != plan.merged {
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

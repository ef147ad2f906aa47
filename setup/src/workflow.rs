//! Finds every target in a workflow configuration and plans the capacity edit.
//!
//! A workflow is planned as a whole: either every target that needs the
//! condition gets it in one new configuration, or (if any target cannot be
//! read) the workflow is refused and nothing in it is written.

use serde::Serialize;
use serde_json::Value;

use crate::expr::{self, Edit};

/// One target expression that will change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetEdit {
    /// Where the target sits, e.g. `task_routing.filters[0].targets[1]`.
    pub path: String,
    /// The enclosing filter's `filter_friendly_name`.
    pub filter: Option<String>,
    /// The target's queue SID.
    pub queue: Option<String>,
    /// The expression now (`None` when the target has none).
    pub before: Option<String>,
    /// The expression to write.
    pub after: String,
}

/// Why a target was left alone or could not be edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetNote {
    /// Where the target sits.
    pub path: String,
    /// The enclosing filter's `filter_friendly_name`.
    pub filter: Option<String>,
    /// The target's expression as found.
    pub expression: Option<String>,
    /// What is wrong, or why it was skipped.
    pub reason: String,
}

/// What the tool would do to one workflow.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WorkflowPlan {
    /// Targets whose expression changes.
    pub edits: Vec<TargetEdit>,
    /// Targets that already hold the condition.
    pub compliant: usize,
    /// Targets that pick one named worker (transfers), left alone on purpose.
    pub skipped: Vec<TargetNote>,
    /// Targets that cannot be read; their presence blocks the whole workflow.
    pub refused: Vec<TargetNote>,
    /// The default filter's queue, which tasks reach with no worker expression.
    pub default_queue: Option<String>,
    /// Why the configuration as a whole cannot be used (not JSON, no task_routing).
    pub error: Option<String>,
    /// The complete new configuration text, when there are edits and no refusals.
    pub new_configuration: Option<String>,
}

impl WorkflowPlan {
    /// Whether the workflow needs a write that this tool can make.
    pub fn needs_write(&self) -> bool {
        self.new_configuration.is_some()
    }

    /// Whether the workflow needs a person (unreadable targets or configuration).
    pub fn blocked(&self) -> bool {
        self.error.is_some() || !self.refused.is_empty()
    }
}

/// Options that change which targets are edited.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanOptions {
    /// Also edit targets that pick one named worker (normally skipped, see [`is_direct_target`]).
    pub all_targets: bool,
}

/// Whether a target sends the task to one particular worker, as transfers to an
/// agent do: adding the capacity condition there would block exactly the
/// transfer multi-call exists to allow.
pub fn is_direct_target(target: &serde_json::Map<String, Value>) -> bool {
    if target.contains_key("known_worker_sid") || target.contains_key("known_worker_friendly_name")
    {
        return true;
    }
    match target.get("expression").and_then(Value::as_str) {
        Some(e) if !e.trim().is_empty() => expr::parse(e)
            .map(|n| expr::names_one_worker(&n))
            .unwrap_or(false),
        _ => false,
    }
}

struct Walk<'a> {
    options: PlanOptions,
    plan: &'a mut WorkflowPlan,
}

impl Walk<'_> {
    fn visit(&mut self, value: &Value, path: &str, filter: Option<&str>) {
        match value {
            Value::Object(map) => {
                let filter = map
                    .get("filter_friendly_name")
                    .and_then(Value::as_str)
                    .or(filter);
                for (key, child) in map {
                    let child_path = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    if key == "targets" {
                        if let Value::Array(targets) = child {
                            for (i, t) in targets.iter().enumerate() {
                                self.target(t, &format!("{child_path}[{i}]"), filter);
                            }
                            continue;
                        }
                    }
                    self.visit(child, &child_path, filter);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.visit(item, &format!("{path}[{i}]"), filter);
                }
            }
            _ => {}
        }
    }

    fn target(&mut self, value: &Value, path: &str, filter: Option<&str>) {
        let note = |expression: Option<String>, reason: String| TargetNote {
            path: path.to_string(),
            filter: filter.map(str::to_string),
            expression,
            reason,
        };
        let Value::Object(target) = value else {
            self.plan
                .refused
                .push(note(None, "a target is not a JSON object".into()));
            return;
        };
        let expression = match target.get("expression") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.plan.refused.push(note(
                    Some(other.to_string()),
                    "the target's expression is not a string".into(),
                ));
                return;
            }
        };
        if !self.options.all_targets && is_direct_target(target) {
            self.plan.skipped.push(note(
                expression,
                "this target offers the task to one named worker (a transfer to an agent); the capacity condition would stop that transfer reaching an agent already on a call".into(),
            ));
            return;
        }
        match expr::ensure_capacity_condition(expression.as_deref()) {
            Ok(Edit::Unchanged) => self.plan.compliant += 1,
            Ok(Edit::Changed(after)) => self.plan.edits.push(TargetEdit {
                path: path.to_string(),
                filter: filter.map(str::to_string),
                queue: target
                    .get("queue")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                before: expression,
                after,
            }),
            Err(e) => self.plan.refused.push(note(
                expression,
                format!("cannot parse the expression: {e}"),
            )),
        }
    }
}

/// Parses a workflow configuration, refusing anything but a JSON object with `task_routing`.
fn parse_configuration(text: &str) -> Result<Value, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("the configuration is not JSON ({e})"))?;
    if !value.get("task_routing").is_some_and(Value::is_object) {
        return Err("the configuration has no task_routing object".into());
    }
    Ok(value)
}

/// Writes a configuration back in the style it was read: pretty when it had line breaks.
pub fn render(value: &Value, like: &str) -> String {
    if like.contains('\n') {
        serde_json::to_string_pretty(value).unwrap_or_default()
    } else {
        value.to_string()
    }
}

/// Sets the expression at a target path such as `task_routing.filters[0].targets[1]`.
fn set_expression(root: &mut Value, path: &str, expression: &str) -> Result<(), String> {
    let mut node = root;
    for part in path.split('.') {
        let (key, indexes) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        node = node
            .get_mut(key)
            .ok_or_else(|| format!("no '{key}' at {path}"))?;
        for idx in indexes.split('[').filter(|s| !s.is_empty()) {
            let i: usize = idx
                .trim_end_matches(']')
                .parse()
                .map_err(|_| format!("bad index in {path}"))?;
            node = node
                .get_mut(i)
                .ok_or_else(|| format!("no item {i} at {path}"))?;
        }
    }
    let obj = node
        .as_object_mut()
        .ok_or_else(|| format!("{path} is not an object"))?;
    obj.insert(
        "expression".to_string(),
        Value::String(expression.to_string()),
    );
    Ok(())
}

/// Plans the edit of one workflow configuration.
pub fn plan(configuration: &str, options: PlanOptions) -> WorkflowPlan {
    let mut plan = WorkflowPlan::default();
    let value = match parse_configuration(configuration) {
        Ok(v) => v,
        Err(e) => {
            plan.error = Some(e);
            return plan;
        }
    };
    plan.default_queue = value
        .pointer("/task_routing/default_filter/queue")
        .and_then(Value::as_str)
        .map(str::to_string);
    Walk {
        options,
        plan: &mut plan,
    }
    .visit(&value, "", None);
    if plan.edits.is_empty() || !plan.refused.is_empty() {
        return plan;
    }
    let mut new = value.clone();
    for edit in &plan.edits {
        if let Err(e) = set_expression(&mut new, &edit.path, &edit.after) {
            plan.error = Some(format!("internal error applying the edit: {e}"));
            return plan;
        }
    }
    let text = render(&new, configuration);
    // Validate the whole result before anyone writes it: it must parse, and
    // planning it again must find nothing left to do.
    let again = self::plan_without_writing(&text, options);
    if again.error.is_some() || !again.edits.is_empty() || !again.refused.is_empty() {
        plan.error = Some("internal error: the new configuration does not validate".into());
        return plan;
    }
    plan.new_configuration = Some(text);
    plan
}

fn plan_without_writing(configuration: &str, options: PlanOptions) -> WorkflowPlan {
    let mut plan = WorkflowPlan::default();
    match parse_configuration(configuration) {
        Ok(value) => Walk {
            options,
            plan: &mut plan,
        }
        .visit(&value, "", None),
        Err(e) => plan.error = Some(e),
    }
    plan
}

/// Pretty-prints a configuration for a readable diff, whatever its stored style.
pub fn pretty(configuration: &str) -> String {
    match serde_json::from_str::<Value>(configuration) {
        Ok(v) => serde_json::to_string_pretty(&v).unwrap_or_else(|_| configuration.to_string()),
        Err(_) => configuration.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::CAPACITY_CONDITION;

    const CONFIG: &str = r#"{"task_routing":{"filters":[
        {"filter_friendly_name":"Sales","expression":"type == 'sales'","targets":[
            {"queue":"WQ1","expression":"worker.skills HAS 'sales'","timeout":30},
            {"queue":"WQ2"}]},
        {"filter_friendly_name":"Transfer","expression":"transferTargetType == 'worker'","targets":[
            {"queue":"WQ3","expression":"task.targetSid == worker.sid"}]}],
        "default_filter":{"queue":"WQ4"}}}"#;

    #[test]
    fn edits_every_target_but_the_transfer() {
        let p = plan(CONFIG, PlanOptions::default());
        assert_eq!(p.edits.len(), 2);
        assert_eq!(
            p.edits[0].after,
            format!("worker.skills HAS 'sales' AND {CAPACITY_CONDITION}")
        );
        assert_eq!(p.edits[1].before, None);
        assert_eq!(p.edits[1].after, CAPACITY_CONDITION);
        assert_eq!(p.skipped.len(), 1);
        assert_eq!(p.default_queue.as_deref(), Some("WQ4"));
        let new = p.new_configuration.unwrap();
        assert!(new.contains("\"timeout\": 30"), "other keys survive: {new}");
        assert!(plan(&new, PlanOptions::default())
            .new_configuration
            .is_none());
    }

    #[test]
    fn one_bad_target_refuses_the_whole_workflow() {
        let cfg = r#"{"task_routing":{"filters":[{"filter_friendly_name":"A","targets":[{"queue":"WQ1"},{"queue":"WQ2","expression":"a == (1"}]}]}}"#;
        let p = plan(cfg, PlanOptions::default());
        assert!(p.new_configuration.is_none());
        assert_eq!(p.refused.len(), 1);
        assert_eq!(p.refused[0].path, "task_routing.filters[0].targets[1]");
        assert_eq!(p.refused[0].filter.as_deref(), Some("A"));
    }

    #[test]
    fn nested_targets_are_found() {
        let cfg = r#"{"task_routing":{"filters":[{"filter_friendly_name":"Outer","routing":{"targets":[{"queue":"WQ1","expression":"x == 1"}]}}]}}"#;
        let p = plan(cfg, PlanOptions::default());
        assert_eq!(p.edits.len(), 1);
        assert_eq!(
            p.edits[0].path,
            "task_routing.filters[0].routing.targets[0]"
        );
    }

    #[test]
    fn all_targets_includes_transfers_and_known_workers() {
        let p = plan(CONFIG, PlanOptions { all_targets: true });
        assert_eq!(p.edits.len(), 3);
        assert!(p.skipped.is_empty());
        let known = r#"{"task_routing":{"filters":[{"targets":[{"queue":"WQ1","known_worker_sid":"task.target"}]}]}}"#;
        assert_eq!(plan(known, PlanOptions::default()).skipped.len(), 1);
    }

    #[test]
    fn not_json_is_an_error() {
        let p = plan("task-routing:\n  - filter: 1 == 1", PlanOptions::default());
        assert!(p.error.unwrap().contains("not JSON"));
    }
}

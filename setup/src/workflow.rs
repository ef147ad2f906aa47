//! Finds every target in a workflow configuration and plans the capacity edit.
//!
//! A workflow is planned as a whole: either every target that needs the
//! condition gets it in one new configuration, or (if any target cannot be
//! read) the workflow is refused and nothing in it is written.

use std::ops::Range;

use serde::Serialize;
use serde_json::Value;

use crate::expr::{self, Edit};
use crate::json_text::{self, Shape};
use crate::transfer::{self, Transfer};

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
    /// What the edit left out on purpose (a transfer branch), when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
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
    /// Also edit targets that pick one named worker whole (see [`crate::transfer`]).
    pub all_targets: bool,
}

/// Whether a target names one worker by its keys (`known_worker_sid`,
/// `known_worker_friendly_name`), as Flex's transfer-to-agent targets may.
fn names_known_worker(keys: &[&str]) -> bool {
    keys.iter().any(|k| *k == "known_worker_sid" || *k == "known_worker_friendly_name")
}

/// Why a transfer target is left alone.
const TRANSFER_SKIPPED: &str = "this target offers the task to one named worker (a transfer to an agent); the capacity condition would stop that transfer reaching an agent already on a call";

/// `.key`, or `["key"]` when the key is not a plain name, for people reading a path.
fn path_step(path: &str, key: &str) -> String {
    let plain = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match (plain, path.is_empty()) {
        (true, true) => key.to_string(),
        (true, false) => format!("{path}.{key}"),
        (false, _) => format!("{path}[{}]", serde_json::Value::from(key)),
    }
}

/// Walks the configuration text, planning each target and collecting splices.
struct Walk<'a, 'p> {
    text: &'a str,
    options: PlanOptions,
    plan: &'p mut WorkflowPlan,
    /// Byte range in `text` and the text to put there.
    splices: Vec<(Range<usize>, String)>,
    /// JSON pointer of each edited target and its new expression, for the self-check.
    pointers: Vec<(String, String)>,
}

impl<'a> Walk<'a, '_> {
    fn visit(&mut self, value: &'a str, path: &str, pointer: &str, filter: Option<&str>) {
        match json_text::shape(value) {
            Ok(Shape::Object(members)) => {
                let own_name = members
                    .iter()
                    .find(|(k, _)| k == "filter_friendly_name")
                    .and_then(|(_, v)| serde_json::from_str::<String>(v).ok());
                let filter = own_name.as_deref().or(filter);
                for (key, child) in &members {
                    let child_path = path_step(path, key);
                    let child_pointer = format!("{pointer}/{}", json_text::pointer_token(key));
                    if key == "targets" {
                        if let Ok(Shape::Array(targets)) = json_text::shape(child) {
                            for (i, t) in targets.into_iter().enumerate() {
                                self.target(t, &format!("{child_path}[{i}]"), &format!("{child_pointer}/{i}"), filter);
                            }
                            continue;
                        }
                    }
                    self.visit(child, &child_path, &child_pointer, filter);
                }
            }
            Ok(Shape::Array(items)) => {
                for (i, item) in items.into_iter().enumerate() {
                    self.visit(item, &format!("{path}[{i}]"), &format!("{pointer}/{i}"), filter);
                }
            }
            // The whole text was read as JSON before the walk, so nothing else fails here.
            Ok(Shape::Scalar) | Err(_) => {}
        }
    }

    fn target(&mut self, value: &'a str, path: &str, pointer: &str, filter: Option<&str>) {
        let note = |expression: Option<String>, reason: String| TargetNote {
            path: path.to_string(),
            filter: filter.map(str::to_string),
            expression,
            reason,
        };
        let Ok(Shape::Object(members)) = json_text::shape(value) else {
            self.plan.refused.push(note(None, "a target is not a JSON object".into()));
            return;
        };
        let found: Vec<&str> = members.iter().filter(|(k, _)| k == "expression").map(|(_, v)| *v).collect();
        if found.len() > 1 {
            // Which one TaskRouter reads is not documented; editing either would be a guess.
            self.plan.refused.push(note(None, "the target has more than one 'expression' key".into()));
            return;
        }
        let expression = match found.first() {
            None => None,
            Some(&"null") => None,
            Some(raw) => match serde_json::from_str::<String>(raw) {
                Ok(s) => Some(s),
                Err(_) => {
                    self.plan.refused.push(note(
                        Some(raw.to_string()),
                        "the target's expression is not a string".into(),
                    ));
                    return;
                }
            },
        };
        let keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        let mut result = None;
        if !self.options.all_targets {
            if names_known_worker(&keys) {
                self.plan.skipped.push(note(expression, TRANSFER_SKIPPED.into()));
                return;
            }
            let raw = expression.as_deref().unwrap_or("");
            // Text that does not parse is refused below, with its column.
            if let Ok(node) = expr::parse(raw) {
                match transfer::classify(raw, &node) {
                    Transfer::NoWorker => {}
                    Transfer::Whole => {
                        self.plan.skipped.push(note(expression, TRANSFER_SKIPPED.into()));
                        return;
                    }
                    Transfer::Split { new, kept } => {
                        let why = format!(
                            "the branch{} that name{} one worker ({}) {} left as is, so a transfer still reaches an agent already on a call; the condition guards the other branches",
                            if kept.len() == 1 { "" } else { "es" },
                            if kept.len() == 1 { "s" } else { "" },
                            kept.join("; "),
                            if kept.len() == 1 { "is" } else { "are" },
                        );
                        result = Some((new.map_or(Edit::Unchanged, Edit::Changed), Some(why)));
                    }
                    Transfer::Unsafe(why) => {
                        self.plan.refused.push(note(expression, format!(
                            "the expression names one worker (a transfer to an agent) but its other branches cannot be guarded safely: {why}; add `{}` to the branches that are not the transfer by hand, or run with --all-targets to add it to the whole target",
                            expr::CAPACITY_CONDITION
                        )));
                        return;
                    }
                }
            }
        }
        let (outcome, why) = match result {
            Some((edit, why)) => (Ok(edit), why),
            None => (expr::ensure_capacity_condition(expression.as_deref()), None),
        };
        match outcome {
            Ok(Edit::Unchanged) => self.plan.compliant += 1,
            Ok(Edit::Changed(after)) => {
                self.splices.push(self.expression_splice(value, &members, found.first().copied(), &after));
                self.pointers.push((pointer.to_string(), after.clone()));
                self.plan.edits.push(TargetEdit {
                    path: path.to_string(),
                    filter: filter.map(str::to_string),
                    queue: members
                        .iter()
                        .find(|(k, _)| k == "queue")
                        .and_then(|(_, v)| serde_json::from_str::<String>(v).ok()),
                    before: expression,
                    after,
                    note: why,
                })
            }
            Err(e) => self.plan.refused.push(note(
                expression,
                format!("cannot parse the expression: {e}"),
            )),
        }
    }

    /// Where the new expression goes: over the old value, or as a new last
    /// member spaced like the object's first one.
    fn expression_splice(&self, object: &str, members: &[(String, &str)], old: Option<&str>, after: &str) -> (Range<usize>, String) {
        let new = serde_json::Value::from(after).to_string();
        if let Some(old) = old {
            return (json_text::span(self.text, old), new);
        }
        let open = json_text::offset(self.text, object) + 1;
        let (Some((_, first)), Some((_, last))) = (members.first(), members.last()) else {
            return (open..open, format!("\"expression\": {new}"));
        };
        let before_first = &self.text[open..json_text::offset(self.text, first)];
        let key_at = before_first.find('"').unwrap_or(0);
        let indent = &before_first[..key_at];
        let key_and_colon = &before_first[key_at..];
        let colon = key_and_colon.rfind(':').unwrap_or(0);
        let separator = &key_and_colon[key_and_colon[..colon].trim_end().len()..];
        let end = json_text::span(self.text, last).end;
        (end..end, format!(",{indent}\"expression\"{separator}{new}"))
    }
}

/// Reads a configuration: it must be a JSON object with one `task_routing` object.
fn parse_configuration(text: &str) -> Result<(Value, &str), String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("the configuration is not JSON ({e})"))?;
    let root = json_text::root(text).map_err(|e| format!("the configuration is not JSON ({e})"))?;
    let Ok(Shape::Object(members)) = json_text::shape(root) else {
        return Err("the configuration is not a JSON object".into());
    };
    let routing: Vec<&str> = members.iter().filter(|(k, _)| k == "task_routing").map(|(_, v)| *v).collect();
    match routing.as_slice() {
        [one] if one.starts_with('{') => Ok((value, one)),
        [] | [_] => Err("the configuration has no task_routing object".into()),
        _ => Err("the configuration has more than one task_routing key".into()),
    }
}

/// Byte ranges with their new text, and JSON pointers with their new expression.
type Walked = (Vec<(Range<usize>, String)>, Vec<(String, String)>);

/// Walks `task_routing` only: the README promises that nothing else is read.
fn walk<'a>(text: &'a str, routing: &'a str, options: PlanOptions, plan: &mut WorkflowPlan) -> Walked {
    let mut walk = Walk { text, options, plan, splices: Vec::new(), pointers: Vec::new() };
    walk.visit(routing, "task_routing", "/task_routing", None);
    (walk.splices, walk.pointers)
}

/// Plans the edit of one workflow configuration.
pub fn plan(configuration: &str, options: PlanOptions) -> WorkflowPlan {
    let mut plan = WorkflowPlan::default();
    let (value, routing) = match parse_configuration(configuration) {
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
    let (splices, pointers) = walk(configuration, routing, options, &mut plan);
    if plan.edits.is_empty() || !plan.refused.is_empty() {
        return plan;
    }
    let text = json_text::splice(configuration, splices);
    // Validate the whole result before anyone writes it: it must read as the
    // old configuration with only the expressions set, and planning it again
    // must find nothing left to do.
    let mut expected = value;
    for (pointer, expression) in &pointers {
        if let Some(target) = expected.pointer_mut(pointer).and_then(Value::as_object_mut) {
            target.insert("expression".into(), Value::from(expression.as_str()));
        }
    }
    let same = serde_json::from_str::<Value>(&text).is_ok_and(|v| v == expected);
    let mut again = WorkflowPlan::default();
    match parse_configuration(&text) {
        Ok((_, routing)) => drop(walk(&text, routing, options, &mut again)),
        Err(e) => again.error = Some(e),
    }
    if !same || again.error.is_some() || !again.edits.is_empty() || !again.refused.is_empty() {
        plan.error = Some("internal error: the new configuration does not validate".into());
        return plan;
    }
    plan.new_configuration = Some(text);
    plan
}

/// A configuration as the diff shows it: as stored when it has line breaks,
/// else pretty-printed (one line would make the whole workflow one change).
pub fn for_diff(configuration: &str) -> String {
    if configuration.contains('\n') {
        return configuration.to_string();
    }
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
        assert!(new.contains("\"timeout\":30}"), "other keys survive as written: {new}");
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
    fn numbers_the_tool_does_not_edit_are_written_back_as_read() {
        let numbers = ["123456789012345678901234567890", "0.1000000000000000055511151231257827", "1E5", "-0.0", "1.50", "18446744073709551616"];
        let cfg = format!(
            r#"{{"task_routing":{{"filters":[{{"targets":[{{"queue":"WQ1","expression":"x == 1","a":{},"b":{},"c":{},"d":{},"e":[{}]}}]}}]}},"f":{}}}"#,
            numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5]
        );
        let new = plan(&cfg, PlanOptions::default()).new_configuration.unwrap();
        for n in numbers {
            assert!(new.contains(&format!(":{n}")) || new.contains(&format!("[{n}]")), "{n} altered: {new}");
        }
        assert!(for_diff(&cfg).contains("123456789012345678901234567890"), "the diff shows them as read too");
    }

    #[test]
    fn targets_outside_task_routing_are_neither_edited_nor_refused() {
        let cfg = r#"{"task_routing":{"filters":[{"targets":[{"queue":"WQ1","expression":"x == 1"}]}]},
            "notes":{"targets":[{"queue":"WQ9","expression":"a == (1"}, {"queue":"WQ8","expression":"y == 2"}]}}"#;
        let p = plan(cfg, PlanOptions::default());
        assert!(p.refused.is_empty(), "{:?}", p.refused);
        assert_eq!(p.edits.len(), 1, "{:?}", p.edits);
        let new = p.new_configuration.unwrap();
        assert!(new.contains(r#""expression":"y == 2"}"#), "{new}");
    }

    #[test]
    fn a_key_holding_a_dot_is_no_obstacle() {
        let cfg = r#"{"task_routing":{"filters":[{"my.routing":{"targets":[{"queue":"WQ1","expression":"x == 1"}]}}]}}"#;
        let p = plan(cfg, PlanOptions::default());
        assert_eq!(p.error, None);
        assert_eq!(p.edits[0].path, r#"task_routing.filters[0]["my.routing"].targets[0]"#);
        assert!(p.new_configuration.unwrap().contains(CAPACITY_CONDITION));
    }

    #[test]
    fn everything_but_the_edit_is_kept_byte_for_byte() {
        let cfg = "{ \"task_routing\" : {\n  \"filters\" : [ {\"targets\": [\n    { \"queue\" : \"WQ1\",  \"expression\" : \"x == 1\", \"n\": 1E5, \"s\": \"\\u00e9\" },\n    {\n      \"queue\": \"WQ2\"\n    },\n    {}\n  ] } ] } }\n";
        let p = plan(cfg, PlanOptions::default());
        let new = p.new_configuration.expect("edits");
        let expected = cfg
            .replace("\"x == 1\"", &format!("\"x == 1 AND {CAPACITY_CONDITION}\""))
            .replace("\"queue\": \"WQ2\"", &format!("\"queue\": \"WQ2\",\n      \"expression\": \"{CAPACITY_CONDITION}\""))
            .replace("{}", &format!("{{\"expression\": \"{CAPACITY_CONDITION}\"}}"));
        assert_eq!(new, expected);
    }

    #[test]
    fn a_target_with_two_expressions_is_refused() {
        let cfg = r#"{"task_routing":{"filters":[{"targets":[{"queue":"WQ1","expression":"x == 1","expression":"y == 1"}]}]}}"#;
        let p = plan(cfg, PlanOptions::default());
        assert!(p.new_configuration.is_none());
        assert!(p.refused[0].reason.contains("more than one 'expression'"), "{:?}", p.refused);
    }

    fn one_target(expression: &str) -> String {
        serde_json::json!({"task_routing": {"filters": [{"targets": [{"queue": "WQ1", "expression": expression}]}]}}).to_string()
    }

    #[test]
    fn a_transfer_branch_inside_an_or_is_kept_and_the_other_branches_guarded() {
        let t = r#"(task.transferTargetType == "worker" AND task.targetSid == worker.sid)"#;
        let o = r#"(task.transferTargetType != "worker" AND routing.skills HAS 'sales')"#;
        let p = plan(&one_target(&format!("{t} OR {o}")), PlanOptions::default());
        assert!(p.refused.is_empty() && p.skipped.is_empty(), "{p:?}");
        assert_eq!(p.edits[0].after, format!("{t} OR ({o} AND {CAPACITY_CONDITION})"));
        assert!(p.edits[0].note.as_deref().unwrap().contains("task.targetSid == worker.sid"), "{:?}", p.edits[0].note);
        let again = plan(&p.new_configuration.unwrap(), PlanOptions::default());
        assert_eq!((again.edits.len(), again.compliant), (0, 1), "idempotent: {again:?}");
    }

    #[test]
    fn every_way_of_naming_one_worker_is_recognised() {
        for e in [
            "task.targetSid == worker.sid",
            "worker.SID = task.target",
            "Worker.Contact_Uri == 'client:alice'",
            "task.named_workers HAS worker.sid",
            "worker.sid IN task.team",
            "worker.sid IN ['WK1', 'WK2']",
            "task.transferTargetType == 'worker' AND (task.targetSid == worker.sid)",
        ] {
            let p = plan(&one_target(e), PlanOptions::default());
            assert_eq!((p.skipped.len(), p.edits.len()), (1, 0), "{e}: {p:?}");
        }
        let p = plan(&one_target("worker.sid != task.excluded"), PlanOptions::default());
        assert_eq!(p.edits.len(), 1, "excluding a worker names no transfer target: {p:?}");
    }

    #[test]
    fn a_transfer_that_cannot_be_split_safely_is_refused_not_guessed() {
        for e in [
            "NOT task.targetSid == worker.sid",
            "task.a == 1 AND task.targetSid == worker.sid OR routing.skills HAS 'x'",
            "(task.x == worker.sid OR a == 1) AND (task.y == worker.sid OR b == 1)",
            "NOT a == 1 AND (task.targetSid == worker.sid OR b == 1)",
        ] {
            let p = plan(&one_target(e), PlanOptions::default());
            assert_eq!(p.refused.len(), 1, "{e}: {p:?}");
            assert!(p.refused[0].reason.contains("names one worker"), "{e}: {:?}", p.refused);
            assert!(p.new_configuration.is_none());
        }
        let all = plan(&one_target("NOT task.targetSid == worker.sid"), PlanOptions { all_targets: true });
        assert_eq!(all.edits.len(), 1, "--all-targets edits it whole: {all:?}");
    }

    #[test]
    fn not_json_is_an_error() {
        let p = plan("task-routing:\n  - filter: 1 == 1", PlanOptions::default());
        assert!(p.error.unwrap().contains("not JSON"));
    }
}

//! The read-only report: what multi-call needs that this account does not have yet.

use serde::Serialize;
use serde_json::Value;

use crate::expr::CAPACITY_CONDITION;
use crate::flex::{self, FlexCheck, Mode};
use crate::twilio::{State, Worker, Workspace};
use crate::workflow::{self, PlanOptions, WorkflowPlan};

/// Choices that shape the audit and the plan.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The mode the admin means to run; `None` takes the Flex configuration's.
    pub mode: Option<Mode>,
    /// Calls per agent; `None` takes `max_calls` from Flex, else 2.
    pub max_calls: Option<i64>,
    /// Also edit workflow targets that pick one named worker.
    pub all_targets: bool,
    /// Also raise workers whose voice channel is off (capacity 0 or unavailable).
    pub include_voice_off: bool,
}

/// How a finding is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// `apply --yes` changes it.
    Change,
    /// A person must change it (Flex configuration, an unreadable expression).
    Manual,
    /// `apply --yes` would change it, but holds it back until the `manual` items are done.
    Blocked,
    /// Advice: a risk this tool cannot remove; does not affect the exit status.
    Warning,
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The workspace is single-tasking, so capacities above 1 have no effect.
    WorkspaceSingleTasking,
    /// A worker's voice capacity is below what multi-call needs.
    WorkerCapacity,
    /// A worker has no voice channel at all.
    WorkerNoVoiceChannel,
    /// A worker's voice channel is off (capacity 0 or unavailable), so it is left alone.
    WorkerVoiceOff,
    /// A workflow target lacks the capacity condition.
    WorkflowTarget,
    /// A workflow target or configuration cannot be read, so the workflow is left alone.
    WorkflowUnreadable,
    /// A target that picks one named worker, left alone on purpose.
    WorkflowTargetSkipped,
    /// The default filter hands tasks to a queue with no worker expression.
    WorkflowDefaultFilter,
    /// A transfer-target queue may offer a call to an agent already on one.
    TransferQueue,
    /// The Flex configuration does not match the mode.
    FlexConfiguration,
    /// The Flex configuration could not be read.
    FlexUnreadable,
}

/// One thing found.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// What it is about.
    pub kind: Kind,
    /// How it gets resolved.
    pub severity: Severity,
    /// The resource, named and with its SID.
    pub subject: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub remedy: String,
}

/// The audit's result.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The workspace audited.
    pub workspace: Workspace,
    /// The voice capacity every agent needs.
    pub required_capacity: i64,
    /// The Flex check, when the configuration was read.
    pub flex: Option<FlexCheck>,
    /// Workers, workflows and queues looked at.
    pub counts: Counts,
    /// Everything found, most actionable first.
    pub findings: Vec<Finding>,
    /// Whether anything needs changing (a `change`, `manual` or `blocked` finding).
    pub needs_change: bool,
}

/// How much was looked at.
#[derive(Debug, Clone, Serialize)]
pub struct Counts {
    /// Workers in scope.
    pub workers: usize,
    /// Workflows.
    pub workflows: usize,
    /// Task queues.
    pub queues: usize,
}

/// The voice capacity needed: `--max-calls`, else Flex's `max_calls`, else 2.
pub fn required_capacity(options: &Options, flex: Option<&FlexCheck>) -> i64 {
    options
        .max_calls
        .or_else(|| flex.and_then(|f| f.max_calls))
        .unwrap_or(2)
        .max(2)
}

/// The Flex check, when the configuration was read.
pub fn flex_check(state: &State, options: &Options) -> Option<FlexCheck> {
    match &state.flex {
        Some(Ok(cfg)) => Some(flex::check(cfg, options.mode)),
        _ => None,
    }
}

/// `Name (SID)`, or just the SID when the name is empty.
pub fn named(name: &str, sid: &str) -> String {
    if name.is_empty() {
        sid.to_string()
    } else {
        format!("{name} ({sid})")
    }
}

/// Where a target sits, for people: filter name and JSON path.
pub fn target_label(filter: Option<&str>, path: &str) -> String {
    match filter {
        Some(f) => format!("filter \"{f}\", {path}"),
        None => path.to_string(),
    }
}

/// What `apply` does with one worker's voice capacity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CapacityAction {
    /// Nothing: enough capacity already, or no voice channel.
    None,
    /// Raise it from the first number to the second.
    Raise(i64, i64),
    /// Leave it: the voice channel is off on purpose (a chat-only agent, say); why.
    VoiceOff(String),
}

/// Decides a worker's capacity change; the audit and the plan both ask here,
/// so the audit never promises what `apply` will not do.
pub fn capacity_action(worker: &Worker, required: i64, options: &Options) -> CapacityAction {
    let (Some(_), Some(c)) = (&worker.voice_channel_sid, worker.voice_capacity) else {
        return CapacityAction::None;
    };
    if c >= required {
        return CapacityAction::None;
    }
    if !options.include_voice_off {
        if c <= 0 {
            return CapacityAction::VoiceOff(format!("voice capacity is {c}, so this agent takes no calls (chat only?)"));
        }
        if worker.voice_available == Some(false) {
            return CapacityAction::VoiceOff("the voice channel is unavailable, so this agent takes no calls".into());
        }
    }
    CapacityAction::Raise(c, required)
}

/// A worker's voice capacity once `apply` has run (`raises` false when apply holds raises back).
fn capacity_after_apply(worker: &Worker, required: i64, options: &Options, raises: bool) -> Option<i64> {
    match capacity_action(worker, required, options) {
        CapacityAction::Raise(_, to) if raises => Some(to),
        _ => worker.voice_capacity,
    }
}

/// Builds the report from what was read.
pub fn audit(state: &State, options: &Options) -> Report {
    let flex = flex_check(state, options);
    let required = required_capacity(options, flex.as_ref());
    let plan_options = PlanOptions {
        all_targets: options.all_targets,
    };
    let mut findings = Vec::new();

    if state.workspace.multi_task_enabled == Some(false) {
        findings.push(Finding {
            kind: Kind::WorkspaceSingleTasking,
            severity: Severity::Manual,
            subject: format!("workspace {}", named(&state.workspace.friendly_name, &state.workspace.sid)),
            message: "multi-tasking is off, so a worker never gets a second task whatever its capacity".into(),
            remedy: "turn multi-tasking on for the workspace (TaskRouter settings, or MultiTaskEnabled=true); Flex workspaces have it on by default".into(),
        });
    }

    // One unreadable workflow holds back every capacity raise (see apply::execute).
    let plans: Vec<(String, WorkflowPlan)> = state
        .workflows
        .iter()
        .map(|wf| (format!("workflow {}", named(&wf.friendly_name, &wf.sid)), workflow::plan(&wf.configuration, plan_options)))
        .collect();
    let blocked = plans.iter().any(|(_, p)| p.blocked());

    for w in &state.workers {
        let subject = format!("worker {}", named(&w.friendly_name, &w.sid));
        if w.voice_capacity.is_none() {
            findings.push(Finding {
                kind: Kind::WorkerNoVoiceChannel,
                severity: Severity::Manual,
                subject,
                message: "has no voice channel".into(),
                remedy: "check that the workspace has a TaskChannel with unique name \"voice\""
                    .into(),
            });
            continue;
        }
        match capacity_action(w, required, options) {
            CapacityAction::Raise(c, to) if blocked => findings.push(Finding {
                kind: Kind::WorkerCapacity,
                severity: Severity::Blocked,
                subject,
                message: format!("voice capacity is {c}; multi-call needs {to}"),
                remedy: format!("apply raises it to {to} only once every workflow holds the capacity condition (see the items to change by hand)"),
            }),
            CapacityAction::Raise(c, to) => findings.push(Finding {
                kind: Kind::WorkerCapacity,
                severity: Severity::Change,
                subject,
                message: format!("voice capacity is {c}; multi-call needs {to}"),
                remedy: format!("apply sets it to {to}"),
            }),
            CapacityAction::VoiceOff(why) => findings.push(Finding {
                kind: Kind::WorkerVoiceOff,
                severity: Severity::Warning,
                subject,
                message: format!("{why}; apply leaves it alone"),
                remedy: format!("if this agent should take calls, run apply with --include-voice-off to set it to {required}"),
            }),
            CapacityAction::None => {}
        }
    }

    for (subject, plan) in &plans {
        findings.extend(workflow_findings(subject, plan));
    }

    for q in state.queues.iter().filter(|q| q.transfer_target) {
        let members: Vec<&Worker> = state
            .workers
            .iter()
            .filter(|w| q.member_sids.contains(&w.sid))
            .collect();
        let multi = members
            .iter()
            .filter(|w| capacity_after_apply(w, required, options, !blocked).is_some_and(|c| c > 1))
            .count();
        if multi > 0 {
            findings.push(Finding {
                kind: Kind::TransferQueue,
                severity: Severity::Warning,
                subject: format!("task queue {}", named(&q.friendly_name, &q.sid)),
                message: format!(
                    "{multi} of its {} workers can hold more than one voice task (now or after apply); a transfer to this queue skips workflow filters, so it may be offered to an agent already on a call",
                    q.member_sids.len()
                ),
                remedy: "customize the Flex transfer directory to transfer to a workflow instead of this queue, or hide the queue from transfers (taskrouter_taskqueues targettable: false), or keep its workers' voice capacity at 1".into(),
            });
        }
    }

    match (&state.flex, &flex) {
        (Some(Err(e)), _) => findings.push(Finding {
            kind: Kind::FlexUnreadable,
            severity: Severity::Manual,
            subject: "Flex configuration".into(),
            message: format!("could not be read: {e}"),
            remedy: "check the credentials can read the Flex configuration, or pass --skip-flex on a TaskRouter-only account".into(),
        }),
        (_, Some(check)) => {
            for n in &check.notes {
                findings.push(Finding {
                    kind: Kind::FlexConfiguration,
                    severity: Severity::Warning,
                    subject: "Flex configuration".into(),
                    message: n.clone(),
                    remedy: String::new(),
                });
            }
            for p in &check.problems {
                findings.push(Finding {
                    kind: Kind::FlexConfiguration,
                    severity: Severity::Manual,
                    subject: "Flex configuration".into(),
                    message: p.clone(),
                    remedy: match &check.suggested_ui_attributes {
                        Some(fix) => format!("merge into ui_attributes (flex-config/ui_attributes.*.json): {fix}"),
                        None => String::new(),
                    },
                });
            }
        }
        _ => {}
    }

    findings.sort_by_key(|f| match f.severity {
        Severity::Change => 0,
        Severity::Manual => 1,
        Severity::Blocked => 2,
        Severity::Warning => 3,
    });
    let needs_change = findings.iter().any(|f| f.severity != Severity::Warning);
    Report {
        workspace: state.workspace.clone(),
        required_capacity: required,
        flex,
        counts: Counts {
            workers: state.workers.len(),
            workflows: state.workflows.len(),
            queues: state.queues.len(),
        },
        findings,
        needs_change,
    }
}

/// The findings for one planned workflow.
pub fn workflow_findings(subject: &str, plan: &WorkflowPlan) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(e) = &plan.error {
        out.push(Finding {
            kind: Kind::WorkflowUnreadable,
            severity: Severity::Manual,
            subject: subject.to_string(),
            message: e.clone(),
            remedy: "fix the configuration by hand; apply leaves this workflow alone".into(),
        });
    }
    for r in &plan.refused {
        out.push(Finding {
            kind: Kind::WorkflowUnreadable,
            severity: Severity::Manual,
            subject: format!("{subject}, {}", target_label(r.filter.as_deref(), &r.path)),
            message: format!("{}; expression: {}", r.reason, r.expression.as_deref().unwrap_or("(none)")),
            remedy: format!("fix the expression by hand and add `{CAPACITY_CONDITION}`; apply leaves this whole workflow alone until then"),
        });
    }
    // apply writes a workflow whole or not at all, so a blocked one's edits wait.
    let held = plan.blocked();
    for e in &plan.edits {
        out.push(Finding {
            kind: Kind::WorkflowTarget,
            severity: if held { Severity::Blocked } else { Severity::Change },
            subject: format!("{subject}, {}", target_label(e.filter.as_deref(), &e.path)),
            message: match (&e.before, &e.note) {
                (Some(b), Some(note)) => format!("target worker expression lacks the capacity condition outside its transfer branch: {b}; {note}"),
                (Some(b), None) => format!("target worker expression lacks the capacity condition: {b}"),
                (None, _) => {
                    "target has no worker expression, so it lacks the capacity condition".into()
                }
            },
            remedy: if held {
                format!("once this workflow's unreadable parts are fixed, apply will set it to: {}; until then it leaves the whole workflow alone", e.after)
            } else {
                format!("apply sets it to: {}", e.after)
            },
        });
    }
    for s in &plan.skipped {
        out.push(Finding {
            kind: Kind::WorkflowTargetSkipped,
            severity: Severity::Warning,
            subject: format!("{subject}, {}", target_label(s.filter.as_deref(), &s.path)),
            message: format!("left as is: {}", s.reason),
            remedy: "nothing, unless this target is not a transfer; then run with --all-targets"
                .into(),
        });
    }
    if let Some(q) = &plan.default_queue {
        out.push(Finding {
            kind: Kind::WorkflowDefaultFilter,
            severity: Severity::Warning,
            subject: format!("{subject}, task_routing.default_filter"),
            message: format!("tasks that match no filter go to queue {q} with no worker expression, so they may be offered to an agent already on a call"),
            remedy: format!("add a last filter with expression \"1==1\" targeting {q} with the expression `{CAPACITY_CONDITION}`"),
        });
    }
    out
}

/// The effective mode for people; `auto` means each agent's Flex UI version decides.
fn runs_as(mode: Mode) -> &'static str {
    match mode {
        Mode::Auto => "forward on Flex UI 2.8+, standby below",
        m => m.as_str(),
    }
}

/// Renders the report for people.
pub fn render_text(report: &Report) -> String {
    let mut out = format!(
        "multi-call audit of workspace {}\n  {} workers, {} workflows, {} task queues looked at; agents need voice capacity {}\n",
        named(&report.workspace.friendly_name, &report.workspace.sid),
        report.counts.workers,
        report.counts.workflows,
        report.counts.queues,
        report.required_capacity
    );
    if let Some(f) = &report.flex {
        out.push_str(&format!(
            "  Flex: multi_call {}, mode {} (runs as {}), allowIncomingWhileBusy {}, UI {}\n",
            if f.enabled { "enabled" } else { "disabled" },
            f.configured_mode.as_str(),
            runs_as(f.effective_mode),
            f.allow_incoming_while_busy
                .as_ref()
                .map_or("unset".to_string(), Value::to_string),
            f.ui_version.as_deref().unwrap_or("unknown"),
        ));
    }
    out.push('\n');
    for (title, sev) in [
        ("To change with `apply --yes`", Severity::Change),
        ("To change by hand", Severity::Manual),
        ("Held back until the items to change by hand are done", Severity::Blocked),
        ("Warnings", Severity::Warning),
    ] {
        let items: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.severity == sev)
            .collect();
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!("{title} ({}):\n", items.len()));
        for f in items {
            out.push_str(&format!("  - {}: {}\n", f.subject, f.message));
            if !f.remedy.is_empty() {
                out.push_str(&format!("      remedy: {}\n", f.remedy));
            }
        }
        out.push('\n');
    }
    out.push_str(if report.needs_change {
        "Result: changes needed.\n"
    } else {
        "Result: nothing needs changing.\n"
    });
    out
}

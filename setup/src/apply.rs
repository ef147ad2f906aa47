//! `apply`: the changes the audit calls for, shown as a diff and written only with `--yes`.
//!
//! Order matters for a live contact center. Workflows get the capacity
//! condition first; only when every workflow holds it are agents' capacities
//! raised, because a higher capacity with an unguarded workflow is exactly how
//! a second queued call reaches an agent already on one.

use serde::Serialize;

use crate::audit::{self, named, Finding, Options, Report, Severity};
use crate::diff;
use crate::http::{ApiError, ErrorKind};
use crate::twilio::{self, Api, State};
use crate::workflow::{self, PlanOptions, WorkflowPlan};

/// One workflow to rewrite.
#[derive(Debug, Clone, Serialize)]
pub struct WorkflowChange {
    /// `WW…`.
    pub sid: String,
    /// Its name.
    pub friendly_name: String,
    /// The configuration the plan was made from, to detect a concurrent edit.
    #[serde(skip)]
    pub original: String,
    /// The planned edits and the new configuration.
    pub plan: WorkflowPlan,
    /// A unified diff of the pretty-printed configuration.
    pub diff: String,
}

/// One worker's voice capacity to raise.
#[derive(Debug, Clone, Serialize)]
pub struct CapacityChange {
    /// `WK…`.
    pub worker_sid: String,
    /// Its name.
    pub worker_name: String,
    /// The voice WorkerChannel (`WC…`).
    pub channel_sid: String,
    /// Capacity now.
    pub from: i64,
    /// Capacity to set.
    pub to: i64,
}

/// Everything `apply` would do, and what it cannot.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Workflows to rewrite.
    pub workflows: Vec<WorkflowChange>,
    /// Capacities to raise.
    pub capacities: Vec<CapacityChange>,
    /// Items only a person can resolve (from the audit).
    pub manual: Vec<Finding>,
    /// Advice that does not block (from the audit).
    pub warnings: Vec<Finding>,
    /// The audit this plan came from.
    #[serde(skip)]
    pub report: Report,
}

impl Plan {
    /// Whether there is anything for `--yes` to write.
    pub fn has_changes(&self) -> bool {
        !self.workflows.is_empty() || !self.capacities.is_empty()
    }

    /// Whether any workflow cannot be made safe by this tool.
    pub fn workflows_blocked(&self) -> bool {
        self.manual
            .iter()
            .any(|f| f.kind == audit::Kind::WorkflowUnreadable)
    }
}

/// Works out every change from what was read.
pub fn plan(state: &State, options: &Options) -> Plan {
    let report = audit::audit(state, options);
    let required = report.required_capacity;
    let plan_options = PlanOptions {
        all_targets: options.all_targets,
    };
    let workflows = state
        .workflows
        .iter()
        .filter_map(|wf| {
            let p = workflow::plan(&wf.configuration, plan_options);
            let new = p.new_configuration.clone()?;
            Some(WorkflowChange {
                diff: diff::unified(
                    &workflow::for_diff(&wf.configuration),
                    &workflow::for_diff(&new),
                    "current",
                    "proposed",
                ),
                sid: wf.sid.clone(),
                friendly_name: wf.friendly_name.clone(),
                original: wf.configuration.clone(),
                plan: p,
            })
        })
        .collect();
    let capacities = state
        .workers
        .iter()
        .filter_map(|w| match (audit::capacity_action(w, required, options), &w.voice_channel_sid) {
            (audit::CapacityAction::Raise(from, to), Some(ch)) => Some(CapacityChange {
                worker_sid: w.sid.clone(),
                worker_name: w.friendly_name.clone(),
                channel_sid: ch.clone(),
                from,
                to,
            }),
            _ => None,
        })
        .collect();
    let manual = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Manual)
        .cloned()
        .collect();
    let warnings = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .cloned()
        .collect();
    Plan {
        workflows,
        capacities,
        manual,
        warnings,
        report,
    }
}

/// What happened to one planned change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "detail", rename_all = "snake_case")]
pub enum Outcome {
    /// Written and confirmed.
    Written,
    /// Not written, and why.
    Skipped(String),
    /// The write failed; the resource is as it was.
    Failed(String),
}

/// The result of `apply --yes`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Results {
    /// Per workflow: SID, name, outcome.
    pub workflows: Vec<(String, String, Outcome)>,
    /// Per worker: SID, name, outcome.
    pub workers: Vec<(String, String, Outcome)>,
    /// The error that stopped `apply` early; planned changes without an outcome were not attempted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

impl Results {
    /// Whether any write failed, or `apply` stopped before the end.
    pub fn any_failed(&self) -> bool {
        self.stopped.is_some()
            || self
                .workflows
                .iter()
                .chain(&self.workers)
                .any(|(_, _, o)| matches!(o, Outcome::Failed(_)))
    }

    /// Whether anything planned was not written.
    pub fn any_not_written(&self) -> bool {
        self.workflows
            .iter()
            .chain(&self.workers)
            .any(|(_, _, o)| *o != Outcome::Written)
    }
}

/// Errors that make every later request pointless, so `apply` stops at once.
fn is_fatal(e: &ApiError) -> bool {
    matches!(e.kind, ErrorKind::Unauthorized | ErrorKind::Forbidden)
}

/// Records a failed request; a fatal one also stops `apply`, so the caller
/// returns what was written so far instead of losing it.
fn failed(results: &mut Results, e: ApiError) -> Outcome {
    if is_fatal(&e) {
        results.stopped = Some(e.to_string());
    }
    Outcome::Failed(e.to_string())
}

/// Writes the plan: each workflow in one request, then the capacities. A 401
/// or 403 stops it; `Results::stopped` then holds the error, and the results
/// hold everything done before it.
pub fn execute(api: &Api<'_>, workspace: &str, plan: &Plan, options: &Options) -> Results {
    let mut results = Results::default();
    let plan_options = PlanOptions {
        all_targets: options.all_targets,
    };
    for change in &plan.workflows {
        let outcome = match write_workflow(api, workspace, change, plan_options) {
            Ok(o) => o,
            Err(e) => failed(&mut results, e),
        };
        results
            .workflows
            .push((change.sid.clone(), change.friendly_name.clone(), outcome));
        if results.stopped.is_some() {
            return results;
        }
    }

    let unsafe_reason = if plan.workflows_blocked() {
        Some("a workflow still lacks the capacity condition (see the items to change by hand), and a higher capacity would let it offer a second call to a busy agent".to_string())
    } else if results
        .workflows
        .iter()
        .any(|(_, _, o)| *o != Outcome::Written)
    {
        Some("a workflow write did not succeed, and a higher capacity would let that workflow offer a second call to a busy agent".to_string())
    } else {
        None
    };
    for c in &plan.capacities {
        let outcome = match &unsafe_reason {
            Some(why) => Outcome::Skipped(why.clone()),
            None => {
                match twilio::update_capacity(api, workspace, &c.worker_sid, &c.channel_sid, c.to) {
                    Ok(Some(got)) if got != c.to => Outcome::Failed(format!(
                        "Twilio reports capacity {got} after setting {}",
                        c.to
                    )),
                    Ok(_) => Outcome::Written,
                    Err(e) => failed(&mut results, e),
                }
            }
        };
        results
            .workers
            .push((c.worker_sid.clone(), c.worker_name.clone(), outcome));
        if results.stopped.is_some() {
            break;
        }
    }
    results
}

fn write_workflow(
    api: &Api<'_>,
    workspace: &str,
    change: &WorkflowChange,
    options: PlanOptions,
) -> Result<Outcome, ApiError> {
    let Some(new) = &change.plan.new_configuration else {
        return Ok(Outcome::Skipped("nothing to write".into()));
    };
    // Someone may have edited the workflow since it was read; writing our copy would undo their change.
    let current = twilio::get_workflow(api, workspace, &change.sid)?;
    if current.configuration != change.original {
        return Ok(Outcome::Skipped(
            "the workflow changed since it was read; run apply again".into(),
        ));
    }
    let stored = twilio::update_workflow(api, workspace, &change.sid, new)?;
    let check = workflow::plan(&stored, options);
    if check.error.is_some() || !check.edits.is_empty() {
        return Ok(Outcome::Failed("Twilio accepted the update but the stored configuration does not hold the capacity condition".into()));
    }
    Ok(Outcome::Written)
}

/// Renders the plan (and, after `--yes`, the results) for people.
pub fn render_text(plan: &Plan, results: Option<&Results>) -> String {
    let mut out = String::new();
    let dry = results.is_none();
    out.push_str(&format!(
        "multi-call apply on workspace {}{}\n\n",
        named(
            &plan.report.workspace.friendly_name,
            &plan.report.workspace.sid
        ),
        if dry {
            " (dry run: nothing is written without --yes)"
        } else {
            ""
        }
    ));
    let stopped = results.is_some_and(|r| r.stopped.is_some());
    let outcome_of = |list: &[(String, String, Outcome)], sid: &str| -> String {
        match list.iter().find(|(s, _, _)| s == sid).map(|(_, _, o)| o) {
            Some(Outcome::Written) => "  => written\n".into(),
            Some(Outcome::Skipped(why)) => format!("  => skipped: {why}\n"),
            Some(Outcome::Failed(why)) => format!("  => FAILED: {why}\n"),
            None if stopped => "  => not attempted: apply stopped at an error\n".into(),
            None => String::new(),
        }
    };
    if plan.workflows.is_empty() {
        out.push_str("Workflows: nothing to change.\n");
    }
    for wf in &plan.workflows {
        out.push_str(&format!(
            "Workflow {}: {} target expression{} change{}\n",
            named(&wf.friendly_name, &wf.sid),
            wf.plan.edits.len(),
            if wf.plan.edits.len() == 1 { "" } else { "s" },
            if wf.plan.edits.len() == 1 { "s" } else { "" },
        ));
        for e in &wf.plan.edits {
            out.push_str(&format!(
                "  {}\n",
                audit::target_label(e.filter.as_deref(), &e.path)
            ));
            out.push_str(&format!(
                "    - {}\n",
                e.before.as_deref().unwrap_or("(no expression)")
            ));
            out.push_str(&format!("    + {}\n", e.after));
            if let Some(note) = &e.note {
                out.push_str(&format!("    ({note})\n"));
            }
        }
        for line in wf.diff.lines() {
            out.push_str(&format!("  {line}\n"));
        }
        if let Some(r) = results {
            out.push_str(&outcome_of(&r.workflows, &wf.sid));
        }
        out.push('\n');
    }
    if plan.capacities.is_empty() {
        out.push_str("Worker voice capacity: nothing to change.\n");
    } else {
        out.push_str(&format!(
            "Worker voice capacity ({} workers){}:\n",
            plan.capacities.len(),
            if plan.workflows_blocked() { ", held back until every workflow holds the condition" } else { "" }
        ));
        // When every worker fared the same, say so once instead of once per worker.
        let outcomes: Vec<&Outcome> = results.map_or(Vec::new(), |r| {
            r.workers.iter().map(|(_, _, o)| o).collect()
        });
        let uniform = !outcomes.is_empty()
            && outcomes.len() == plan.capacities.len()
            && outcomes.iter().all(|o| *o == outcomes[0]);
        for c in &plan.capacities {
            out.push_str(&format!(
                "  {}: {} -> {}\n",
                named(&c.worker_name, &c.worker_sid),
                c.from,
                c.to
            ));
            if let (Some(r), false) = (results, uniform) {
                out.push_str(&outcome_of(&r.workers, &c.worker_sid));
            }
        }
        if uniform {
            if let Some(r) = results {
                let first = &r.workers[0].0;
                out.push_str(&outcome_of(&r.workers, first).replacen("=>", "=> all:", 1));
            }
        }
    }
    out.push('\n');
    if !plan.manual.is_empty() {
        out.push_str(&format!(
            "Not changed by this tool ({}):\n",
            plan.manual.len()
        ));
        for f in &plan.manual {
            out.push_str(&format!("  - {}: {}\n", f.subject, f.message));
            if !f.remedy.is_empty() {
                out.push_str(&format!("      remedy: {}\n", f.remedy));
            }
        }
        out.push('\n');
    }
    if !plan.warnings.is_empty() {
        out.push_str(&format!(
            "{} warning(s); run `audit` to read them.\n",
            plan.warnings.len()
        ));
    }
    out.push_str(match results {
        None if plan.has_changes() => "Result: run again with --yes to write these changes.\n",
        None => "Result: nothing to write.\n",
        Some(r) if r.stopped.is_some() => {
            "Result: apply STOPPED at an error (below); only what is marked written above was changed.\n"
        }
        Some(r) if r.any_failed() => {
            "Result: some writes FAILED (see above); what failed is unchanged.\n"
        }
        Some(r) if r.any_not_written() => "Result: some changes were skipped (see above).\n",
        Some(_) if !plan.has_changes() => "Result: nothing to write.\n",
        Some(_) => "Result: all changes written.\n",
    });
    out
}

/// The machine-readable form of a plan and its results.
#[derive(Serialize)]
pub struct JsonOutput<'a> {
    /// True when nothing was written.
    pub dry_run: bool,
    /// The plan.
    pub plan: &'a Plan,
    /// What happened, after `--yes`.
    pub results: Option<&'a Results>,
    /// With `--env`: the Flex configuration write (see `flex_config`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flex_configuration: Option<FlexJson<'a>>,
}

/// The Flex configuration part of `apply --json`.
#[derive(Serialize)]
pub struct FlexJson<'a> {
    /// The planned write.
    pub plan: &'a crate::flex_config::FlexConfigPlan,
    /// What happened, after `--yes`.
    pub outcome: Option<&'a Outcome>,
}

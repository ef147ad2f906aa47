//! `install`: the whole path in order — audit, TaskRouter changes, Flex
//! configuration, deploy, release. Without `--yes` it is one dry run that
//! prints every change; with `--yes` it carries them out and stops at the
//! first failure, reporting what was done and what was not.

use std::path::Path;

use serde::Serialize;

use crate::apply::{self, Outcome};
use crate::audit;
use crate::bundle;
use crate::cli::Args;
use crate::deploy::{self, DeployOptions, PluginApis};
use crate::flex_config;
use crate::release;
use crate::twilio::{self, Api};
use crate::{EXIT_ERROR, EXIT_NEEDS_CHANGE, EXIT_OK};

/// What `install` was asked to do.
#[derive(Debug, Clone)]
pub struct InstallOptions {
    /// The audit and TaskRouter options, and `--env` (required).
    pub args: Args,
    /// The deploy options (`--bundle`, `--url`, `--version`, `--changelog`, `--build-timeout`).
    pub deploy: DeployOptions,
    /// `--yes`: carry it out.
    pub yes: bool,
}

/// The steps, for the report.
const STEPS: [&str; 5] = ["audit", "TaskRouter", "Flex configuration", "deploy", "release"];

/// The steps, as `install --json` names them.
const STEP_KEYS: [&str; 5] = ["audit", "taskrouter", "flex_configuration", "deploy", "release"];

/// A plan and, after `--yes`, what came of it.
#[derive(Debug, Clone, Serialize)]
pub struct Part<P, R> {
    /// What this step would do.
    pub plan: P,
    /// What it did: `None` in a dry run, or when the step was not attempted.
    pub results: Option<R>,
}

/// What `install --json` prints: every step's plan and result, in the
/// shapes `audit --json`, `apply --json`, `deploy --json` and `release --json` use.
#[derive(Debug, Clone, Serialize)]
pub struct InstallReport {
    /// Whether this was a dry run (no `--yes`).
    pub dry_run: bool,
    /// The plugin's unique name.
    pub plugin: &'static str,
    /// The version installed.
    pub version: String,
    /// The flex-config environment.
    pub env: String,
    /// Step 1: the audit, of the account as it will be with the merged Flex configuration.
    pub audit: audit::Report,
    /// Step 2: the TaskRouter changes (`apply`).
    pub taskrouter: Part<apply::Plan, apply::Results>,
    /// Step 3: the Flex configuration write (`apply --env`).
    pub flex_configuration: Part<flex_config::FlexConfigPlan, Outcome>,
    /// Step 4: `deploy`.
    pub deploy: Part<deploy::DeployPlan, deploy::DeployResult>,
    /// Step 5: `release` (planned again after the deploy).
    pub release: Part<release::ReleasePlan, release::ReleaseResult>,
    /// The steps done, in order (`audit`, `taskrouter`, `flex_configuration`, `deploy`, `release`).
    pub done: Vec<&'static str>,
    /// The step install stopped at, if it stopped.
    pub stopped_at: Option<&'static str>,
    /// Why it stopped, or why nothing was written.
    pub error: Option<String>,
    /// Whether anything is left for a person (manual TaskRouter items, skipped writes).
    pub needs_person: bool,
}

fn heading(out: &mut String, n: usize) {
    out.push_str(&format!("\n== {}. {} ==\n", n + 1, STEPS[n]));
}

/// Runs `install`; appends the text report to `out` and returns the exit
/// status with the same report as data (for `--json`), or an error that
/// stopped it before anything was written.
pub fn run(
    api: &Api<'_>,
    apis: &PluginApis<'_>,
    options: &InstallOptions,
    workspace: twilio::Workspace,
    out: &mut String,
) -> Result<(i32, InstallReport), String> {
    let args = &options.args;
    let yes = options.yes;
    let files = args
        .flex_files
        .as_ref()
        .ok_or("install needs --env ENV: which flex-config/ui_attributes.<env>.json to deploy")?;

    // Everything is read and planned first: a bad file or a refused read stops it before any write.
    let from_files = flex_config::read_files(files)?;
    let mut state = twilio::fetch_state(api, workspace, args.workers.as_deref(), true).map_err(|e| e.to_string())?;
    let current = match &state.flex {
        Some(Ok(cfg)) => cfg.clone(),
        Some(Err(e)) => return Err(format!("the Flex configuration could not be read: {e}")),
        None => return Err("the Flex configuration was not read".into()),
    };
    let flex_plan = flex_config::plan(&current, files, &from_files, args.options.mode);
    state.flex = Some(Ok(flex_plan.merged_config.clone()));
    let report = audit::audit(&state, &args.options);
    let tr_plan = apply::plan(&state, &args.options);
    let version = match &options.deploy.version {
        Some(v) => v.clone(),
        None => bundle::project_version(Path::new("."))?,
    };
    let root = Path::new(".");
    let deploy_plan = deploy::plan(apis, &options.deploy, &version, deploy::local_bundle(root, &options.deploy)?)?;
    let pending = deploy_plan.existing.is_none().then(|| deploy_plan.url.clone().unwrap_or_default());
    let release_plan = release::plan(apis, &version, pending.as_deref())?;

    out.push_str(&format!(
        "multi-call install: {} {} with flex-config environment '{}'{}\n",
        bundle::PLUGIN_NAME,
        version,
        files.env,
        if yes { "" } else { " (dry run: nothing is written without --yes)" }
    ));
    heading(out, 0);
    out.push_str(&audit::render_text(&report));

    let blocked = flex_plan.blocked();
    let manual_left = !tr_plan.manual.is_empty();
    let mut r = InstallReport {
        dry_run: !yes,
        plugin: bundle::PLUGIN_NAME,
        version: version.clone(),
        env: files.env.clone(),
        audit: report,
        taskrouter: Part { plan: tr_plan, results: None },
        flex_configuration: Part { plan: flex_plan, results: None },
        deploy: Part { plan: deploy_plan, results: None },
        release: Part { plan: release_plan, results: None },
        done: Vec::new(),
        stopped_at: None,
        error: None,
        needs_person: manual_left,
    };
    if !yes || blocked {
        heading(out, 1);
        out.push_str(&apply::render_text(&r.taskrouter.plan, None));
        heading(out, 2);
        out.push_str(&flex_config::render_text(&r.flex_configuration.plan, None, false));
        heading(out, 3);
        out.push_str(&deploy::render_text(&r.deploy.plan, &options.deploy, None));
        heading(out, 4);
        out.push_str(&release::render_text(&r.release.plan, None));
        let changes = r.taskrouter.plan.has_changes()
            || r.flex_configuration.plan.changes
            || r.deploy.plan.has_changes()
            || r.release.plan.has_changes();
        out.push('\n');
        if blocked {
            out.push_str("Result: nothing was written: the merged Flex configuration would not work (see step 3); fix the flex-config files and run again.\n");
            r.error = Some("the merged Flex configuration would not work; nothing was written".into());
            return Ok((EXIT_NEEDS_CHANGE, r));
        }
        out.push_str(if changes {
            "Result: run again with --yes to make these changes.\n"
        } else {
            "Result: nothing to change.\n"
        });
        return Ok((if changes || manual_left { EXIT_NEEDS_CHANGE } else { EXIT_OK }, r));
    }

    r.done.push(STEP_KEYS[0]);
    let stop = |out: &mut String, mut r: InstallReport, failed: usize, error: String, code: i32| -> Result<(i32, InstallReport), String> {
        for n in failed + 1..STEPS.len() {
            heading(out, n);
            out.push_str("  not attempted: install stopped at an earlier step\n");
        }
        let done: Vec<&str> = STEPS[..failed].to_vec();
        out.push_str(&format!(
            "\nResult: install STOPPED at step {} ({}). Done: {}. Not done: {}.\n",
            failed + 1,
            STEPS[failed],
            done.join(", "),
            STEPS[failed..].join(", ")
        ));
        r.stopped_at = Some(STEP_KEYS[failed]);
        r.error = Some(error);
        Ok((code, r))
    };

    heading(out, 1);
    let results = if r.taskrouter.plan.has_changes() {
        apply::execute(api, &state.workspace.sid, &r.taskrouter.plan, &args.options)
    } else {
        apply::Results::default()
    };
    out.push_str(&apply::render_text(&r.taskrouter.plan, Some(&results)));
    let failed = results.any_failed();
    let skipped = results.any_not_written() && r.taskrouter.plan.has_changes();
    let stopped = results.stopped.clone();
    r.taskrouter.results = Some(results);
    if failed {
        if let Some(e) = &stopped {
            out.push_str(&format!("  error: {e}\n"));
        }
        let e = stopped.unwrap_or_else(|| "a TaskRouter write failed (see taskrouter.results)".into());
        return stop(out, r, 1, e, EXIT_ERROR);
    }
    r.done.push(STEP_KEYS[1]);

    heading(out, 2);
    let flex_outcome = if r.flex_configuration.plan.changes {
        Some(flex_config::write(api, &r.flex_configuration.plan).unwrap_or_else(|e| Outcome::Failed(e.to_string())))
    } else {
        None
    };
    out.push_str(&flex_config::render_text(&r.flex_configuration.plan, flex_outcome.as_ref(), false));
    r.flex_configuration.results = flex_outcome.clone();
    match flex_outcome {
        Some(Outcome::Failed(e)) => return stop(out, r, 2, e, EXIT_ERROR),
        Some(Outcome::Skipped(e)) => return stop(out, r, 2, e, EXIT_NEEDS_CHANGE),
        _ => r.done.push(STEP_KEYS[2]),
    }

    heading(out, 3);
    let deploy_result = if r.deploy.plan.has_changes() {
        let mut read = || {
            bundle::read_bundle(root, options.deploy.bundle.as_deref(), &|| bundle::npm_build(root, apis.note))
                .map(|(_, bytes)| bytes)
        };
        deploy::execute(apis, &r.deploy.plan, &options.deploy, &mut read)
    } else {
        deploy::DeployResult {
            version: r.deploy.plan.existing.clone(),
            ..deploy::DeployResult::default()
        }
    };
    out.push_str(&deploy::render_text(&r.deploy.plan, &options.deploy, Some(&deploy_result)));
    let deploy_error = deploy_result.error.clone();
    r.deploy.results = Some(deploy_result);
    if let Some(e) = deploy_error {
        return stop(out, r, 3, e, EXIT_ERROR);
    }
    r.done.push(STEP_KEYS[3]);

    heading(out, 4);
    // Planned again: the version now exists, and its bundle is checked to be served.
    match release::plan(apis, &version, None) {
        Ok(p) => r.release.plan = p,
        Err(e) => {
            out.push_str(&format!("  FAILED: {e}\n"));
            return stop(out, r, 4, e, EXIT_ERROR);
        }
    }
    let release_result = r.release.plan.has_changes().then(|| release::execute(apis, &r.release.plan));
    out.push_str(&release::render_text(&r.release.plan, release_result.as_ref()));
    let release_error = release_result.as_ref().and_then(|x| x.error.clone());
    r.release.results = Some(release_result.unwrap_or_default());
    if let Some(e) = release_error {
        return stop(out, r, 4, e, EXIT_ERROR);
    }
    r.done.push(STEP_KEYS[4]);
    r.needs_person = manual_left || skipped;
    out.push_str(if r.needs_person {
        "\nResult: installed; some items still need a person (see steps 1 and 2).\n"
    } else {
        "\nResult: installed. Agents get multi-call on their next Flex page load.\n"
    });
    Ok((if r.needs_person { EXIT_NEEDS_CHANGE } else { EXIT_OK }, r))
}

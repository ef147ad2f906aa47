//! `install`: the whole path in order — audit, TaskRouter changes, Flex
//! configuration, deploy, release. Without `--yes` it is one dry run that
//! prints every change; with `--yes` it carries them out and stops at the
//! first failure, reporting what was done and what was not.

use std::path::Path;

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

fn heading(out: &mut String, n: usize) {
    out.push_str(&format!("\n== {}. {} ==\n", n + 1, STEPS[n]));
}

/// Runs `install`; appends the report to `out` and returns the exit status,
/// or an error that stopped it before anything was written.
pub fn run(
    api: &Api<'_>,
    apis: &PluginApis<'_>,
    options: &InstallOptions,
    workspace: twilio::Workspace,
    out: &mut String,
) -> Result<i32, String> {
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
    let bundle_info = if options.deploy.url.is_some() {
        None
    } else {
        let path = bundle::bundle_path(root, options.deploy.bundle.as_deref());
        match std::fs::metadata(&path) {
            Ok(m) => Some((path.display().to_string(), m.len() as usize)),
            Err(_) if options.deploy.bundle.is_none() => None,
            Err(e) => return Err(format!("cannot read the bundle {}: {e}", path.display())),
        }
    };
    let deploy_plan = deploy::plan(apis, &options.deploy, &version, bundle_info)?;
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
    if !yes || blocked {
        heading(out, 1);
        out.push_str(&apply::render_text(&tr_plan, None));
        heading(out, 2);
        out.push_str(&flex_config::render_text(&flex_plan, None, false));
        heading(out, 3);
        out.push_str(&deploy::render_text(&deploy_plan, &options.deploy, None));
        heading(out, 4);
        out.push_str(&release::render_text(&release_plan, None));
        let changes = tr_plan.has_changes() || flex_plan.changes || deploy_plan.has_changes() || release_plan.has_changes();
        out.push('\n');
        if blocked {
            out.push_str("Result: nothing was written: the merged Flex configuration would not work (see step 3); fix the flex-config files and run again.\n");
            return Ok(EXIT_NEEDS_CHANGE);
        }
        out.push_str(if changes {
            "Result: run again with --yes to make these changes.\n"
        } else {
            "Result: nothing to change.\n"
        });
        return Ok(if changes || manual_left { EXIT_NEEDS_CHANGE } else { EXIT_OK });
    }

    let mut done: Vec<&str> = vec![STEPS[0]];
    let stop = |out: &mut String, done: &[&str], failed: usize, code: i32| -> Result<i32, String> {
        for n in failed + 1..STEPS.len() {
            heading(out, n);
            out.push_str("  not attempted: install stopped at an earlier step\n");
        }
        out.push_str(&format!(
            "\nResult: install STOPPED at step {} ({}). Done: {}. Not done: {}.\n",
            failed + 1,
            STEPS[failed],
            done.join(", "),
            STEPS[failed..].join(", ")
        ));
        Ok(code)
    };

    heading(out, 1);
    let results = if tr_plan.has_changes() {
        apply::execute(api, &state.workspace.sid, &tr_plan, &args.options)
    } else {
        apply::Results::default()
    };
    out.push_str(&apply::render_text(&tr_plan, Some(&results)));
    if results.any_failed() {
        if let Some(e) = &results.stopped {
            out.push_str(&format!("  error: {e}\n"));
        }
        return stop(out, &done, 1, EXIT_ERROR);
    }
    done.push(STEPS[1]);

    heading(out, 2);
    let flex_outcome = if flex_plan.changes {
        Some(flex_config::write(api, &flex_plan).unwrap_or_else(|e| Outcome::Failed(e.to_string())))
    } else {
        None
    };
    out.push_str(&flex_config::render_text(&flex_plan, flex_outcome.as_ref(), false));
    match &flex_outcome {
        Some(Outcome::Failed(_)) => return stop(out, &done, 2, EXIT_ERROR),
        Some(Outcome::Skipped(_)) => return stop(out, &done, 2, EXIT_NEEDS_CHANGE),
        _ => done.push(STEPS[2]),
    }

    heading(out, 3);
    let deploy_result = if deploy_plan.has_changes() {
        let mut read = || {
            bundle::read_bundle(root, options.deploy.bundle.as_deref(), &|| bundle::npm_build(root, apis.note))
                .map(|(_, bytes)| bytes)
        };
        deploy::execute(apis, &deploy_plan, &options.deploy, &mut read)
    } else {
        deploy::DeployResult::default()
    };
    out.push_str(&deploy::render_text(&deploy_plan, &options.deploy, Some(&deploy_result)));
    if !deploy_result.ok() {
        return stop(out, &done, 3, EXIT_ERROR);
    }
    done.push(STEPS[3]);

    heading(out, 4);
    // Planned again: the version now exists, and its bundle is checked to be served.
    let release_plan = match release::plan(apis, &version, None) {
        Ok(p) => p,
        Err(e) => {
            out.push_str(&format!("  FAILED: {e}\n"));
            return stop(out, &done, 4, EXIT_ERROR);
        }
    };
    let release_result = release_plan.has_changes().then(|| release::execute(apis, &release_plan));
    out.push_str(&release::render_text(&release_plan, release_result.as_ref()));
    if release_result.as_ref().is_some_and(|r| r.error.is_some()) {
        return stop(out, &done, 4, EXIT_ERROR);
    }
    let skipped = results.any_not_written() && tr_plan.has_changes();
    out.push_str(if manual_left || skipped {
        "\nResult: installed; some items still need a person (see steps 1 and 2).\n"
    } else {
        "\nResult: installed. Agents get multi-call on their next Flex page load.\n"
    });
    Ok(if manual_left || skipped { EXIT_NEEDS_CHANGE } else { EXIT_OK })
}

//! Running the `deploy`, `release` and `install` commands, as text or JSON.
//! Their arguments are read in `cli`; `audit` and `apply` run in `lib`.

use std::path::Path;

use serde::Serialize;

use crate::bundle;
use crate::cli::{Args, Command, Env, PluginEnv};
use crate::deploy::{self, DeployOptions, DeployPlan, DeployResult, PluginApis};
use crate::http::{Client, NoteSink};
use crate::install::{self, InstallOptions};
use crate::release::{self, ReleaseOptions, ReleasePlan, ReleaseResult};
use crate::serverless::Serverless;
use crate::twilio::Api;
use crate::{to_json, EXIT_NEEDS_CHANGE, EXIT_OK};

/// `deploy --json`: the plan, and after `--yes` what was done.
#[derive(Serialize)]
pub struct DeployJson<'a> {
    /// Whether this was a dry run (no `--yes`).
    pub dry_run: bool,
    /// What was read and the steps `--yes` takes.
    pub plan: &'a DeployPlan,
    /// After `--yes`: how many steps were done, the error the next stopped at, and the plugin version.
    pub results: Option<&'a DeployResult>,
}

/// `release --json`: the plan, and after `--yes` what was done.
#[derive(Serialize)]
pub struct ReleaseJson<'a> {
    /// Whether this was a dry run (no `--yes`).
    pub dry_run: bool,
    /// The active release and the plugins of the next one.
    pub plan: &'a ReleasePlan,
    /// After `--yes`: the configuration and release created, or the error.
    pub results: Option<&'a ReleaseResult>,
}

/// Runs `deploy`, `release` or `install` with the parsed arguments; appends
/// the report (text, or JSON with `--json`) to `out` and returns the exit
/// status, or an error (after any report, which then says what was done).
pub fn run(
    api: &Api<'_>,
    args: &Args,
    env: &Env,
    plugin_env: &PluginEnv,
    note: NoteSink<'_>,
    out: &mut Vec<u8>,
) -> Result<i32, String> {
    let creds = env.credentials.clone();
    let serverless = Serverless {
        api: Client::new(&plugin_env.serverless_base, creds.clone(), env.retry, note),
        upload: Client::new(&plugin_env.upload_base, creds, env.retry, note),
    };
    let apis = PluginApis {
        flex: &api.flex,
        serverless: &serverless,
        poll: plugin_env.poll,
        note,
    };
    let mut text = String::new();
    let result = match &args.command {
        Command::Deploy(o) => run_deploy(&apis, o, args.json, &mut text),
        Command::Release(o) => run_release(&apis, o, args.json, &mut text),
        Command::Install(deploy) => {
            let options = InstallOptions {
                args: args.clone(),
                deploy: deploy.clone(),
                yes: deploy.yes,
            };
            crate::choose_workspace(api, args.workspace.as_deref().or(env.workspace.as_deref())).and_then(|ws| {
                let (code, report) = install::run(api, &apis, &options, ws, &mut text)?;
                if args.json {
                    text = to_json(&report)?;
                }
                Ok(code)
            })
        }
        Command::Audit | Command::Apply { .. } => unreachable!("audit and apply run in lib"),
    };
    out.extend_from_slice(text.as_bytes());
    result
}

fn run_deploy(apis: &PluginApis<'_>, options: &DeployOptions, json: bool, out: &mut String) -> Result<i32, String> {
    let root = Path::new(".");
    let version = match &options.version {
        Some(v) => v.clone(),
        None => bundle::project_version(root)?,
    };
    let plan = deploy::plan(apis, options, &version, deploy::local_bundle(root, options)?)?;
    let result = if !options.yes {
        None
    } else if plan.has_changes() {
        let mut read = || {
            bundle::read_bundle(root, options.bundle.as_deref(), &|| bundle::npm_build(root, apis.note)).map(|(_, b)| b)
        };
        Some(deploy::execute(apis, &plan, options, &mut read))
    } else {
        Some(DeployResult {
            version: plan.existing.clone(),
            ..DeployResult::default()
        })
    };
    if json {
        out.push_str(&to_json(&DeployJson {
            dry_run: !options.yes,
            plan: &plan,
            results: result.as_ref(),
        })?);
    } else {
        out.push_str(&deploy::render_text(&plan, options, result.as_ref()));
        out.push_str(match (&result, plan.has_changes()) {
            (Some(r), _) if !r.ok() => "",
            (None, true) => "Result: run again with --yes to deploy.\n",
            (Some(_), true) => "Result: deployed. Run `release` to give it to the agents.\n",
            (_, false) => "Result: nothing to deploy.\n",
        });
    }
    match result.and_then(|r| r.error) {
        Some(e) => Err(format!("deploy stopped: {e}")),
        None if !options.yes && plan.has_changes() => Ok(EXIT_NEEDS_CHANGE),
        None => Ok(EXIT_OK),
    }
}

fn run_release(apis: &PluginApis<'_>, options: &ReleaseOptions, json: bool, out: &mut String) -> Result<i32, String> {
    let version = match &options.version {
        Some(v) => v.clone(),
        None => bundle::project_version(Path::new("."))?,
    };
    let plan = release::plan(apis, &version, None)?;
    let result = match (options.yes, plan.has_changes()) {
        (false, _) => None,
        (true, true) => Some(release::execute(apis, &plan)),
        (true, false) => Some(ReleaseResult::default()),
    };
    if json {
        out.push_str(&to_json(&ReleaseJson {
            dry_run: !options.yes,
            plan: &plan,
            results: result.as_ref(),
        })?);
    } else {
        out.push_str(&release::render_text(&plan, result.as_ref()));
        out.push_str(match (&result, plan.has_changes()) {
            (Some(r), _) if r.error.is_some() => "",
            (None, true) => "Result: run again with --yes to release.\n",
            (Some(_), true) => "Result: released. Agents get it on their next Flex page load.\n",
            (_, false) => "Result: nothing to release.\n",
        });
    }
    match result.and_then(|r| r.error) {
        Some(e) => Err(format!("release stopped: {e}")),
        None if !options.yes && plan.has_changes() => Ok(EXIT_NEEDS_CHANGE),
        None => Ok(EXIT_OK),
    }
}

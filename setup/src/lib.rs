//! multi-call-setup: audits and applies the TaskRouter and Flex settings that
//! multi-call needs (voice capacity, the workflow capacity condition, the Flex
//! mode settings), against the real Twilio REST APIs.
//!
//! The network is at the edges: [`twilio::fetch_state`] reads everything,
//! [`audit::audit`] and [`apply::plan`] are pure, and [`apply::execute`] writes.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod apply;
pub mod audit;
pub mod bundle;
pub mod cli;
pub mod commands;
pub mod deploy;
pub mod diff;
pub mod expr;
pub mod flex;
pub mod flex_config;
pub mod http;
pub mod install;
pub mod json_text;
pub mod plugins;
pub mod release;
pub mod serverless;
pub mod transfer;
pub mod twilio;
pub mod workflow;

use std::io::Write;

use cli::{Args, Command};
use http::{redact, ApiError, Client};
use twilio::{Api, Workspace};

/// Exit status: nothing needs changing.
pub const EXIT_OK: i32 = 0;
/// Exit status: something needs changing (or a person).
pub const EXIT_NEEDS_CHANGE: i32 = 1;
/// Exit status: the tool could not do its job.
pub const EXIT_ERROR: i32 = 2;

/// Runs the tool with `args` (without the program name) and an environment
/// lookup; writes the report to `out`, diagnostics to `err`, returns the exit status.
pub fn run(
    args: &[String],
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    // Known before parsing, so even a usage error can be JSON when --json was asked for.
    let json = wants_json(args);
    let get = env;
    let args = match cli::parse_args(args) {
        Ok(a) => a,
        // Help and version are "errors" with exit code 0, for stdout.
        Err(e) if e.exit_code() == 0 => {
            let _ = write!(out, "{}", e.render());
            return EXIT_OK;
        }
        Err(e) => {
            let _ = write!(err, "{}", e.render());
            let message = e.render().to_string();
            let first = message.lines().next().unwrap_or_default().trim_start_matches("error: ");
            return json_error(out, json, first);
        }
    };
    let env = match cli::read_env(get) {
        Ok(e) => e,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return json_error(out, args.json, &e);
        }
    };
    // deploy, release and install also need the Serverless hosts.
    let plugin_env = match &args.command {
        Command::Audit | Command::Apply { .. } => None,
        Command::Deploy(_) | Command::Release(_) | Command::Install(_) => match cli::read_plugin_env(get) {
            Ok(p) => Some(p),
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return json_error(out, args.json, &e);
            }
        },
    };
    let creds = env.credentials.clone();
    let err = std::cell::RefCell::new(err);
    let note = |line: &str| {
        let _ = writeln!(err.borrow_mut(), "{}", redact(line, &creds));
    };
    let api = Api {
        taskrouter: Client::new(&env.taskrouter_base, creds.clone(), env.retry, &note),
        flex: Client::new(&env.flex_base, creds.clone(), env.retry, &note),
    };
    let mut text = Vec::new();
    let result = match &plugin_env {
        Some(plugin_env) => commands::run(&api, &args, &env, plugin_env, &note, &mut text),
        None => run_command(&api, &args, env.workspace.as_deref(), &mut text),
    };
    // Nothing this tool prints should hold the secret; this is the last guard.
    // The report goes first: after an error it says what was done before it.
    let _ = out.write_all(redact(&String::from_utf8_lossy(&text), &creds).as_bytes());
    let _ = out.flush();
    match result {
        Ok(code) => code,
        Err(e) => {
            let e = redact(&e, &creds);
            let _ = writeln!(err.borrow_mut(), "error: {e}");
            // A report already printed (apply, deploy, release or install stopped
            // partway) holds the error: results.stopped, results.error, stopped_at.
            if text.is_empty() {
                json_error(out, args.json, &e)
            } else {
                EXIT_ERROR
            }
        }
    }
}

/// Whether the raw arguments ask for JSON (`--json`, `--json=true|yes|1`).
fn wants_json(args: &[String]) -> bool {
    args.iter()
        .take_while(|a| *a != "--")
        .filter_map(|a| a.strip_prefix("--json"))
        .last()
        .is_some_and(|rest| matches!(rest, "" | "=true" | "=yes" | "=1"))
}

/// With `--json`, prints `{"error": {"message", "exit_status"}}` on stdout, so a
/// script reading stdout always gets JSON; returns [`EXIT_ERROR`].
fn json_error(out: &mut dyn Write, json: bool, message: &str) -> i32 {
    if json {
        let body = serde_json::json!({ "error": { "message": message, "exit_status": EXIT_ERROR } });
        let _ = writeln!(out, "{body:#}");
    }
    EXIT_ERROR
}

pub(crate) fn choose_workspace(api: &Api<'_>, explicit: Option<&str>) -> Result<Workspace, String> {
    if let Some(sid) = explicit {
        return twilio::get_workspace(api, sid).map_err(|e| e.to_string());
    }
    let all = twilio::list_workspaces(api).map_err(|e| e.to_string())?;
    match all.len() {
        1 => Ok(all.into_iter().next().expect("one workspace")),
        0 => Err("this account has no TaskRouter workspace".into()),
        _ => Err(format!(
            "this account has {} workspaces; choose one with --workspace or TWILIO_WORKSPACE_SID: {}",
            all.len(),
            all.iter().map(|w| audit::named(&w.friendly_name, &w.sid)).collect::<Vec<_>>().join(", ")
        )),
    }
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| format!("cannot write JSON: {e}"))
}

/// With `apply --env`: reads the flex-config files, plans the Flex
/// configuration write, and puts the merged configuration into `state`.
fn flex_config_plan(
    args: &Args,
    state: &mut twilio::State,
) -> Result<Option<flex_config::FlexConfigPlan>, String> {
    let Some(files) = &args.flex_files else {
        return Ok(None);
    };
    let from_files = flex_config::read_files(files)?;
    let current = match &state.flex {
        Some(Ok(cfg)) => cfg,
        Some(Err(e)) => return Err(format!("--env writes the Flex configuration, which could not be read: {e}")),
        None => return Err("--env writes the Flex configuration, so it cannot go with --skip-flex".into()),
    };
    let plan = flex_config::plan(current, files, &from_files, args.options.mode);
    state.flex = Some(Ok(plan.merged_config.clone()));
    Ok(Some(plan))
}

fn run_command(
    api: &Api<'_>,
    args: &Args,
    env_workspace: Option<&str>,
    out: &mut Vec<u8>,
) -> Result<i32, String> {
    let workspace = choose_workspace(api, args.workspace.as_deref().or(env_workspace))?;
    let mut state = twilio::fetch_state(api, workspace, args.workers.as_deref(), !args.skip_flex)
        .map_err(|e: ApiError| e.to_string())?;
    // `apply --env`: the audit and the plan see the Flex configuration as it will be.
    let flex_plan = flex_config_plan(args, &mut state)?;
    match &args.command {
        Command::Audit => {
            let report = audit::audit(&state, &args.options);
            let text = if args.json {
                to_json(&report)?
            } else {
                audit::render_text(&report)
            };
            out.extend_from_slice(text.as_bytes());
            Ok(if report.needs_change {
                EXIT_NEEDS_CHANGE
            } else {
                EXIT_OK
            })
        }
        &Command::Apply { yes } => {
            let plan = apply::plan(&state, &args.options);
            // A merged Flex configuration that fails the check blocks every write.
            let blocked = flex_plan.as_ref().is_some_and(|f| f.blocked());
            let results = if yes && plan.has_changes() && !blocked {
                Some(apply::execute(api, &state.workspace.sid, &plan, &args.options))
            } else if yes {
                Some(apply::Results::default())
            } else {
                None
            };
            let flex_outcome = match (&flex_plan, &results) {
                (Some(f), Some(r)) if f.changes && !blocked && !r.any_failed() => {
                    Some(flex_config::write(api, f).unwrap_or_else(|e| apply::Outcome::Failed(e.to_string())))
                }
                _ => None,
            };
            let stopped = results.as_ref().is_some_and(|r| r.any_failed());
            let text = if args.json {
                to_json(&apply::JsonOutput {
                    dry_run: !yes,
                    plan: &plan,
                    results: results.as_ref(),
                    flex_configuration: flex_plan.as_ref().map(|p| apply::FlexJson {
                        plan: p,
                        outcome: flex_outcome.as_ref(),
                    }),
                })?
            } else {
                let mut text = apply::render_text(&plan, results.as_ref());
                if let Some(f) = &flex_plan {
                    text.push('\n');
                    text.push_str(&flex_config::render_text(f, flex_outcome.as_ref(), stopped));
                }
                text
            };
            out.extend_from_slice(text.as_bytes());
            if let Some(e) = results.as_ref().and_then(|r| r.stopped.clone()) {
                return Err(e);
            }
            let flex_code = match (&flex_plan, &flex_outcome) {
                (_, Some(apply::Outcome::Failed(_))) => EXIT_ERROR,
                (_, Some(apply::Outcome::Skipped(_))) => EXIT_NEEDS_CHANGE,
                (Some(f), None) if f.blocked() || (f.changes && !stopped) => EXIT_NEEDS_CHANGE,
                _ => EXIT_OK,
            };
            let code = match &results {
                Some(r) if r.any_failed() => EXIT_ERROR,
                Some(r) if r.any_not_written() || !plan.manual.is_empty() => EXIT_NEEDS_CHANGE,
                Some(_) => EXIT_OK,
                None if plan.has_changes() || !plan.manual.is_empty() => EXIT_NEEDS_CHANGE,
                None => EXIT_OK,
            };
            Ok(code.max(flex_code))
        }
        Command::Deploy(_) | Command::Release(_) | Command::Install(_) => {
            unreachable!("deploy, release and install run in `commands`")
        }
    }
}

//! The `deploy`, `release` and `install` commands: their arguments, their
//! environment, and running them. `audit` and `apply` stay in `cli` and `lib`.

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::bundle;
use crate::cli::{self, Args, Command};
use crate::deploy::{self, DeployOptions, PluginApis};
use crate::http::{redact, Client};
use crate::install::{self, InstallOptions};
use crate::release::{self, ReleaseOptions};
use crate::serverless::Serverless;
use crate::twilio::Api;
use crate::{EXIT_ERROR, EXIT_NEEDS_CHANGE, EXIT_OK};

/// A parsed `deploy`, `release` or `install`.
#[derive(Debug, Clone)]
pub enum PluginCommand {
    /// Host the bundle and create the PluginVersion.
    Deploy(DeployOptions),
    /// Release a configuration with this version.
    Release(ReleaseOptions),
    /// Audit, TaskRouter, Flex configuration, deploy, release.
    Install(Box<InstallOptions>),
    /// Print usage.
    Help,
}

/// Whether the arguments name one of these commands (the first word that is not an option).
pub fn is_plugin_command(args: &[String]) -> bool {
    matches!(
        args.iter().find(|a| !a.starts_with('-')).map(String::as_str),
        Some("deploy" | "release" | "install")
    )
}

/// Takes the deploy options out of `args`, returning the rest.
fn take_deploy_options(args: &[String], deploy: &mut DeployOptions, allowed: &[&str]) -> Result<Vec<String>, String> {
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        if !allowed.contains(&flag) {
            rest.push(arg.clone());
            continue;
        }
        let value = inline
            .or_else(|| it.next().cloned())
            .ok_or_else(|| format!("{flag} needs a value"))?;
        match flag {
            "--bundle" => deploy.bundle = Some(PathBuf::from(value)),
            "--url" => {
                if !(value.starts_with("https://") || value.starts_with("http://")) {
                    return Err(format!("--url must be an http(s) URL where the bundle is served, not '{value}'"));
                }
                deploy.url = Some(value);
            }
            "--version" => {
                bundle::check_version(&value)?;
                deploy.version = Some(value);
            }
            "--changelog" => deploy.changelog = Some(value),
            "--build-timeout" => {
                let secs: u64 = value
                    .parse()
                    .ok()
                    .filter(|s| (1..=3600).contains(s))
                    .ok_or_else(|| format!("--build-timeout must be a number of seconds from 1 to 3600, not '{value}'"))?;
                deploy.build_timeout = Duration::from_secs(secs);
            }
            _ => unreachable!("only allowed flags get here"),
        }
    }
    if deploy.url.is_some() && deploy.bundle.is_some() {
        return Err("--url and --bundle exclude each other: with --url nothing is uploaded".into());
    }
    Ok(rest)
}

/// Parses `deploy …`, `release …` or `install …`.
pub fn parse(args: &[String]) -> Result<PluginCommand, String> {
    if args.iter().any(|a| a == "-h" || a == "--help" || a == "help") {
        return Ok(PluginCommand::Help);
    }
    let name = args.iter().find(|a| !a.starts_with('-')).cloned().unwrap_or_default();
    let mut deploy = DeployOptions::default();
    let single = |flags: &[String], command: &str| -> Result<bool, String> {
        let mut yes = false;
        let mut seen = false;
        for f in flags {
            match f.as_str() {
                "--yes" | "-y" => yes = true,
                c if c == command && !seen => seen = true,
                "--json" => return Err(format!("--json is not available for {command}; its report is text")),
                other => return Err(format!("unknown argument '{other}' for {command}")),
            }
        }
        Ok(yes)
    };
    match name.as_str() {
        "deploy" => {
            let rest = take_deploy_options(args, &mut deploy, &["--bundle", "--url", "--version", "--changelog", "--build-timeout"])?;
            deploy.yes = single(&rest, "deploy")?;
            Ok(PluginCommand::Deploy(deploy))
        }
        "release" => {
            let rest = take_deploy_options(args, &mut deploy, &["--version"])?;
            let yes = single(&rest, "release")?;
            Ok(PluginCommand::Release(ReleaseOptions { version: deploy.version, yes }))
        }
        "install" => {
            let rest = take_deploy_options(args, &mut deploy, &["--bundle", "--url", "--version", "--changelog", "--build-timeout"])?;
            if rest.iter().any(|a| a == "--json") {
                return Err("--json is not available for install; its report is text".into());
            }
            if rest.iter().any(|a| a == "--skip-flex") {
                return Err("install writes the Flex configuration, so it cannot go with --skip-flex".into());
            }
            let mut replaced = false;
            let as_apply: Vec<String> = rest
                .into_iter()
                .map(|a| {
                    if a == "install" && !replaced {
                        replaced = true;
                        "apply".to_string()
                    } else {
                        a
                    }
                })
                .collect();
            let parsed: Args = cli::parse_args(&as_apply).map_err(|e| e.replace("apply", "install"))?;
            let Command::Apply { yes } = parsed.command else {
                return Err("say what to do: install".into());
            };
            if parsed.flex_files.is_none() {
                return Err("install needs --env ENV: which flex-config/ui_attributes.<env>.json to deploy (for example --env prod)".into());
            }
            deploy.yes = yes;
            Ok(PluginCommand::Install(Box::new(InstallOptions { args: parsed, deploy, yes })))
        }
        other => Err(format!("unknown command '{other}'")),
    }
}

/// The Serverless hosts and the Build poll interval, from the environment.
struct PluginEnv {
    serverless_base: String,
    upload_base: String,
    poll: Duration,
}

fn read_plugin_env(get: &dyn Fn(&str) -> Option<String>) -> Result<PluginEnv, String> {
    let get = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let poll = match get("MULTI_CALL_SETUP_POLL_MS") {
        Some(ms) => Duration::from_millis(
            ms.parse()
                .map_err(|_| "MULTI_CALL_SETUP_POLL_MS must be a number of milliseconds")?,
        ),
        None => Duration::from_secs(1),
    };
    Ok(PluginEnv {
        serverless_base: get("TWILIO_SERVERLESS_BASE_URL").unwrap_or_else(|| "https://serverless.twilio.com".into()),
        upload_base: get("TWILIO_SERVERLESS_UPLOAD_BASE_URL")
            .unwrap_or_else(|| "https://serverless-upload.twilio.com".into()),
        poll,
    })
}

/// Runs `deploy`, `release` or `install`, as [`crate::run`] runs the others.
pub fn run(
    args: &[String],
    env: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let command = match parse(args) {
        Ok(PluginCommand::Help) => {
            let _ = write!(out, "{}", cli::USAGE);
            return EXIT_OK;
        }
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "error: {e}\n\n{}", cli::USAGE);
            return EXIT_ERROR;
        }
    };
    let (base, extra) = match (cli::read_env(env), read_plugin_env(env)) {
        (Ok(b), Ok(x)) => (b, x),
        (Err(e), _) | (_, Err(e)) => {
            let _ = writeln!(err, "error: {e}");
            return EXIT_ERROR;
        }
    };
    let creds = base.credentials.clone();
    let err = RefCell::new(err);
    let note = |line: &str| {
        let _ = writeln!(err.borrow_mut(), "{}", redact(line, &creds));
    };
    let api = Api {
        taskrouter: Client::new(&base.taskrouter_base, creds.clone(), base.retry, &note),
        flex: Client::new(&base.flex_base, creds.clone(), base.retry, &note),
    };
    let serverless = Serverless {
        api: Client::new(&extra.serverless_base, creds.clone(), base.retry, &note),
        upload: Client::new(&extra.upload_base, creds.clone(), base.retry, &note),
    };
    let apis = PluginApis {
        flex: &api.flex,
        serverless: &serverless,
        poll: extra.poll,
        note: &note,
    };
    let mut text = String::new();
    let result = match &command {
        PluginCommand::Deploy(o) => run_deploy(&apis, o, &mut text),
        PluginCommand::Release(o) => run_release(&apis, o, &mut text),
        PluginCommand::Install(o) => crate::choose_workspace(&api, o.args.workspace.as_deref().or(base.workspace.as_deref()))
            .and_then(|ws| install::run(&api, &apis, o, ws, &mut text)),
        PluginCommand::Help => Ok(EXIT_OK),
    };
    // As for audit and apply: the report first, with the secret redacted, then any error.
    let _ = out.write_all(redact(&text, &creds).as_bytes());
    let _ = out.flush();
    match result {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err.borrow_mut(), "error: {}", redact(&e, &creds));
            EXIT_ERROR
        }
    }
}

fn run_deploy(apis: &PluginApis<'_>, options: &DeployOptions, out: &mut String) -> Result<i32, String> {
    let root = Path::new(".");
    let version = match &options.version {
        Some(v) => v.clone(),
        None => bundle::project_version(root)?,
    };
    let bundle_info = if options.url.is_some() {
        None
    } else {
        let path = bundle::bundle_path(root, options.bundle.as_deref());
        match std::fs::metadata(&path) {
            Ok(m) => Some((path.display().to_string(), m.len() as usize)),
            Err(_) if options.bundle.is_none() => None,
            Err(e) => return Err(format!("cannot read the bundle {}: {e}", path.display())),
        }
    };
    let plan = deploy::plan(apis, options, &version, bundle_info)?;
    if !options.yes {
        out.push_str(&deploy::render_text(&plan, options, None));
        out.push_str(if plan.has_changes() {
            "Result: run again with --yes to deploy.\n"
        } else {
            "Result: nothing to deploy.\n"
        });
        return Ok(if plan.has_changes() { EXIT_NEEDS_CHANGE } else { EXIT_OK });
    }
    let mut read = || {
        bundle::read_bundle(root, options.bundle.as_deref(), &|| bundle::npm_build(root, apis.note)).map(|(_, b)| b)
    };
    let result = if plan.has_changes() {
        deploy::execute(apis, &plan, options, &mut read)
    } else {
        deploy::DeployResult::default()
    };
    out.push_str(&deploy::render_text(&plan, options, Some(&result)));
    match &result.error {
        Some(e) => Err(format!("deploy stopped: {e}")),
        None => {
            out.push_str(if plan.has_changes() {
                "Result: deployed. Run `release` to give it to the agents.\n"
            } else {
                "Result: nothing to deploy.\n"
            });
            Ok(EXIT_OK)
        }
    }
}

fn run_release(apis: &PluginApis<'_>, options: &ReleaseOptions, out: &mut String) -> Result<i32, String> {
    let version = match &options.version {
        Some(v) => v.clone(),
        None => bundle::project_version(Path::new("."))?,
    };
    let plan = release::plan(apis, &version, None)?;
    if !options.yes || !plan.has_changes() {
        out.push_str(&release::render_text(&plan, None));
        out.push_str(match (plan.has_changes(), options.yes) {
            (true, _) => "Result: run again with --yes to release.\n",
            (false, _) => "Result: nothing to release.\n",
        });
        return Ok(if plan.has_changes() { EXIT_NEEDS_CHANGE } else { EXIT_OK });
    }
    let result = release::execute(apis, &plan);
    out.push_str(&release::render_text(&plan, Some(&result)));
    match &result.error {
        Some(e) => Err(format!("release stopped: {e}")),
        None => {
            out.push_str("Result: released. Agents get it on their next Flex page load.\n");
            Ok(EXIT_OK)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<PluginCommand, String> {
        parse(&s.split_whitespace().map(str::to_string).collect::<Vec<_>>())
    }

    #[test]
    fn deploy_options_are_read_and_checked_by_name() {
        let PluginCommand::Deploy(d) = parse_str("deploy --yes --version 1.2.3 --bundle b.js --build-timeout=30").unwrap() else {
            panic!()
        };
        assert!(d.yes);
        assert_eq!(d.version.as_deref(), Some("1.2.3"));
        assert_eq!(d.bundle, Some(PathBuf::from("b.js")));
        assert_eq!(d.build_timeout, Duration::from_secs(30));
        assert!(parse_str("deploy --version 1.2").unwrap_err().contains("semantic version"));
        assert!(parse_str("deploy --url ftp://x").unwrap_err().contains("--url"));
        assert!(parse_str("deploy --url https://x/b.js --bundle b.js").unwrap_err().contains("exclude"));
        assert!(parse_str("deploy --build-timeout 0").unwrap_err().contains("--build-timeout"));
        assert!(parse_str("deploy --frob").unwrap_err().contains("'--frob'"));
        assert!(parse_str("release --bundle b.js").unwrap_err().contains("'--bundle'"));
        assert!(parse_str("deploy --version").unwrap_err().contains("needs a value"));
    }

    #[test]
    fn install_takes_the_apply_options_and_needs_an_environment() {
        let PluginCommand::Install(i) = parse_str("install --env prod --yes --max-calls 3 --version 0.2.0").unwrap() else {
            panic!()
        };
        assert!(i.yes && i.deploy.yes);
        assert_eq!(i.args.options.max_calls, Some(3));
        assert_eq!(i.args.flex_files.as_ref().unwrap().env, "prod");
        assert_eq!(i.deploy.version.as_deref(), Some("0.2.0"));
        assert!(parse_str("install").unwrap_err().contains("--env"));
        assert!(parse_str("install --env prod --skip-flex").unwrap_err().contains("--skip-flex"));
        assert!(parse_str("install --env prod --max-calls 1").unwrap_err().contains("at least 2"));
        assert!(is_plugin_command(&["--yes".into(), "install".into()]));
        assert!(!is_plugin_command(&["apply".into()]));
    }
}

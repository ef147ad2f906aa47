//! Command line and environment: what to do, against which account.

use std::time::Duration;

use crate::audit::Options;
use crate::flex::{Mode, MAX_CALLS_LIMIT};
use crate::flex_config::FlexFiles;
use crate::http::{Credentials, RetryPolicy};

/// The usage text.
pub const USAGE: &str = "\
multi-call-setup: audit and apply the TaskRouter settings multi-call needs,
and install multi-call into a Flex account

USAGE:
    multi-call-setup audit [OPTIONS]     read-only report; exit 1 when anything needs changing
    multi-call-setup apply [OPTIONS]     show what would change (dry run)
    multi-call-setup apply --yes [...]   write it
    multi-call-setup deploy [--yes]      host the bundle and create its plugin version (dry run without --yes)
    multi-call-setup release [--yes]     release the active plugins plus this multi-call version
    multi-call-setup install --env ENV [--yes]
                                         audit, apply (TaskRouter and Flex configuration), deploy, release

OPTIONS:
    --workspace WS...        TaskRouter workspace (default: $TWILIO_WORKSPACE_SID, or the only one)
    --mode auto|standby|forward
                             the multi-call mode you run (default: the Flex configuration's)
    --max-calls N            calls per agent, 2 to 1000; voice capacity needed (default: Flex max_calls, else 2)
    --workers EXPR           only workers matching this TaskRouter expression
    --all-targets            also edit targets that pick one named worker (transfers)
    --skip-flex              do not read the Flex configuration
    --env ENV                (apply) also write the Flex configuration: flex-config/ui_attributes.common.json
                             and ui_attributes.ENV.json, deep-merged into the account's ui_attributes
    --flex-config DIR        the flex-config folder (default: ./flex-config)
    --json                   machine-readable output on stdout
    --yes                    (apply) write the changes
    --bundle PATH            (deploy, install) the bundle (default: dist/plugin-multi-call.js, built when missing)
    --url URL                (deploy, install) the bundle is already served at URL: host nothing
    --version V              (deploy, release, install) the plugin version (default: Cargo.toml / package.json)
    --changelog TEXT         (deploy, install) the plugin version's changelog
    --build-timeout SECS     (deploy, install) how long to wait for the Serverless build (default 180)
    -h, --help               this text
    -V, --version            the version

ENVIRONMENT:
    TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN, or TWILIO_API_KEY + TWILIO_API_SECRET
    TWILIO_WORKSPACE_SID          default workspace
    TWILIO_TASKROUTER_BASE_URL    default https://taskrouter.twilio.com
    TWILIO_FLEX_BASE_URL          default https://flex-api.twilio.com
    TWILIO_SERVERLESS_BASE_URL    default https://serverless.twilio.com
    TWILIO_SERVERLESS_UPLOAD_BASE_URL  default https://serverless-upload.twilio.com

EXIT STATUS:
    0  nothing needs changing (audit), nothing left to change (apply)
    1  something needs changing (audit), would change (apply dry run),
       or needs a person (Flex configuration, an expression that cannot be parsed)
    2  error: bad usage, missing credentials, an API error, or a failed write
    deploy, release, install: 0 nothing to do / all done, 1 changes to make (dry run) or
    left for a person, 2 an error (install stops at the first failure and says what was done)
";

/// What to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Read-only report.
    Audit,
    /// Plan, and write with `yes`.
    Apply {
        /// Write the changes.
        yes: bool,
    },
    /// Print usage.
    Help,
    /// Print the version.
    Version,
}

/// Parsed arguments.
#[derive(Debug, Clone)]
pub struct Args {
    /// What to run.
    pub command: Command,
    /// `--workspace`.
    pub workspace: Option<String>,
    /// `--workers`.
    pub workers: Option<String>,
    /// `--skip-flex`.
    pub skip_flex: bool,
    /// `--json`.
    pub json: bool,
    /// Audit and plan options.
    pub options: Options,
    /// `--env` (and `--flex-config`): with `apply`, the flex-config files to write.
    pub flex_files: Option<FlexFiles>,
}

/// Parses the arguments after the program name.
pub fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut command = None;
    let mut yes = false;
    let mut parsed = Args {
        command: Command::Help,
        workspace: None,
        workers: None,
        skip_flex: false,
        json: false,
        options: Options::default(),
        flex_files: None,
    };
    let (mut flex_env, mut flex_dir) = (None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "audit" if command.is_none() => command = Some(Command::Audit),
            "apply" if command.is_none() => command = Some(Command::Apply { yes: false }),
            "help" | "-h" | "--help" => {
                return Ok(Args {
                    command: Command::Help,
                    ..parsed
                })
            }
            "-V" | "--version" => {
                return Ok(Args {
                    command: Command::Version,
                    ..parsed
                })
            }
            "--yes" | "-y" => yes = true,
            "--json" => parsed.json = true,
            "--skip-flex" => parsed.skip_flex = true,
            "--all-targets" => parsed.options.all_targets = true,
            "--workspace" => parsed.workspace = Some(value("--workspace")?),
            "--workers" => parsed.workers = Some(value("--workers")?),
            "--env" => flex_env = Some(value("--env")?),
            "--flex-config" => flex_dir = Some(value("--flex-config")?),
            "--mode" => {
                let v = value("--mode")?;
                parsed.options.mode = Some(Mode::parse(&v).ok_or_else(|| {
                    format!("--mode must be auto, standby or forward, not '{v}'")
                })?);
            }
            "--max-calls" => {
                let v = value("--max-calls")?;
                let n: i64 = v
                    .parse()
                    .map_err(|_| format!("--max-calls must be a whole number, not '{v}'"))?;
                if n < 2 {
                    return Err(format!("--max-calls must be at least 2 (multi-call means two calls or more), not {n}"));
                }
                if n > MAX_CALLS_LIMIT {
                    return Err(format!("--max-calls must be at most {MAX_CALLS_LIMIT}, as the plugin's max_calls, not {n}"));
                }
                parsed.options.max_calls = Some(n);
            }
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    parsed.flex_files = match (flex_env, flex_dir) {
        (Some(env), dir) => {
            crate::flex_config::check_env_name(&env)?;
            Some(FlexFiles {
                dir: dir.map_or_else(FlexFiles::default_dir, Into::into),
                env,
            })
        }
        (None, Some(_)) => return Err("--flex-config goes with --env ENV (which ui_attributes.<env>.json to write)".into()),
        (None, None) => None,
    };
    if parsed.flex_files.is_some() && !matches!(command, Some(Command::Apply { .. })) {
        return Err("--env only goes with apply (and install)".into());
    }
    if parsed.flex_files.is_some() && parsed.skip_flex {
        return Err("--env writes the Flex configuration, so it cannot go with --skip-flex".into());
    }
    parsed.command = match command {
        Some(Command::Apply { .. }) => Command::Apply { yes },
        Some(c) if !yes => c,
        Some(_) => return Err("--yes only goes with apply".into()),
        None => return Err("say what to do: audit or apply".into()),
    };
    Ok(parsed)
}

/// Settings taken from the environment.
#[derive(Debug, Clone)]
pub struct Env {
    /// Basic-auth credentials.
    pub credentials: Credentials,
    /// TaskRouter base URL.
    pub taskrouter_base: String,
    /// Flex base URL.
    pub flex_base: String,
    /// Workspace SID from `TWILIO_WORKSPACE_SID`.
    pub workspace: Option<String>,
    /// Retry policy (tests shorten the delays).
    pub retry: RetryPolicy,
}

/// Reads the environment through `get`, so tests need not touch the process's own.
pub fn read_env(get: &dyn Fn(&str) -> Option<String>) -> Result<Env, String> {
    let get = |k: &str| {
        get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let credentials = match (get("TWILIO_API_KEY"), get("TWILIO_API_SECRET"), get("TWILIO_ACCOUNT_SID"), get("TWILIO_AUTH_TOKEN")) {
        (Some(key), Some(secret), _, _) => Credentials::new(key, secret),
        (Some(_), None, _, _) => return Err("TWILIO_API_KEY is set but TWILIO_API_SECRET is not".into()),
        (None, _, Some(sid), Some(token)) => Credentials::new(sid, token),
        (None, _, Some(_), None) => return Err("TWILIO_ACCOUNT_SID is set but TWILIO_AUTH_TOKEN is not".into()),
        _ => return Err("no credentials: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET".into()),
    };
    let mut retry = RetryPolicy::default();
    if let Some(ms) = get("MULTI_CALL_SETUP_RETRY_BASE_MS") {
        let ms: u64 = ms
            .parse()
            .map_err(|_| "MULTI_CALL_SETUP_RETRY_BASE_MS must be a number of milliseconds")?;
        retry.base_delay = Duration::from_millis(ms);
        retry.max_delay = retry.max_delay.min(Duration::from_millis(ms.max(1) * 16));
    }
    if let Some(n) = get("MULTI_CALL_SETUP_RETRY_ATTEMPTS") {
        retry.attempts = n
            .parse()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or("MULTI_CALL_SETUP_RETRY_ATTEMPTS must be a number of at least 1")?;
    }
    Ok(Env {
        credentials,
        taskrouter_base: get("TWILIO_TASKROUTER_BASE_URL")
            .unwrap_or_else(|| "https://taskrouter.twilio.com".into()),
        flex_base: get("TWILIO_FLEX_BASE_URL")
            .unwrap_or_else(|| "https://flex-api.twilio.com".into()),
        workspace: get("TWILIO_WORKSPACE_SID"),
        retry,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Result<Args, String> {
        parse_args(&s.split_whitespace().map(str::to_string).collect::<Vec<_>>())
    }

    #[test]
    fn parses_commands_and_flags() {
        let a = args("apply --yes --mode standby --max-calls=3 --workspace WS1").unwrap();
        assert_eq!(a.command, Command::Apply { yes: true });
        assert_eq!(a.options.mode, Some(Mode::Standby));
        assert_eq!(a.options.max_calls, Some(3));
        assert_eq!(a.workspace.as_deref(), Some("WS1"));
        assert_eq!(args("audit --json").unwrap().command, Command::Audit);
    }

    #[test]
    fn rejects_bad_input_by_name() {
        assert!(args("audit --yes").unwrap_err().contains("--yes"));
        assert!(args("audit --max-calls 1")
            .unwrap_err()
            .contains("at least 2"));
        assert!(args("audit --max-calls 1001")
            .unwrap_err()
            .contains("at most 1000"));
        assert!(args("audit --frob").unwrap_err().contains("--frob"));
        assert!(args("").unwrap_err().contains("audit or apply"));
    }

    #[test]
    fn api_key_wins_and_half_credentials_are_named() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let e = read_env(&env(&[
            ("TWILIO_API_KEY", "SK1"),
            ("TWILIO_API_SECRET", "x"),
            ("TWILIO_ACCOUNT_SID", "AC1"),
            ("TWILIO_AUTH_TOKEN", "y"),
        ]))
        .unwrap();
        assert_eq!(e.credentials.username, "SK1");
        assert!(read_env(&env(&[("TWILIO_ACCOUNT_SID", "AC1")]))
            .unwrap_err()
            .contains("TWILIO_AUTH_TOKEN"));
    }
}

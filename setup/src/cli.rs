//! Command line and environment: what to do, against which account.

use std::time::Duration;

use clap::builder::{NonEmptyStringValueParser, PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};

use crate::audit::Options;
use crate::flex::{Mode, MAX_CALLS_LIMIT};
use crate::http::{Credentials, RetryPolicy};

/// What `--help` says after the options: where credentials come from, and the exit statuses.
const AFTER_HELP: &str = "\
ENVIRONMENT:
    TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN, or TWILIO_API_KEY + TWILIO_API_SECRET
    TWILIO_WORKSPACE_SID          default workspace
    TWILIO_TASKROUTER_BASE_URL    default https://taskrouter.twilio.com
    TWILIO_FLEX_BASE_URL          default https://flex-api.twilio.com

EXIT STATUS:
    0  nothing needs changing (audit), nothing left to change (apply)
    1  something needs changing (audit), would change (apply dry run),
       or needs a person (Flex configuration, an expression that cannot be parsed)
    2  error: bad usage, missing credentials, an API error, or a failed write";

/// What `apply` writes, for `--help`: an admin should know before typing `--yes`.
const APPLY_ABOUT: &str = "\
Show what would change (a dry run); with -y/--yes, write it. Two kinds of write:
each workflow target's worker expression gets
`AND worker.channel.voice.available_capacity_percentage == 100` (one POST per
workflow), then each worker's voice channel capacity is raised to the need
(2, or --max-calls). The Flex configuration is never written: the audit prints
the fragment to merge into flex-config.";

/// The command line, as clap reads it.
#[derive(Debug, Parser)]
#[command(
    name = "multi-call-setup",
    version,
    about = "Audit and apply the TaskRouter settings multi-call needs",
    long_about = "Audit and apply the TaskRouter settings multi-call needs.\n\n`audit` reads and reports; `apply` shows the changes and writes them only with --yes: workflow target expressions get worker.channel.voice.available_capacity_percentage == 100, then workers' voice capacity is raised. The Flex configuration is never written.",
    after_help = AFTER_HELP,
    flatten_help = true,
    subcommand_required = true,
    args_override_self = true
)]
struct Cli {
    #[command(subcommand)]
    command: Sub,
    /// TaskRouter workspace SID (default: $TWILIO_WORKSPACE_SID, or the only one)
    #[arg(long, global = true, value_name = "WS...", value_parser = parse_workspace)]
    workspace: Option<String>,
    /// The multi-call mode you run (default: the Flex configuration's)
    #[arg(long, global = true, value_name = "auto|standby|forward", value_parser = parse_mode)]
    mode: Option<Mode>,
    /// Calls per agent, 2 to 1000: the voice capacity needed (default: Flex max_calls, else 2)
    #[arg(long, global = true, value_name = "N", value_parser = parse_max_calls)]
    max_calls: Option<i64>,
    /// Only workers matching this TaskRouter expression
    #[arg(long, global = true, value_name = "EXPR", value_parser = NonEmptyStringValueParser::new())]
    workers: Option<String>,
    /// Also edit targets that pick one named worker (transfers to an agent)
    #[arg(long, global = true, num_args = 0..=1, require_equals = true, default_value = "false", default_missing_value = "true", hide_default_value = true, value_name = "BOOL", value_parser = yes_no())]
    all_targets: bool,
    /// Also raise workers whose voice channel is off (capacity 0 or unavailable)
    #[arg(long, global = true, num_args = 0..=1, require_equals = true, default_value = "false", default_missing_value = "true", hide_default_value = true, value_name = "BOOL", value_parser = yes_no())]
    include_voice_off: bool,
    /// Do not read the Flex configuration (a TaskRouter-only account)
    #[arg(long, global = true, num_args = 0..=1, require_equals = true, default_value = "false", default_missing_value = "true", hide_default_value = true, value_name = "BOOL", value_parser = yes_no())]
    skip_flex: bool,
    /// Machine-readable output on stdout
    #[arg(long, global = true, num_args = 0..=1, require_equals = true, default_value = "false", default_missing_value = "true", hide_default_value = true, value_name = "BOOL", value_parser = yes_no())]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// Read-only report; exit 1 when anything needs changing
    Audit,
    #[command(about = "Show what would change (a dry run); with -y/--yes, write it", long_about = APPLY_ABOUT)]
    Apply {
        /// Write the changes (workflow expressions, then voice capacities)
        #[arg(short = 'y', long, num_args = 0..=1, require_equals = true, default_value = "false", default_missing_value = "true", hide_default_value = true, value_name = "BOOL", value_parser = yes_no())]
        yes: bool,
    },
}

/// A yes/no value: `--flag` alone means yes; `--flag=VALUE` is read, never ignored.
fn yes_no() -> impl TypedValueParser<Value = bool> {
    PossibleValuesParser::new(["true", "false", "yes", "no", "1", "0"])
        .map(|s| matches!(s.as_str(), "true" | "yes" | "1"))
}

fn parse_mode(v: &str) -> Result<Mode, String> {
    Mode::parse(v).ok_or_else(|| "must be auto, standby or forward".to_string())
}

fn parse_max_calls(v: &str) -> Result<i64, String> {
    let n: i64 = v.parse().map_err(|_| "must be a whole number".to_string())?;
    if n < 2 {
        return Err(format!("must be at least 2 (multi-call means two calls or more), not {n}"));
    }
    if n > MAX_CALLS_LIMIT {
        return Err(format!("must be at most {MAX_CALLS_LIMIT}, as the plugin's max_calls, not {n}"));
    }
    Ok(n)
}

/// Whether a text is a workspace SID; it goes into URL paths, so nothing else may pass.
pub fn is_workspace_sid(v: &str) -> bool {
    v.len() == 34 && v.starts_with("WS") && v[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

fn parse_workspace(v: &str) -> Result<String, String> {
    if is_workspace_sid(v) {
        Ok(v.to_string())
    } else {
        Err("must be a workspace SID: WS and 32 hex digits".into())
    }
}

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
}

/// Parses the arguments after the program name. Help and version come back as
/// errors whose [`clap::Error::exit_code`] is 0; print them to stdout.
pub fn parse_args(args: &[String]) -> Result<Args, clap::Error> {
    let cli = Cli::try_parse_from(std::iter::once("multi-call-setup".to_string()).chain(args.iter().cloned()))?;
    Ok(Args {
        command: match cli.command {
            Sub::Audit => Command::Audit,
            Sub::Apply { yes } => Command::Apply { yes },
        },
        workspace: cli.workspace,
        workers: cli.workers,
        skip_flex: cli.skip_flex,
        json: cli.json,
        options: Options {
            mode: cli.mode,
            max_calls: cli.max_calls,
            all_targets: cli.all_targets,
            include_voice_off: cli.include_voice_off,
        },
    })
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
        (None, _, None, Some(_)) => return Err("TWILIO_AUTH_TOKEN is set but TWILIO_ACCOUNT_SID is not".into()),
        (None, Some(_), None, None) => return Err("TWILIO_API_SECRET is set but TWILIO_API_KEY is not".into()),
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
    let workspace = get("TWILIO_WORKSPACE_SID");
    if let Some(ws) = workspace.as_deref().filter(|ws| !is_workspace_sid(ws)) {
        return Err(format!("TWILIO_WORKSPACE_SID must be a workspace SID: WS and 32 hex digits, not '{ws}'"));
    }
    Ok(Env {
        credentials,
        taskrouter_base: base_url(&get, "TWILIO_TASKROUTER_BASE_URL", "https://taskrouter.twilio.com")?,
        flex_base: base_url(&get, "TWILIO_FLEX_BASE_URL", "https://flex-api.twilio.com")?,
        workspace,
        retry,
    })
}

/// A base URL from the environment: an http or https URL with a host, named when it is not.
fn base_url(get: &dyn Fn(&str) -> Option<String>, name: &str, default: &str) -> Result<String, String> {
    let Some(value) = get(name) else {
        return Ok(default.to_string());
    };
    let uri = value.parse::<ureq::http::Uri>().ok();
    let scheme_ok = uri.as_ref().and_then(|u| u.scheme_str()).is_some_and(|s| s == "http" || s == "https");
    let host_ok = uri.as_ref().and_then(|u| u.host()).is_some_and(|h| !h.is_empty());
    if scheme_ok && host_ok {
        Ok(value)
    } else {
        Err(format!("{name} must be an http:// or https:// URL with a host, such as {default}, not '{value}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Result<Args, String> {
        parse_args(&s.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn parses_commands_and_flags() {
        let a = args("apply --yes --mode standby --max-calls=3 --workspace WS0123456789abcdef0123456789ABCDEF").unwrap();
        assert_eq!(a.command, Command::Apply { yes: true });
        assert_eq!(a.options.mode, Some(Mode::Standby));
        assert_eq!(a.options.max_calls, Some(3));
        assert_eq!(a.workspace.as_deref(), Some("WS0123456789abcdef0123456789ABCDEF"));
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
        assert!(args("").unwrap_err().contains("audit"));
        assert!(args("audit --workspace WS1").unwrap_err().contains("--workspace"));
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

//! Command line and environment: what to do, against which account.

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{NonEmptyStringValueParser, PossibleValuesParser, TypedValueParser};
use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, Subcommand};

use crate::audit::Options;
use crate::deploy::{DeployOptions, DEFAULT_BUILD_TIMEOUT};
use crate::flex::{Mode, MAX_CALLS_LIMIT};
use crate::flex_config::FlexFiles;
use crate::http::{Credentials, RetryPolicy};
use crate::release::ReleaseOptions;

/// What `--help` says after the options: where credentials come from, and the exit statuses.
const AFTER_HELP: &str = "\
ENVIRONMENT:
    TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN, or TWILIO_API_KEY + TWILIO_API_SECRET
    TWILIO_WORKSPACE_SID          default workspace
    TWILIO_TASKROUTER_BASE_URL    default https://taskrouter.twilio.com
    TWILIO_FLEX_BASE_URL          default https://flex-api.twilio.com
    TWILIO_SERVERLESS_BASE_URL    default https://serverless.twilio.com (deploy, release, install)
    TWILIO_SERVERLESS_UPLOAD_BASE_URL
                                  default https://serverless-upload.twilio.com (deploy, install)

EXIT STATUS:
    0  nothing needs changing (audit), nothing left to change (apply, deploy,
       release, install), or all of it done
    1  something needs changing (audit), would change (a dry run), or needs a
       person (Flex configuration, an expression that cannot be parsed)
    2  error: bad usage, missing credentials, an API error, or a failed write
       (install stops at the first failure and says what was done)

The command comes first, then its options in any order; --json may also come
before the command.";

/// What `apply` writes, for `--help`: an admin should know before typing `--yes`.
const APPLY_ABOUT: &str = "\
Show what would change (a dry run); with -y/--yes, write it. Two kinds of write:
each workflow target's worker expression gets
`AND worker.channel.voice.available_capacity_percentage == 100` (one POST per
workflow), then each worker's voice channel capacity is raised to the need
(2, or --max-calls). The Flex configuration is written only with --env ENV:
flex-config/ui_attributes.common.json and ui_attributes.ENV.json are
deep-merged into the account's ui_attributes, shown as a diff, and posted in
one request after the TaskRouter writes. Without --env the audit prints the
fragment to merge into flex-config.";

/// What `deploy` writes.
const DEPLOY_ABOUT: &str = "\
Host the plugin bundle and create its Flex plugin version (a dry run without
-y/--yes). With --yes: the bundle (built with `npm run build` when missing)
is uploaded as a Protected Asset of the account's Flex plugins Serverless
service `default` (service and environment plugin-multi-call created when
missing, the service added to the Flex configuration's serverless_service_sids),
a Build of the assets served now plus this one is deployed, then the Flex
plugin plugin-multi-call (when missing) and its plugin version are created.
With --url nothing is hosted: the URL is checked and only the plugin and the
version are created. An existing version is never overwritten. Agents get
nothing until `release`.";

/// What `release` writes.
const RELEASE_ABOUT: &str = "\
Release this multi-call version to the agents (a dry run without -y/--yes).
With --yes: a new Flex plugins Configuration holding every plugin version of
the active release plus this multi-call version (in place of an older one),
then a Release of it. Nothing is released unless the version's bundle is
served. Agents get it on their next Flex page load.";

/// What `install` writes.
const INSTALL_ABOUT: &str = "\
Everything in order: audit, the TaskRouter changes (as apply), the Flex
configuration (as apply --env), deploy, release. Without -y/--yes it is one
dry run that shows every change; with --yes it carries them out and stops at
the first failure, reporting what was done and what was not. Nothing is
written when the merged Flex configuration would not work.";

/// The command line, as clap reads it.
#[derive(Debug, Parser)]
#[command(
    name = "multi-call-setup",
    version,
    about = "Audit and apply the TaskRouter and Flex settings multi-call needs, and install it into Flex",
    long_about = "Audit and apply the TaskRouter and Flex settings multi-call needs, and install multi-call into a Flex account.\n\n`audit` reads and reports; `apply` shows the changes and writes them only with --yes: workflow target expressions get worker.channel.voice.available_capacity_percentage == 100, then workers' voice capacity is raised. The Flex configuration is written only with --env ENV (apply, install): the flex-config files are merged into its ui_attributes. `deploy` hosts the bundle as a Serverless asset and creates its Flex plugin version, `release` makes a plugins release with it, and `install` does all of it in order. Every command is a dry run without --yes; `multi-call-setup COMMAND --help` says exactly what it writes.",
    after_help = AFTER_HELP,
    flatten_help = true,
    subcommand_required = true,
    args_override_self = true
)]
struct Cli {
    #[command(subcommand)]
    command: Sub,
    /// Machine-readable output on stdout (errors too, as {"error": {...}})
    #[arg(long, global = true, num_args = 0..=1, require_equals = true, default_value = "false", default_missing_value = "true", hide_default_value = true, value_name = "BOOL", value_parser = yes_no())]
    json: bool,
}

/// The options that say which workers and workflows to look at, and what they need.
#[derive(Debug, clap::Args)]
struct TaskRouterArgs {
    /// TaskRouter workspace SID (default: $TWILIO_WORKSPACE_SID, or the only one)
    #[arg(long, value_name = "WS...", value_parser = parse_workspace)]
    workspace: Option<String>,
    /// The multi-call mode you run (default: the Flex configuration's)
    #[arg(long, value_name = "auto|standby|forward", value_parser = parse_mode)]
    mode: Option<Mode>,
    /// Calls per agent, 2 to 1000: the voice capacity needed (default: Flex max_calls, else 2)
    #[arg(long, value_name = "N", value_parser = parse_max_calls)]
    max_calls: Option<i64>,
    /// Only workers matching this TaskRouter expression
    #[arg(long, value_name = "EXPR", value_parser = NonEmptyStringValueParser::new())]
    workers: Option<String>,
    /// Also edit targets that pick one named worker (transfers to an agent)
    #[arg(long, num_args = 0..=1, require_equals = true, default_value = "false", default_missing_value = "true", hide_default_value = true, value_name = "BOOL", value_parser = yes_no())]
    all_targets: bool,
    /// Also raise workers whose voice channel is off (capacity 0 or unavailable)
    #[arg(long, num_args = 0..=1, require_equals = true, default_value = "false", default_missing_value = "true", hide_default_value = true, value_name = "BOOL", value_parser = yes_no())]
    include_voice_off: bool,
}

/// `--skip-flex`, for the commands that can do without the Flex configuration.
#[derive(Debug, clap::Args)]
struct SkipFlex {
    /// Do not read the Flex configuration (a TaskRouter-only account)
    #[arg(long, num_args = 0..=1, require_equals = true, default_value = "false", default_missing_value = "true", hide_default_value = true, value_name = "BOOL", value_parser = yes_no())]
    skip_flex: bool,
}

/// Where the bundle comes from and what its plugin version says.
#[derive(Debug, clap::Args)]
struct DeployArgs {
    /// The built bundle to upload (default: dist/plugin-multi-call.js, built with `npm run build` when missing)
    #[arg(long, value_name = "PATH", conflicts_with = "url")]
    bundle: Option<PathBuf>,
    /// The bundle is already served at this URL: host nothing, only create the plugin version pointing at it
    #[arg(long, value_name = "URL", value_parser = parse_bundle_url)]
    url: Option<String>,
    /// The plugin version, a semantic version (default: the version in ./Cargo.toml and ./package.json)
    #[arg(long, value_name = "V", value_parser = parse_version)]
    version: Option<String>,
    /// The plugin version's changelog (default: "multi-call V")
    #[arg(long, value_name = "TEXT")]
    changelog: Option<String>,
    /// Seconds to wait for the Serverless build, 1 to 3600 (default: 180)
    #[arg(long, value_name = "SECS", value_parser = parse_build_timeout)]
    build_timeout: Option<Duration>,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// Read-only report; exit 1 when anything needs changing
    Audit {
        #[command(flatten)]
        taskrouter: TaskRouterArgs,
        #[command(flatten)]
        skip_flex: SkipFlex,
    },
    #[command(about = "Show what would change (a dry run); with -y/--yes, write it", long_about = APPLY_ABOUT)]
    Apply {
        #[command(flatten)]
        taskrouter: TaskRouterArgs,
        #[command(flatten)]
        skip_flex: SkipFlex,
        /// Also write the Flex configuration: flex-config/ui_attributes.common.json and ui_attributes.ENV.json, deep-merged into the account's ui_attributes
        #[arg(long, value_name = "ENV", value_parser = parse_env_name)]
        env: Option<String>,
        /// The flex-config folder (default: ./flex-config)
        #[arg(long, value_name = "DIR", requires = "env")]
        flex_config: Option<PathBuf>,
        /// Write the changes (workflow expressions, then voice capacities, then with --env the Flex configuration)
        #[arg(short = 'y', long, num_args = 0..=1, require_equals = true, default_value = "false", default_missing_value = "true", hide_default_value = true, value_name = "BOOL", value_parser = yes_no())]
        yes: bool,
    },
    #[command(about = "Host the bundle and create its plugin version (a dry run without -y/--yes)", long_about = DEPLOY_ABOUT)]
    Deploy {
        #[command(flatten)]
        deploy: DeployArgs,
        /// Upload, build and deploy the bundle, then create the plugin and its version
        #[arg(short = 'y', long, num_args = 0..=1, require_equals = true, default_value = "false", default_missing_value = "true", hide_default_value = true, value_name = "BOOL", value_parser = yes_no())]
        yes: bool,
    },
    #[command(about = "Release the active plugins plus this multi-call version (a dry run without -y/--yes)", long_about = RELEASE_ABOUT)]
    Release {
        /// The multi-call version to release (default: the version in ./Cargo.toml and ./package.json)
        #[arg(long, value_name = "V", value_parser = parse_version)]
        version: Option<String>,
        /// Create the plugins configuration and release it
        #[arg(short = 'y', long, num_args = 0..=1, require_equals = true, default_value = "false", default_missing_value = "true", hide_default_value = true, value_name = "BOOL", value_parser = yes_no())]
        yes: bool,
    },
    #[command(about = "Audit, apply (TaskRouter and Flex configuration), deploy and release, in order (a dry run without -y/--yes)", long_about = INSTALL_ABOUT)]
    Install {
        #[command(flatten)]
        taskrouter: TaskRouterArgs,
        /// The flex-config environment to write: flex-config/ui_attributes.common.json and ui_attributes.ENV.json (required)
        #[arg(long, value_name = "ENV", required = true, value_parser = parse_env_name)]
        env: String,
        /// The flex-config folder (default: ./flex-config)
        #[arg(long, value_name = "DIR")]
        flex_config: Option<PathBuf>,
        #[command(flatten)]
        deploy: DeployArgs,
        /// Carry it all out, stopping at the first failure
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

fn parse_env_name(v: &str) -> Result<String, String> {
    crate::flex_config::check_env_name(v)
        .map(|()| v.to_string())
        .map_err(|e| e.trim_start_matches("--env ").to_string())
}

fn parse_version(v: &str) -> Result<String, String> {
    crate::bundle::check_version(v)
        .map(|()| v.to_string())
        .map_err(|e| e.trim_start_matches("--version ").to_string())
}

fn parse_bundle_url(v: &str) -> Result<String, String> {
    let uri = v.parse::<ureq::http::Uri>().ok();
    let scheme_ok = uri.as_ref().and_then(|u| u.scheme_str()).is_some_and(|s| s == "http" || s == "https");
    let host_ok = uri.as_ref().and_then(|u| u.host()).is_some_and(|h| !h.is_empty());
    if scheme_ok && host_ok {
        Ok(v.to_string())
    } else {
        Err("must be an http:// or https:// URL where the bundle is served".into())
    }
}

fn parse_build_timeout(v: &str) -> Result<Duration, String> {
    v.parse::<u64>()
        .ok()
        .filter(|s| (1..=3600).contains(s))
        .map(Duration::from_secs)
        .ok_or_else(|| "must be a number of seconds from 1 to 3600".to_string())
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Read-only report.
    Audit,
    /// Plan, and write with `yes`.
    Apply {
        /// Write the changes.
        yes: bool,
    },
    /// Host the bundle and create the plugin version (`yes` in the options).
    Deploy(DeployOptions),
    /// Release this version (`yes` in the options).
    Release(ReleaseOptions),
    /// Audit, apply with `--env`, deploy, release; `yes` in the deploy options says whether to carry it out.
    Install(DeployOptions),
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
    /// `--env` (and `--flex-config`): with `apply` and `install`, the flex-config files to write.
    pub flex_files: Option<FlexFiles>,
}

impl TaskRouterArgs {
    fn options(&self) -> Options {
        Options {
            mode: self.mode,
            max_calls: self.max_calls,
            all_targets: self.all_targets,
            include_voice_off: self.include_voice_off,
        }
    }
}

impl DeployArgs {
    fn options(self, yes: bool) -> DeployOptions {
        DeployOptions {
            bundle: self.bundle,
            url: self.url,
            version: self.version,
            changelog: self.changelog,
            build_timeout: self.build_timeout.unwrap_or(DEFAULT_BUILD_TIMEOUT),
            yes,
        }
    }
}

fn flex_files(env: Option<String>, dir: Option<PathBuf>) -> Option<FlexFiles> {
    env.map(|env| FlexFiles {
        dir: dir.unwrap_or_else(FlexFiles::default_dir),
        env,
    })
}

/// Parses the arguments after the program name. Help and version come back as
/// errors whose [`clap::Error::exit_code`] is 0; print them to stdout.
pub fn parse_args(args: &[String]) -> Result<Args, clap::Error> {
    let cli = Cli::try_parse_from(std::iter::once("multi-call-setup".to_string()).chain(args.iter().cloned()))?;
    let mut parsed = Args {
        command: Command::Audit,
        workspace: None,
        workers: None,
        skip_flex: false,
        json: cli.json,
        options: Options::default(),
        flex_files: None,
    };
    let taskrouter = |t: TaskRouterArgs, parsed: &mut Args| {
        parsed.options = t.options();
        parsed.workspace = t.workspace;
        parsed.workers = t.workers;
    };
    match cli.command {
        Sub::Audit { taskrouter: t, skip_flex } => {
            taskrouter(t, &mut parsed);
            parsed.skip_flex = skip_flex.skip_flex;
        }
        Sub::Apply { taskrouter: t, skip_flex, env, flex_config, yes } => {
            taskrouter(t, &mut parsed);
            parsed.skip_flex = skip_flex.skip_flex;
            parsed.flex_files = flex_files(env, flex_config);
            parsed.command = Command::Apply { yes };
            if parsed.skip_flex && parsed.flex_files.is_some() {
                let mut cmd = Cli::command();
                return Err(cmd.error(
                    ErrorKind::ArgumentConflict,
                    "--env writes the Flex configuration, so it cannot go with --skip-flex",
                ));
            }
        }
        Sub::Deploy { deploy, yes } => parsed.command = Command::Deploy(deploy.options(yes)),
        Sub::Release { version, yes } => parsed.command = Command::Release(ReleaseOptions { version, yes }),
        Sub::Install { taskrouter: t, env, flex_config, deploy, yes } => {
            taskrouter(t, &mut parsed);
            parsed.flex_files = flex_files(Some(env), flex_config);
            parsed.command = Command::Install(deploy.options(yes));
        }
    }
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

/// The settings only `deploy`, `release` and `install` use: the Serverless hosts and the Build poll interval.
#[derive(Debug, Clone)]
pub struct PluginEnv {
    /// Serverless API base URL.
    pub serverless_base: String,
    /// Serverless upload host (Asset Version content goes there).
    pub upload_base: String,
    /// How often to poll a Build's status (tests shorten it).
    pub poll: Duration,
}

/// Reads the Serverless settings through `get`, as [`read_env`] reads the others.
pub fn read_plugin_env(get: &dyn Fn(&str) -> Option<String>) -> Result<PluginEnv, String> {
    let get = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let poll = match get("MULTI_CALL_SETUP_POLL_MS") {
        Some(ms) => Duration::from_millis(
            ms.parse()
                .map_err(|_| "MULTI_CALL_SETUP_POLL_MS must be a number of milliseconds")?,
        ),
        None => Duration::from_secs(1),
    };
    Ok(PluginEnv {
        serverless_base: base_url(&get, "TWILIO_SERVERLESS_BASE_URL", "https://serverless.twilio.com")?,
        upload_base: base_url(&get, "TWILIO_SERVERLESS_UPLOAD_BASE_URL", "https://serverless-upload.twilio.com")?,
        poll,
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


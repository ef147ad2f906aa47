//! `deploy`: ships the bundle the way Flex's own tooling does.
//!
//! The bundle becomes a Protected Asset of the account's Flex plugins
//! Serverless service (unique name `default`, created when missing), served
//! from an Environment named after the plugin at
//! `/plugins/plugin-multi-call/<version>/bundle.js`. A new Build keeps every
//! Asset Version the Environment already serves and adds this one; it is
//! deployed once Twilio reports it `completed`. Only then are the Plugin
//! (created when missing) and the PluginVersion created, so a version never
//! points at a bundle that is not served. With `--url` the bundle is already
//! served elsewhere: the URL is checked, and only the Plugin and the
//! PluginVersion are written.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::{json, Value};

use crate::bundle::PLUGIN_NAME;
use crate::http::{get_public, ApiError, Client, NoteSink};
use crate::plugins::{self, Plugin, PluginVersion};
use crate::serverless::{self, AssetVersion, Build, Environment, Serverless, Service};

/// The default time to wait for a Build to complete.
pub const DEFAULT_BUILD_TIMEOUT: Duration = Duration::from_secs(180);

/// What `deploy` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployOptions {
    /// `--bundle PATH`: the built bundle (default `dist/plugin-multi-call.js`, built when missing).
    pub bundle: Option<PathBuf>,
    /// `--url URL`: the bundle is already served there; nothing is hosted.
    pub url: Option<String>,
    /// `--version V`: the plugin version (default: the project's).
    pub version: Option<String>,
    /// `--changelog TEXT`: the PluginVersion's changelog.
    pub changelog: Option<String>,
    /// `--build-timeout SECS`: how long to wait for the Build.
    pub build_timeout: Duration,
    /// `--yes`: carry it out.
    pub yes: bool,
}

impl Default for DeployOptions {
    fn default() -> Self {
        DeployOptions {
            bundle: None,
            url: None,
            version: None,
            changelog: None,
            build_timeout: DEFAULT_BUILD_TIMEOUT,
            yes: false,
        }
    }
}

/// The APIs `deploy` and `release` use.
pub struct PluginApis<'a> {
    /// Flex (Configuration, PluginService).
    pub flex: &'a Client<'a>,
    /// Serverless and its upload host.
    pub serverless: &'a Serverless<'a>,
    /// How often to poll a Build's status.
    pub poll: Duration,
    /// Where progress notes go.
    pub note: NoteSink<'a>,
}

/// Where the bundle will be hosted, as read before anything is written.
#[derive(Debug, Clone, Serialize)]
pub struct Hosting {
    /// The `default` service, or `None` when it must be created.
    pub service: Option<Service>,
    /// Whether the Flex configuration lists the service in `serverless_service_sids`.
    pub registered: bool,
    /// The plugin's environment, or `None` when it must be created.
    pub environment: Option<Environment>,
    /// The Build the environment serves now.
    pub build: Option<Build>,
    /// The Asset path for this version.
    pub path: String,
    /// Asset Versions already at that path (from an earlier, unfinished deploy), dropped from the new Build.
    pub replaced: Vec<AssetVersion>,
}

/// Everything `deploy` would do.
#[derive(Debug, Clone, Serialize)]
pub struct DeployPlan {
    /// The version to deploy.
    pub version: String,
    /// The plugin, or `None` when it must be created.
    pub plugin: Option<Plugin>,
    /// This version when it already exists: then there is nothing to do.
    pub existing: Option<PluginVersion>,
    /// Serverless hosting, unless `--url` was given or the version exists.
    pub hosting: Option<Hosting>,
    /// The bundle's URL, when it is known before writing (`--url`, or an existing environment).
    pub url: Option<String>,
    /// The local bundle, when it is there (`None` with `--url`, or when it is still to be built).
    pub bundle: Option<LocalBundle>,
    /// The steps `--yes` takes, in order.
    pub steps: Vec<Step>,
}

/// The bundle file on disk, as planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalBundle {
    /// Its path, as given or the default.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// The bundle `deploy` would upload: `None` with `--url` (nothing is
/// uploaded) or when the default bundle is still to be built; an error when
/// a `--bundle` given cannot be read.
pub fn local_bundle(root: &std::path::Path, options: &DeployOptions) -> Result<Option<LocalBundle>, String> {
    if options.url.is_some() {
        return Ok(None);
    }
    let path = crate::bundle::bundle_path(root, options.bundle.as_deref());
    match std::fs::metadata(&path) {
        Ok(m) => Ok(Some(LocalBundle {
            path: path.display().to_string(),
            bytes: m.len(),
        })),
        Err(_) if options.bundle.is_none() => Ok(None),
        Err(e) => Err(format!("cannot read the bundle {}: {e}", path.display())),
    }
}

/// One write `deploy` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Build the bundle (`npm run build`), as it is missing.
    BuildBundle,
    /// Create the `default` Serverless service.
    CreateService,
    /// Add the service to the Flex configuration's `serverless_service_sids`, so Flex can load its protected assets.
    RegisterService,
    /// Create the plugin's Environment.
    CreateEnvironment,
    /// Create an Asset and upload the bundle as a Protected Asset Version.
    Upload,
    /// Create a Build of the served Asset Versions plus this one, and wait for it.
    Build,
    /// Deploy the Build to the Environment.
    Deploy,
    /// Check that the `--url` serves a bundle.
    CheckUrl,
    /// Create the Plugin.
    CreatePlugin,
    /// Create the PluginVersion.
    CreateVersion,
}

/// The asset path of a version's bundle.
pub fn asset_path(version: &str) -> String {
    format!("/plugins/{PLUGIN_NAME}/{version}/bundle.js")
}

fn registered(flex_config: &Value, service: &str) -> bool {
    flex_config
        .get("serverless_service_sids")
        .and_then(Value::as_array)
        .is_some_and(|l| l.iter().any(|s| s.as_str() == Some(service)))
}

/// Reads what exists and works out the steps; writes nothing.
pub fn plan(
    apis: &PluginApis<'_>,
    options: &DeployOptions,
    version: &str,
    bundle: Option<LocalBundle>,
) -> Result<DeployPlan, String> {
    let e = |e: ApiError| e.to_string();
    let plugin = plugins::find_plugin(apis.flex, PLUGIN_NAME).map_err(e)?;
    let existing = match &plugin {
        Some(p) => plugins::list_versions(apis.flex, &p.sid)
            .map_err(e)?
            .into_iter()
            .find(|v| v.version == version),
        None => None,
    };
    if let Some(v) = &existing {
        let wanted = options.url.clone();
        if wanted.as_ref().is_some_and(|u| *u != v.plugin_url) {
            return Err(format!(
                "{PLUGIN_NAME} {version} already exists ({}) with PluginUrl {}; a version is never overwritten: give the new bundle a new version (--version)",
                v.sid, v.plugin_url
            ));
        }
        return Ok(DeployPlan {
            version: version.into(),
            url: Some(v.plugin_url.clone()),
            plugin,
            existing,
            hosting: None,
            bundle: None,
            steps: Vec::new(),
        });
    }
    let mut steps = Vec::new();
    let (hosting, url) = match &options.url {
        Some(u) => {
            steps.push(Step::CheckUrl);
            (None, Some(u.clone()))
        }
        None => {
            let h = read_hosting(apis, version).map_err(e)?;
            if bundle.is_none() {
                steps.push(Step::BuildBundle);
            }
            if h.service.is_none() {
                steps.push(Step::CreateService);
            }
            if !h.registered {
                steps.push(Step::RegisterService);
            }
            if h.environment.is_none() {
                steps.push(Step::CreateEnvironment);
            }
            steps.extend([Step::Upload, Step::Build, Step::Deploy]);
            let url = h.environment.as_ref().map(|env| format!("https://{}{}", env.domain_name, h.path));
            (Some(h), url)
        }
    };
    if plugin.is_none() {
        steps.push(Step::CreatePlugin);
    }
    steps.push(Step::CreateVersion);
    Ok(DeployPlan {
        version: version.into(),
        plugin,
        existing,
        hosting,
        url,
        bundle,
        steps,
    })
}

fn read_hosting(apis: &PluginApis<'_>, version: &str) -> Result<Hosting, ApiError> {
    let service = serverless::find_service(apis.serverless, serverless::SERVICE_UNIQUE_NAME)?;
    let path = asset_path(version);
    let (mut environment, mut build, mut is_registered) = (None, None, false);
    if let Some(s) = &service {
        let config = apis.flex.get("reading the Flex configuration", "/v1/Configuration")?;
        is_registered = registered(&config, &s.sid);
        environment = serverless::list_environments(apis.serverless, &s.sid)?
            .into_iter()
            .find(|e| e.unique_name == PLUGIN_NAME);
        if let Some(b) = environment.as_ref().and_then(|e| e.build_sid.clone()) {
            build = Some(serverless::get_build(apis.serverless, &s.sid, &b)?);
        }
    }
    let replaced = build
        .iter()
        .flat_map(|b| b.asset_versions.iter())
        .filter(|a| a.path == path)
        .cloned()
        .collect();
    Ok(Hosting {
        service,
        registered: is_registered,
        environment,
        build,
        path,
        replaced,
    })
}

impl DeployPlan {
    /// Whether `--yes` would write anything.
    pub fn has_changes(&self) -> bool {
        !self.steps.is_empty()
    }

    /// Whether the bundle is hosted here (so it must be read, and built when missing).
    pub fn needs_bundle(&self) -> bool {
        self.hosting.is_some()
    }

    fn describe(&self, step: Step, timeout: Duration) -> String {
        let h = self.hosting.as_ref();
        let env = |h: &Hosting| {
            h.environment
                .as_ref()
                .map_or(format!("environment {PLUGIN_NAME}"), |e| {
                    format!("environment {PLUGIN_NAME} ({}, {})", e.sid, e.domain_name)
                })
        };
        match step {
            Step::BuildBundle => format!("build the bundle with `npm run build` ({} is missing)", crate::bundle::DEFAULT_BUNDLE),
            Step::CreateService => format!(
                "create the Serverless service '{}' (\"{}\"), where Flex plugins are hosted",
                serverless::SERVICE_UNIQUE_NAME,
                serverless::SERVICE_FRIENDLY_NAME
            ),
            Step::RegisterService => "add the service to the Flex configuration's serverless_service_sids, so Flex can load its protected assets".into(),
            Step::CreateEnvironment => format!("create environment {PLUGIN_NAME} in that service"),
            Step::Upload => format!(
                "upload the bundle{} as a Protected asset at {}",
                self.bundle.as_ref().map_or(String::new(), |b| format!(" ({}, {} bytes)", b.path, b.bytes)),
                h.map_or(String::new(), |h| h.path.clone())
            ),
            Step::Build => {
                let kept = h.and_then(|h| h.build.as_ref()).map_or(0, |b| b.asset_versions.len())
                    - h.map_or(0, |h| h.replaced.len());
                let functions = h.and_then(|h| h.build.as_ref()).map_or(0, |b| b.function_versions.len());
                let replaced = h.map_or(0, |h| h.replaced.len());
                format!(
                    "create a build of the {kept} asset version(s) served now{} plus the new one{}, and wait up to {} s for it to complete",
                    if functions > 0 { format!(" and {functions} function version(s)") } else { String::new() },
                    if replaced > 0 { format!(" (replacing {replaced} left at the same path by an unfinished deploy)") } else { String::new() },
                    timeout.as_secs()
                )
            }
            Step::Deploy => format!("deploy that build to {}", h.map_or(String::new(), env)),
            Step::CheckUrl => format!("check that {} serves the bundle", self.url.as_deref().unwrap_or("?")),
            Step::CreatePlugin => format!("create Flex plugin {PLUGIN_NAME}"),
            Step::CreateVersion => format!(
                "create plugin version {PLUGIN_NAME}@{} with PluginUrl {}{}",
                self.version,
                self.url.clone().unwrap_or_else(|| format!("https://<new environment's domain>{}", h.map_or(String::new(), |h| h.path.clone()))),
                if self.hosting.is_some() { " (Private: a protected asset)" } else { "" }
            ),
        }
    }
}

/// What `deploy --yes` did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeployResult {
    /// How many planned steps were done.
    pub done: usize,
    /// The error the next step stopped at.
    pub error: Option<String>,
    /// The PluginVersion created (or the existing one).
    pub version: Option<PluginVersion>,
}

impl DeployResult {
    /// Whether every step was done.
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }
}

/// What the steps learn and hand on.
#[derive(Default)]
struct Progress {
    service: Option<String>,
    environment: Option<Environment>,
    asset_version: Option<String>,
    build: Option<String>,
    plugin: Option<String>,
    url: Option<String>,
}

/// Carries out the plan in order, stopping at the first failure. `bundle`
/// supplies the bundle's bytes when a step needs them (building it if need be).
pub fn execute(
    apis: &PluginApis<'_>,
    plan: &DeployPlan,
    options: &DeployOptions,
    bundle: &mut dyn FnMut() -> Result<Vec<u8>, String>,
) -> DeployResult {
    let mut result = DeployResult {
        version: plan.existing.clone(),
        ..DeployResult::default()
    };
    let mut p = Progress {
        service: plan.hosting.as_ref().and_then(|h| h.service.as_ref().map(|s| s.sid.clone())),
        environment: plan.hosting.as_ref().and_then(|h| h.environment.clone()),
        plugin: plan.plugin.as_ref().map(|p| p.sid.clone()),
        url: plan.url.clone(),
        ..Progress::default()
    };
    let mut bytes: Option<Vec<u8>> = None;
    for step in &plan.steps {
        let outcome = run_step(apis, plan, options, *step, &mut p, &mut bytes, bundle, &mut result);
        match outcome {
            Ok(()) => result.done += 1,
            Err(e) => {
                result.error = Some(e);
                return result;
            }
        }
    }
    result
}

#[allow(clippy::too_many_arguments)]
fn run_step(
    apis: &PluginApis<'_>,
    plan: &DeployPlan,
    options: &DeployOptions,
    step: Step,
    p: &mut Progress,
    bytes: &mut Option<Vec<u8>>,
    bundle: &mut dyn FnMut() -> Result<Vec<u8>, String>,
    result: &mut DeployResult,
) -> Result<(), String> {
    let e = |e: ApiError| e.to_string();
    let s = apis.serverless;
    let need = |v: &Option<String>, what: &str| v.clone().ok_or_else(|| format!("internal: no {what} before this step"));
    match step {
        Step::BuildBundle => *bytes = Some(bundle()?),
        Step::CreateService => p.service = Some(serverless::create_service(s).map_err(e)?.sid),
        Step::RegisterService => {
            let service = need(&p.service, "service")?;
            let config = apis.flex.get("reading the Flex configuration", "/v1/Configuration").map_err(e)?;
            if !registered(&config, &service) {
                let mut sids: Vec<Value> = config
                    .get("serverless_service_sids")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                sids.push(json!(service));
                let mut body = json!({ "serverless_service_sids": sids });
                if let Some(a) = config.get("account_sid").filter(|v| v.is_string()) {
                    body["account_sid"] = a.clone();
                }
                apis.flex
                    .post_json("registering the Serverless service with Flex", "/v1/Configuration", &body)
                    .map_err(e)?;
            }
        }
        Step::CreateEnvironment => {
            let service = need(&p.service, "service")?;
            let taken: Vec<String> = serverless::list_environments(s, &service)
                .map_err(e)?
                .into_iter()
                .map(|e| e.domain_suffix)
                .collect();
            let seed = SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
            let suffix = serverless::new_domain_suffix(&taken, seed);
            let env = serverless::create_environment(s, &service, PLUGIN_NAME, &suffix).map_err(e)?;
            p.environment = Some(env);
        }
        Step::Upload => {
            let service = need(&p.service, "service")?;
            if bytes.is_none() {
                *bytes = Some(bundle()?);
            }
            let content = bytes.as_deref().unwrap_or_default();
            let path = asset_path(&plan.version);
            let asset = serverless::create_asset(s, &service, PLUGIN_NAME).map_err(e)?;
            let v = serverless::upload_asset_version(s, &service, &asset, &path, "protected", "bundle.js", content)
                .map_err(e)?;
            p.asset_version = Some(v.sid);
        }
        Step::Build => {
            let service = need(&p.service, "service")?;
            let new = need(&p.asset_version, "uploaded asset version")?;
            let h = plan.hosting.as_ref().ok_or("internal: no hosting plan")?;
            let current = h.build.as_ref();
            let mut assets: Vec<String> = current
                .map(|b| {
                    b.asset_versions
                        .iter()
                        .filter(|a| a.path != h.path)
                        .map(|a| a.sid.clone())
                        .collect()
                })
                .unwrap_or_default();
            assets.push(new);
            let functions = current.map(|b| b.function_versions.clone()).unwrap_or_default();
            let deps = current.map(|b| b.dependencies.clone()).unwrap_or(Value::Null);
            // Keep the runtime the environment runs; with no build yet, Twilio picks its default.
            let runtime = current.and_then(|b| b.runtime.clone());
            let build = serverless::create_build(s, &service, &assets, &functions, &deps, runtime.as_deref()).map_err(e)?;
            (apis.note)(&format!("note: waiting for build {} to complete (up to {} s)", build.sid, options.build_timeout.as_secs()));
            serverless::wait_for_build(s, &service, &build.sid, options.build_timeout, apis.poll)
                .map_err(|w| format!("build {}: {w}", build.sid))?;
            p.build = Some(build.sid);
        }
        Step::Deploy => {
            let service = need(&p.service, "service")?;
            let build = need(&p.build, "build")?;
            let env = p.environment.clone().ok_or("internal: no environment before this step")?;
            serverless::create_deployment(s, &service, &env.sid, &build).map_err(e)?;
            p.url = Some(format!("https://{}{}", env.domain_name, asset_path(&plan.version)));
        }
        Step::CheckUrl => {
            let url = need(&p.url, "URL")?;
            check_public_url(&url)?;
        }
        Step::CreatePlugin => {
            let plugin = plugins::create_plugin(
                apis.flex,
                PLUGIN_NAME,
                "multi-call",
                "More than one voice call per agent",
            )
            .map_err(e)?;
            p.plugin = Some(plugin.sid);
        }
        Step::CreateVersion => {
            let plugin = need(&p.plugin, "plugin")?;
            let url = need(&p.url, "plugin URL")?;
            let changelog = options
                .changelog
                .clone()
                .unwrap_or_else(|| format!("multi-call {}", plan.version));
            let v = plugins::create_version(apis.flex, &plugin, &plan.version, &url, plan.hosting.is_some(), &changelog)
                .map_err(e)?;
            result.version = Some(v);
        }
    }
    Ok(())
}

/// Checks a public bundle URL answers 2xx with a body (no credentials are sent).
pub fn check_public_url(url: &str) -> Result<(), String> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(format!("--url must be an http(s) URL, not '{url}'"));
    }
    match get_public(url) {
        Ok((status, body)) if (200..300).contains(&status) && !body.is_empty() => Ok(()),
        Ok((status, _)) if (200..300).contains(&status) => Err(format!("{url} answers HTTP {status} with an empty body; the bundle is not served there")),
        Ok((status, _)) => Err(format!("{url} answers HTTP {status}; the bundle is not served there")),
        Err(e) => Err(format!("cannot fetch {url}: {e}; the bundle must be served there before a version can point at it")),
    }
}

/// Renders the plan (and, after `--yes`, the result) for people.
pub fn render_text(plan: &DeployPlan, options: &DeployOptions, result: Option<&DeployResult>) -> String {
    let mut out = format!("Deploy {PLUGIN_NAME} {}:\n", plan.version);
    if let Some(v) = &plan.existing {
        out.push_str(&format!(
            "  {PLUGIN_NAME} {} is already deployed ({}, {}); nothing to do.\n  A version is never overwritten: to ship a changed bundle, give it a new version (--version).\n",
            v.version, v.sid, v.plugin_url
        ));
        return out;
    }
    for (i, step) in plan.steps.iter().enumerate() {
        out.push_str(&format!("  {}. {}\n", i + 1, plan.describe(*step, options.build_timeout)));
        if let Some(r) = result {
            match i.cmp(&r.done) {
                std::cmp::Ordering::Less => out.push_str("     => done\n"),
                std::cmp::Ordering::Equal => {
                    if let Some(e) = &r.error {
                        out.push_str(&format!("     => FAILED: {e}\n"));
                    }
                }
                std::cmp::Ordering::Greater => out.push_str("     => not attempted\n"),
            }
        }
    }
    if let Some(v) = result.and_then(|r| r.version.as_ref()) {
        out.push_str(&format!("  {PLUGIN_NAME}@{} is {} at {}\n", v.version, v.sid, v.plugin_url));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_asset_path_is_the_one_flex_tooling_uses() {
        assert_eq!(asset_path("1.2.3"), "/plugins/plugin-multi-call/1.2.3/bundle.js");
    }

    #[test]
    fn registration_reads_serverless_service_sids() {
        assert!(registered(&json!({ "serverless_service_sids": ["ZS1"] }), "ZS1"));
        assert!(!registered(&json!({ "serverless_service_sids": null }), "ZS1"));
    }

    #[test]
    fn a_url_that_is_not_http_is_refused_by_name() {
        assert!(check_public_url("ftp://x/b.js").unwrap_err().contains("'ftp://x/b.js'"));
    }
}

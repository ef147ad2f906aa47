//! `release`: a new Flex plugins Configuration holding every plugin version
//! of the active release plus this multi-call version (in place of an older
//! one), then a Release of it. Nothing is released unless the bundle the
//! version points at is served.

use serde::Serialize;

use crate::bundle::PLUGIN_NAME;
use crate::deploy::{check_public_url, PluginApis};
use crate::http::ApiError;
use crate::plugins::{self, ConfiguredPlugin, Plugin, PluginVersion, Release, DEFAULT_PHASE};
use crate::serverless;

/// What `release` was asked to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseOptions {
    /// `--version V`: the multi-call version to release (default: the project's).
    pub version: Option<String>,
    /// `--yes`: carry it out.
    pub yes: bool,
}

/// How a plugin fares in the next release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", content = "from", rename_all = "snake_case")]
pub enum Change {
    /// Another plugin, kept as the active release has it.
    Kept,
    /// multi-call, already at this version.
    Unchanged,
    /// multi-call, new in the release.
    Added,
    /// multi-call, in place of the older version named.
    Replaced(String),
}

/// One plugin the agents will load.
#[derive(Debug, Clone, Serialize)]
pub struct NextPlugin {
    /// Its unique name.
    pub unique_name: String,
    /// Its version.
    pub version: String,
    /// Its `FV…`; `None` for a multi-call version still to be deployed (an `install` dry run).
    pub plugin_version_sid: Option<String>,
    /// Its load phase.
    pub phase: i64,
    /// Its bundle's URL, when known.
    pub plugin_url: String,
    /// What changes.
    pub change: Change,
}

/// Everything `release` would do.
#[derive(Debug, Clone, Serialize)]
pub struct ReleasePlan {
    /// The multi-call version to release.
    pub version: String,
    /// That version, or `None` when `install` has yet to deploy it.
    pub target: Option<PluginVersion>,
    /// The active release, if any.
    pub active: Option<Release>,
    /// The plugins of the active release.
    pub current: Vec<ConfiguredPlugin>,
    /// The plugins of the next release.
    pub next: Vec<NextPlugin>,
}

impl ReleasePlan {
    /// Whether a new configuration and release are needed.
    pub fn has_changes(&self) -> bool {
        self.next.iter().any(|p| p.change != Change::Kept && p.change != Change::Unchanged)
    }
}

/// The multi-call plugin, the version asked for, and every version it has.
type Found = (Option<Plugin>, Option<PluginVersion>, Vec<String>);

/// Finds the multi-call plugin and this version of it.
pub fn find_version(apis: &PluginApis<'_>, version: &str) -> Result<Found, ApiError> {
    let Some(plugin) = plugins::find_plugin(apis.flex, PLUGIN_NAME)? else {
        return Ok((None, None, Vec::new()));
    };
    let versions = plugins::list_versions(apis.flex, &plugin.sid)?;
    let names = versions.iter().map(|v| v.version.clone()).collect();
    let found = versions.into_iter().find(|v| v.version == version);
    Ok((Some(plugin), found, names))
}

/// Checks the bundle a version points at is served: a protected asset must be
/// in the Build its environment serves; any other URL must answer 2xx.
pub fn check_served(apis: &PluginApis<'_>, v: &PluginVersion) -> Result<(), String> {
    let e = |e: ApiError| e.to_string();
    let rest = v
        .plugin_url
        .split_once("://")
        .map(|(_, r)| r)
        .ok_or_else(|| format!("{PLUGIN_NAME} {} has PluginUrl '{}', which is not a URL", v.version, v.plugin_url))?;
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    if let Some(service) = serverless::find_service(apis.serverless, serverless::SERVICE_UNIQUE_NAME).map_err(e)? {
        let envs = serverless::list_environments(apis.serverless, &service.sid).map_err(e)?;
        if let Some(env) = envs.iter().find(|env| env.domain_name == host) {
            let served = match &env.build_sid {
                Some(b) => serverless::get_build(apis.serverless, &service.sid, b)
                    .map_err(e)?
                    .asset_versions
                    .iter()
                    .any(|a| a.path == path),
                None => false,
            };
            return if served {
                Ok(())
            } else {
                Err(format!(
                    "{PLUGIN_NAME} {} points at {}, which environment {} does not serve; not releasing it (deploy it again with a new version)",
                    v.version, v.plugin_url, env.unique_name
                ))
            };
        }
    }
    check_public_url(&v.plugin_url).map_err(|e| format!("{PLUGIN_NAME} {}: {e}; not releasing it", v.version))
}

/// Reads the active release and works out the next one; writes nothing.
/// `pending` is a version `install` will deploy first (its URL when known).
pub fn plan(apis: &PluginApis<'_>, version: &str, pending: Option<&str>) -> Result<ReleasePlan, String> {
    let e = |e: ApiError| e.to_string();
    let (plugin, target, known) = find_version(apis, version).map_err(e)?;
    match (&target, pending) {
        (Some(v), _) => check_served(apis, v)?,
        (None, Some(_)) => {}
        (None, None) => {
            return Err(format!(
                "{PLUGIN_NAME} {version} is not deployed; run `multi-call-setup deploy` first{}",
                if known.is_empty() { String::new() } else { format!(" (deployed versions: {})", known.join(", ")) }
            ))
        }
    }
    let active = plugins::active_release(apis.flex).map_err(e)?;
    let current = match &active {
        Some(r) => plugins::configured_plugins(apis.flex, &r.configuration_sid).map_err(e)?,
        None => Vec::new(),
    };
    let ours = |c: &ConfiguredPlugin| c.unique_name == PLUGIN_NAME || plugin.as_ref().is_some_and(|p| p.sid == c.plugin_sid);
    let target_entry = |change: Change, phase: i64| NextPlugin {
        unique_name: PLUGIN_NAME.into(),
        version: version.into(),
        plugin_version_sid: target.as_ref().map(|t| t.sid.clone()),
        phase,
        plugin_url: target.as_ref().map_or_else(|| pending.unwrap_or_default().to_string(), |t| t.plugin_url.clone()),
        change,
    };
    let mut next = Vec::new();
    let mut placed = false;
    for c in &current {
        if ours(c) {
            if placed {
                continue;
            }
            placed = true;
            let same = target.as_ref().is_some_and(|t| t.sid == c.plugin_version_sid);
            next.push(target_entry(if same { Change::Unchanged } else { Change::Replaced(c.version.clone()) }, c.phase));
        } else {
            next.push(NextPlugin {
                unique_name: c.unique_name.clone(),
                version: c.version.clone(),
                plugin_version_sid: Some(c.plugin_version_sid.clone()),
                phase: c.phase,
                plugin_url: c.plugin_url.clone(),
                change: Change::Kept,
            });
        }
    }
    if !placed {
        next.push(target_entry(Change::Added, DEFAULT_PHASE));
    }
    Ok(ReleasePlan {
        version: version.into(),
        target,
        active,
        current,
        next,
    })
}

/// What `release --yes` did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReleaseResult {
    /// The new configuration's `FJ…`.
    pub configuration: Option<String>,
    /// The new release's `FK…`.
    pub release: Option<String>,
    /// The error it stopped at.
    pub error: Option<String>,
}

/// Creates the configuration, checks Twilio stored exactly those plugin
/// versions, then releases it.
pub fn execute(apis: &PluginApis<'_>, plan: &ReleasePlan) -> ReleaseResult {
    let mut result = ReleaseResult::default();
    let mut versions = Vec::new();
    for p in &plan.next {
        match &p.plugin_version_sid {
            Some(sid) => versions.push((sid.clone(), p.phase)),
            None => {
                result.error = Some(format!("internal: {} {} has no plugin version yet", p.unique_name, p.version));
                return result;
            }
        }
    }
    let others = plan.next.len() - 1;
    let name = format!("{PLUGIN_NAME}@{}", plan.version);
    let description = format!(
        "multi-call {} with the {others} other plugin(s) of {}; made by multi-call-setup",
        plan.version,
        plan.active.as_ref().map_or("no earlier release".to_string(), |r| format!("release {}", r.sid))
    );
    let cfg = match plugins::create_configuration(apis.flex, &name, &description, &versions) {
        Ok(c) => c,
        Err(e) => {
            result.error = Some(e.to_string());
            return result;
        }
    };
    result.configuration = Some(cfg.clone());
    match plugins::configured_plugins(apis.flex, &cfg) {
        Ok(stored) => {
            let mut got: Vec<&str> = stored.iter().map(|c| c.plugin_version_sid.as_str()).collect();
            let mut want: Vec<&str> = versions.iter().map(|(s, _)| s.as_str()).collect();
            got.sort_unstable();
            want.sort_unstable();
            if got != want {
                result.error = Some(format!(
                    "configuration {cfg} holds plugin versions {got:?}, not the {want:?} sent; not releasing it"
                ));
                return result;
            }
        }
        Err(e) => {
            result.error = Some(e.to_string());
            return result;
        }
    }
    match plugins::create_release(apis.flex, &cfg) {
        Ok(r) => result.release = Some(r),
        Err(e) => result.error = Some(e.to_string()),
    }
    result
}

/// Renders the plan (and, after `--yes`, the result) for people: what the agents will get.
pub fn render_text(plan: &ReleasePlan, result: Option<&ReleaseResult>) -> String {
    let mut out = format!("Release {PLUGIN_NAME} {}:\n", plan.version);
    match &plan.active {
        Some(r) => out.push_str(&format!(
            "  active release {} (configuration {}) has {} plugin(s)\n",
            r.sid,
            r.configuration_sid,
            plan.current.len()
        )),
        None => out.push_str("  no release yet: agents load no plugins from the Plugins API\n"),
    }
    if !plan.has_changes() {
        out.push_str(&format!(
            "  the active release already has {PLUGIN_NAME} {}; nothing to do.\n",
            plan.version
        ));
    }
    out.push_str(if plan.has_changes() {
        "  agents will load, on their next Flex page load:\n"
    } else {
        "  agents load:\n"
    });
    for p in &plan.next {
        let note = match &p.change {
            Change::Kept | Change::Unchanged => String::new(),
            Change::Added => "  (new)".into(),
            Change::Replaced(from) => format!("  (replaces {from})"),
        };
        out.push_str(&format!(
            "    {}@{}  phase {}  {}{note}\n",
            p.unique_name,
            p.version,
            p.phase,
            if p.plugin_url.is_empty() { "<URL once deployed>" } else { &p.plugin_url }
        ));
    }
    if let Some(r) = result {
        match (&r.configuration, &r.release, &r.error) {
            (_, Some(rel), _) => out.push_str(&format!(
                "  => released: configuration {}, release {rel}\n",
                r.configuration.as_deref().unwrap_or("?")
            )),
            (Some(cfg), None, Some(e)) => out.push_str(&format!("  => FAILED after creating configuration {cfg} (not released): {e}\n")),
            (None, None, Some(e)) => out.push_str(&format!("  => FAILED: {e}\n")),
            _ => {}
        }
    }
    out
}

//! The Flex Plugins API (`/v1/PluginService`): Plugins, their Versions,
//! Configurations (sets of plugin versions) and Releases (the active one).

use serde::Serialize;
use serde_json::{json, Value};

use crate::http::{sid_of, str_of, ApiError, Client};

/// Page size for list calls.
const PAGE_SIZE: u32 = 100;

/// The phase Twilio's CLI gives every plugin in a configuration.
pub const DEFAULT_PHASE: i64 = 3;

/// A Flex plugin.
#[derive(Debug, Clone, Serialize)]
pub struct Plugin {
    /// `FP…`.
    pub sid: String,
    /// Its unique name.
    pub unique_name: String,
}

/// One version of a plugin: where its bundle is served.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PluginVersion {
    /// `FV…`.
    pub sid: String,
    /// The plugin's `FP…`.
    pub plugin_sid: String,
    /// The version, such as `0.1.0`.
    pub version: String,
    /// The bundle's URL.
    pub plugin_url: String,
    /// Whether the bundle is a protected asset (Flex sends a token to fetch it).
    pub private: bool,
}

/// A plugin version as a configuration holds it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ConfiguredPlugin {
    /// The plugin's `FP…`.
    pub plugin_sid: String,
    /// The version's `FV…`.
    pub plugin_version_sid: String,
    /// The plugin's unique name.
    pub unique_name: String,
    /// The version.
    pub version: String,
    /// The bundle's URL.
    pub plugin_url: String,
    /// The load phase.
    pub phase: i64,
}

/// A release: which configuration agents load.
#[derive(Debug, Clone, Serialize)]
pub struct Release {
    /// `FK…`.
    pub sid: String,
    /// The configuration's `FJ…`.
    pub configuration_sid: String,
}

fn plugin_from(v: &Value, what: &str) -> Result<Plugin, ApiError> {
    Ok(Plugin { sid: sid_of(v, what)?, unique_name: str_of(v, "unique_name") })
}

fn version_from(v: &Value, what: &str) -> Result<PluginVersion, ApiError> {
    Ok(PluginVersion {
        sid: sid_of(v, what)?,
        plugin_sid: str_of(v, "plugin_sid"),
        version: str_of(v, "version"),
        plugin_url: str_of(v, "plugin_url"),
        private: v.get("private").and_then(Value::as_bool).unwrap_or(false),
    })
}

/// Finds a plugin by unique name (listing, as the API key's grants may not allow a lookup by name).
pub fn find_plugin(flex: &Client<'_>, unique_name: &str) -> Result<Option<Plugin>, ApiError> {
    let what = "listing Flex plugins";
    let items = flex.list(what, &format!("/v1/PluginService/Plugins?PageSize={PAGE_SIZE}"), "plugins")?;
    for v in &items {
        if v.get("unique_name").and_then(Value::as_str) == Some(unique_name) {
            return Ok(Some(plugin_from(v, what)?));
        }
    }
    Ok(None)
}

/// Creates a plugin.
pub fn create_plugin(flex: &Client<'_>, unique_name: &str, friendly_name: &str, description: &str) -> Result<Plugin, ApiError> {
    let what = format!("creating Flex plugin {unique_name}");
    let v = flex.post(
        &what,
        "/v1/PluginService/Plugins",
        &[
            ("UniqueName", unique_name.into()),
            ("FriendlyName", friendly_name.into()),
            ("Description", description.into()),
        ],
    )?;
    plugin_from(&v, &what)
}

/// Lists a plugin's versions.
pub fn list_versions(flex: &Client<'_>, plugin_sid: &str) -> Result<Vec<PluginVersion>, ApiError> {
    let what = format!("listing the versions of plugin {plugin_sid}");
    let items = flex.list(
        &what,
        &format!("/v1/PluginService/Plugins/{plugin_sid}/Versions?PageSize={PAGE_SIZE}"),
        "plugin_versions",
    )?;
    items.iter().map(|v| version_from(v, &what)).collect()
}

/// Creates a plugin version pointing at a served bundle.
pub fn create_version(
    flex: &Client<'_>,
    plugin_sid: &str,
    version: &str,
    plugin_url: &str,
    private: bool,
    changelog: &str,
) -> Result<PluginVersion, ApiError> {
    let what = format!("creating version {version} of plugin {plugin_sid}");
    let v = flex.post(
        &what,
        &format!("/v1/PluginService/Plugins/{plugin_sid}/Versions"),
        &[
            ("Version", version.into()),
            ("PluginUrl", plugin_url.into()),
            ("Private", private.to_string()),
            ("Changelog", changelog.into()),
        ],
    )?;
    version_from(&v, &what)
}

/// The active release: the newest, the first Twilio lists (as the Twilio CLI reads it).
pub fn active_release(flex: &Client<'_>) -> Result<Option<Release>, ApiError> {
    let what = "reading the active Flex plugins release";
    let page = flex.get(what, &format!("/v1/PluginService/Releases?PageSize={PAGE_SIZE}"))?;
    let Some(first) = page.get("releases").and_then(Value::as_array).and_then(|r| r.first()) else {
        return Ok(None);
    };
    Ok(Some(Release { sid: sid_of(first, what)?, configuration_sid: str_of(first, "configuration_sid") }))
}

/// The plugin versions a configuration holds.
pub fn configured_plugins(flex: &Client<'_>, configuration_sid: &str) -> Result<Vec<ConfiguredPlugin>, ApiError> {
    let what = format!("listing the plugins of configuration {configuration_sid}");
    let items = flex.list(
        &what,
        &format!("/v1/PluginService/Configurations/{configuration_sid}/Plugins?PageSize={PAGE_SIZE}"),
        "plugins",
    )?;
    Ok(items
        .iter()
        .map(|v| ConfiguredPlugin {
            plugin_sid: str_of(v, "plugin_sid"),
            plugin_version_sid: str_of(v, "plugin_version_sid"),
            unique_name: str_of(v, "unique_name"),
            version: str_of(v, "version"),
            plugin_url: str_of(v, "plugin_url"),
            phase: v.get("phase").and_then(Value::as_i64).unwrap_or(DEFAULT_PHASE),
        })
        .collect())
}

/// Creates a configuration of these plugin versions (`FV…`, phase); returns its `FJ…`.
pub fn create_configuration(
    flex: &Client<'_>,
    name: &str,
    description: &str,
    versions: &[(String, i64)],
) -> Result<String, ApiError> {
    let what = format!("creating Flex plugins configuration '{name}'");
    let mut form: Vec<(&str, String)> = vec![("Name", name.into()), ("Description", description.into())];
    // Each plugin is one `Plugins` field holding a JSON object, as Twilio's own example sends it.
    form.extend(
        versions
            .iter()
            .map(|(sid, phase)| ("Plugins", json!({ "plugin_version": sid, "phase": phase }).to_string())),
    );
    let v = flex.post(&what, "/v1/PluginService/Configurations", &form)?;
    sid_of(&v, &what)
}

/// Releases a configuration: agents load it on their next page load.
pub fn create_release(flex: &Client<'_>, configuration_sid: &str) -> Result<String, ApiError> {
    let what = format!("releasing configuration {configuration_sid}");
    let v = flex.post(&what, "/v1/PluginService/Releases", &[("ConfigurationId", configuration_sid.into())])?;
    sid_of(&v, &what)
}

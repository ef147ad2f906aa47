//! The Serverless API as Flex's plugin tooling uses it: the `default`
//! Service, one Environment per plugin, Protected Assets, Builds and
//! Deployments. The Asset content goes to a separate upload host.

use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use crate::http::{sid_of, str_of, ApiError, Client, Upload};

/// Page size for list calls.
const PAGE_SIZE: u32 = 100;

/// The unique name of the Service that Flex's plugin tooling hosts plugins in.
pub const SERVICE_UNIQUE_NAME: &str = "default";

/// The Service's friendly name when it has to be created, as the Twilio CLI names it.
pub const SERVICE_FRIENDLY_NAME: &str = "Flex Plugins Default Service";

/// The two Serverless hosts.
pub struct Serverless<'a> {
    /// `serverless.twilio.com`: Services, Environments, Assets, Builds, Deployments.
    pub api: Client<'a>,
    /// `serverless-upload.twilio.com`: Asset Version content.
    pub upload: Client<'a>,
}

/// A Serverless Service.
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    /// `ZS…`.
    pub sid: String,
    /// Its unique name.
    pub unique_name: String,
}

/// A Serverless Environment.
#[derive(Debug, Clone, Serialize)]
pub struct Environment {
    /// `ZE…`.
    pub sid: String,
    /// Its unique name (the plugin's name).
    pub unique_name: String,
    /// The part of the domain it chose.
    pub domain_suffix: String,
    /// The host its assets are served from.
    pub domain_name: String,
    /// The Build deployed to it, if any.
    pub build_sid: Option<String>,
}

/// One Asset Version in a Build.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AssetVersion {
    /// `ZN…`.
    pub sid: String,
    /// The path it is served at.
    pub path: String,
    /// `public`, `protected` or `private`.
    pub visibility: String,
}

/// A Build: what an Environment serves once it is deployed.
#[derive(Debug, Clone, Serialize)]
pub struct Build {
    /// `ZB…`.
    pub sid: String,
    /// `building`, `completed` or `failed`.
    pub status: String,
    /// Its Asset Versions.
    pub asset_versions: Vec<AssetVersion>,
    /// Its Function Version SIDs.
    pub function_versions: Vec<String>,
    /// Its dependencies, as Twilio lists them (`[{name, version}]`).
    pub dependencies: Value,
    /// Its runtime (`node18`, …), if Twilio says.
    pub runtime: Option<String>,
}

fn service_from(v: &Value, what: &str) -> Result<Service, ApiError> {
    Ok(Service { sid: sid_of(v, what)?, unique_name: str_of(v, "unique_name") })
}

fn environment_from(v: &Value, what: &str) -> Result<Environment, ApiError> {
    Ok(Environment {
        sid: sid_of(v, what)?,
        unique_name: str_of(v, "unique_name"),
        domain_suffix: str_of(v, "domain_suffix"),
        domain_name: str_of(v, "domain_name"),
        build_sid: v.get("build_sid").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string),
    })
}

fn build_from(v: &Value, what: &str) -> Result<Build, ApiError> {
    let versions = |key: &str| -> Vec<Value> { v.get(key).and_then(Value::as_array).cloned().unwrap_or_default() };
    Ok(Build {
        sid: sid_of(v, what)?,
        status: str_of(v, "status"),
        asset_versions: versions("asset_versions")
            .iter()
            .map(|a| AssetVersion {
                sid: str_of(a, "sid"),
                path: str_of(a, "path"),
                visibility: str_of(a, "visibility").to_ascii_lowercase(),
            })
            .filter(|a| !a.sid.is_empty())
            .collect(),
        function_versions: versions("function_versions")
            .iter()
            .map(|f| str_of(f, "sid"))
            .filter(|s| !s.is_empty())
            .collect(),
        dependencies: v.get("dependencies").cloned().unwrap_or(Value::Null),
        runtime: v.get("runtime").and_then(Value::as_str).map(str::to_string),
    })
}

/// Finds the Service with this unique name.
pub fn find_service(s: &Serverless<'_>, unique_name: &str) -> Result<Option<Service>, ApiError> {
    let what = "listing Serverless services";
    let items = s.api.list(what, &format!("/v1/Services?PageSize={PAGE_SIZE}"), "services")?;
    for v in &items {
        if v.get("unique_name").and_then(Value::as_str) == Some(unique_name) {
            return Ok(Some(service_from(v, what)?));
        }
    }
    Ok(None)
}

/// Creates the Service Flex's plugin tooling hosts plugins in.
pub fn create_service(s: &Serverless<'_>) -> Result<Service, ApiError> {
    let what = "creating the Serverless service 'default' for Flex plugins";
    let v = s.api.post(
        what,
        "/v1/Services",
        &[("UniqueName", SERVICE_UNIQUE_NAME.into()), ("FriendlyName", SERVICE_FRIENDLY_NAME.into())],
    )?;
    service_from(&v, what)
}

/// Lists a Service's Environments.
pub fn list_environments(s: &Serverless<'_>, service: &str) -> Result<Vec<Environment>, ApiError> {
    let what = format!("listing the environments of service {service}");
    let items = s.api.list(
        &what,
        &format!("/v1/Services/{service}/Environments?PageSize={PAGE_SIZE}"),
        "environments",
    )?;
    items.iter().map(|v| environment_from(v, &what)).collect()
}

/// Creates an Environment.
pub fn create_environment(
    s: &Serverless<'_>,
    service: &str,
    unique_name: &str,
    domain_suffix: &str,
) -> Result<Environment, ApiError> {
    let what = format!("creating environment {unique_name} in service {service}");
    let v = s.api.post(
        &what,
        &format!("/v1/Services/{service}/Environments"),
        &[("UniqueName", unique_name.into()), ("DomainSuffix", domain_suffix.into())],
    )?;
    environment_from(&v, &what)
}

/// Fetches a Build.
pub fn get_build(s: &Serverless<'_>, service: &str, build: &str) -> Result<Build, ApiError> {
    let what = format!("reading build {build}");
    let v = s.api.get(&what, &format!("/v1/Services/{service}/Builds/{build}"))?;
    build_from(&v, &what)
}

/// Creates an Asset (a named slot that Asset Versions fill).
pub fn create_asset(s: &Serverless<'_>, service: &str, friendly_name: &str) -> Result<String, ApiError> {
    let what = format!("creating an asset in service {service}");
    let v = s.api.post(
        &what,
        &format!("/v1/Services/{service}/Assets"),
        &[("FriendlyName", friendly_name.into())],
    )?;
    sid_of(&v, &what)
}

/// Uploads an Asset Version's content to the upload host.
pub fn upload_asset_version(
    s: &Serverless<'_>,
    service: &str,
    asset: &str,
    path: &str,
    visibility: &str,
    file_name: &str,
    content: &[u8],
) -> Result<AssetVersion, ApiError> {
    let what = format!("uploading {path} to asset {asset}");
    let upload = Upload {
        fields: vec![("Path".into(), path.into()), ("Visibility".into(), visibility.into())],
        file_field: "Content".into(),
        file_name: file_name.into(),
        content_type: "application/javascript".into(),
        content: content.to_vec(),
    };
    let v = s.upload.post_multipart(&what, &format!("/v1/Services/{service}/Assets/{asset}/Versions"), &upload)?;
    Ok(AssetVersion {
        sid: sid_of(&v, &what)?,
        path: str_of(&v, "path"),
        visibility: str_of(&v, "visibility").to_ascii_lowercase(),
    })
}

/// Creates a Build of these Asset and Function Versions.
pub fn create_build(
    s: &Serverless<'_>,
    service: &str,
    assets: &[String],
    functions: &[String],
    dependencies: &Value,
    runtime: Option<&str>,
) -> Result<Build, ApiError> {
    let what = format!("creating a build in service {service}");
    let mut form: Vec<(&str, String)> = Vec::new();
    form.extend(assets.iter().map(|a| ("AssetVersions", a.clone())));
    form.extend(functions.iter().map(|f| ("FunctionVersions", f.clone())));
    if dependencies.as_array().is_some_and(|d| !d.is_empty()) {
        form.push(("Dependencies", dependencies.to_string()));
    }
    if let Some(r) = runtime {
        form.push(("Runtime", r.to_string()));
    }
    let v = s.api.post(&what, &format!("/v1/Services/{service}/Builds"), &form)?;
    build_from(&v, &what)
}

/// Reads a Build's status: `building`, `completed` or `failed`.
pub fn build_status(s: &Serverless<'_>, service: &str, build: &str) -> Result<String, ApiError> {
    let what = format!("reading the status of build {build}");
    let v = s.api.get(&what, &format!("/v1/Services/{service}/Builds/{build}/Status"))?;
    Ok(str_of(&v, "status"))
}

/// Why waiting for a Build did not end in `completed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildWait {
    /// Twilio says the Build failed.
    Failed,
    /// It was still building when the time ran out.
    TimedOut(Duration),
    /// Reading the status failed.
    Api(ApiError),
}

impl std::fmt::Display for BuildWait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildWait::Failed => write!(f, "Twilio reports the build failed; nothing was deployed (check the Serverless service's build logs in the Console)"),
            BuildWait::TimedOut(t) => write!(f, "the build was still not complete after {} s; nothing was deployed (raise --build-timeout, or run again later)", t.as_secs()),
            BuildWait::Api(e) => write!(f, "{e}"),
        }
    }
}

/// Polls a Build's status every `interval` until it is `completed`, fails, or `timeout` passes.
pub fn wait_for_build(
    s: &Serverless<'_>,
    service: &str,
    build: &str,
    timeout: Duration,
    interval: Duration,
) -> Result<(), BuildWait> {
    let start = Instant::now();
    loop {
        match build_status(s, service, build).map_err(BuildWait::Api)?.as_str() {
            "completed" => return Ok(()),
            "failed" => return Err(BuildWait::Failed),
            _ if start.elapsed() >= timeout => return Err(BuildWait::TimedOut(timeout)),
            _ => std::thread::sleep(interval.min(timeout.saturating_sub(start.elapsed()))),
        }
    }
}

/// Deploys a Build to an Environment.
pub fn create_deployment(s: &Serverless<'_>, service: &str, environment: &str, build: &str) -> Result<String, ApiError> {
    let what = format!("deploying build {build} to environment {environment}");
    let v = s.api.post(
        &what,
        &format!("/v1/Services/{service}/Environments/{environment}/Deployments"),
        &[("BuildSid", build.into())],
    )?;
    sid_of(&v, &what)
}

/// A new five-character domain suffix that no Environment of the service has, as the Twilio CLI picks.
pub fn new_domain_suffix(taken: &[String], seed: u64) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    // Not a secret, only unique among a handful: a mixed counter is enough.
    let mut x = seed | 1;
    loop {
        let suffix: String = (0..5)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                ALPHABET[(x % ALPHABET.len() as u64) as usize] as char
            })
            .collect();
        if !taken.contains(&suffix) {
            return suffix;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_suffixes_are_five_url_safe_characters_and_avoid_taken_ones() {
        let first = new_domain_suffix(&[], 42);
        assert_eq!(first.len(), 5);
        assert!(first.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        let other = new_domain_suffix(std::slice::from_ref(&first), 42);
        assert_ne!(other, first);
    }

    #[test]
    fn build_answers_are_read_with_their_asset_paths() {
        let v = serde_json::json!({
            "sid": "ZB1", "status": "completed", "runtime": "node18",
            "asset_versions": [{ "sid": "ZN1", "path": "/a.js", "visibility": "PROTECTED" }],
            "function_versions": [{ "sid": "ZN2", "path": "/f" }],
            "dependencies": [{ "name": "twilio", "version": "3" }]
        });
        let b = build_from(&v, "x").unwrap();
        assert_eq!(b.asset_versions, vec![AssetVersion { sid: "ZN1".into(), path: "/a.js".into(), visibility: "protected".into() }]);
        assert_eq!(b.function_versions, vec!["ZN2".to_string()]);
        assert_eq!(b.runtime.as_deref(), Some("node18"));
    }
}

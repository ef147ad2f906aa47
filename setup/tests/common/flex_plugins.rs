//! The stateful fake's Serverless (Services, Environments, Assets and their
//! upload host, Builds, Deployments), Flex Configuration update and
//! PluginService (Plugins, Versions, Configurations, Releases).
//!
//! Builds go `building` → `completed` (or `failed`, when told) after a few
//! status polls; a Deployment of a Build that is not complete is refused, as
//! Twilio does. Every resource answers in the shape Twilio's OpenAPI
//! description gives, so Prism in front of it finds nothing to flag.

use serde_json::{json, Value};

use super::{error, expected_auth, form, page, sid, Data, ACCOUNT};

const DATE: &str = "2024-05-01T12:00:00Z";

/// A Serverless service.
#[derive(Debug, Clone)]
pub struct FService {
    /// `ZS…`.
    pub sid: String,
    /// Unique name.
    pub unique_name: String,
}

/// A Serverless environment.
#[derive(Debug, Clone)]
pub struct FEnvironment {
    /// `ZE…`.
    pub sid: String,
    /// Its service.
    pub service: String,
    /// Unique name.
    pub unique_name: String,
    /// Domain suffix.
    pub suffix: String,
    /// Domain name.
    pub domain: String,
    /// The deployed build.
    pub build: Option<String>,
}

/// An uploaded asset version.
#[derive(Debug, Clone)]
pub struct FAssetVersion {
    /// `ZN…`.
    pub sid: String,
    /// Its asset's `ZH…`.
    pub asset: String,
    /// Its service.
    pub service: String,
    /// Path.
    pub path: String,
    /// Visibility as sent.
    pub visibility: String,
    /// The uploaded bytes.
    pub content: Vec<u8>,
}

/// A build.
#[derive(Debug, Clone)]
pub struct FBuild {
    /// `ZB…`.
    pub sid: String,
    /// Its service.
    pub service: String,
    /// Asset version SIDs.
    pub assets: Vec<String>,
    /// Function version SIDs.
    pub functions: Vec<String>,
    /// `Dependencies` as sent.
    pub dependencies: Option<String>,
    /// `Runtime` as sent.
    pub runtime: Option<String>,
    /// Status polls so far.
    pub polls: u32,
    /// Its status.
    pub status: String,
}

/// A plugin version.
#[derive(Debug, Clone)]
pub struct FVersion {
    /// `FV…`.
    pub sid: String,
    /// Its plugin.
    pub plugin: String,
    /// Version.
    pub version: String,
    /// URL.
    pub url: String,
    /// Private.
    pub private: bool,
}

/// A configuration: SID, name, (plugin version SID, phase).
pub type FConfiguration = (String, String, Vec<(String, i64)>);

/// One multipart part: name, file name, bytes.
pub type FPart = (String, Option<String>, Vec<u8>);

/// Everything the fake keeps for deploys and releases.
#[derive(Debug, Default)]
pub struct PluginData {
    /// Services.
    pub services: Vec<FService>,
    /// Environments.
    pub environments: Vec<FEnvironment>,
    /// Assets: SID, service, friendly name.
    pub assets: Vec<(String, String, String)>,
    /// Asset versions.
    pub asset_versions: Vec<FAssetVersion>,
    /// Builds.
    pub builds: Vec<FBuild>,
    /// Deployments: SID, environment, build.
    pub deployments: Vec<(String, String, String)>,
    /// Plugins: SID, unique name.
    pub plugins: Vec<(String, String)>,
    /// Plugin versions.
    pub versions: Vec<FVersion>,
    /// Configurations: SID, name, (plugin version SID, phase).
    pub configurations: Vec<FConfiguration>,
    /// Releases, oldest first: SID, configuration SID.
    pub releases: Vec<(String, String)>,
    /// Every new build fails.
    pub fail_builds: bool,
    /// Builds stay `building` for ever.
    pub stuck_builds: bool,
    /// Files served as they are under `/static/…` (for `--url`).
    pub static_files: Vec<(String, Vec<u8>)>,
    /// The next SID number.
    pub counter: u32,
}

impl PluginData {
    fn next(&mut self, prefix: &str) -> String {
        self.counter += 1;
        sid(prefix, 0x1000 + self.counter)
    }

    /// Adds a plugin with one version, released in the active configuration (another team's plugin).
    pub fn add_released_plugin(&mut self, name: &str, version: &str) -> String {
        let plugin = self.next("FP");
        self.plugins.push((plugin.clone(), name.into()));
        let v = self.next("FV");
        self.versions.push(FVersion {
            sid: v.clone(),
            plugin,
            version: version.into(),
            url: format!("https://example-1234.twil.io/plugins/{name}/{version}/bundle.js"),
            private: true,
        });
        let mut plugins: Vec<(String, i64)> = match self.releases.last() {
            Some((_, cfg)) => self.configurations.iter().find(|c| c.0 == *cfg).unwrap().2.clone(),
            None => Vec::new(),
        };
        plugins.push((v.clone(), 3));
        let cfg = self.next("FJ");
        self.configurations.push((cfg.clone(), "existing".into(), plugins));
        let rel = self.next("FK");
        self.releases.push((rel, cfg));
        v
    }

    /// The plugin versions of the active release, as `name@version`.
    pub fn released(&self) -> Vec<String> {
        let Some((_, cfg)) = self.releases.last() else {
            return Vec::new();
        };
        let c = self.configurations.iter().find(|c| c.0 == *cfg).unwrap();
        c.2.iter()
            .map(|(v, _)| {
                let fv = self.versions.iter().find(|x| x.sid == *v).unwrap();
                let name = &self.plugins.iter().find(|p| p.0 == fv.plugin).unwrap().1;
                format!("{name}@{}", fv.version)
            })
            .collect()
    }

    /// What the URL serves now: the deployed build's asset at that path, on that domain.
    pub fn served(&self, url: &str) -> Option<Vec<u8>> {
        let rest = url.strip_prefix("https://")?;
        let (host, path) = rest.split_once('/')?;
        let path = format!("/{path}");
        let env = self.environments.iter().find(|e| e.domain == host)?;
        let build = self.builds.iter().find(|b| Some(&b.sid) == env.build.as_ref())?;
        build
            .assets
            .iter()
            .filter_map(|a| self.asset_versions.iter().find(|v| v.sid == *a))
            .find(|v| v.path == path)
            .map(|v| v.content.clone())
    }
}

fn url(host: &str, path: &str) -> String {
    format!("https://{host}.twilio.com{path}")
}

fn service_json(s: &FService) -> Value {
    json!({
        "sid": s.sid, "account_sid": ACCOUNT, "friendly_name": "Flex Plugins Default Service", "unique_name": s.unique_name,
        "include_credentials": true, "ui_editable": false, "domain_base": "default-1234",
        "date_created": DATE, "date_updated": DATE, "url": url("serverless", &format!("/v1/Services/{}", s.sid)),
        "links": { "environments": url("serverless", &format!("/v1/Services/{}/Environments", s.sid)) }
    })
}

fn environment_json(e: &FEnvironment) -> Value {
    json!({
        "sid": e.sid, "account_sid": ACCOUNT, "service_sid": e.service, "build_sid": e.build,
        "unique_name": e.unique_name, "domain_suffix": e.suffix, "domain_name": e.domain,
        "date_created": DATE, "date_updated": DATE,
        "url": url("serverless", &format!("/v1/Services/{}/Environments/{}", e.service, e.sid)),
        "links": { "deployments": url("serverless", &format!("/v1/Services/{}/Environments/{}/Deployments", e.service, e.sid)) }
    })
}

fn asset_version_json(v: &FAssetVersion) -> Value {
    json!({
        "sid": v.sid, "account_sid": ACCOUNT, "service_sid": v.service, "asset_sid": v.asset,
        "path": v.path, "visibility": v.visibility, "date_created": DATE,
        "url": url("serverless", &format!("/v1/Services/{}/Assets/{}/Versions/{}", v.service, v.asset, v.sid))
    })
}

fn build_json(d: &PluginData, b: &FBuild) -> Value {
    let assets: Vec<Value> = b
        .assets
        .iter()
        .filter_map(|a| d.asset_versions.iter().find(|v| v.sid == *a))
        .map(|v| json!({ "sid": v.sid, "account_sid": ACCOUNT, "service_sid": v.service, "asset_sid": v.asset, "date_created": DATE, "path": v.path, "visibility": v.visibility.to_uppercase() }))
        .collect();
    let functions: Vec<Value> = b
        .functions
        .iter()
        .map(|f| json!({ "sid": f, "account_sid": ACCOUNT, "service_sid": b.service, "function_sid": sid("ZH", 0xf), "date_created": DATE, "path": "/fn", "visibility": "PUBLIC" }))
        .collect();
    let deps: Value = b
        .dependencies
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_else(|| json!([]));
    let mut v = json!({
        "sid": b.sid, "account_sid": ACCOUNT, "service_sid": b.service, "status": b.status,
        "asset_versions": assets, "function_versions": functions, "dependencies": deps,
        "date_created": DATE, "date_updated": DATE,
        "url": url("serverless", &format!("/v1/Services/{}/Builds/{}", b.service, b.sid)),
        "links": { "build_status": url("serverless", &format!("/v1/Services/{}/Builds/{}/Status", b.service, b.sid)) }
    });
    if let Some(r) = &b.runtime {
        v["runtime"] = json!(r);
    }
    v
}

fn plugin_json(p: &(String, String)) -> Value {
    json!({
        "sid": p.0, "account_sid": ACCOUNT, "unique_name": p.1, "friendly_name": p.1, "description": "",
        "archived": false, "date_created": DATE, "date_updated": DATE,
        "url": url("flex-api", &format!("/v1/PluginService/Plugins/{}", p.0)),
        "links": { "plugin_versions": url("flex-api", &format!("/v1/PluginService/Plugins/{}/Versions", p.0)) }
    })
}

fn version_json(v: &FVersion) -> Value {
    json!({
        "sid": v.sid, "plugin_sid": v.plugin, "account_sid": ACCOUNT, "version": v.version, "plugin_url": v.url,
        "changelog": "", "private": v.private, "archived": false, "validated": false, "date_created": DATE,
        "url": url("flex-api", &format!("/v1/PluginService/Plugins/{}/Versions/{}", v.plugin, v.sid))
    })
}

fn configuration_json(c: &FConfiguration) -> Value {
    json!({
        "sid": c.0, "account_sid": ACCOUNT, "name": c.1, "description": "", "archived": false, "date_created": DATE,
        "url": url("flex-api", &format!("/v1/PluginService/Configurations/{}", c.0)),
        "links": { "plugins": url("flex-api", &format!("/v1/PluginService/Configurations/{}/Plugins", c.0)) }
    })
}

fn release_json(r: &(String, String)) -> Value {
    json!({
        "sid": r.0, "account_sid": ACCOUNT, "configuration_sid": r.1, "date_created": DATE,
        "url": url("flex-api", &format!("/v1/PluginService/Releases/{}", r.0))
    })
}

fn field(f: &[(String, String)], key: &str) -> Option<String> {
    f.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

/// `POST /v1/Configuration` with JSON: the top-level keys given replace the stored ones.
pub fn update_configuration(d: &mut Data, body: &str) -> (u16, Value) {
    let Ok(Value::Object(update)) = serde_json::from_str::<Value>(body) else {
        return error(400, 20001, "the body must be a JSON object");
    };
    if update.get("account_sid").is_some_and(|a| a != ACCOUNT) {
        return error(400, 20001, "account_sid does not match");
    }
    for (k, v) in update {
        if k != "account_sid" {
            d.flex[k] = v;
        }
    }
    (200, d.flex.clone())
}

/// A `/static/…` file, served without credentials: its bytes, or `None` for a 404.
pub fn static_file(d: &Data, method: &str, target: &str) -> Option<Option<Vec<u8>>> {
    if method != "GET" || !target.starts_with("/static/") {
        return None;
    }
    Some(d.plugins.static_files.iter().find(|(p, _)| p == target).map(|(_, b)| b.clone()))
}

/// Splits a multipart body into (name, filename, bytes) parts.
pub fn multipart(content_type: &str, body: &[u8]) -> Option<Vec<FPart>> {
    let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"');
    let delim = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut rest = body;
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let start = find(rest, &delim)?;
    rest = &rest[start + delim.len()..];
    while !rest.starts_with(b"--") {
        rest = rest.strip_prefix(b"\r\n")?;
        let head_end = find(rest, b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&rest[..head_end]).into_owned();
        let after = &rest[head_end + 4..];
        let end = find(after, &[b"\r\n".as_slice(), &delim].concat())?;
        let content = after[..end].to_vec();
        let disposition = head.lines().find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))?;
        let attr = |key: &str| {
            disposition
                .split(';')
                .map(str::trim)
                .find_map(|p| p.strip_prefix(&format!("{key}=")))
                .map(|v| v.trim_matches('"').to_string())
        };
        parts.push((attr("name")?, attr("filename"), content));
        rest = &after[end + 2 + delim.len()..];
    }
    Some(parts)
}

/// The upload host: only `POST /v1/Services/{ZS}/Assets/{ZH}/Versions`, multipart with `Path`, `Visibility` and `Content`.
pub fn upload(d: &mut Data, method: &str, target: &str, content_type: &str, body: &[u8], auth: &str) -> (u16, Value) {
    if auth != expected_auth() {
        return error(401, 20003, "Authenticate");
    }
    let segs: Vec<&str> = target.trim_matches('/').split('/').collect();
    let ["v1", "Services", service, "Assets", asset, "Versions"] = segs.as_slice() else {
        return error(404, 20404, &format!("the upload host does not serve {method} {target}"));
    };
    if method != "POST" {
        return error(405, 20004, "Method not allowed");
    }
    let p = &mut d.plugins;
    if !p.assets.iter().any(|a| a.0 == *asset && a.1 == *service) {
        return error(404, 20404, "no such asset");
    }
    if !content_type.starts_with("multipart/form-data") {
        return error(400, 20001, "the upload must be multipart/form-data");
    }
    let Some(parts) = multipart(content_type, body) else {
        return error(400, 20001, "the multipart body does not parse");
    };
    let text = |name: &str| {
        parts
            .iter()
            .find(|(n, f, _)| n == name && f.is_none())
            .map(|(_, _, b)| String::from_utf8_lossy(b).into_owned())
    };
    let (Some(path), Some(visibility)) = (text("Path"), text("Visibility")) else {
        return error(400, 20001, "Path and Visibility are required");
    };
    let Some((_, Some(_), content)) = parts.iter().find(|(n, _, _)| n == "Content") else {
        return error(400, 20001, "Content must be a file part");
    };
    if !["public", "protected", "private"].contains(&visibility.as_str()) || !path.starts_with('/') {
        return error(400, 20001, "bad Path or Visibility");
    }
    let v = FAssetVersion {
        sid: p.next("ZN"),
        asset: asset.to_string(),
        service: service.to_string(),
        path,
        visibility,
        content: content.clone(),
    };
    let out = asset_version_json(&v);
    p.asset_versions.push(v);
    (201, out)
}

/// Serverless and PluginService requests on the API host.
pub fn handle(d: &mut Data, method: &str, path: &str, query: &[(String, String)], body: &str) -> (u16, Value) {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let f = form(body);
    let ps = d.page_size;
    let p = &mut d.plugins;
    match (method, segs.as_slice()) {
        ("GET", ["v1", "Services"]) => page(p.services.iter().map(service_json).collect(), "services", path, query, ps),
        ("POST", ["v1", "Services"]) => {
            let (Some(unique), Some(_)) = (field(&f, "UniqueName"), field(&f, "FriendlyName")) else {
                return error(400, 20001, "UniqueName and FriendlyName are required");
            };
            if p.services.iter().any(|s| s.unique_name == unique) {
                return error(409, 20409, "a service with this UniqueName exists");
            }
            let s = FService { sid: p.next("ZS"), unique_name: unique };
            p.services.push(s.clone());
            (201, service_json(&s))
        }
        (_, ["v1", "Services", zs, ..]) if !p.services.iter().any(|s| s.sid == *zs) => error(404, 20404, "no such service"),
        ("GET", ["v1", "Services", zs, "Environments"]) => {
            let items = p.environments.iter().filter(|e| e.service == *zs).map(environment_json).collect();
            page(items, "environments", path, query, ps)
        }
        ("POST", ["v1", "Services", zs, "Environments"]) => {
            let Some(unique) = field(&f, "UniqueName") else {
                return error(400, 20001, "UniqueName is required");
            };
            let suffix = field(&f, "DomainSuffix").unwrap_or_default();
            if suffix.len() > 16 || p.environments.iter().any(|e| e.service == *zs && (e.unique_name == unique || e.suffix == suffix)) {
                return error(400, 20001, "UniqueName or DomainSuffix taken, or DomainSuffix over 16 characters");
            }
            let e = FEnvironment {
                sid: p.next("ZE"),
                service: zs.to_string(),
                unique_name: unique,
                domain: format!("default-1234-{suffix}.twil.io"),
                suffix,
                build: None,
            };
            p.environments.push(e.clone());
            (201, environment_json(&e))
        }
        ("POST", ["v1", "Services", zs, "Assets"]) => {
            let Some(name) = field(&f, "FriendlyName") else {
                return error(400, 20001, "FriendlyName is required");
            };
            let a = p.next("ZH");
            p.assets.push((a.clone(), zs.to_string(), name.clone()));
            (201, json!({
                "sid": a, "account_sid": ACCOUNT, "service_sid": zs, "friendly_name": name, "date_created": DATE, "date_updated": DATE,
                "url": url("serverless", &format!("/v1/Services/{zs}/Assets/{a}")),
                "links": { "asset_versions": url("serverless", &format!("/v1/Services/{zs}/Assets/{a}/Versions")) }
            }))
        }
        ("POST", ["v1", "Services", _, "Assets", _, "Versions"]) => {
            error(404, 20404, "asset content goes to the upload host, not the API host")
        }
        ("POST", ["v1", "Services", zs, "Builds"]) => {
            let assets: Vec<String> = f.iter().filter(|(k, _)| k == "AssetVersions").map(|(_, v)| v.clone()).collect();
            let functions: Vec<String> = f.iter().filter(|(k, _)| k == "FunctionVersions").map(|(_, v)| v.clone()).collect();
            if let Some(bad) = assets.iter().find(|a| !p.asset_versions.iter().any(|v| v.sid == **a && v.service == *zs)) {
                return error(400, 20001, &format!("unknown asset version {bad}"));
            }
            if let Some(deps) = field(&f, "Dependencies") {
                if serde_json::from_str::<Value>(&deps).map(|v| !v.is_array()).unwrap_or(true) {
                    return error(400, 20001, "Dependencies must be a JSON list");
                }
            }
            let b = FBuild {
                sid: p.next("ZB"),
                service: zs.to_string(),
                assets,
                functions,
                dependencies: field(&f, "Dependencies"),
                runtime: field(&f, "Runtime"),
                polls: 0,
                status: "building".into(),
            };
            p.builds.push(b.clone());
            (201, build_json(p, &b))
        }
        ("GET", ["v1", "Services", _, "Builds", zb]) => match p.builds.iter().find(|b| b.sid == *zb) {
            Some(b) => (200, build_json(p, b)),
            None => error(404, 20404, "no such build"),
        },
        ("GET", ["v1", "Services", zs, "Builds", zb, "Status"]) => {
            let (fail, stuck) = (p.fail_builds, p.stuck_builds);
            let Some(b) = p.builds.iter_mut().find(|b| b.sid == *zb) else {
                return error(404, 20404, "no such build");
            };
            b.polls += 1;
            if b.polls >= 2 && b.status == "building" && !stuck {
                b.status = if fail { "failed" } else { "completed" }.into();
            }
            (200, json!({
                "sid": b.sid, "account_sid": ACCOUNT, "service_sid": zs, "status": b.status,
                "url": url("serverless", &format!("/v1/Services/{zs}/Builds/{zb}/Status"))
            }))
        }
        ("POST", ["v1", "Services", zs, "Environments", ze, "Deployments"]) => {
            let Some(build) = field(&f, "BuildSid") else {
                return error(400, 20001, "BuildSid is required");
            };
            if !p.builds.iter().any(|b| b.sid == build && b.status == "completed") {
                return error(400, 20001, "the build is not complete");
            }
            let Some(env) = p.environments.iter_mut().find(|e| e.sid == *ze) else {
                return error(404, 20404, "no such environment");
            };
            env.build = Some(build.clone());
            let dep = p.next("ZD");
            p.deployments.push((dep.clone(), ze.to_string(), build.clone()));
            (201, json!({
                "sid": dep, "account_sid": ACCOUNT, "service_sid": zs, "environment_sid": ze, "build_sid": build,
                "date_created": DATE, "date_updated": DATE,
                "url": url("serverless", &format!("/v1/Services/{zs}/Environments/{ze}/Deployments/{dep}"))
            }))
        }
        ("GET", ["v1", "PluginService", "Plugins"]) => page(p.plugins.iter().map(plugin_json).collect(), "plugins", path, query, ps),
        ("POST", ["v1", "PluginService", "Plugins"]) => {
            let Some(unique) = field(&f, "UniqueName") else {
                return error(400, 20001, "UniqueName is required");
            };
            if p.plugins.iter().any(|x| x.1 == unique) {
                return error(409, 20409, "a plugin with this UniqueName exists");
            }
            let x = (p.next("FP"), unique);
            p.plugins.push(x.clone());
            (201, plugin_json(&x))
        }
        ("GET", ["v1", "PluginService", "Plugins", fp, "Versions"]) => {
            let items = p.versions.iter().filter(|v| v.plugin == *fp).map(version_json).collect();
            page(items, "plugin_versions", path, query, ps)
        }
        ("POST", ["v1", "PluginService", "Plugins", fp, "Versions"]) => {
            if !p.plugins.iter().any(|x| x.0 == *fp) {
                return error(404, 20404, "no such plugin");
            }
            let (Some(version), Some(plugin_url)) = (field(&f, "Version"), field(&f, "PluginUrl")) else {
                return error(400, 20001, "Version and PluginUrl are required");
            };
            if p.versions.iter().any(|v| v.plugin == *fp && v.version == version) {
                return error(409, 20409, "this version exists");
            }
            let v = FVersion {
                sid: p.next("FV"),
                plugin: fp.to_string(),
                version,
                url: plugin_url,
                private: field(&f, "Private").as_deref() == Some("true"),
            };
            p.versions.push(v.clone());
            (201, version_json(&v))
        }
        ("GET", ["v1", "PluginService", "Releases"]) => {
            let items = p.releases.iter().rev().map(release_json).collect();
            page(items, "releases", path, query, ps)
        }
        ("POST", ["v1", "PluginService", "Releases"]) => {
            let Some(cfg) = field(&f, "ConfigurationId") else {
                return error(400, 20001, "ConfigurationId is required");
            };
            if !p.configurations.iter().any(|c| c.0 == cfg) {
                return error(404, 20404, "no such configuration");
            }
            let r = (p.next("FK"), cfg);
            p.releases.push(r.clone());
            (201, release_json(&r))
        }
        ("POST", ["v1", "PluginService", "Configurations"]) => {
            let Some(name) = field(&f, "Name") else {
                return error(400, 20001, "Name is required");
            };
            let mut plugins = Vec::new();
            for (_, item) in f.iter().filter(|(k, _)| k == "Plugins") {
                let Ok(v) = serde_json::from_str::<Value>(item) else {
                    return error(400, 20001, "each Plugins item must be a JSON object");
                };
                let Some(fv) = v["plugin_version"].as_str() else {
                    return error(400, 20001, "plugin_version is required");
                };
                if !p.versions.iter().any(|x| x.sid == fv) {
                    return error(400, 20001, &format!("unknown plugin version {fv}"));
                }
                plugins.push((fv.to_string(), v["phase"].as_i64().unwrap_or(3)));
            }
            let c = (p.next("FJ"), name, plugins);
            p.configurations.push(c.clone());
            (201, configuration_json(&c))
        }
        ("GET", ["v1", "PluginService", "Configurations", fj, "Plugins"]) => {
            let Some(c) = p.configurations.iter().find(|c| c.0 == *fj) else {
                return error(404, 20404, "no such configuration");
            };
            let items = c
                .2
                .iter()
                .map(|(fv, phase)| {
                    let v = p.versions.iter().find(|x| x.sid == *fv).unwrap();
                    let name = &p.plugins.iter().find(|x| x.0 == v.plugin).unwrap().1;
                    json!({
                        "account_sid": ACCOUNT, "configuration_sid": fj, "plugin_sid": v.plugin, "plugin_version_sid": v.sid,
                        "phase": phase, "plugin_url": v.url, "unique_name": name, "friendly_name": name, "description": "",
                        "plugin_archived": false, "version": v.version, "changelog": "", "plugin_version_archived": false,
                        "private": v.private, "date_created": DATE,
                        "url": url("flex-api", &format!("/v1/PluginService/Configurations/{fj}/Plugins/{}", v.plugin))
                    })
                })
                .collect();
            page(items, "plugins", path, query, ps)
        }
        _ => error(404, 20404, &format!("the fake does not serve {method} {path}")),
    }
}

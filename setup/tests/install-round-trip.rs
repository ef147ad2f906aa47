//! Deploy, release and install against the stateful fake of Serverless,
//! the Flex Configuration and the PluginService: from nothing to a release,
//! again with nothing to do, a new version, and the failures that must leave
//! no version or release behind.

mod common;

use std::path::PathBuf;

use common::{run_tool, standard_data, Data, Fake};
use serde_json::Value;

/// Bytes no text codec would keep as they are: the served bundle must be these exactly.
fn bundle_bytes(tag: &str) -> Vec<u8> {
    let mut b = format!("/* multi-call {tag} */ (function(){{var w=\"").into_bytes();
    b.extend((0u8..=255).chain([0xe2, 0x82, 0xac, 0x00, 0x0d, 0x0a]));
    b.extend_from_slice(b"\";})();\n");
    b
}

struct Files {
    dir: PathBuf,
}

impl Files {
    fn new(name: &str) -> Files {
        let dir = std::env::temp_dir().join(format!("multi-call-install-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Files { dir }
    }

    fn bundle(&self, tag: &str) -> (String, Vec<u8>) {
        let path = self.dir.join(format!("bundle-{tag}.js"));
        let bytes = bundle_bytes(tag);
        std::fs::write(&path, &bytes).unwrap();
        (path.display().to_string(), bytes)
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn flex_config_dir() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../flex-config").display().to_string()
}

fn with_other_plugin() -> Data {
    let mut data = standard_data();
    data.plugins.add_released_plugin("plugin-other-team", "1.4.0");
    data
}

fn install(fake: &Fake, bundle: &str, version: &str, yes: bool) -> common::Run {
    let fc = flex_config_dir();
    let mut args = vec!["install", "--env", "prod", "--flex-config", &fc, "--bundle", bundle, "--version", version];
    if yes {
        args.push("--yes");
    }
    run_tool(&fake.env(), &args)
}

fn multi_call_url(fake: &Fake, version: &str) -> String {
    let d = fake.data.lock().unwrap();
    d.plugins.versions.iter().find(|v| v.version == version).map(|v| v.url.clone()).unwrap()
}

#[test]
fn install_from_nothing_then_again_then_a_new_version() {
    let files = Files::new("story");
    let (b1, bytes1) = files.bundle("0.1.0");
    let fake = Fake::start(with_other_plugin());

    // The dry run prints every step and writes nothing.
    let dry = install(&fake, &b1, "0.1.0", false);
    assert_eq!(dry.code, 1, "{}\n{}", dry.out, dry.err);
    assert!(fake.writes().is_empty(), "a dry run writes nothing: {:?}", fake.writes());
    for section in ["== 1. audit ==", "== 2. TaskRouter ==", "== 3. Flex configuration ==", "== 4. deploy ==", "== 5. release =="] {
        assert!(dry.out.contains(section), "{section}: {}", dry.out);
    }
    assert!(dry.out.contains("agent1 (WK00000000000000000000000000000001): 1 -> 2"), "{}", dry.out);
    assert!(dry.out.contains("+        \"mode\": \"forward\""), "the Flex diff: {}", dry.out);
    assert!(dry.out.contains("create the Serverless service 'default'"), "{}", dry.out);
    assert!(dry.out.contains("as a Protected asset at /plugins/plugin-multi-call/0.1.0/bundle.js"), "{}", dry.out);
    assert!(dry.out.contains("plugin-other-team@1.4.0"), "{}", dry.out);
    assert!(dry.out.contains("plugin-multi-call@0.1.0") && dry.out.contains("(new)"), "{}", dry.out);

    let done = install(&fake, &b1, "0.1.0", true);
    assert_eq!(done.code, 0, "{}\n{}", done.out, done.err);
    assert!(done.out.contains("Result: installed."), "{}", done.out);
    {
        let d = fake.data.lock().unwrap();
        assert_eq!(d.plugins.released(), vec!["plugin-other-team@1.4.0", "plugin-multi-call@0.1.0"]);
        let v = d.plugins.versions.iter().find(|v| v.version == "0.1.0").unwrap();
        assert!(v.private, "a protected asset is a private plugin version");
        assert!(v.url.starts_with("https://default-1234-") && v.url.ends_with("/plugins/plugin-multi-call/0.1.0/bundle.js"), "{}", v.url);
        assert_eq!(d.plugins.served(&v.url).as_deref(), Some(bytes1.as_slice()), "served byte for byte");
        let av = d.plugins.asset_versions.last().unwrap();
        assert_eq!((av.visibility.as_str(), av.path.as_str()), ("protected", "/plugins/plugin-multi-call/0.1.0/bundle.js"));
        assert_eq!(d.plugins.services[0].unique_name, "default");
        assert_eq!(d.plugins.environments[0].unique_name, "plugin-multi-call");
        assert_eq!(d.plugins.environments[0].suffix.len(), 5);
        assert_eq!(d.flex["serverless_service_sids"][0], d.plugins.services[0].sid.as_str(), "registered with Flex");
        let ui = &d.flex["ui_attributes"];
        assert_eq!(ui["custom_data"]["features"]["multi_call"]["mode"], "forward");
        assert_eq!(ui["sdkOptions"]["voice"]["allowIncomingWhileBusy"], true);
        assert_eq!(d.workers.iter().filter(|w| w.voice == Some(2)).count(), 5);
    }

    // Again: nothing to change, nothing written.
    let before = fake.writes().len();
    let again = install(&fake, &b1, "0.1.0", true);
    assert_eq!(again.code, 0, "{}\n{}", again.out, again.err);
    assert_eq!(fake.writes().len(), before, "a second install writes nothing: {:?}", &fake.writes()[before..]);
    assert!(again.out.contains("is already deployed") && again.out.contains("nothing to do"), "{}", again.out);
    let dry_again = install(&fake, &b1, "0.1.0", false);
    assert_eq!(dry_again.code, 0, "{}", dry_again.out);
    assert!(dry_again.out.contains("Result: nothing to change."), "{}", dry_again.out);

    // A new version replaces the old one in the next release; the old bundle stays served.
    let (b2, bytes2) = files.bundle("0.2.0");
    let next = install(&fake, &b2, "0.2.0", true);
    assert_eq!(next.code, 0, "{}\n{}", next.out, next.err);
    assert!(next.out.contains("plugin-multi-call@0.2.0") && next.out.contains("(replaces 0.1.0)"), "{}", next.out);
    let (u1, u2) = (multi_call_url(&fake, "0.1.0"), multi_call_url(&fake, "0.2.0"));
    let d = fake.data.lock().unwrap();
    assert_eq!(d.plugins.released(), vec!["plugin-other-team@1.4.0", "plugin-multi-call@0.2.0"]);
    assert_eq!(d.plugins.served(&u2).as_deref(), Some(bytes2.as_slice()));
    assert_eq!(d.plugins.served(&u1).as_deref(), Some(bytes1.as_slice()), "the new build keeps every served asset");
    assert_eq!(d.plugins.environments.len(), 1, "the same environment");
}

#[test]
fn a_failed_build_creates_no_plugin_version_and_no_release() {
    let files = Files::new("failed-build");
    let (b, _) = files.bundle("0.1.0");
    let mut data = with_other_plugin();
    data.plugins.fail_builds = true;
    let fake = Fake::start(data);
    let run = install(&fake, &b, "0.1.0", true);
    assert_eq!(run.code, 2, "{}\n{}", run.out, run.err);
    assert!(run.out.contains("Twilio reports the build failed; nothing was deployed"), "{}", run.out);
    assert!(run.out.contains("Result: install STOPPED at step 4 (deploy). Done: audit, TaskRouter, Flex configuration. Not done: deploy, release."), "{}", run.out);
    assert!(run.out.contains("== 5. release ==\n  not attempted"), "{}", run.out);
    let d = fake.data.lock().unwrap();
    assert!(d.plugins.deployments.is_empty(), "nothing deployed");
    assert!(!d.plugins.plugins.iter().any(|p| p.1 == "plugin-multi-call"), "no plugin");
    assert!(!d.plugins.versions.iter().any(|v| v.version == "0.1.0"), "no version");
    assert_eq!(d.plugins.released(), vec!["plugin-other-team@1.4.0"], "the release is untouched");
}

#[test]
fn a_build_that_never_completes_times_out_with_a_clear_message() {
    let files = Files::new("stuck");
    let (b, _) = files.bundle("0.1.0");
    let mut data = standard_data();
    data.plugins.stuck_builds = true;
    let fake = Fake::start(data);
    let run = run_tool(&fake.env(), &["deploy", "--yes", "--bundle", &b, "--version", "0.1.0", "--build-timeout", "1"]);
    assert_eq!(run.code, 2, "{}\n{}", run.out, run.err);
    assert!(run.out.contains("was still not complete after 1 s; nothing was deployed (raise --build-timeout"), "{}", run.out);
    assert!(run.out.contains("=> not attempted"), "{}", run.out);
    assert!(run.err.contains("deploy stopped"), "{}", run.err);
    let d = fake.data.lock().unwrap();
    assert!(d.plugins.deployments.is_empty() && d.plugins.versions.is_empty());
}

#[test]
fn deploy_and_release_step_by_step_with_dry_runs_first() {
    let files = Files::new("steps");
    let (b, bytes) = files.bundle("1.0.0");
    let fake = Fake::start(with_other_plugin());
    let env = fake.env();

    let dry = run_tool(&env, &["deploy", "--bundle", &b, "--version", "1.0.0"]);
    assert_eq!(dry.code, 1, "{}\n{}", dry.out, dry.err);
    assert!(dry.out.contains(&format!("({b}, {} bytes)", bytes.len())), "{}", dry.out);
    assert!(fake.writes().is_empty());

    // Releasing before deploying is refused by name.
    let early = run_tool(&env, &["release", "--version", "1.0.0"]);
    assert_eq!(early.code, 2);
    assert!(early.err.contains("plugin-multi-call 1.0.0 is not deployed; run `multi-call-setup deploy` first"), "{}", early.err);

    let deployed = run_tool(&env, &["deploy", "--yes", "--bundle", &b, "--version", "1.0.0", "--changelog", "first"]);
    assert_eq!(deployed.code, 0, "{}\n{}", deployed.out, deployed.err);
    assert!(deployed.out.contains("Result: deployed. Run `release`"), "{}", deployed.out);
    assert_eq!(fake.data.lock().unwrap().plugins.released(), vec!["plugin-other-team@1.4.0"], "deploy does not release");

    // Deploying the same version again changes nothing and says why.
    let before = fake.writes().len();
    let again = run_tool(&env, &["deploy", "--yes", "--bundle", &b, "--version", "1.0.0"]);
    assert_eq!(again.code, 0, "{}", again.out);
    assert!(again.out.contains("A version is never overwritten"), "{}", again.out);
    assert_eq!(fake.writes().len(), before);

    let dry = run_tool(&env, &["release", "--version", "1.0.0"]);
    assert_eq!(dry.code, 1, "{}\n{}", dry.out, dry.err);
    assert!(dry.out.contains("agents will load, on their next Flex page load:"), "{}", dry.out);
    assert_eq!(fake.writes().len(), before, "a release dry run writes nothing");
    let released = run_tool(&env, &["release", "--yes", "--version", "1.0.0"]);
    assert_eq!(released.code, 0, "{}\n{}", released.out, released.err);
    assert!(released.out.contains("=> released: configuration FJ"), "{}", released.out);
    assert_eq!(fake.data.lock().unwrap().plugins.released(), vec!["plugin-other-team@1.4.0", "plugin-multi-call@1.0.0"]);
    let once_more = run_tool(&env, &["release", "--yes", "--version", "1.0.0"]);
    assert_eq!(once_more.code, 0);
    assert!(once_more.out.contains("nothing to do"), "{}", once_more.out);
}

#[test]
fn with_url_nothing_is_hosted_and_an_unserved_url_is_refused() {
    let mut data = standard_data();
    data.plugins.static_files.push(("/static/multi-call.js".into(), bundle_bytes("cdn")));
    let fake = Fake::start(data);
    let env = fake.env();
    let missing = format!("{}/static/nothing.js", fake.base);
    let refused = run_tool(&env, &["deploy", "--yes", "--url", &missing, "--version", "0.3.0"]);
    assert_eq!(refused.code, 2, "{}\n{}", refused.out, refused.err);
    assert!(refused.out.contains("answers HTTP 404; the bundle is not served there"), "{}", refused.out);
    assert!(fake.writes().is_empty(), "nothing created for an unserved URL");

    let url = format!("{}/static/multi-call.js", fake.base);
    let run = run_tool(&env, &["deploy", "--yes", "--url", &url, "--version", "0.3.0"]);
    assert_eq!(run.code, 0, "{}\n{}", run.out, run.err);
    let d = fake.data.lock().unwrap();
    assert!(d.plugins.services.is_empty() && d.plugins.asset_versions.is_empty(), "nothing hosted");
    let v = d.plugins.versions.iter().find(|v| v.version == "0.3.0").unwrap();
    assert_eq!(v.url, url);
    assert!(!v.private);
    drop(d);
    // The same version with another URL is never overwritten.
    let other = run_tool(&env, &["deploy", "--url", &format!("{}/static/other.js", fake.base), "--version", "0.3.0"]);
    assert_eq!(other.code, 2);
    assert!(other.err.contains("already exists") && other.err.contains("never overwritten"), "{}", other.err);
}

#[test]
fn a_version_whose_bundle_is_not_served_is_never_released() {
    let files = Files::new("unserved");
    let (b, _) = files.bundle("0.1.0");
    let fake = Fake::start(standard_data());
    let env = fake.env();
    assert_eq!(run_tool(&env, &["deploy", "--yes", "--bundle", &b, "--version", "0.1.0"]).code, 0);
    // Someone deploys a build without it to the plugin's environment.
    {
        let mut d = fake.data.lock().unwrap();
        let p = &mut d.plugins;
        let mut empty = p.builds.last().unwrap().clone();
        empty.sid = common::sid("ZB", 0xdead);
        empty.assets.clear();
        p.environments[0].build = Some(empty.sid.clone());
        p.builds.push(empty);
    }
    let run = run_tool(&env, &["release", "--yes", "--version", "0.1.0"]);
    assert_eq!(run.code, 2, "{}\n{}", run.out, run.err);
    assert!(run.err.contains("which environment plugin-multi-call does not serve; not releasing it"), "{}", run.err);
    let d = fake.data.lock().unwrap();
    assert!(d.plugins.releases.is_empty() && d.plugins.configurations.is_empty());
}

#[test]
fn the_upload_is_multipart_on_the_upload_host_only() {
    let files = Files::new("upload");
    let (b, bytes) = files.bundle("0.1.0");
    let fake = Fake::start(standard_data());
    let mut env = fake.env();
    // Pointing the upload at the API host fails: the API host has no such operation.
    env.retain(|(k, _)| k != "TWILIO_SERVERLESS_UPLOAD_BASE_URL");
    env.push(("TWILIO_SERVERLESS_UPLOAD_BASE_URL".into(), fake.base.clone()));
    let wrong = run_tool(&env, &["deploy", "--yes", "--bundle", &b, "--version", "0.1.0"]);
    assert_eq!(wrong.code, 2, "{}", wrong.out);
    assert!(wrong.out.contains("asset content goes to the upload host"), "{}", wrong.out);
    assert!(fake.data.lock().unwrap().plugins.versions.is_empty());

    let right = run_tool(&fake.env(), &["deploy", "--yes", "--bundle", &b, "--version", "0.1.0"]);
    assert_eq!(right.code, 0, "{}\n{}", right.out, right.err);
    let log = fake.log();
    let upload = log.iter().rev().find(|l| l.target.ends_with("/Versions") && l.method == "POST" && l.target.contains("/Assets/")).unwrap();
    assert!(upload.body.contains("name=\"Path\"") && upload.body.contains("name=\"Visibility\"") && upload.body.contains("name=\"Content\"; filename=\"bundle.js\""), "{}", upload.body);
    let d = fake.data.lock().unwrap();
    assert_eq!(d.plugins.asset_versions.last().unwrap().content, bytes);
}

#[test]
fn refused_credentials_stop_deploy_with_a_clear_message() {
    let files = Files::new("refused");
    let (b, _) = files.bundle("0.1.0");
    let mut data = standard_data();
    data.fail_path = Some(("/v1/PluginService".into(), 403));
    let fake = Fake::start(data);
    let run = run_tool(&fake.env(), &["deploy", "--bundle", &b, "--version", "0.1.0"]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("listing Flex plugins: 403 Forbidden"), "{}", run.err);
    assert!(fake.writes().is_empty());
}

#[test]
fn apply_env_writes_the_merged_flex_configuration_and_nothing_else_changes() {
    let mut data = standard_data();
    data.flex["ui_attributes"]["colorTheme"] = serde_json::json!({ "baseName": "GreyDark", "overrides": { "x": [1, 2.5, "y"] } });
    let fake = Fake::start(data);
    let fc = flex_config_dir();
    let before: Value = fake.data.lock().unwrap().flex.clone();

    let dry = run_tool(&fake.env(), &["apply", "--env", "prod", "--flex-config", &fc]);
    assert_eq!(dry.code, 1, "{}\n{}", dry.out, dry.err);
    assert!(dry.out.contains("--- current ui_attributes") && dry.out.contains("-      \"allowIncomingWhileBusy\": false") && dry.out.contains("+      \"allowIncomingWhileBusy\": true"), "{}", dry.out);
    assert!(!fake.writes().iter().any(|w| w.target == "/v1/Configuration"), "a dry run writes no Flex configuration");

    let done = run_tool(&fake.env(), &["apply", "--yes", "--env", "prod", "--flex-config", &fc]);
    assert_eq!(done.code, 0, "{}\n{}", done.out, done.err);
    assert!(done.out.contains("=> written"), "{}", done.out);
    let after: Value = fake.data.lock().unwrap().flex.clone();
    assert_eq!(after["ui_attributes"]["colorTheme"], before["ui_attributes"]["colorTheme"], "other keys stay as they were");
    assert_eq!(after["ui_attributes"]["custom_data"]["features"]["multi_call"]["mode"], "forward");
    for key in ["account_sid", "ui_version", "url"] {
        assert_eq!(after[key], before[key], "{key}");
    }
    let posted = fake.writes().into_iter().find(|w| w.target == "/v1/Configuration").unwrap();
    let body: Value = serde_json::from_str(&posted.body).unwrap();
    assert_eq!(body.as_object().unwrap().keys().collect::<Vec<_>>(), ["ui_attributes", "account_sid"], "only ui_attributes is sent");

    let again = run_tool(&fake.env(), &["apply", "--yes", "--env", "prod", "--flex-config", &fc]);
    assert_eq!(again.code, 0, "{}", again.out);
    assert!(again.out.contains("Flex configuration (ui_attributes from") && again.out.contains("nothing to change."), "{}", again.out);
}

#[test]
fn a_merged_flex_configuration_that_cannot_work_blocks_every_write() {
    let fake = Fake::start(standard_data());
    let dir = std::env::temp_dir().join(format!("multi-call-bad-flex-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ui_attributes.common.json"), r#"{"custom_data":{"features":{"multi_call":{"enabled":true,"mode":"forward"}}}}"#).unwrap();
    std::fs::write(dir.join("ui_attributes.bad.json"), r#"{"sdkOptions":{"voice":{"allowIncomingWhileBusy":false}}}"#).unwrap();
    let d = dir.display().to_string();
    let run = run_tool(&fake.env(), &["apply", "--yes", "--env", "bad", "--flex-config", &d]);
    assert_eq!(run.code, 1, "{}\n{}", run.out, run.err);
    assert!(run.out.contains("the merged result would not work, so nothing is written"), "{}", run.out);
    assert!(run.out.contains("forward mode needs ui_attributes.sdkOptions.voice.allowIncomingWhileBusy not to be false"), "{}", run.out);
    assert!(fake.writes().is_empty(), "nothing at all is written: {:?}", fake.writes());
    let missing = run_tool(&fake.env(), &["apply", "--env", "staging", "--flex-config", &d]);
    assert_eq!(missing.code, 2);
    assert!(missing.err.contains("ui_attributes.staging.json") && missing.err.contains("environments there: bad"), "{}", missing.err);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn apply_env_sends_what_the_files_do_not_set_byte_for_byte() {
    let mut data = standard_data();
    // As the service might send it: numbers in spellings serde_json would not write itself.
    let mut flex = data.flex.clone();
    flex["ui_attributes"]["colorTheme"] = serde_json::json!({ "baseName": "GreyDark" });
    let text = flex.to_string().replacen(
        r#""colorTheme":{"baseName":"GreyDark"}"#,
        r#""colorTheme":{"baseName":"GreyDark","sizes":[1E+5, 2.50,123456789012345678901234567890,-0.0],"name":"caf\u00e9"}"#,
        1,
    );
    assert!(text.contains("1E+5"), "{text}");
    data.flex = serde_json::from_str(&text).unwrap();
    data.flex_text = Some(text);
    let fake = Fake::start(data);
    let fc = flex_config_dir();
    let done = run_tool(&fake.env(), &["apply", "--yes", "--env", "prod", "--flex-config", &fc]);
    assert_eq!(done.code, 0, "{}\n{}", done.out, done.err);
    assert!(done.out.contains("=> written"), "{}", done.out);
    let posted = fake.writes().into_iter().find(|w| w.target == "/v1/Configuration").unwrap();
    assert!(
        posted.body.contains(r#""colorTheme":{"baseName":"GreyDark","sizes":[1E+5, 2.50,123456789012345678901234567890,-0.0],"name":"caf\u00e9"}"#),
        "sent as read: {}",
        posted.body
    );
    let stored = &fake.data.lock().unwrap().flex["ui_attributes"];
    assert_eq!(stored["custom_data"]["features"]["multi_call"]["mode"], "forward");
    assert_eq!(stored["sdkOptions"]["voice"]["allowIncomingWhileBusy"], true);
}

fn json_of(run: &common::Run) -> Value {
    serde_json::from_str(&run.out).unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {:?}\n{}", run.out, run.err))
}

#[test]
fn deploy_and_release_speak_json() {
    let files = Files::new("json-steps");
    let (b, bytes) = files.bundle("1.0.0");
    let fake = Fake::start(with_other_plugin());
    let env = fake.env();

    let dry = run_tool(&env, &["deploy", "--json", "--bundle", &b, "--version", "1.0.0"]);
    assert_eq!(dry.code, 1, "{}", dry.err);
    let j = json_of(&dry);
    assert_eq!(j["dry_run"], true);
    assert_eq!(j["plan"]["version"], "1.0.0");
    assert_eq!(j["plan"]["bundle"], serde_json::json!({ "path": b, "bytes": bytes.len() }));
    let steps: Vec<&str> = j["plan"]["steps"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    assert_eq!(steps, ["create_service", "register_service", "create_environment", "upload", "build", "deploy", "create_plugin", "create_version"]);
    assert!(j["results"].is_null(), "{j}");
    assert!(fake.writes().is_empty());

    let done = run_tool(&env, &["--json", "deploy", "--yes", "--bundle", &b, "--version", "1.0.0"]);
    assert_eq!(done.code, 0, "{}", done.err);
    let j = json_of(&done);
    assert_eq!(j["dry_run"], false);
    assert_eq!(j["results"]["done"], 8);
    assert!(j["results"]["error"].is_null(), "{j}");
    assert_eq!(j["results"]["version"]["version"], "1.0.0");
    assert!(j["results"]["version"]["plugin_url"].as_str().unwrap().ends_with("/plugins/plugin-multi-call/1.0.0/bundle.js"), "{j}");

    let again = json_of(&run_tool(&env, &["deploy", "--yes", "--json", "--bundle", &b, "--version", "1.0.0"]));
    assert!(again["plan"]["existing"]["sid"].as_str().unwrap().starts_with("FV"), "{again}");
    assert_eq!(again["plan"]["steps"], serde_json::json!([]));

    let dry = run_tool(&env, &["release", "--json", "--version", "1.0.0"]);
    assert_eq!(dry.code, 1, "{}", dry.err);
    let j = json_of(&dry);
    assert_eq!(j["dry_run"], true);
    let next: Vec<String> = j["plan"]["next"].as_array().unwrap().iter().map(|p| format!("{}@{}", p["unique_name"].as_str().unwrap(), p["version"].as_str().unwrap())).collect();
    assert_eq!(next, ["plugin-other-team@1.4.0", "plugin-multi-call@1.0.0"]);
    assert_eq!(j["plan"]["next"][1]["change"]["change"], "added", "{j}");
    assert!(j["results"].is_null());

    let released = run_tool(&env, &["release", "--json=yes", "-y", "--version", "1.0.0"]);
    assert_eq!(released.code, 0, "{}", released.err);
    let j = json_of(&released);
    assert!(j["results"]["configuration"].as_str().unwrap().starts_with("FJ"), "{j}");
    assert!(j["results"]["release"].as_str().unwrap().starts_with("FK"), "{j}");
    assert!(j["results"]["error"].is_null());

    // An error before any report is the JSON error object, as for audit and apply.
    let early = run_tool(&env, &["release", "--json", "--version", "9.9.9"]);
    assert_eq!(early.code, 2);
    let j = json_of(&early);
    assert!(j["error"]["message"].as_str().unwrap().contains("plugin-multi-call 9.9.9 is not deployed"), "{j}");
    assert_eq!(j["error"]["exit_status"], 2);
    let usage = run_tool(&env, &["deploy", "--json", "--version", "1.2"]);
    assert_eq!(usage.code, 2);
    assert!(json_of(&usage)["error"]["message"].as_str().unwrap().contains("--version"), "{}", usage.out);
}

#[test]
fn a_deploy_that_stops_reports_it_in_its_json_and_prints_nothing_else() {
    let files = Files::new("json-stuck");
    let (b, _) = files.bundle("0.1.0");
    let mut data = standard_data();
    data.plugins.stuck_builds = true;
    let fake = Fake::start(data);
    let run = run_tool(&fake.env(), &["deploy", "--yes", "--json", "--bundle", &b, "--version", "0.1.0", "--build-timeout=1"]);
    assert_eq!(run.code, 2, "{}\n{}", run.out, run.err);
    let j = json_of(&run);
    assert_eq!(j["results"]["done"], 4, "{j}");
    assert!(j["results"]["error"].as_str().unwrap().contains("still not complete after 1 s"), "{j}");
    assert!(j["results"]["version"].is_null());
    assert!(run.err.contains("deploy stopped"), "{}", run.err);
}

#[test]
fn install_speaks_json_from_the_dry_run_to_a_stop() {
    let files = Files::new("json-install");
    let (b, _) = files.bundle("0.1.0");
    let fc = flex_config_dir();
    let fake = Fake::start(with_other_plugin());
    let args = |yes: &'static str| -> Vec<String> {
        ["install", "--json", "--env", "prod", "--flex-config", &fc, "--bundle", &b, "--version", "0.1.0", yes].iter().map(|s| s.to_string()).collect()
    };
    let run = |yes: &'static str| {
        let a = args(yes);
        run_tool(&fake.env(), &a.iter().map(String::as_str).collect::<Vec<_>>())
    };

    let dry = run("--yes=no");
    assert_eq!(dry.code, 1, "{}", dry.err);
    let j = json_of(&dry);
    assert_eq!((j["dry_run"].clone(), j["plugin"].clone(), j["version"].clone(), j["env"].clone()), (true.into(), "plugin-multi-call".into(), "0.1.0".into(), "prod".into()));
    assert_eq!(j["audit"]["required_capacity"], 2, "{}", j["audit"]);
    assert!(!j["taskrouter"]["plan"]["capacities"].as_array().unwrap().is_empty(), "{}", j["taskrouter"]);
    assert!(j["flex_configuration"]["plan"]["diff"].as_str().unwrap().contains("+        \"mode\": \"forward\""), "{}", j["flex_configuration"]);
    assert_eq!(j["deploy"]["plan"]["steps"][0], "create_service");
    assert_eq!(j["release"]["plan"]["next"][1]["unique_name"], "plugin-multi-call");
    for step in ["taskrouter", "flex_configuration", "deploy", "release"] {
        assert!(j[step]["results"].is_null(), "{step}: {}", j[step]);
    }
    assert_eq!(j["done"], serde_json::json!([]));
    assert!(j["stopped_at"].is_null() && j["error"].is_null());
    assert!(fake.writes().is_empty());

    // The build fails: stopped at deploy, with what was done.
    fake.data.lock().unwrap().plugins.fail_builds = true;
    let stopped = run("--yes");
    assert_eq!(stopped.code, 2, "{}\n{}", stopped.out, stopped.err);
    let j = json_of(&stopped);
    assert_eq!(j["done"], serde_json::json!(["audit", "taskrouter", "flex_configuration"]));
    assert_eq!(j["stopped_at"], "deploy");
    assert!(j["error"].as_str().unwrap().contains("build failed"), "{j}");
    assert!(j["deploy"]["results"]["error"].as_str().unwrap().contains("build failed"), "{j}");
    assert_eq!(j["flex_configuration"]["results"]["status"], "written", "{j}");
    assert!(j["release"]["results"].is_null());

    fake.data.lock().unwrap().plugins.fail_builds = false;
    let done = run("--yes");
    assert_eq!(done.code, 0, "{}\n{}", done.out, done.err);
    let j = json_of(&done);
    assert_eq!(j["done"], serde_json::json!(["audit", "taskrouter", "flex_configuration", "deploy", "release"]));
    assert!(j["stopped_at"].is_null());
    assert!(j["release"]["results"]["release"].as_str().unwrap().starts_with("FK"), "{j}");
    assert_eq!(j["needs_person"], false);
    assert_eq!(fake.data.lock().unwrap().plugins.released(), vec!["plugin-other-team@1.4.0", "plugin-multi-call@0.1.0"]);
}

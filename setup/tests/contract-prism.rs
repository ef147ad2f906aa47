//! Contract tests: every request the tool sends is checked by Prism against
//! Twilio's own OpenAPI descriptions (copied into `setup/contracts/`).
//!
//! Two set-ups:
//! - mock: Prism answers from the descriptions' examples; the tool audits and
//!   plans against them.
//! - proxy: Prism validates each request and forwards it to the stateful fake,
//!   so the writes (workflow configuration, worker capacity) are checked too.
//!
//! Prism comes from npm: run `npm ci --prefix setup` once.

mod common;

use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{run_tool, standard_data, Fake, ACCOUNT, TOKEN};

/// Lines Prism logs when a request breaks the contract. In mock mode a
/// warning-level violation (an unknown query parameter, say) is logged only as
/// `Violation: request…`, without the "did not pass" line.
const VIOLATION_MARKERS: [&str; 4] = [
    "Request did not pass the validation rules",
    "Request terminated with error",
    "Invalid security scheme",
    "Violation: request",
];

/// Start-up attempts: a port free when picked may be taken before Prism binds it.
const START_ATTEMPTS: usize = 5;

/// The worker filter the tests send as `TargetWorkersExpression`; quotes and spaces need encoding.
const WORKER_FILTER: &str = r#"routing.skills HAS "sales" OR worker.lead == true"#;

fn setup_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn prism_bin() -> PathBuf {
    let bin = setup_dir().join("node_modules/.bin/prism");
    assert!(
        bin.exists(),
        "Prism is not installed at {}: run `npm ci --prefix setup` (from the repository root) first",
        bin.display()
    );
    bin
}

/// A Prism process on loopback, stopped when dropped.
struct Prism {
    child: Child,
    base: String,
    log: PathBuf,
    /// Description copies made for this Prism, removed once it has stopped:
    /// Prism watches its description and restarts, resetting open
    /// connections, when the file changes, so a copy must outlive it.
    copies: Vec<PathBuf>,
}

/// A loopback port that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether Prism's log says it exited because its port was taken.
fn bind_failed(log: &str) -> bool {
    log.contains("EADDRINUSE") || log.contains("address already in use")
}

impl Prism {
    fn start(name: &str, args: &[&str]) -> Prism {
        Prism::start_with(name, args, free_port)
    }

    /// Starts Prism on a port from `pick`, with a new port when the last was taken meanwhile.
    fn start_with(name: &str, args: &[&str], mut pick: impl FnMut() -> u16) -> Prism {
        let mut log = String::new();
        for _ in 0..START_ATTEMPTS {
            match Prism::try_start(name, args, pick()) {
                Ok(prism) => return prism,
                Err(text) if bind_failed(&text) => log = text,
                Err(text) => panic!("Prism exited before listening:\n{text}"),
            }
        }
        panic!("Prism found no free port in {START_ATTEMPTS} attempts:\n{log}");
    }

    /// Starts Prism on `port`; its log when it exits before listening.
    fn try_start(name: &str, args: &[&str], port: u16) -> Result<Prism, String> {
        let log = std::env::temp_dir().join(format!(
            "multi-call-setup-prism-{name}-{}-{port}.log",
            std::process::id()
        ));
        let out = File::create(&log).unwrap();
        let child = Command::new(prism_bin())
            .args(args)
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .current_dir(setup_dir())
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("start Prism");
        let mut prism = Prism {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
            copies: Vec::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(90);
        // Its own "listening" line, not just an open port: whoever took the port would answer too.
        while !(prism.log_text().contains("Prism is listening on")
            && TcpStream::connect(("127.0.0.1", port)).is_ok())
        {
            if let Ok(Some(_)) = prism.child.try_wait() {
                return Err(prism.log_text());
            }
            assert!(
                Instant::now() < deadline,
                "Prism did not start within 90 s:\n{}",
                prism.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(prism)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Hands this Prism the description copy it serves, to remove after it stops.
    fn owning(mut self, copy: impl Into<PathBuf>) -> Prism {
        self.copies.push(copy.into());
        self
    }

    /// Waits until Prism's log stops growing: it is written asynchronously,
    /// so a check made right after a response could miss that request's lines.
    fn settle(&self) {
        let size = || std::fs::metadata(&self.log).map(|m| m.len()).unwrap_or(0);
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut last = size();
        let mut stable_since = Instant::now();
        while Instant::now() < deadline && stable_since.elapsed() < Duration::from_millis(400) {
            std::thread::sleep(Duration::from_millis(50));
            let now = size();
            if now != last {
                last = now;
                stable_since = Instant::now();
            }
        }
    }

    /// The lines about requests that broke the contract, with the lines around them.
    fn violations(&self) -> Vec<String> {
        self.settle();
        let text = self.log_text();
        let lines: Vec<&str> = text.lines().collect();
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| VIOLATION_MARKERS.iter().any(|m| l.contains(m)))
            .map(|(i, _)| lines[i.saturating_sub(3)..(i + 3).min(lines.len())].join("\n"))
            .collect()
    }

    fn requests_received(&self) -> usize {
        self.settle();
        self.log_text()
            .lines()
            .filter(|l| l.contains("Request received"))
            .count()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
        for copy in &self.copies {
            let _ = std::fs::remove_file(copy);
        }
    }
}

fn contract(file: &str) -> String {
    let path = setup_dir().join("contracts").join(file);
    assert!(
        Path::new(&path).exists(),
        "missing contract {}",
        path.display()
    );
    path.to_string_lossy().into_owned()
}

fn start_pair(mode: &str, upstream: Option<&str>) -> (Prism, Prism) {
    let tr = contract("twilio_taskrouter_v1.json");
    let fx = contract("twilio_flex_v1.json");
    let (mut a, mut b): (Vec<&str>, Vec<&str>) = (vec![mode, &tr], vec![mode, &fx]);
    if let Some(up) = upstream {
        a.extend([up, "--errors"]);
        b.extend([up, "--errors"]);
    }
    // Start both at once: each takes a few seconds to load its description.
    let (a, b) = std::thread::scope(|s| {
        let ta = s.spawn(|| Prism::start(&format!("{mode}-taskrouter"), &a));
        let tb = s.spawn(|| Prism::start(&format!("{mode}-flex"), &b));
        (ta.join().unwrap(), tb.join().unwrap())
    });
    (a, b)
}

fn env_for(taskrouter: &str, flex: &str) -> Vec<(String, String)> {
    vec![
        ("TWILIO_ACCOUNT_SID".into(), ACCOUNT.into()),
        ("TWILIO_AUTH_TOKEN".into(), TOKEN.into()),
        ("TWILIO_TASKROUTER_BASE_URL".into(), taskrouter.into()),
        ("TWILIO_FLEX_BASE_URL".into(), flex.into()),
        ("MULTI_CALL_SETUP_RETRY_BASE_MS".into(), "5".into()),
    ]
}

fn assert_no_violations(prisms: &[&Prism]) {
    for p in prisms {
        let v = p.violations();
        assert!(
            v.is_empty(),
            "Prism at {} saw requests that break Twilio's contract:\n{}",
            p.base,
            v.join("\n---\n")
        );
    }
}

#[test]
fn requests_match_the_contract_against_prism_examples() {
    let (tr, fx) = start_pair("mock", None);
    let env = env_for(&tr.base, &fx.base);

    let audit = run_tool(&env, &["audit", "--json"]);
    // The examples hold a workflow configuration that is not JSON and a worker
    // with no voice channel, so there are findings; what matters is that the
    // tool got through every call (not exit 2) with contract-valid requests.
    assert_eq!(audit.code, 1, "{}\n{}", audit.out, audit.err);
    let report: serde_json::Value = serde_json::from_str(&audit.out).unwrap();
    assert_eq!(
        report["workspace"]["sid"],
        "WSaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    );
    assert!(report["counts"]["workers"].as_u64().unwrap() >= 1);
    let kinds: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"workflow_unreadable"),
        "the example configuration is YAML-like text: {kinds:?}"
    );
    assert!(kinds.contains(&"flex_configuration"), "{kinds:?}");
    assert!(
        kinds.contains(&"workspace_single_tasking"),
        "the example workspace has multi_task_enabled false: {kinds:?}"
    );

    let apply = run_tool(&env, &["apply", "--yes"]);
    assert!(apply.code <= 1, "{}\n{}", apply.out, apply.err);
    let filtered = run_tool(&env, &["audit", "--workers", WORKER_FILTER, "--all-targets"]);
    assert_eq!(filtered.code, 1, "{}\n{}", filtered.out, filtered.err);
    assert!(tr.log_text().contains("TargetWorkersExpression"), "{}", tr.log_text());

    // workspaces, workers, channels, workflows, queues, queue members; and the Flex configuration.
    assert!(tr.requests_received() >= 6, "{}", tr.log_text());
    assert!(fx.requests_received() >= 1, "{}", fx.log_text());
    assert_no_violations(&[&tr, &fx]);
}

#[test]
fn writes_match_the_contract_through_prism_in_front_of_the_fake() {
    let fake = Fake::start(standard_data());
    let (tr, fx) = start_pair("proxy", Some(&fake.base));
    let env = env_for(&tr.base, &fx.base);

    let audit = run_tool(&env, &["audit"]);
    assert_eq!(audit.code, 1, "{}\n{}", audit.out, audit.err);
    let apply = run_tool(&env, &["apply", "--yes"]);
    assert_eq!(
        apply.code,
        0,
        "{}\n{}\nPrism:\n{}",
        apply.out,
        apply.err,
        tr.log_text()
    );
    // The writes went through Prism's validation and reached the fake.
    let writes = fake.writes();
    assert!(
        writes.iter().any(|w| w.target.contains("/Workflows/")),
        "{writes:?}"
    );
    assert!(
        writes.iter().any(|w| w.target.contains("/Channels/")),
        "{writes:?}"
    );
    let again = run_tool(&env, &["audit"]);
    assert_eq!(again.code, 0, "{}\n{}", again.out, again.err);
    // The worker filter and --all-targets: the filtered list, and a write of the transfer target.
    let before = fake.writes().len();
    let all = run_tool(&env, &["apply", "--yes", "--all-targets", "--workers", WORKER_FILTER]);
    assert_eq!(all.code, 0, "{}\n{}", all.out, all.err);
    assert!(fake.log().iter().any(|l| l.target.contains("TargetWorkersExpression=")), "{:?}", fake.log());
    assert!(fake.writes()[before..].iter().any(|w| w.target.contains("/Workflows/")), "{:?}", fake.writes());
    assert!(fake.workflow(1).contains("task.targetSid == worker.sid AND worker.channel"), "{}", fake.workflow(1));
    assert_no_violations(&[&tr, &fx]);
    // The fake's answers must follow the contract too, or it could hide a tool bug.
    for p in [&tr, &fx] {
        p.settle();
        let bad: Vec<String> = p
            .log_text()
            .lines()
            .filter(|l| l.contains("Violation: response"))
            .map(str::to_string)
            .collect();
        assert!(
            bad.is_empty(),
            "the fake answered outside Twilio's contract:\n{}",
            bad.join("\n")
        );
    }

    // Control: a request that breaks the contract is stopped by Prism and never reaches the fake.
    let before = fake.writes().len();
    let status = bad_capacity_request(&tr.base);
    assert_eq!(status, 422);
    assert_eq!(fake.writes().len(), before);
    assert!(
        !tr.violations().is_empty(),
        "the bad request was not flagged:\n{}",
        tr.log_text()
    );
}

/// Sends `Capacity=two` (the contract says integer) and returns the status.
fn bad_capacity_request(base: &str) -> u16 {
    use base64::Engine;
    let ws = common::ws();
    let url = format!(
        "{base}/v1/Workspaces/{ws}/Workers/{}/Channels/{}",
        common::sid("WK", 1),
        common::sid("WC", 12)
    );
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{TOKEN}"))
    );
    let resp = ureq::post(&url)
        .header("Authorization", &auth)
        .config()
        .http_status_as_error(false)
        .build()
        .send_form([("Capacity", "two")])
        .unwrap();
    resp.status().as_u16()
}

#[test]
fn start_up_retries_on_a_port_taken_meanwhile() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut ports = vec![free_port(), taken.local_addr().unwrap().port()];
    let prism = Prism::start_with("retry", &["mock", &contract("twilio_flex_v1.json")], || ports.pop().unwrap());
    assert!(ports.is_empty(), "the taken port was tried first");
    assert!(!prism.base.ends_with(&format!(":{}", taken.local_addr().unwrap().port())), "{}", prism.base);
    assert!(prism.requests_received() == 0 && prism.violations().is_empty());
}

/// A one-operation description whose `Old` query parameter is deprecated:
/// Prism lets such a request through and logs only a warning-level violation.
const DEPRECATED_PARAM_SPEC: &str = r#"{
  "openapi": "3.0.1",
  "info": { "title": "warning control", "version": "1" },
  "paths": { "/v1/Things": { "get": {
    "parameters": [{ "name": "Old", "in": "query", "deprecated": true, "schema": { "type": "string" } }],
    "responses": { "200": { "description": "ok", "content": { "application/json": { "example": { "things": [] } } } } }
  } } }
}"#;

#[test]
fn the_violation_check_catches_a_warning_level_request_violation() {
    let spec = std::env::temp_dir().join(format!("multi-call-setup-warning-{}.json", std::process::id()));
    std::fs::write(&spec, DEPRECATED_PARAM_SPEC).unwrap();
    let prism = Prism::start("warning", &["mock", spec.to_str().unwrap()]).owning(&spec);
    let resp = ureq::get(&format!("{}/v1/Things?Old=1", prism.base)).call().unwrap();
    assert_eq!(resp.status().as_u16(), 200, "a warning does not stop the request");
    let v = prism.violations();
    assert!(v.iter().any(|l| l.contains("Violation: request")), "not flagged: {v:?}\n{}", prism.log_text());
}

#[test]
fn the_violation_check_catches_a_bad_request() {
    // A control: without it, a Prism that logged violations differently would let every test above pass.
    let (tr, _fx) = start_pair("mock", None);
    assert_eq!(bad_capacity_request(&tr.base), 422);
    assert!(
        !tr.violations().is_empty(),
        "the bad request was not flagged:\n{}",
        tr.log_text()
    );
}

/// A copy of a contract (in the temp folder; `contracts/` stays unchanged) in
/// which every array in a form body gets the encoding OpenAPI gives it by
/// default (`style: form`, `explode: true`), written out. Prism 5 deserializes
/// a form array only when the encoding is written (see stoplightio/prism#2473),
/// and Twilio's files leave it out, so without this every `AssetVersions` or
/// `Plugins` field is refused as "must be array". Prism keeps the last value of
/// a repeated key, so it checks one item of each list; the fake checks them all.
fn with_form_array_encoding(file: &str) -> String {
    let mut spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(contract(file)).unwrap()).unwrap();
    for ops in spec["paths"].as_object_mut().unwrap().values_mut() {
        for op in ops.as_object_mut().unwrap().values_mut() {
            let Some(media) = op.pointer_mut("/requestBody/content/application~1x-www-form-urlencoded") else {
                continue;
            };
            let arrays: Vec<String> = media
                .pointer("/schema/properties")
                .and_then(|p| p.as_object())
                .map(|props| {
                    props
                        .iter()
                        .filter(|(_, v)| v["type"] == "array")
                        .map(|(k, _)| k.clone())
                        .collect()
                })
                .unwrap_or_default();
            for name in arrays {
                media["encoding"][name] = serde_json::json!({ "style": "form", "explode": true });
            }
        }
    }
    // A new name for every copy: Prism watches its file and restarts (resetting
    // open connections) when it changes, so two tests must never share one.
    static COPIES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COPIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("multi-call-setup-{}-{n}-{file}", std::process::id()));
    std::fs::write(&path, spec.to_string()).unwrap();
    path.display().to_string()
}

/// Prism in proxy mode for TaskRouter, Flex and Serverless, in front of one fake.
fn start_three(upstream: &str) -> (Prism, Prism, Prism) {
    let (tr, fx, sl) = (
        contract("twilio_taskrouter_v1.json"),
        with_form_array_encoding("twilio_flex_v1.json"),
        with_form_array_encoding("twilio_serverless_v1.json"),
    );
    std::thread::scope(|s| {
        let a = s.spawn(|| Prism::start("proxy3-taskrouter", &["proxy", &tr, upstream, "--errors"]));
        let b = s.spawn(|| Prism::start("proxy3-flex", &["proxy", &fx, upstream, "--errors"]));
        let c = s.spawn(|| Prism::start("proxy3-serverless", &["proxy", &sl, upstream, "--errors"]));
        (a.join().unwrap(), b.join().unwrap().owning(&fx), c.join().unwrap().owning(&sl))
    })
}

/// The response lines Prism flags: a fake answering outside the contract could hide a tool bug.
fn response_violations(p: &Prism) -> Vec<String> {
    p.settle();
    p.log_text()
        .lines()
        .filter(|l| l.contains("Violation: response"))
        .map(str::to_string)
        .collect()
}

#[test]
fn deploy_release_and_install_requests_match_the_contract_through_prism() {
    let mut data = standard_data();
    data.plugins.add_released_plugin("plugin-other-team", "1.4.0");
    let fake = Fake::start(data);
    let (tr, fx, sl) = start_three(&fake.base);
    let mut env = env_for(&tr.base, &fx.base);
    env.push(("TWILIO_SERVERLESS_BASE_URL".into(), sl.base.clone()));
    // The asset content upload is not in the OpenAPI files; it goes to the fake's upload host.
    env.push(("TWILIO_SERVERLESS_UPLOAD_BASE_URL".into(), fake.upload_base.clone()));
    env.push(("MULTI_CALL_SETUP_POLL_MS".into(), "1".into()));

    let dir = std::env::temp_dir().join(format!("multi-call-prism-install-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bundle = dir.join("bundle.js");
    std::fs::write(&bundle, b"/* multi-call */").unwrap();
    let bundle = bundle.display().to_string();
    let fc = setup_dir().join("../flex-config").display().to_string();
    let install = |version: &str, yes: bool| {
        let mut args = vec!["install", "--env", "prod", "--flex-config", &fc, "--bundle", &bundle, "--version", version];
        if yes {
            args.push("--yes");
        }
        run_tool(&env, &args)
    };

    let dry = install("0.1.0", false);
    assert_eq!(dry.code, 1, "{}\n{}", dry.out, dry.err);
    let done = install("0.1.0", true);
    assert_eq!(done.code, 0, "{}\n{}\nPrism:\n{}\n{}", done.out, done.err, fx.log_text(), sl.log_text());
    let next = install("0.2.0", true);
    assert_eq!(next.code, 0, "{}\n{}", next.out, next.err);
    let again = install("0.2.0", true);
    assert_eq!(again.code, 0, "{}\n{}", again.out, again.err);
    let release = run_tool(&env, &["release", "--version", "0.2.0"]);
    assert_eq!(release.code, 0, "{}\n{}", release.out, release.err);
    let _ = std::fs::remove_dir_all(&dir);

    assert_eq!(
        fake.data.lock().unwrap().plugins.released(),
        vec!["plugin-other-team@1.4.0", "plugin-multi-call@0.2.0"]
    );
    // Every kind of write went through Prism's validation: Services, Environments,
    // Assets, Builds, Deployments, the Flex Configuration, Plugins, Versions,
    // Configurations and Releases.
    let writes: Vec<String> = fake.writes().iter().map(|w| w.target.clone()).collect();
    for part in ["/v1/Services", "/Environments", "/Assets", "/Builds", "/Deployments", "/v1/Configuration", "/PluginService/Plugins", "/Versions", "/PluginService/Configurations", "/PluginService/Releases"] {
        assert!(writes.iter().any(|w| w.contains(part)), "no write to {part}: {writes:?}");
    }
    assert!(sl.log_text().contains("/Status"), "the build status was polled through Prism");
    assert_no_violations(&[&tr, &fx, &sl]);
    for p in [&tr, &fx, &sl] {
        let bad = response_violations(p);
        assert!(bad.is_empty(), "the fake answered outside Twilio's contract:\n{}", bad.join("\n"));
    }
}

#[test]
fn the_written_out_form_array_encoding_lets_prism_check_list_items() {
    // A control for `with_form_array_encoding`: a valid list passes, a bad item is caught.
    let spec = with_form_array_encoding("twilio_serverless_v1.json");
    let prism = Prism::start("arrays", &["mock", &spec]).owning(&spec);
    use base64::Engine;
    let auth = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{TOKEN}")));
    let post = |body: &str| {
        ureq::post(&format!("{}/v1/Services/{}/Builds", prism.base, common::sid("ZS", 1)))
            .header("Authorization", &auth)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .config()
            .http_status_as_error(false)
            .build()
            .send(body)
            .unwrap_or_else(|e| panic!("{e} from Prism:\n{}", prism.log_text()))
            .status()
            .as_u16()
    };
    let good = format!("AssetVersions={}&AssetVersions={}", common::sid("ZN", 1), common::sid("ZN", 2));
    assert_eq!(post(&good), 201, "{}", prism.log_text());
    assert_eq!(post("AssetVersions=not-a-version-sid"), 422, "{}", prism.log_text());
    assert!(!prism.violations().is_empty());
}

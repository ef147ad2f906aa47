//! Throttling, server errors and refused credentials: retried or reported by name, never with a secret.

mod common;

use common::{run_tool, standard_data, Fake, TOKEN};

#[test]
fn throttling_and_server_errors_are_retried() {
    let mut data = standard_data();
    data.fail_next = [429, 503, 500].into_iter().collect();
    let fake = Fake::start(data);
    let run = run_tool(&fake.env(), &["audit"]);
    assert_eq!(run.code, 1, "{}\n{}", run.out, run.err);
    assert!(run.err.contains("HTTP 429; retrying"), "{}", run.err);
    assert!(run.err.contains("HTTP 503; retrying"), "{}", run.err);
    assert!(run.out.contains("Result: changes needed."), "{}", run.out);
}

#[test]
fn persistent_server_errors_give_up_with_the_status() {
    let mut data = standard_data();
    data.fail_path = Some(("/v1/Workspaces".into(), 502));
    let fake = Fake::start(data);
    let mut env = fake.env();
    env.push(("MULTI_CALL_SETUP_RETRY_ATTEMPTS".into(), "3".into()));
    let run = run_tool(&env, &["audit"]);
    assert_eq!(run.code, 2);
    assert!(
        run.err.contains(
            "listing TaskRouter workspaces: HTTP 502 (Twilio error 20500: Internal Server Error)"
        ),
        "{}",
        run.err
    );
    assert_eq!(fake.log().len(), 3, "three attempts in all");
}

#[test]
fn a_401_names_the_credentials_to_check() {
    let fake = Fake::start(standard_data());
    let mut env = fake.env();
    env.retain(|(k, _)| k != "TWILIO_AUTH_TOKEN");
    env.push(("TWILIO_AUTH_TOKEN".into(), "wrong-token-value".into()));
    let run = run_tool(&env, &["audit"]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("401 Unauthorized"), "{}", run.err);
    assert!(
        run.err
            .contains("TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN"),
        "{}",
        run.err
    );
    assert!(!run.err.contains("wrong-token-value"), "{}", run.err);
    assert_eq!(fake.log().len(), 1, "a 401 is not retried");
}

#[test]
fn a_403_on_write_stops_apply_and_says_why() {
    let mut data = standard_data();
    data.fail_path = Some((format!("/v1/Workspaces/{}/Workflows/WW", common::ws()), 403));
    let fake = Fake::start(data);
    let run = run_tool(&fake.env(), &["apply", "--yes"]);
    assert_eq!(run.code, 2, "{}\n{}", run.out, run.err);
    assert!(run.err.contains("403 Forbidden"), "{}", run.err);
    assert!(fake.writes().is_empty());
}

#[test]
fn a_403_partway_through_apply_reports_what_was_written_before_it() {
    // Worker 2's capacity write is refused; the workflow and worker 1 are already written by then.
    let mut data = standard_data();
    let refused = format!("/v1/Workspaces/{}/Workers/{}/Channels/", common::ws(), common::sid("WK", 2));
    data.fail_path = Some((refused, 403));
    let fake = Fake::start(data);
    let run = run_tool(&fake.env(), &["apply", "--yes"]);
    assert_eq!(run.code, 2, "{}\n{}", run.out, run.err);
    assert!(run.err.contains("403 Forbidden"), "{}", run.err);
    let out = &run.out;
    let after = |what: &str| out[out.find(what).unwrap_or_else(|| panic!("{what}: {out}"))..].lines().nth(1).unwrap_or("");
    let workflow = &out[out.find("Workflow Assign").unwrap()..out.find("Worker voice capacity").unwrap()];
    assert!(workflow.trim_end().ends_with("=> written"), "{out}");
    assert!(after("agent1 (WK").contains("=> written"), "{out}");
    assert!(after("agent2 (WK").contains("=> FAILED") && after("agent2 (WK").contains("403"), "{out}");
    assert!(after("agent3 (WK").contains("not attempted"), "{out}");
    assert!(out.contains("Result: apply STOPPED"), "{out}");
    let writes = fake.writes();
    assert_eq!(writes.len(), 3, "workflow, agent1, and the refused agent2: {writes:?}");

    // The same in JSON: what was written, and the error it stopped at.
    let fake = Fake::start({
        let mut d = standard_data();
        d.fail_path = Some((format!("/v1/Workspaces/{}/Workers/{}/Channels/", common::ws(), common::sid("WK", 1)), 401));
        d
    });
    let run = run_tool(&fake.env(), &["apply", "--yes", "--json"]);
    assert_eq!(run.code, 2, "{}\n{}", run.out, run.err);
    let json: serde_json::Value = serde_json::from_str(&run.out).unwrap();
    let results = &json["results"];
    assert_eq!(results["workflows"][0][2]["status"], "written", "{json}");
    assert_eq!(results["workers"].as_array().unwrap().len(), 1, "{json}");
    assert!(results["stopped"].as_str().unwrap().contains("401"), "{json}");
    assert!(run.err.contains("401 Unauthorized"), "{}", run.err);
}

#[test]
fn a_404_workspace_is_named() {
    let fake = Fake::start(standard_data());
    let run = run_tool(
        &fake.env(),
        &["audit", "--workspace", &common::sid("WS", 9)],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.err
            .contains("reading workspace WS00000000000000000000000000000009: 404 Not Found"),
        "{}",
        run.err
    );
    assert!(run.err.contains("Check the SID"), "{}", run.err);
}

#[test]
fn an_unreadable_flex_configuration_is_a_finding_not_a_crash() {
    let mut data = standard_data();
    data.fail_path = Some(("/v1/Configuration".into(), 404));
    let fake = Fake::start(data);
    let run = run_tool(&fake.env(), &["audit"]);
    assert_eq!(run.code, 1);
    assert!(
        run.out.contains(
            "Flex configuration: could not be read: reading the Flex configuration: 404 Not Found"
        ),
        "{}",
        run.out
    );
    let skipped = run_tool(&fake.env(), &["audit", "--skip-flex"]);
    assert!(
        !skipped.out.contains("Flex configuration:"),
        "{}",
        skipped.out
    );
}

#[test]
fn missing_credentials_are_named() {
    let run = run_tool(&[], &["audit"]);
    assert_eq!(run.code, 2);
    assert!(
        run.err.contains(
            "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET"
        ),
        "{}",
        run.err
    );
}

#[test]
fn the_binary_never_prints_the_secret_even_with_debugging_detail() {
    // Through the real binary, so stdout and stderr are what a terminal would see.
    let mut data = standard_data();
    data.fail_next = [500].into_iter().collect();
    let fake = Fake::start(data);
    for args in [
        &["audit"][..],
        &["audit", "--json"],
        &["apply"],
        &["apply", "--yes", "--json"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_multi-call-setup"))
            .args(args)
            .env_clear()
            .envs(fake.env())
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!text.contains(TOKEN), "{args:?} printed the token:\n{text}");
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{args:?}: {text}"
        );
    }
    // Every request carried the credentials as basic auth, and only there.
    for l in fake.log() {
        assert!(l.auth.starts_with("Basic "), "{l:?}");
        assert!(
            !l.target.contains(TOKEN) && !l.body.contains(TOKEN),
            "{l:?}"
        );
    }
}

#[test]
fn api_key_credentials_are_used_when_given() {
    let fake = Fake::start(standard_data());
    let mut env: Vec<(String, String)> = fake
        .env()
        .into_iter()
        .filter(|(k, _)| !k.starts_with("TWILIO_A"))
        .collect();
    env.push(("TWILIO_API_KEY".into(), common::sid("SK", 1)));
    env.push(("TWILIO_API_SECRET".into(), "key-secret-value".into()));
    let run = run_tool(&env, &["audit"]);
    // The fake only knows the account token, so this is a 401; what matters is which user went out.
    assert_eq!(run.code, 2);
    assert!(!run.err.contains("key-secret-value"), "{}", run.err);
    use base64::Engine;
    let sent = base64::engine::general_purpose::STANDARD
        .decode(fake.log()[0].auth.trim_start_matches("Basic "))
        .unwrap();
    assert!(String::from_utf8(sent).unwrap().starts_with("SK"));
}

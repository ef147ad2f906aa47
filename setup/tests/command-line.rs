//! The command line as an admin types it: yes/no flags with values, help,
//! and errors that name what was wrong, against the stateful fake.

mod common;

use common::{run_tool, standard_data, Fake};

#[test]
fn a_value_on_a_yes_no_flag_is_honoured() {
    let fake = Fake::start(standard_data());
    let env = fake.env();
    for off in ["--yes=false", "--yes=no", "--yes=0", "-y=false"] {
        let run = run_tool(&env, &["apply", off]);
        assert_eq!(run.code, 1, "{off}: {}\n{}", run.out, run.err);
        assert!(run.out.contains("dry run"), "{off}: {}", run.out);
        assert!(fake.writes().is_empty(), "{off} wrote: {:?}", fake.writes());
    }
    let flex_read = |fake: &Fake| fake.log().iter().filter(|l| l.target == "/v1/Configuration").count();
    let before = flex_read(&fake);
    let run = run_tool(&env, &["audit", "--skip-flex=no"]);
    assert_eq!(run.code, 1, "{}", run.err);
    assert_eq!(flex_read(&fake), before + 1, "--skip-flex=no reads Flex");
    let before = flex_read(&fake);
    run_tool(&env, &["audit", "--skip-flex=yes"]);
    assert_eq!(flex_read(&fake), before, "--skip-flex=yes skips Flex");
    let json = run_tool(&env, &["audit", "--json=false"]);
    assert!(json.out.starts_with("multi-call audit"), "{}", json.out);
    let json = run_tool(&env, &["audit", "--json=1"]);
    assert!(json.out.starts_with('{'), "{}", json.out);
    let on = run_tool(&env, &["apply", "--yes=true", "--all-targets=yes"]);
    assert_eq!(on.code, 0, "{}\n{}", on.out, on.err);
    assert!(fake.workflow(1).contains("task.targetSid == worker.sid AND"), "{}", fake.workflow(1));
}

#[test]
fn a_value_that_is_not_yes_or_no_is_refused_by_name() {
    let fake = Fake::start(standard_data());
    for (args, name) in [
        (&["apply", "--yes=maybe"][..], "--yes"),
        (&["audit", "--skip-flex=off-ish"], "--skip-flex"),
        (&["audit", "--json="], "--json"),
        (&["audit", "--all-targets=2"], "--all-targets"),
        (&["audit", "--yes"], "--yes"),
        (&["audit", "--max-calls=1"], "--max-calls"),
        (&["audit", "--max-calls", "two"], "--max-calls"),
        (&["audit", "--mode=fast"], "--mode"),
        (&["audit", "--workspace="], "--workspace"),
        (&["audit", "--workspace", "WS1/../x"], "--workspace"),
        (&["audit", "--frob"], "--frob"),
        (&["frobnicate"], "frobnicate"),
        (&["deploy", "--yes=maybe"], "--yes"),
        (&["release", "-y=2"], "--yes"),
        (&["install", "--env", "prod", "--json=perhaps"], "--json"),
        (&["install", "--yes"], "--env"),
        (&["install", "--env", "../x"], "--env"),
        (&["install", "--env", "prod", "--skip-flex"], "--skip-flex"),
        (&["deploy", "--version", "1.2"], "--version"),
        (&["deploy", "--url", "ftp://example.com/b.js"], "--url"),
        (&["deploy", "--url", "https://example.com/b.js", "--bundle", "b.js"], "--bundle"),
        (&["deploy", "--build-timeout=0"], "--build-timeout"),
        (&["deploy", "--max-calls", "3"], "--max-calls"),
        (&["release", "--bundle", "b.js"], "--bundle"),
        (&["apply", "--flex-config", "fc"], "--env"),
        (&["apply", "--env", "prod", "--skip-flex"], "--skip-flex"),
        (&["audit", "--env", "prod"], "--env"),
        (&["--bundle", "b.js", "deploy"], "--bundle"),
        (&[], "audit"),
    ] {
        let run = run_tool(&fake.env(), args);
        assert_eq!(run.code, 2, "{args:?}: {}\n{}", run.out, run.err);
        assert!(run.err.contains(name), "{args:?} should name {name}: {}", run.err);
    }
    assert!(fake.log().is_empty(), "bad usage sends nothing: {:?}", fake.log());
}

#[test]
fn help_lists_every_option_and_says_what_apply_changes() {
    let run = run_tool(&[], &["--help"]);
    assert_eq!(run.code, 0, "{}", run.err);
    for needle in [
        "-y, --yes",
        "--workspace",
        "--mode",
        "--max-calls",
        "--workers",
        "--all-targets",
        "--skip-flex",
        "--json",
        "worker.channel.voice.available_capacity_percentage == 100",
        "voice capacity",
        "Flex configuration is written only with --env ENV",
        "--env <ENV>",
        "--flex-config <DIR>",
        "multi-call-setup deploy",
        "multi-call-setup release",
        "multi-call-setup install",
        "--bundle <PATH>",
        "--url <URL>",
        "--version <V>",
        "--changelog <TEXT>",
        "--build-timeout <SECS>",
        "TWILIO_SERVERLESS_BASE_URL",
        "TWILIO_SERVERLESS_UPLOAD_BASE_URL",
        "TWILIO_ACCOUNT_SID",
        "EXIT STATUS",
    ] {
        assert!(run.out.contains(needle), "--help lacks {needle}:\n{}", run.out);
    }
    let apply = run_tool(&[], &["apply", "--help"]);
    assert_eq!(apply.code, 0);
    assert!(apply.out.contains("-y, --yes"), "{}", apply.out);
    for (command, needles) in [
        ("apply", &["-y, --yes", "--env <ENV>", "ui_attributes.common.json", "one request after the TaskRouter writes"][..]),
        ("deploy", &["-y, --yes", "Protected Asset", "serverless_service_sids", "never overwritten", "--build-timeout"]),
        ("release", &["-y, --yes", "plugins Configuration", "in place of an older one", "--version <V>"]),
        ("install", &["-y, --yes", "audit, the TaskRouter changes", "stops at", "--env <ENV>", "--bundle <PATH>", "--max-calls"]),
    ] {
        let run = run_tool(&[], &[command, "--help"]);
        assert_eq!(run.code, 0, "{command}: {}", run.err);
        for needle in needles {
            assert!(run.out.contains(needle), "{command} --help lacks {needle}:\n{}", run.out);
        }
    }
    let version = run_tool(&[], &["--version"]);
    assert_eq!(version.code, 0);
    assert!(version.out.starts_with("multi-call-setup "), "{}", version.out);
}

#[test]
fn a_no_on_yes_is_a_dry_run_for_deploy_release_and_install_too() {
    let fake = Fake::start(standard_data());
    let env = fake.env();
    let fc = format!("{}/../flex-config", env!("CARGO_MANIFEST_DIR"));
    let url = format!("{}/static/none.js", fake.base);
    let deploy = run_tool(&env, &["deploy", "--yes=false", "--url", &url, "--version", "1.0.0"]);
    assert_eq!(deploy.code, 1, "{}\n{}", deploy.out, deploy.err);
    assert!(deploy.out.contains("Result: run again with --yes to deploy."), "{}", deploy.out);
    // The options of install in another order, --json before the command.
    let install = run_tool(&env, &["--json=no", "install", "--version", "1.0.0", "--url", &url, "-y=0", "--flex-config", &fc, "--env", "prod"]);
    assert_eq!(install.code, 1, "{}\n{}", install.out, install.err);
    assert!(install.out.contains("(dry run: nothing is written without --yes)"), "{}", install.out);
    let release = run_tool(&env, &["release", "--yes=no", "--version", "1.0.0"]);
    assert_eq!(release.code, 2, "not deployed yet: {}", release.err);
    assert!(fake.writes().is_empty(), "a dry run writes nothing: {:?}", fake.writes());
}

#[test]
fn apply_yes_with_nothing_to_do_says_so() {
    let fake = Fake::start(standard_data());
    assert_eq!(run_tool(&fake.env(), &["apply", "--yes"]).code, 0);
    let second = run_tool(&fake.env(), &["apply", "--yes"]);
    assert_eq!(second.code, 0, "{}", second.out);
    assert!(second.out.contains("Result: nothing to write."), "{}", second.out);
    assert!(!second.out.contains("all changes written"), "{}", second.out);
}

fn env_with(fake: &Fake, set: &[(&str, &str)], unset: &[&str]) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = fake.env().into_iter().filter(|(k, _)| !unset.contains(&k.as_str()) && !set.iter().any(|(s, _)| s == k)).collect();
    env.extend(set.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    env
}

#[test]
fn half_credentials_and_bad_settings_are_named() {
    let fake = Fake::start(standard_data());
    for (set, unset, needles) in [
        (&[][..], &["TWILIO_ACCOUNT_SID"][..], &["TWILIO_AUTH_TOKEN is set but TWILIO_ACCOUNT_SID is not"][..]),
        (&[("TWILIO_API_SECRET", "s3cr3t-value")], &["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"], &["TWILIO_API_SECRET is set but TWILIO_API_KEY is not"]),
        (&[("TWILIO_TASKROUTER_BASE_URL", "taskrouter.twilio.com")], &[], &["TWILIO_TASKROUTER_BASE_URL", "'taskrouter.twilio.com'", "http://"]),
        (&[("TWILIO_FLEX_BASE_URL", "https://")], &[], &["TWILIO_FLEX_BASE_URL", "'https://'"]),
        (&[("TWILIO_WORKSPACE_SID", "WS1/../../Accounts")], &[], &["TWILIO_WORKSPACE_SID", "WS and 32 hex digits"]),
    ] {
        let run = run_tool(&env_with(&fake, set, unset), &["audit"]);
        assert_eq!(run.code, 2, "{set:?}: {}", run.err);
        for n in needles {
            assert!(run.err.contains(n), "{set:?} should say {n}: {}", run.err);
        }
    }
    assert!(fake.log().is_empty(), "nothing was sent: {:?}", fake.log());
}

#[test]
fn with_json_every_error_is_a_json_object_on_stdout() {
    let fake = Fake::start(standard_data());
    type Case<'a> = (Vec<(String, String)>, Vec<&'a str>, &'a str);
    let cases: Vec<Case> = vec![
        (vec![], vec!["audit", "--json"], "no credentials"),
        (fake.env(), vec!["audit", "--json", "--max-calls=1"], "--max-calls"),
        (env_with(&fake, &[("TWILIO_AUTH_TOKEN", "wrong-token")], &[]), vec!["apply", "--json"], "401 Unauthorized"),
    ];
    for (env, args, needle) in cases {
        let run = run_tool(&env, &args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.err);
        let json: serde_json::Value = serde_json::from_str(&run.out).unwrap_or_else(|e| panic!("{args:?}: stdout is not JSON ({e}): {:?}", run.out));
        assert!(json["error"]["message"].as_str().unwrap().contains(needle), "{args:?}: {json}");
        assert_eq!(json["error"]["exit_status"], 2, "{json}");
    }
}

#[test]
fn a_bad_serverless_url_is_named_by_the_commands_that_use_it() {
    let fake = Fake::start(standard_data());
    for name in ["TWILIO_SERVERLESS_BASE_URL", "TWILIO_SERVERLESS_UPLOAD_BASE_URL"] {
        let env = env_with(&fake, &[(name, "serverless.twilio.com")], &[]);
        let run = run_tool(&env, &["deploy", "--version", "1.0.0"]);
        assert_eq!(run.code, 2, "{}", run.err);
        assert!(run.err.contains(name) && run.err.contains("'serverless.twilio.com'"), "{}", run.err);
        // audit and apply do not use them.
        assert_eq!(run_tool(&env, &["audit"]).code, 1);
    }
    assert!(fake.writes().is_empty());
}

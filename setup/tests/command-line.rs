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
        "Flex configuration is never written",
        "TWILIO_ACCOUNT_SID",
        "EXIT STATUS",
    ] {
        assert!(run.out.contains(needle), "--help lacks {needle}:\n{}", run.out);
    }
    let apply = run_tool(&[], &["apply", "--help"]);
    assert_eq!(apply.code, 0);
    assert!(apply.out.contains("-y, --yes"), "{}", apply.out);
    let version = run_tool(&[], &["--version"]);
    assert_eq!(version.code, 0);
    assert!(version.out.starts_with("multi-call-setup "), "{}", version.out);
}

//! Audit, apply, audit again against the stateful fake: the story an admin lives through.

mod common;

use common::{run_tool, sid, standard_data, Fake};
use multi_call_setup::expr::CAPACITY_CONDITION;
use serde_json::Value;

#[test]
fn audit_apply_audit_reaches_a_clean_state_and_stays_there() {
    let fake = Fake::start(standard_data());
    let env = fake.env();

    let audit = run_tool(&env, &["audit"]);
    assert_eq!(audit.code, 1, "{}\n{}", audit.out, audit.err);
    assert!(
        audit
            .out
            .contains("voice capacity is 1; multi-call needs 2"),
        "{}",
        audit.out
    );
    assert!(
        audit
            .out
            .contains("filter \"Sales\", task_routing.filters[0].targets[0]"),
        "{}",
        audit.out
    );
    assert!(
        !audit.out.contains("has no voice channel"),
        "every fake worker has voice"
    );
    assert!(
        audit.out.contains("task queue Everyone"),
        "transfer queue warning: {}",
        audit.out
    );
    assert!(fake.writes().is_empty(), "audit must not write");

    let dry = run_tool(&env, &["apply"]);
    assert_eq!(dry.code, 1, "{}\n{}", dry.out, dry.err);
    assert!(dry.out.contains("dry run"), "{}", dry.out);
    assert!(
        dry.out.contains(&format!(
            "+ (routing.skills HAS 'sales' OR worker.lead == true) AND {CAPACITY_CONDITION}"
        )),
        "{}",
        dry.out
    );
    assert!(
        dry.out
            .contains("agent1 (WK00000000000000000000000000000001): 1 -> 2"),
        "{}",
        dry.out
    );
    assert!(
        dry.out.contains("--- current") && dry.out.contains("+++ proposed"),
        "{}",
        dry.out
    );
    assert!(fake.writes().is_empty(), "a dry run must not write");

    let applied = run_tool(&env, &["apply", "--yes"]);
    assert_eq!(applied.code, 0, "{}\n{}", applied.out, applied.err);
    assert!(
        applied.out.contains("Result: all changes written."),
        "{}",
        applied.out
    );
    let writes = fake.writes();
    // One write for the one workflow that needed it, then four workers.
    assert_eq!(writes.len(), 5, "{writes:?}");
    assert!(
        writes[0].target.ends_with(&sid("WW", 1)),
        "workflows are written before capacities: {writes:?}"
    );

    let cfg: Value = serde_json::from_str(&fake.workflow(1)).unwrap();
    let targets = &cfg["task_routing"]["filters"][0]["targets"];
    assert_eq!(
        targets[0]["expression"],
        format!("(routing.skills HAS 'sales' OR worker.lead == true) AND {CAPACITY_CONDITION}")
    );
    assert_eq!(targets[0]["timeout"], 60, "untouched keys survive");
    assert_eq!(targets[1]["expression"], CAPACITY_CONDITION);
    assert_eq!(
        cfg["task_routing"]["filters"][1]["targets"][0]["expression"],
        "task.targetSid == worker.sid",
        "transfer target left alone"
    );

    let again = run_tool(&env, &["audit"]);
    assert_eq!(again.code, 0, "{}\n{}", again.out, again.err);
    assert!(
        again.out.contains("Result: nothing needs changing."),
        "{}",
        again.out
    );

    let before = fake.writes().len();
    let second = run_tool(&env, &["apply", "--yes"]);
    assert_eq!(second.code, 0, "{}\n{}", second.out, second.err);
    assert_eq!(fake.writes().len(), before, "a second apply writes nothing");
}

#[test]
fn pagination_is_followed_and_stays_on_the_configured_host() {
    let mut data = standard_data();
    data.page_size = 1;
    let fake = Fake::start(data);
    let run = run_tool(&fake.env(), &["audit", "--json"]);
    assert_eq!(run.code, 1, "{}", run.err);
    let report: Value = serde_json::from_str(&run.out).unwrap();
    assert_eq!(report["counts"]["workers"], 5);
    assert_eq!(report["counts"]["workflows"], 2);
    assert_eq!(report["counts"]["queues"], 2);
    let log = fake.log();
    assert!(
        log.iter().any(|l| l.target.contains("Page=4")),
        "followed next_page_url to page 4"
    );
    // The fake's next_page_url points at the real Twilio host; reaching the fake at all proves it was rewritten.
}

#[test]
fn json_audit_names_kinds_and_severities() {
    let fake = Fake::start(standard_data());
    let run = run_tool(&fake.env(), &["audit", "--json"]);
    let report: Value = serde_json::from_str(&run.out).unwrap();
    let kinds: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"worker_capacity")
            && kinds.contains(&"workflow_target")
            && kinds.contains(&"transfer_queue"),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&"workflow_target_skipped") && kinds.contains(&"workflow_default_filter"),
        "{kinds:?}"
    );
    assert_eq!(report["needs_change"], true);
    assert_eq!(report["flex"]["effective_mode"], "standby");
    assert_eq!(report["required_capacity"], 2);
}

#[test]
fn flex_max_calls_and_mode_problems_are_reported() {
    let mut data = standard_data();
    data.flex["ui_attributes"]["custom_data"]["features"]["multi_call"]["max_calls"] = 3.into();
    data.flex["ui_attributes"]["sdkOptions"]["voice"]["allowIncomingWhileBusy"] = true.into();
    let fake = Fake::start(data);
    let run = run_tool(&fake.env(), &["audit"]);
    assert!(run.out.contains("multi-call needs 3"), "{}", run.out);
    assert!(
        run.out.contains(
            "standby mode needs ui_attributes.sdkOptions.voice.allowIncomingWhileBusy to be false"
        ),
        "{}",
        run.out
    );
    // Flex problems need a person: apply reports them but does not write Flex.
    let applied = run_tool(&fake.env(), &["apply", "--yes"]);
    assert_eq!(applied.code, 1, "{}", applied.out);
    assert!(
        fake.writes()
            .iter()
            .all(|w| !w.target.contains("Configuration")),
        "Flex configuration is never written"
    );
}

#[test]
fn an_unparsable_target_blocks_its_workflow_and_the_capacity_raise() {
    let mut data = standard_data();
    data.workflows[0].2 = data.workflows[0]
        .2
        .replace("worker.lead == true", "worker.lead == (true");
    let fake = Fake::start(data);
    let run = run_tool(&fake.env(), &["apply", "--yes"]);
    assert_eq!(run.code, 1, "{}\n{}", run.out, run.err);
    assert!(run.out.contains("cannot parse the expression: expected a value (name, string, number, list or '('), found '(' at column 46"), "{}", run.out);
    assert!(run.out.contains("workflow Assign to Anyone (WW00000000000000000000000000000001), filter \"Sales\", task_routing.filters[0].targets[0]"), "{}", run.out);
    assert!(
        run.out
            .contains("a workflow still lacks the capacity condition"),
        "{}",
        run.out
    );
    assert!(
        fake.writes().is_empty(),
        "nothing written: {:?}",
        fake.writes()
    );
}

#[test]
fn a_workflow_edited_meanwhile_is_not_overwritten() {
    // The fake answers the list with one configuration; the re-read before the write sees another.
    let fake = Fake::start(standard_data());
    let env = fake.env();
    let plan_state = run_tool(&env, &["apply"]);
    assert_eq!(plan_state.code, 1);
    // Simulate a concurrent edit between the tool's list and its pre-write read by
    // failing the compare: change the workflow after the first GET of the list.
    let data = fake.data.clone();
    let seen = fake.log().len();
    let watcher = std::thread::spawn(move || loop {
        let mut d = data.lock().unwrap();
        if d.log[seen..]
            .iter()
            .any(|l| l.target.contains("/TaskQueues"))
        {
            let cfg = d.workflows[0].2.replace("\"timeout\":60", "\"timeout\":61");
            d.workflows[0].2 = cfg;
            return;
        }
        drop(d);
        std::thread::sleep(std::time::Duration::from_millis(1));
    });
    let run = run_tool(&env, &["apply", "--yes"]);
    watcher.join().unwrap();
    assert!(run.out.contains("changed since it was read"), "{}", run.out);
    assert!(
        fake.writes().is_empty(),
        "neither the workflow nor the capacities: {:?}",
        fake.writes()
    );
    assert_eq!(run.code, 1, "{}", run.out);
}

#[test]
fn worker_filter_and_max_calls_flag_are_passed_through() {
    let fake = Fake::start(standard_data());
    let run = run_tool(
        &fake.env(),
        &[
            "apply",
            "--workers",
            "routing.skills HAS 'sales'",
            "--max-calls",
            "3",
        ],
    );
    assert!(run.out.contains("1 -> 3"), "{}", run.out);
    assert!(
        fake.log().iter().any(|l| l
            .target
            .contains("TargetWorkersExpression=routing.skills%20HAS%20%27sales%27")),
        "{:?}",
        fake.log()
    );
}

#[test]
fn auto_mode_without_a_pinned_ui_version_is_explained_and_float_max_calls_counts() {
    let mut data = standard_data();
    let flex = data.flex.as_object_mut().unwrap();
    flex.remove("ui_version");
    let ui = &mut data.flex["ui_attributes"];
    ui["custom_data"]["features"]["multi_call"] = serde_json::json!({ "enabled": true, "max_calls": 3.0 });
    ui["sdkOptions"]["voice"]["allowIncomingWhileBusy"] = true.into();
    let fake = Fake::start(data);
    let run = run_tool(&fake.env(), &["audit"]);
    assert!(run.out.contains("multi-call needs 3"), "{}", run.out);
    assert!(run.out.contains("runs as forward on Flex UI 2.8+, standby below"), "{}", run.out);
    let warnings = &run.out[run.out.find("Warnings (").unwrap()..];
    assert!(
        warnings.contains("auto mode resolves on each agent's page by its Flex UI version")
            && warnings.contains("pins no Flex UI version (ui_version)"),
        "{}",
        run.out
    );
    assert!(!run.out.contains("To change by hand"), "a note, not a problem: {}", run.out);
}

#[test]
fn numbers_in_fields_the_tool_does_not_know_survive_apply_exactly() {
    let mut data = standard_data();
    data.workflows[0].2 = data.workflows[0].2.replace(
        "\"timeout\":60",
        "\"timeout\":60,\"big\":123456789012345678901234567890,\"tiny\":0.1000000000000000055511151231257827",
    );
    assert!(data.workflows[0].2.contains("\"big\""), "the fixture changed: {}", data.workflows[0].2);
    let fake = Fake::start(data);
    let run = run_tool(&fake.env(), &["apply", "--yes"]);
    assert_eq!(run.code, 0, "{}\n{}", run.out, run.err);
    let stored = fake.workflow(1);
    assert!(stored.contains("\"big\":123456789012345678901234567890"), "{stored}");
    assert!(stored.contains("\"tiny\":0.1000000000000000055511151231257827"), "{stored}");
    assert!(stored.contains(CAPACITY_CONDITION), "{stored}");
}

#[test]
fn an_indexed_name_is_edited_and_blocks_nothing() {
    let mut data = standard_data();
    data.workflows[0].2 = data.workflows[0].2.replace("worker.lead == true", "worker.object.array[2] == \\\"c\\\"");
    assert!(data.workflows[0].2.contains("array[2]"), "{}", data.workflows[0].2);
    let fake = Fake::start(data);
    let run = run_tool(&fake.env(), &["apply", "--yes"]);
    assert_eq!(run.code, 0, "{}\n{}", run.out, run.err);
    assert!(fake.workflow(1).contains(&format!("(routing.skills HAS 'sales' OR worker.object.array[2] == \\\"c\\\") AND {CAPACITY_CONDITION}")), "{}", fake.workflow(1));
    assert!(fake.writes().iter().any(|w| w.target.contains("/Channels/")), "capacities raised");
}

#[test]
fn deep_nesting_is_refused_by_workflow_and_target_with_a_normal_exit() {
    let mut data = standard_data();
    let deep = format!("{}worker.lead == true{}", "(".repeat(20_000), ")".repeat(20_000));
    data.workflows[0].2 = data.workflows[0].2.replace("worker.lead == true", &deep);
    let fake = Fake::start(data);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_multi-call-setup"))
        .args(["apply", "--yes"])
        .env_clear()
        .envs(fake.env())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("workflow Assign to Anyone (WW00000000000000000000000000000001), filter \"Sales\", task_routing.filters[0].targets[0]"), "{text}");
    assert!(text.contains("nested more than 100 levels deep"), "{text}");
    assert!(fake.writes().is_empty(), "{:?}", fake.writes());
}

#[test]
fn a_transfer_branch_inside_an_or_still_reaches_a_busy_agent() {
    let mut data = standard_data();
    let t = r#"(task.transferTargetType == "worker" AND task.targetSid == worker.sid)"#;
    let o = r#"(task.transferTargetType != "worker" AND routing.skills HAS 'support')"#;
    data.workflows[0].2 = data.workflows[0].2.replace("task.targetSid == worker.sid", &format!("{t} OR {o}").replace('"', "\\\""));
    let fake = Fake::start(data);
    let audit = run_tool(&fake.env(), &["audit"]);
    assert!(audit.out.contains("is left as is"), "{}", audit.out);
    let run = run_tool(&fake.env(), &["apply", "--yes"]);
    assert_eq!(run.code, 0, "{}\n{}", run.out, run.err);
    let cfg: Value = serde_json::from_str(&fake.workflow(1)).unwrap();
    assert_eq!(
        cfg["task_routing"]["filters"][1]["targets"][0]["expression"],
        format!("{t} OR ({o} AND {CAPACITY_CONDITION})")
    );
    assert_eq!(run_tool(&fake.env(), &["audit"]).code, 0);
}

#[test]
fn a_worker_with_voice_off_is_reported_and_left_alone_unless_included() {
    let mut data = standard_data();
    data.workers[2].voice = Some(0);
    data.workers[3].voice_available = false;
    let fake = Fake::start(data);
    let audit = run_tool(&fake.env(), &["audit"]);
    assert!(audit.out.contains("worker agent3 (WK00000000000000000000000000000003): voice capacity is 0"), "{}", audit.out);
    assert!(audit.out.contains("worker agent4 (WK00000000000000000000000000000004): the voice channel is unavailable"), "{}", audit.out);
    let warnings = &audit.out[audit.out.find("Warnings (").unwrap()..];
    assert!(warnings.contains("agent3") && warnings.contains("agent4") && warnings.contains("--include-voice-off"), "{}", audit.out);
    let run = run_tool(&fake.env(), &["apply", "--yes"]);
    assert_eq!(run.code, 0, "{}\n{}", run.out, run.err);
    let raised: Vec<String> = fake.writes().iter().filter(|w| w.target.contains("/Channels/")).map(|w| w.target.clone()).collect();
    assert_eq!(raised.len(), 2, "agent1 and agent2 only: {raised:?}");
    assert!(raised.iter().all(|t| !t.contains(&sid("WK", 3)) && !t.contains(&sid("WK", 4))), "{raised:?}");
    let included = run_tool(&fake.env(), &["apply", "--yes", "--include-voice-off"]);
    assert_eq!(included.code, 0, "{}\n{}", included.out, included.err);
    assert!(included.out.contains("agent3 (WK00000000000000000000000000000003): 0 -> 2"), "{}", included.out);
    assert_eq!(fake.writes().iter().filter(|w| w.target.contains("/Channels/")).count(), 4);
}

#[test]
fn the_audit_of_a_blocked_workflow_promises_only_what_apply_does() {
    let mut data = standard_data();
    data.workflows[0].2 = data.workflows[0].2.replace("worker.lead == true", "worker.lead == (true");
    let fake = Fake::start(data);
    let audit = run_tool(&fake.env(), &["audit"]);
    assert_eq!(audit.code, 1);
    assert!(!audit.out.contains("apply sets it to"), "{}", audit.out);
    assert!(!audit.out.contains("To change with `apply --yes`"), "{}", audit.out);
    assert!(audit.out.contains("Held back until the items to change by hand are done (5):"), "{}", audit.out);
    let json: Value = serde_json::from_str(&run_tool(&fake.env(), &["audit", "--json"]).out).unwrap();
    let severities: Vec<(&str, &str)> = json["findings"].as_array().unwrap().iter().map(|f| (f["kind"].as_str().unwrap(), f["severity"].as_str().unwrap())).collect();
    assert!(severities.contains(&("worker_capacity", "blocked")) && severities.contains(&("workflow_target", "blocked")), "{severities:?}");
    assert!(!severities.iter().any(|(_, s)| *s == "change"), "{severities:?}");
    let dry = run_tool(&fake.env(), &["apply"]);
    assert!(dry.out.contains("held back until every workflow holds the condition"), "{}", dry.out);
}

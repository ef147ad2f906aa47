//! Behaviour 1: reading `custom_data.features.multi_call`.

mod common;

use common::{feature, host};
use multi_call::{Command, Engine, Event, Level, Mode, Raw, RawConfig};

fn start(config: RawConfig, aiwb: Raw) -> Vec<Command> {
    Engine::new().handle(Event::Start { config, host: host(aiwb) })
}

fn enabled_mode(out: &[Command]) -> Option<Mode> {
    out.iter().find_map(|c| match c {
        Command::Enable { mode } => Some(*mode),
        _ => None,
    })
}

fn logs(out: &[Command], level: Level) -> Vec<String> {
    out.iter()
        .filter_map(|c| match c {
            Command::Log { level: l, message } if *l == level => Some(message.clone()),
            _ => None,
        })
        .collect()
}

fn obj(entries: &[(&str, Raw)]) -> RawConfig {
    RawConfig { root: Raw::Object, entries: entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect() }
}

#[test]
fn absent_or_disabled_feature_leaves_flex_alone() {
    let out = start(RawConfig { root: Raw::Absent, entries: vec![] }, Raw::Absent);
    assert!(out.is_empty());
    let out = start(obj(&[("mode", Raw::Text("forward".into()))]), Raw::Absent);
    assert_eq!(enabled_mode(&out), None, "enabled defaults to false");
}

#[test]
fn wrong_types_are_named_and_keep_the_feature_off() {
    let out = start(obj(&[("enabled", Raw::Text("yes".into()))]), Raw::Absent);
    assert_eq!(enabled_mode(&out), None);
    let errors = logs(&out, Level::Error);
    assert!(errors[0].contains("multi_call.enabled") && errors[0].contains("\"yes\""), "{errors:?}");

    let out = start(obj(&[("enabled", Raw::Bool(true)), ("mode", Raw::Text("sideways".into()))]), Raw::Absent);
    assert_eq!(enabled_mode(&out), None);
    assert!(logs(&out, Level::Error)[0].contains("multi_call.mode"));

    for bad in [Raw::Number(1.0), Raw::Number(2.5), Raw::Text("3".into()), Raw::Null] {
        let out = start(obj(&[("enabled", Raw::Bool(true)), ("max_calls", bad.clone())]), Raw::Absent);
        assert_eq!(enabled_mode(&out), None, "max_calls {bad:?} accepted");
        assert!(logs(&out, Level::Error)[0].contains("multi_call.max_calls"));
    }

    let out = start(RawConfig { root: Raw::Text("on".into()), entries: vec![] }, Raw::Absent);
    assert_eq!(enabled_mode(&out), None);
    assert!(logs(&out, Level::Error)[0].contains("must be an object"));
}

#[test]
fn unknown_keys_are_warned_about_by_name() {
    let out = start(obj(&[("enabled", Raw::Bool(true)), ("max_cals", Raw::Number(3.0))]), Raw::Absent);
    assert_eq!(enabled_mode(&out), Some(Mode::Forward));
    assert!(logs(&out, Level::Warning)[0].contains("multi_call.max_cals"));
}

#[test]
fn auto_picks_forward_on_new_sdks_and_standby_when_flex_ignores_busy_invites() {
    let auto = obj(&[("enabled", Raw::Bool(true))]);
    assert_eq!(enabled_mode(&start(auto.clone(), Raw::Absent)), Some(Mode::Forward));
    assert_eq!(enabled_mode(&start(auto.clone(), Raw::Bool(true))), Some(Mode::Forward));
    assert_eq!(enabled_mode(&start(auto.clone(), Raw::Bool(false))), Some(Mode::Standby));

    let mut old = host(Raw::Bool(false));
    old.sdk_version = Some("2.7.3".into());
    let out = Engine::new().handle(Event::Start { config: auto, host: old });
    assert_eq!(enabled_mode(&out), Some(Mode::Standby));
}

#[test]
fn without_the_sdk_version_auto_goes_by_the_flex_ui_version() {
    // The Device class's static `version` is not promised; Flex UI 2.8+ ships
    // Voice SDK 2.11+, which can forward.
    let auto = obj(&[("enabled", Raw::Bool(true))]);
    let mut page = host(Raw::Absent);
    page.sdk_version = None;
    let out = Engine::new().handle(Event::Start { config: auto.clone(), host: page.clone() });
    assert_eq!(enabled_mode(&out), Some(Mode::Forward), "Flex UI 2.17 without Device.version");

    page.flex_version = Some("2.7.1".into());
    page.allow_incoming_while_busy = Raw::Bool(false);
    let out = Engine::new().handle(Event::Start { config: auto, host: page });
    assert_eq!(enabled_mode(&out), Some(Mode::Standby), "Flex UI 2.7 cannot forward");
}

#[test]
fn a_configuration_that_cannot_work_tells_the_agent_and_names_the_fix() {
    // Standby while Flex's Device still takes busy invites.
    let out = start(feature("standby", None), Raw::Bool(true));
    assert_eq!(enabled_mode(&out), None);
    assert!(out.iter().any(|c| matches!(c, Command::Notify { level: Level::Error, .. })));
    assert!(logs(&out, Level::Error)[0].contains("allowIncomingWhileBusy set to false"));

    // Forward on an SDK without connectToken (Flex UI before 2.8).
    let mut old = host(Raw::Absent);
    old.sdk_version = Some("2.7.3".into());
    let out = Engine::new().handle(Event::Start { config: feature("forward", None), host: old });
    assert_eq!(enabled_mode(&out), None);
    assert!(out.iter().any(|c| matches!(c, Command::Notify { level: Level::Error, .. })));
    assert!(logs(&out, Level::Error)[0].contains("Flex UI 2.8"));

    // No Device class at all.
    let mut none = host(Raw::Absent);
    none.device_class = false;
    let out = Engine::new().handle(Event::Start { config: feature("auto", None), host: none });
    assert_eq!(enabled_mode(&out), None);
    assert!(out.iter().any(|c| matches!(c, Command::Notify { level: Level::Error, .. })));
}

#[test]
fn events_before_start_or_while_off_do_nothing() {
    let mut e = Engine::new();
    assert!(e.handle(Event::Monitoring).is_empty());
    e.handle(Event::Start { config: RawConfig { root: Raw::Absent, entries: vec![] }, host: host(Raw::Absent) });
    assert!(e.handle(Event::NotificationAdding { id: "SecondVoiceCallIncoming".into() }).is_empty());
}

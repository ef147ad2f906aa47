//! Behaviour 6: only one call hears the agent.

mod common;

use common::World;
use multi_call::{Command, Event, Mode, Participant, TaskSnapshot};

#[test]
fn accepting_b_mutes_and_holds_a_before_b_is_answered() {
    for mode in [Mode::Standby, Mode::Forward] {
        let mut w = World::new(mode, None);
        w.offer("WR-A");
        w.accept("WR-A");
        w.offer("WR-B");
        let out = w.send(Event::AcceptingTask { task: "WR-B".into(), is_call: true });
        let a = World::call_of("WR-A");
        assert!(out.contains(&Command::MuteCall { call: a.clone(), muted: true }), "{mode:?}");
        assert!(out.contains(&Command::HoldParticipant { task: "WR-A".into(), target: "CA-cust-WR-A".into() }));
        assert!(w.held("WR-A").contains("CA-cust-WR-A"));
        assert!(!w.held("WR-A").contains(&a), "the agent's own leg is never held");
    }
}

#[test]
fn accepting_a_chat_holds_nothing() {
    let mut w = World::new(Mode::Forward, None);
    w.offer("WR-A");
    w.accept("WR-A");
    let out = w.send(Event::AcceptingTask { task: "WR-chat".into(), is_call: false });
    assert!(out.iter().all(|c| !matches!(c, Command::MuteCall { .. } | Command::HoldParticipant { .. })));
    assert!(w.audible(&World::call_of("WR-A")));
}

#[test]
fn unholding_a_mutes_and_holds_b_then_unmutes_a() {
    for mode in [Mode::Standby, Mode::Forward] {
        let mut w = World::new(mode, None);
        for t in ["WR-A", "WR-B"] {
            w.offer(t);
            w.accept(t);
        }
        let (a, b) = (World::call_of("WR-A"), World::call_of("WR-B"));
        let before = w.log.len();
        w.unhold("WR-A");
        let out = &w.log[before..];
        let mute_b = out.iter().position(|c| *c == Command::MuteCall { call: b.clone(), muted: true });
        let unmute_a = out.iter().position(|c| *c == Command::MuteCall { call: a.clone(), muted: false });
        assert!(mute_b.is_some() && unmute_a > mute_b, "{mode:?}: B goes silent before A opens: {out:?}");
        assert!(w.held("WR-B").contains("CA-cust-WR-B"));
        assert!(w.audible(&a) && !w.audible(&b));
    }
}

#[test]
fn worker_participants_are_held_by_worker_sid_and_left_ones_are_skipped() {
    let mut w = World::new(Mode::Forward, None);
    w.offer("WR-A");
    w.accept("WR-A");
    let mut t = w.tasks["WR-A"].clone();
    t.participants.push(Participant { worker_sid: Some("WK-colleague".into()), call_sid: Some("CA-colleague".into()), kind: "worker".into(), status: "joined".into(), sequence: 9.0, ..Default::default() });
    t.participants.push(Participant { call_sid: Some("CA-gone".into()), kind: "external".into(), status: "left".into(), sequence: 10.0, ..Default::default() });
    w.tasks.insert("WR-A".into(), t.clone());
    w.send(Event::TaskChanged(t));
    let out = w.send(Event::AcceptingTask { task: "WR-B".into(), is_call: true });
    assert!(out.contains(&Command::HoldParticipant { task: "WR-A".into(), target: "WK-colleague".into() }));
    assert!(!out.iter().any(|c| matches!(c, Command::HoldParticipant { target, .. } if target == "CA-gone")));
}

#[test]
fn monitoring_holds_and_mutes_every_call() {
    let mut w = World::new(Mode::Forward, None);
    w.offer("WR-A");
    w.accept("WR-A");
    let out = w.send(Event::Monitoring);
    assert!(out.contains(&Command::MuteCall { call: World::call_of("WR-A"), muted: true }));
    assert!(w.held("WR-A").contains("CA-cust-WR-A"));
}

#[test]
fn unmuting_a_held_call_with_the_mute_button_silences_the_others_first() {
    let mut w = World::new(Mode::Forward, None);
    for t in ["WR-A", "WR-B"] {
        w.offer(t);
        w.accept(t);
    }
    w.select("WR-A");
    let out = w.send(Event::TogglingMute);
    assert!(out.contains(&Command::MuteCall { call: World::call_of("WR-B"), muted: true }));
}

#[test]
fn a_failed_hold_warns_the_agent() {
    let mut w = World::new(Mode::Forward, None);
    let t = TaskSnapshot { sid: "WR-A".into(), is_call: true, status: "assigned".into(), participants: vec![] };
    w.send(Event::TaskChanged(t));
    let out = w.send(Event::HoldSettled { task: "WR-A".into(), target: "CA-1".into(), error: Some("canHold is false".into()) });
    assert!(out.iter().any(|c| matches!(c, Command::Notify { id: "hold-failed", .. })));
}

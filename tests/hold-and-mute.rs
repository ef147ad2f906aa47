//! Behaviour 6: only one call hears the agent.

mod common;

use common::{SimCall, World};
use multi_call::{FLEX_DEVICE, Command, Event, Mode, Participant, TaskSnapshot};

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
        assert!(out.contains(&Command::HoldParticipant { task: "WR-A".into(), target: "CA-cust-WR-A".into() }), "{mode:?}");
        assert!(w.held("WR-A").contains("CA-cust-WR-A"));
        assert!(!w.held("WR-A").contains(&a), "the agent's own leg is never held");
    }
}

/// Flex learns a call's participants from the Interactions API after the call
/// connects; with a slow link the agent can accept B before A's customer is known.
#[test]
fn a_customer_flex_learns_of_after_the_agent_moved_on_is_held_then() {
    for mode in [Mode::Standby, Mode::Forward] {
        let mut w = World::new(mode, None);
        w.offer("WR-A");
        let known = std::mem::take(&mut w.tasks.get_mut("WR-A").unwrap().participants);
        let snap = w.tasks["WR-A"].clone();
        w.send(Event::TaskChanged(snap));
        w.accept("WR-A");
        w.offer("WR-B");
        w.accept("WR-B");
        assert!(w.held("WR-A").is_empty(), "{mode:?}: nothing was known to hold");
        // A's customer (and the agent's own leg) arrive now, while the agent is on B.
        let mut t = w.tasks["WR-A"].clone();
        t.participants.splice(0..0, known);
        w.tasks.insert("WR-A".into(), t.clone());
        let out = w.send(Event::TaskChanged(t));
        assert!(out.contains(&Command::HoldParticipant { task: "WR-A".into(), target: "CA-cust-WR-A".into() }), "{mode:?}: {out:?}");
        assert!(!w.held("WR-A").contains(&World::call_of("WR-A")), "the agent's own leg is never held");
        assert!(w.audible(&World::call_of("WR-B")) && !w.audible(&World::call_of("WR-A")));
        // Held once: a later change of A does not hold it again, and B's own participants stay open.
        let out = w.send(Event::TaskChanged(w.tasks["WR-A"].clone()));
        assert!(!out.iter().any(|c| matches!(c, Command::HoldParticipant { .. })), "{out:?}");
        assert!(w.held("WR-B").is_empty());
    }
}

/// A participant the agent took off hold stays off hold: only new arrivals are held.
#[test]
fn a_participant_unheld_outside_multi_call_is_not_held_again() {
    let mut w = World::new(Mode::Forward, None);
    w.take(&["WR-A", "WR-B"]);
    assert!(w.held("WR-A").contains("CA-cust-WR-A"));
    let mut t = w.tasks["WR-A"].clone();
    for p in &mut t.participants {
        p.on_hold = false;
    }
    w.tasks.insert("WR-A".into(), t.clone());
    let out = w.send(Event::TaskChanged(t));
    assert!(!out.iter().any(|c| matches!(c, Command::HoldParticipant { .. })), "{out:?}");
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
        w.take(&["WR-A", "WR-B"]);
        let (a, b) = (World::call_of("WR-A"), World::call_of("WR-B"));
        let before = w.log.len();
        w.unhold("WR-A");
        let out = &w.log[before..];
        let mute_b = out.iter().position(|c| *c == Command::MuteCall { call: b.clone(), muted: true });
        let unmute_a = out.iter().position(|c| *c == Command::MuteCall { call: a.clone(), muted: false });
        assert!(mute_b.is_some() && unmute_a > mute_b, "{mode:?}: B goes silent before A opens: {out:?}");
        // Flex's un-hold of A does not wait for B's hold: the agent is already muted on B.
        let hold_b = out.iter().position(|c| *c == Command::HoldParticipant { task: "WR-B".into(), target: "CA-cust-WR-B".into() });
        assert!(hold_b > mute_b, "{mode:?}: B's caller held without holding up the un-hold, after B is muted: {out:?}");
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

/// A supervisor on a call monitors a colleague: the monitoring call opens on
/// an extra line while Flex's active call stays the agent's own customer call.
fn monitoring_on_a_second_line(mode: Mode) -> World {
    let mut w = World::new(mode, None);
    w.offer("WR-A");
    w.accept("WR-A");
    w.send(Event::Monitoring);
    let device = match mode {
        Mode::Standby => *w.extra_devices().first().expect("a standby Device"),
        Mode::Forward => FLEX_DEVICE,
    };
    // It rings the agent's identity: the standby Device, or Flex's busy Device (which forward mode takes over).
    w.ringing_on_flex.insert("CA-monitor".into(), String::new());
    w.send(Event::CallIncoming { device, call: "CA-monitor".into(), busy: true });
    w.fire_timers();
    assert!(w.calls.get("CA-monitor").is_some_and(|c| c.open), "the monitoring call is open");
    assert_eq!(w.active.as_deref(), Some(World::call_of("WR-A").as_str()), "Flex's active call is A");
    w
}

#[test]
fn stopping_monitoring_ends_the_monitoring_call_never_the_customers() {
    for mode in [Mode::Standby, Mode::Forward] {
        let mut w = monitoring_on_a_second_line(mode);
        let out = w.send(Event::StoppingMonitoring);
        assert!(out.contains(&Command::Cancel), "{mode:?}: Flex's disconnect of its active call (A) is cancelled");
        assert!(out.contains(&Command::DisconnectCall { call: "CA-monitor".into() }), "{mode:?}: {out:?}");
        assert!(!w.calls["CA-monitor"].open);
        assert!(w.calls[&World::call_of("WR-A")].open, "{mode:?}: A's customer is still on the line");
    }
}

#[test]
fn a_call_accepted_after_monitor_call_is_never_taken_for_the_monitoring_call() {
    let mut w = World::new(Mode::Standby, None);
    w.offer("WR-A");
    w.accept("WR-A");
    w.send(Event::Monitoring);
    // The supervisor accepts a transfer before the monitoring call rings.
    w.offer("WR-B");
    w.accept("WR-B");
    let out = w.send(Event::StoppingMonitoring);
    assert!(out.contains(&Command::Cancel), "Flex would hang up B");
    assert!(!out.iter().any(|c| matches!(c, Command::DisconnectCall { .. })), "no customer's call is hung up: {out:?}");
}

#[test]
fn monitoring_on_flexs_own_idle_device_is_left_to_flex() {
    let mut w = World::new(Mode::Standby, None);
    w.send(Event::Monitoring);
    // Not on a call: Flex's own Device answers the monitoring call and makes it its active call.
    w.send(Event::CallIncoming { device: FLEX_DEVICE, call: "CA-monitor".into(), busy: false });
    w.calls.insert("CA-monitor".into(), SimCall { device: FLEX_DEVICE, open: true, muted: false, task: String::new() });
    w.send(Event::CallAccepted { device: FLEX_DEVICE, call: "CA-monitor".into() });
    w.send(Event::ActiveCallChanged { call: Some("CA-monitor".into()) });
    let out = w.send(Event::StoppingMonitoring);
    assert!(!out.contains(&Command::Cancel), "Flex disconnects the right call itself: {out:?}");
}

#[test]
fn unmuting_a_held_call_with_the_mute_button_silences_the_others_first() {
    let mut w = World::new(Mode::Forward, None);
    w.take(&["WR-A", "WR-B"]);
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

#[test]
fn a_worker_who_cannot_be_held_is_logged_and_the_agent_is_not_interrupted() {
    // Bob transferred his caller to the agent cold and left, but Flex still
    // lists him as joined (its participant list and events travel apart).
    let mut w = World::new(Mode::Forward, None);
    w.take(&["WR-A", "WR-B"]);
    let mut t = w.tasks["WR-B"].clone();
    t.participants.push(Participant { worker_sid: Some("WK-bob".into()), call_sid: Some("CA-bob".into()), kind: "worker".into(), status: "joined".into(), sequence: 9.0, ..Default::default() });
    w.tasks.insert("WR-B".into(), t.clone());
    w.send(Event::TaskChanged(t));
    // The agent goes back to A: multi-call holds B's caller and Bob; Bob's hold fails.
    let out = w.send(Event::Unholding { task: "WR-A".into() });
    assert!(out.contains(&Command::HoldParticipant { task: "WR-B".into(), target: "WK-bob".into() }));
    let out = w.send(Event::HoldSettled { task: "WR-B".into(), target: "WK-bob".into(), error: Some("404 no participant".into()) });
    // The console says so; no notification covers the agent's task list.
    assert!(out.iter().any(|c| matches!(c, Command::Log { message, .. } if message.contains("WK-bob") && message.contains("404 no participant"))), "{out:?}");
    assert!(!out.iter().any(|c| matches!(c, Command::Notify { .. })), "{out:?}");
    // A caller's failed hold still asks the agent to act.
    let out = w.send(Event::HoldSettled { task: "WR-B".into(), target: "CA-cust-WR-B".into(), error: Some("500".into()) });
    assert!(out.iter().any(|c| matches!(c, Command::Notify { id: "hold-failed", .. })), "{out:?}");
}

/// A call already held needs no hold when the agent accepts another.
#[test]
fn accepting_another_call_while_the_others_are_held_holds_nothing() {
    for mode in [Mode::Standby, Mode::Forward] {
        let mut w = World::new(mode, None);
        w.take(&["WR-A", "WR-B"]);
        assert!(w.held("WR-A").contains("CA-cust-WR-A"), "{mode:?}: A held when B was accepted");
        // The agent holds B too before taking C (Flex's own hold button).
        let mut t = w.tasks["WR-B"].clone();
        for p in t.participants.iter_mut().filter(|p| !p.is_current_worker) {
            p.on_hold = true;
        }
        w.tasks.insert("WR-B".into(), t.clone());
        w.send(Event::TaskChanged(t));
        w.offer("WR-C");
        let out = w.send(Event::AcceptingTask { task: "WR-C".into(), is_call: true });
        assert!(!out.iter().any(|c| matches!(c, Command::HoldParticipant { .. })), "{mode:?}: {out:?}");
    }
}

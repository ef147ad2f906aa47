//! Behaviour 3: forward mode, taking a call over with `connectToken`.

mod common;

use common::World;
use multi_call::{Command, Event, Mode, FLEX_DEVICE};

#[test]
fn second_call_on_busy_flex_device_moves_to_a_new_device_and_flexs_prompt_is_cancelled() {
    let mut w = World::new(Mode::Forward, None);
    w.offer("WR-A");
    w.accept("WR-A");
    let spare = w.engine.spare_devices();
    assert_eq!(spare.len(), 1, "a spare is made ahead once the agent is on a call");
    assert!(!w.log.iter().any(|c| matches!(c, Command::CreateDevice { register: true, .. })), "forward mode registers no Device: it would ring");
    w.offer("WR-B");
    w.accept("WR-B");
    let b = World::call_of("WR-B");
    assert!(!w.notifications.contains(&"SecondVoiceCallIncoming"), "Flex's prompt was cancelled");
    let device = w.calls[&b].device;
    assert_ne!(device, FLEX_DEVICE);
    let create = w.log.iter().position(|c| *c == Command::CreateDevice { device, register: false });
    let forward = w.log.iter().position(|c| *c == Command::ForwardCall { device, call: b.clone() });
    assert!(create.is_some() && forward > create, "an unregistered Device is created, then takes the call");
    assert_eq!(device, spare[0], "the spare takes it");
    assert_eq!(w.engine.spare_devices().len(), 1, "and a new spare waits for a third call");
    assert!(w.audible(&b) && !w.audible(&World::call_of("WR-A")));
}

#[test]
fn without_a_spare_a_takeover_makes_its_own_device_and_no_spare_is_made_after_one_failed() {
    let mut w = World::new(Mode::Forward, None);
    w.take(&["WR-A"]);
    let spare = w.engine.spare_devices()[0];
    w.send(Event::DeviceFailed { device: spare, code: 31000, message: "transport error".into() });
    assert!(w.engine.extra_devices().is_empty(), "the failed spare is destroyed");
    w.take(&["WR-B"]);
    let b = World::call_of("WR-B");
    assert!(w.audible(&b), "B is taken on a Device made for it");
    assert!(w.engine.spare_devices().is_empty(), "no spare is made again after one failed");
    assert!(w.log.iter().any(|c| matches!(c, Command::Log { message, .. } if message.contains("spare Device") && message.contains("transport error"))));
}

#[test]
fn three_and_four_calls_each_get_their_own_device() {
    let mut w = World::new(Mode::Forward, None);
    for t in ["WR-A", "WR-B", "WR-C", "WR-D"] {
        w.offer(t);
        w.accept(t);
        assert!(w.audible(&World::call_of(t)), "the newest call {t} is the one heard");
    }
    let devices: std::collections::BTreeSet<u32> = w.calls.values().map(|c| c.device).collect();
    assert_eq!(devices.len(), 4);
    assert_eq!(w.calls.values().filter(|c| c.open && !c.muted).count(), 1);
}

#[test]
fn beyond_max_calls_flex_keeps_its_prompt_and_the_agent_is_told() {
    let mut w = World::new(Mode::Forward, Some(2.0));
    w.take(&["WR-A", "WR-B", "WR-C"]);
    assert!(w.notifications.contains(&"SecondVoiceCallIncoming"), "stock prompt for the third call");
    assert!(w.notifications.contains(&"limit"));
    assert!(!w.calls.contains_key(&World::call_of("WR-C")));
}

#[test]
fn a_call_on_an_idle_flex_device_is_left_to_flex() {
    let mut w = World::new(Mode::Forward, None);
    let out = w.send(Event::CallIncoming { device: FLEX_DEVICE, call: "CA-1".into(), busy: false });
    assert!(!out.iter().any(|c| matches!(c, Command::ForwardCall { .. } | Command::CreateDevice { .. })));
    let out = w.send(Event::NotificationAdding { id: "SomethingElse".into() });
    assert!(out.is_empty());
}
